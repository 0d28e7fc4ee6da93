"""Shared pieces of the Slack app tests: signing by hand, v2 events, a fake Slack Web API, a held deferrer.

- ``sign`` computes Slack's v0 signature with ``hmac`` here, so the tests do not trust slack_sdk blindly.
- ``FakeSlack`` is a Web API on loopback (``http.server`` in a thread): it records every call's method,
  path, parsed body and headers, and answers like Slack (``{"ok": true, ...}``). Point ``api_url`` at it.
- ``HeldDeferrer`` keeps deferred jobs until the test runs them: "the handler answered before the work
  was done" is then a fact, not a timing.
- ``wired`` (fixture) is the Slack app on a real SQLite store with a fake Slack, installed in the handler;
  test modules import fixtures by name (``from tests.slack_support import wired as wired``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from admin_api.events import http_api_event
from admin_api.slack import handler
from admin_api.slack.deferral import DEFERRED, Job
from admin_api.slack.settings import SlackSettings
from fulfillment.domain import Request, SqliteRequestStore
from fulfillment.domain.decisions import Decisions, Outcome

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105 (a fake)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ADMIN_ID = "U0ADMIN001"
VIEWER_ID = "U0VIEWER01"
STRANGER_ID = "U0STRANGE1"
CHANNEL = "C0ADMINS01"
MESSAGE_TS = "1700000000.000100"
BOT_TOKEN = "xoxb-test-token"  # noqa: S105 (a fake)


def sign(body: bytes, timestamp: int | str, secret: str = SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_event(
    path: str,
    body: bytes,
    *,
    timestamp: int | None = None,
    secret: str = SECRET,
    signature: str | None = None,
    content_type: str = "application/json",
    extra: Sequence[tuple[str, str]] = (),
    drop: Sequence[str] = (),
    method: str = "POST",
) -> dict[str, Any]:
    """An HTTP API v2 event as API Gateway would pass Slack's request (signed unless told otherwise)."""
    ts = int(NOW.timestamp()) if timestamp is None else timestamp
    headers = {
        "content-type": content_type,
        "x-slack-request-timestamp": str(ts),
        "x-slack-signature": signature if signature is not None else sign(body, ts, secret),
    }
    pairs = [(k, v) for k, v in headers.items() if k not in drop]
    return http_api_event(method=method, path=path, headers=[*pairs, *extra], body=body, now=NOW)


def events_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def interaction_event(payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    body = interaction_body(payload)
    return signed_event(
        "/slack/interactions", body, content_type="application/x-www-form-urlencoded", **kwargs
    )


# -- a fake Slack Web API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    """The API method, e.g. ``chat.postMessage``."""
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


class FakeSlack:
    """Slack's Web API on ``127.0.0.1``; ``fail[method] = "error"`` makes that method answer ok=false."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.fail: dict[str, str] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.headers.get("content-type", "").startswith("application/json"):
                    body = json.loads(raw or b"{}")
                else:
                    body = dict(parse_qsl(raw.decode()))
                method = self.path.rsplit("/", 1)[-1]
                fake.calls.append(
                    Call(method, self.path, body, {k.lower(): v for k, v in self.headers.items()})
                )
                answer = json.dumps(fake.answer(method, body)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method in self.fail:
            return {"ok": False, "error": self.fail[method]}
        message = {"type": "message", "text": body.get("text"), "blocks": body.get("blocks")}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": MESSAGE_TS, "message": message}
        if method == "chat.update":
            ts = body.get("ts")
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": ts,
                "text": body.get("text"),
                "message": message,
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": "1700000000.000200"}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V0FAKE0001", **(body.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    def to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- the app under test -----------------------------------------------------------------------------------


@dataclass
class HeldDeferrer:
    """Keeps jobs; ``run_all`` sends each to the handler as the deferred marker event, like AWS would."""

    jobs: list[Job] = field(default_factory=list)
    refuse: bool = False

    def defer(self, job: Job) -> None:
        if self.refuse:
            raise RuntimeError("backlog full")
        self.jobs.append(json.loads(json.dumps(job)))  # what survives a Lambda payload, and a copy

    def run_all(self) -> list[Any]:
        jobs, self.jobs = self.jobs, []
        return [handler.lambda_handler({DEFERRED: job}, None) for job in jobs]


@dataclass
class RecordingNotifier:
    sent: list[tuple[str, Outcome]] = field(default_factory=list)

    def notify(self, request: Request, outcome: Outcome) -> None:
        self.sent.append((request.id, outcome))


@dataclass
class Wired:
    app: handler.SlackApp
    store: SqliteRequestStore
    slack: FakeSlack
    deferrer: HeldDeferrer
    notifier: RecordingNotifier


def settings_for(api_url: str | None, **changes: Any) -> SlackSettings:
    roles = {ADMIN_ID: frozenset({"admin"}), VIEWER_ID: frozenset({"viewer"})}
    values: dict[str, Any] = {
        "signing_secret": SECRET,
        "bot_token": BOT_TOKEN,
        "admin_channel": CHANNEL,
        "roles": MappingProxyType(roles),
        "api_url": api_url,
        "host_timezone": "Europe/Madrid",
    }
    return SlackSettings(**(values | changes))


@pytest.fixture
def wired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Wired]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)  # slack_sdk would send loopback calls through a proxy
    store = SqliteRequestStore(tmp_path / "slack.db")
    notifier = RecordingNotifier()
    deferrer = HeldDeferrer()
    with FakeSlack() as slack:
        app = handler.SlackApp(
            settings_for(slack.url),
            decisions=Decisions(store, notifier, lambda: NOW),
            deferrer=deferrer,
            clock=lambda: NOW,
        )
        handler.use(app)
        try:
            yield Wired(app, store, slack, deferrer, notifier)
        finally:
            handler.use(None)
            store.close()
