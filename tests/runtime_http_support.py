"""Shared pieces of the runtime HTTP tests: Lex URLs, an echoing fake of the runtime core, and fixtures.

``EchoRuntime`` stands in for the runtime core, so the tests pin the HTTP contract alone. The ``runtime`` and
``client`` fixtures live here; test modules import both by name (``client`` needs ``runtime``) so pytest finds
them. ``TestClient`` is imported here once, behind the Starlette deprecation-warning filter, for every module.
"""

from __future__ import annotations

import base64
import gzip
import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from bot.runtime import errors
from bot.runtime.api import SessionTarget
from bot.runtime.http import create_app

with warnings.catch_warnings():  # Starlette 1.x asks for "httpx2"; the dev extra provides httpx, which works
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

__all__ = [
    "BASE",
    "BOT",
    "SESSION_URL",
    "TEXT_URL",
    "EchoRuntime",
    "TestClient",
    "assert_lex_error",
    "client",
    "decode_header",
    "runtime",
]

BOT = "ABCDEFGHIJ"
BASE = f"/bots/{BOT}/botAliases/TSTALIASID/botLocales/en_US/sessions"
TEXT_URL = f"{BASE}/user-1/text"
SESSION_URL = f"{BASE}/user-1"


class EchoRuntime:
    """A RuntimeApi that echoes its input, remembers sessions, and raises a chosen error on demand.

    Text ``raise:<ErrorCode>`` makes recognize_text raise that LexRuntimeError subclass.
    """

    def __init__(self) -> None:
        self.sessions: dict[SessionTarget, dict[str, Any]] = {}
        self.calls: list[tuple[str, SessionTarget, tuple[Any, ...]]] = []
        self.last_result: dict[str, Any] = {}

    def recognize_text(
        self,
        target: SessionTarget,
        text: str,
        session_state: dict[str, Any] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        self.calls.append(("recognize_text", target, (text, session_state, request_attributes)))
        if text.startswith("raise:"):
            raise getattr(errors, text.removeprefix("raise:"))(f"asked to fail: {text}")
        state = session_state or self.sessions.get(target) or {"dialogAction": {"type": "ElicitIntent"}}
        self.sessions[target] = state
        result: dict[str, Any] = {
            "messages": [{"contentType": "PlainText", "content": f"You said: {text}"}],
            "sessionState": state,
            "interpretations": [{"intent": {"name": "FallbackIntent", "slots": {}}}],
            "sessionId": target.session_id,
        }
        if request_attributes is not None:
            result["requestAttributes"] = request_attributes
        self.last_result = result
        return result

    def put_session(
        self,
        target: SessionTarget,
        session_state: dict[str, Any],
        messages: list[dict[str, Any]] | None,
        request_attributes: dict[str, str] | None,
    ) -> dict[str, Any]:
        self.calls.append(("put_session", target, (session_state, messages, request_attributes)))
        self.sessions[target] = session_state
        self.last_result = {
            "messages": messages,
            "sessionState": session_state,
            "requestAttributes": request_attributes,
            "sessionId": target.session_id,
        }
        return self.last_result

    def get_session(self, target: SessionTarget) -> dict[str, Any]:
        self.calls.append(("get_session", target, ()))
        if target not in self.sessions:
            raise errors.ResourceNotFoundException(f"Session {target.session_id} does not exist.")
        return {"sessionId": target.session_id, "messages": [], "sessionState": self.sessions[target]}

    def delete_session(self, target: SessionTarget) -> dict[str, Any]:
        self.calls.append(("delete_session", target, ()))
        if self.sessions.pop(target, None) is None:
            raise errors.ResourceNotFoundException(f"Session {target.session_id} does not exist.")
        return {
            "botId": target.bot_id,
            "botAliasId": target.alias_id,
            "localeId": target.locale_id,
            "sessionId": target.session_id,
        }

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "sessions": len(self.sessions)}


def decode_header(value: str) -> Any:
    """How SDK users decode PutSession's headers: base64, then gunzip, then JSON."""
    return json.loads(gzip.decompress(base64.b64decode(value)))


def assert_lex_error(response: Any, code: str, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["x-amzn-ErrorType"] == code
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["message"]
    message: str = body["message"]
    return message


@pytest.fixture
def runtime() -> EchoRuntime:
    return EchoRuntime()


@pytest.fixture
def client(runtime: EchoRuntime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        yield test_client
