"""``meety serve``: the local Lex V2 runtime over HTTP (later issues add the admin API, widget and portal)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import uvicorn
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from bot.compose import PROJECT_CODE_HOOK, build_runtime, use_default_store
from bot.runtime.events import TEST_ALIAS_ID
from bot.runtime.http import create_app
from bot.runtime_settings import RuntimeSettings
from bot.web import SecurityHeaders, WidgetCors, docs_redirect, web_routes

if TYPE_CHECKING:
    from admin_api.local_gateway import Gateway
    from bot.sandbox import Sandbox

FIRST_ADMIN = "admin"
SWEEP_INTERVAL_S = 60.0
"""How often ``meety serve`` expires undecided requests (the AWS schedule uses the same period)."""


def bind(host: str, port: int) -> socket.socket:
    """Bind before serving, so port 0 gets a real port we can print."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit this; without it a keep-alive response waits ~40 ms for a delayed ACK
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def admin_gateway(settings: RuntimeSettings) -> Gateway:
    """The admin API Lambda behind the local stand-in for API Gateway's JWT authorizer and Cognito."""
    from admin_api.handler import lambda_handler
    from admin_api.local_gateway import Gateway
    from admin_api.login_limits import LoginLimiter
    from admin_api.users import USERS_FILE, UserStore
    from fulfillment.identity import load_or_create_key

    use_default_store(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Gateway(
        handler=lambda_handler,
        key=load_or_create_key(settings.data_dir),
        users=UserStore(settings.data_dir / USERS_FILE),
        limiter=LoginLimiter(),
        clock=lambda: datetime.now(UTC),  # tokens expire in real time, even with a pinned --clock
    )


def slack_app_routes() -> list[BaseRoute]:
    """``/slack/events`` and ``/slack/interactions``: they answer 404 until a signing secret is set."""
    from admin_api.slack.local_routes import slack_routes

    return slack_routes()


def announce_in_slack() -> None:
    """New requests filed by the project's code hook go to the Slack admins channel, when one is set."""
    if not (os.environ.get("MEETY_SLACK_BOT_TOKEN") and os.environ.get("MEETY_SLACK_ADMIN_CHANNEL")):
        return
    from admin_api.slack.approvals import Announcer
    from admin_api.slack.settings import load_slack_settings
    from fulfillment.handler import use_announcer

    use_announcer(Announcer(load_slack_settings()))


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def first_run_admin(gateway: Gateway) -> tuple[str, str] | None:
    """On a data dir without accounts, an ``admin`` with a random password, shown once on the console."""
    if gateway.users.list():
        return None
    password = secrets.token_urlsafe(12)
    gateway.users.create(FIRST_ADMIN, password, "admin")
    return FIRST_ADMIN, password


def serve(settings: RuntimeSettings, sandbox: Sandbox | None = None) -> int:
    started = time.perf_counter()
    runtime = build_runtime(settings)
    admin = admin_gateway(settings)
    created = first_run_admin(admin)
    sock = bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    # the Slack app (loaded on its first request) sends DMs to this very runtime unless told otherwise
    os.environ.setdefault("MEETY_SLACK_LEX_ENDPOINT", base)
    locales = ", ".join(loc.locale_id for loc in runtime.bot.locales)
    ready = time.perf_counter() - started
    print(f"Meety: bot {runtime.bot.name} (id {runtime.bot_id}; locales {locales}) ready in {ready:.2f}s")
    print(f"  Chat widget:     {base}/")
    print(f"  Admin portal:    {base}/admin/")
    if created is not None:
        print(f"  First-run admin: username {created[0]}, password {created[1]}")
        print("                   (shown only now; change it: meety admin set-password --username admin)")
    print(f"  Admin API:       {base}/admin/api  (reference: {base}/api-docs/)")
    print(f"  Lex V2 runtime:  {base}  (boto3.client('lexv2-runtime', endpoint_url='{base}'))")
    session_path = f"/bots/{runtime.bot_id}/botAliases/{TEST_ALIAS_ID}/botLocales/<locale>/sessions/<id>"
    print(f"  RecognizeText:   {base}{session_path}/text")
    print(f"  Data:            {settings.data_dir.resolve()}")
    hook = ""
    if runtime.handler is None:
        print("  Code hook:       none (hooks enabled in the bot are skipped, as Lex does without a Lambda)")
    else:
        hook = f"{runtime.handler.__module__}:{getattr(runtime.handler, '__name__', '?')}"
        print(f"  Code hook:       {hook}")
        print(f"  Requests:        {os.environ.get('MEETY_STORE', 'MEETY_STORE default')}")
    if sandbox is not None:
        print(f"  AWS:             sandbox (in-process moto account, {sandbox.region}); nothing reaches AWS")
        print(f"                   pipelines {', '.join(sandbox.pipelines)}")
        print(f"                   backup targets {', '.join(str(t) for t in sandbox.backup_targets)}")
    if os.environ.get("MEETY_SLACK_SIGNING_SECRET"):
        print(f"  Slack app:       {base}/slack/events and {base}/slack/interactions (see docs/slack.md)")
    print(f"  Health:          {base}/health")
    print("Press Ctrl-C to stop.", flush=True)
    if hook == PROJECT_CODE_HOOK:
        announce_in_slack()
    sweep = None
    if runtime.handler is not None and hook == PROJECT_CODE_HOOK:
        # the project's Lambda files requests: expire undecided ones, as the scheduled sweeper does in AWS
        from fulfillment.sweeper import PeriodicSweep

        sweep = PeriodicSweep.from_environment(interval=SWEEP_INTERVAL_S).start()
    # Without a code hook a turn is pure CPU work: it runs on the event loop. A hook may wait on I/O, so
    # hooked turns run in worker threads (one by default: more only compete for the GIL; see create_app).
    app = create_app(
        runtime,
        threads=settings.hook_threads if runtime.handler is not None else 0,
        extra_routes=[*docs_redirect(), *admin.routes(), *slack_app_routes(), *web_routes()],
        middleware=[
            Middleware(WidgetCors, origins=settings.widget_origins),
            Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors),
        ],
    )
    # uvicorn stops on SIGINT/SIGTERM after in-flight requests finish (every write is one SQLite commit),
    # then re-raises the signal; these handlers turn that into a normal return so the cleanup below runs
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if sweep is not None:
            sweep.stop()
        runtime.store.close()
    print("Meety stopped.", flush=True)
    return 0
