"""``meety serve``: the local Lex V2 runtime over HTTP (later issues add the admin API, widget and portal)."""

from __future__ import annotations

import os
import socket
import time

import uvicorn

from bot.compose import build_runtime
from bot.runtime.events import TEST_ALIAS_ID
from bot.runtime.http import create_app
from bot.runtime_settings import RuntimeSettings


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


def serve(settings: RuntimeSettings) -> int:
    started = time.perf_counter()
    runtime = build_runtime(settings)
    sock = bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    locales = ", ".join(loc.locale_id for loc in runtime.bot.locales)
    ready = time.perf_counter() - started
    print(f"Meety: bot {runtime.bot.name} (id {runtime.bot_id}; locales {locales}) ready in {ready:.2f}s")
    print(f"  Lex V2 runtime:  {base}  (boto3.client('lexv2-runtime', endpoint_url='{base}'))")
    session_path = f"/bots/{runtime.bot_id}/botAliases/{TEST_ALIAS_ID}/botLocales/<locale>/sessions/<id>"
    print(f"  RecognizeText:   {base}{session_path}/text")
    print(f"  Health:          {base}/health")
    print(f"  Sessions:        {settings.data_dir / 'lex-sessions.db'}")
    if runtime.handler is None:
        print("  Code hook:       none (hooks enabled in the bot are skipped, as Lex does without a Lambda)")
    else:
        hook = f"{runtime.handler.__module__}:{getattr(runtime.handler, '__name__', '?')}"
        print(f"  Code hook:       {hook}")
        print(f"  Requests:        {os.environ.get('MEETY_STORE', 'MEETY_STORE default')}")
    # Without a code hook a turn is pure CPU work (about 1 ms): calling it on the event loop beats the
    # thread pool's hand-off (bench/runtime_http.py: 576 vs 330 turns/s). A hook may wait on I/O, so then
    # turns run in the thread pool and one slow hook does not stall every session.
    app = create_app(runtime, offload=runtime.handler is not None)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        runtime.store.close()
    return 0
