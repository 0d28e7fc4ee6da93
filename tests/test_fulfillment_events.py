"""``lambda_handler`` on hand-written events in AWS's documented Lex V2 format (lex-v2-notes 3.2)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.codehook import LocalLambdaContext, check_reply
from fulfillment import handler
from fulfillment.app import LOCALES_DIR, App, build_app, open_store
from fulfillment.handler import lambda_handler
from fulfillment.logs import mask_emails
from fulfillment.settings import load_fulfillment_settings
from fulfillment.texts import Texts
from tests.runtime_support import NOW, meety_bot

EVENTS = Path(__file__).parent / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def valid(reply: dict[str, Any], locale: str = "en_US") -> dict[str, Any]:
    bot_locale = meety_bot().locale(locale)
    assert bot_locale is not None
    check_reply(reply, bot_locale)
    return reply


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{tmp_path / 'events.db'}")
    monkeypatch.setenv("MEETY_HOST_TIMEZONE", "America/New_York")
    settings = load_fulfillment_settings()
    built = build_app(settings, open_store(settings), Texts.load(LOCALES_DIR), lambda: NOW)
    handler.set_app(built)
    yield built
    handler.set_app(None)


def call(event: object) -> dict[str, Any]:
    return lambda_handler(event, LocalLambdaContext())


def test_dialog_hook_resolves_the_ambiguous_time_and_delegates(app: App) -> None:
    reply = valid(call(load("schedule_dialog.json")))
    state = reply["sessionState"]
    assert state["dialogAction"] == {"type": "Delegate"}
    assert state["intent"]["slots"]["MeetingTime"]["value"]["interpretedValue"] == "15:00"


def test_fulfillment_hook_files_one_request_and_is_idempotent(app: App) -> None:
    event = load("schedule_fulfillment.json")
    first = valid(call(event))
    second = valid(call(event))
    assert first["sessionState"]["intent"]["state"] == "Fulfilled"
    assert first["messages"] == second["messages"]
    [request] = app.store.list_by_requester("web", "web-session-0001", ("pending",))
    assert request.meeting is not None
    assert request.meeting.start_utc == datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
    assert request.meeting.user_zone == "Europe/London"
    assert request.idempotency_key == "web-session-0001:8d3c1a52-6a4e-4d47-9f0e-3b6f1f0b2a11"
    message = first["messages"][0]["content"]
    assert request.id in message
    assert "15:00 your time (10:00 America/New_York)" in message


def test_list_my_meetings(app: App) -> None:
    reply = valid(call(load("list_my_meetings.json")))
    assert reply["sessionState"]["dialogAction"]["type"] == "Close"
    assert "no pending or approved" in reply["messages"][0]["content"]
    call(load("schedule_fulfillment.json"))
    reply = valid(call(load("list_my_meetings.json")))
    assert "Jane Doe" in reply["messages"][0]["content"]


@pytest.mark.parametrize("event", [load("malformed.json"), None, [], "text", {}])
def test_malformed_events_close_as_failed(app: App, event: object) -> None:
    reply = valid(call(event))
    assert reply["sessionState"]["dialogAction"]["type"] == "Close"
    assert reply["sessionState"]["intent"]["state"] == "Failed"
    assert "Sorry" in reply["messages"][0]["content"]


def test_unknown_intent_closes_as_failed(app: App) -> None:
    event = load("list_my_meetings.json")
    event["sessionState"]["intent"]["name"] = "DeployStatus"
    reply = valid(call(event))
    assert reply["sessionState"]["intent"] == {
        "name": "DeployStatus",
        "slots": {},
        "confirmationState": "None",
        "state": "Failed",
    }


def test_store_failure_answers_failed(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.store, "create", broken)
    reply = valid(call(load("schedule_fulfillment.json")))
    assert reply["sessionState"]["intent"]["state"] == "Failed"


def test_lazy_app_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{tmp_path / 'lazy' / 'meety.db'}")
    handler.set_app(None)
    try:
        reply = valid(call(load("list_my_meetings.json")))
    finally:
        handler.set_app(None)
    assert reply["sessionState"]["intent"]["state"] == "Fulfilled"
    assert (tmp_path / "lazy" / "meety.db").exists()


def test_emails_are_masked_in_logs(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    assert mask_emails("write to jane.doe+x@example.co.uk now") == "write to ***@*** now"
    stream = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", stream)
    handler.logger.info("attendee %s", "jane@example.com", extra={"who": "bob@example.org"})
    try:
        raise ValueError("cannot parse carol@example.net")
    except ValueError:
        handler.logger.exception("failed for %s", "dave@example.io")
    out = stream.getvalue()
    for address in ("jane@example.com", "bob@example.org", "carol@example.net", "dave@example.io"):
        assert address not in out
    assert out.count("***@***") >= 4
    assert "ValueError" in out  # the traceback is still there, masked
