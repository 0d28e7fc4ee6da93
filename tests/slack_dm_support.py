"""Shared pieces of the Slack DM tests: the ids, the settings, a fake Slack Web API and DM events.

``FakeSlack`` records Web API calls on loopback and answers like Slack (and ``GET /health`` like
``meety serve``); the ``slack`` fixture starts one per test, and test modules import it by name
(``from tests.slack_dm_support import slack as slack``) so pytest finds it. ``dm_event`` is the event Slack
sends for a DM to the bot.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient

Json = dict[str, Any]
KEY = b"k" * 32
TEAM, DM = "T0TEAM001", "D0DM00001"
OPS, GUEST = "UOPS00001", "UGUEST001"


@dataclass(frozen=True)
class Settings:
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lex_endpoint: str | None = None
    bot_id: str | None = None
    bot_alias_id: str = "TSTALIASID"
    locale: str = "en_US"
    bot_token: str | None = "xoxb-test"  # noqa: S105 - a fake
    api_url: str | None = None


# -- a fake Slack Web API on loopback ------------------------------------------------------------------


class FakeSlack:
    """Records Web API calls and answers like Slack: ``ok``, ``channel``, ``ts``, block ids filled in.
    Also answers ``GET /health`` like `meety serve`, counting the calls."""

    def __init__(self) -> None:
        self.calls: list[Json] = []
        self.health_hits = 0
        self.fail: str | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.health_hits += 1
                self._send({"status": "ok", "bot": {"id": "BOTID12345"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                if "json" in self.headers.get("content-type", ""):
                    args = json.loads(raw)
                else:
                    args = dict(parse_qsl(raw))
                    if "blocks" in args:
                        args["blocks"] = json.loads(args["blocks"])
                for n, block in enumerate(args.get("blocks") or []):
                    block.setdefault("block_id", f"b{len(fake.calls)}-{n}")
                method = self.path.rsplit("/", 1)[-1]
                ts = args.get("ts") or f"17000000{len(fake.calls):02d}.000100"
                fake.calls.append({"method": method, "ts": ts, **args})
                if fake.fail:
                    self._send({"ok": False, "error": fake.fail})
                else:
                    self._send({"ok": True, "channel": args.get("channel"), "ts": ts, "message": args})

            def _send(self, body: Json) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def client(self) -> WebClient:
        return WebClient(token="xoxb-test", base_url=f"{self.url}/api/")  # noqa: S106 - a fake

    def posts(self) -> list[Json]:
        return [c for c in self.calls if c["method"] == "chat.postMessage"]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def dm_event(text: str, user: str = OPS, **extra: Any) -> Json:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": DM,
        "user": user,
        "team": TEAM,
        "text": text,
        "ts": "1700000000.000001",
        **extra,
    }
