"""The runtime service: ids Lex would refuse, session APIs, idle expiry, restarts and isolation."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.runtime.api import SessionTarget
from bot.runtime.errors import ResourceNotFoundException, ValidationException
from bot.runtime.service import Clock, LexRuntime
from bot.runtime.sessions import SqliteSessionStore
from tests.runtime_support import NOW, Chat, meety_bot, runtime_for


@pytest.fixture
def chat() -> Chat:
    return Chat(runtime_for(meety_bot()))


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("bot_id", "ABCDEFGHIJ", "Bot ABCDEFGHIJ not found"),
        ("alias_id", "PRODALIAS1", "alias"),
        ("locale_id", "fr_FR", "Locale fr_FR"),
    ],
)
def test_unknown_bot_alias_or_locale_is_not_found(chat: Chat, field: str, value: str, needle: str) -> None:
    target = replace(chat.target, **{field: value})
    with pytest.raises(ResourceNotFoundException) as caught:
        chat.runtime.recognize_text(target, "hello", None, None)
    assert needle in caught.value.message


def test_an_operator_alias_is_accepted() -> None:
    runtime = LexRuntime(
        meety_bot(),
        store=runtime_for(meety_bot()).store,
        clock=Clock(zone=NOW.tzinfo, pinned=NOW),
        aliases={"LIVE": "live"},  # type: ignore[arg-type]
    )
    body = runtime.recognize_text(SessionTarget(runtime.bot_id, "LIVE", "en_US", "s-1"), "hello", None, None)
    assert body["sessionState"]["intent"]["name"] == "Greeting"
    assert runtime.health()["bot"]["aliasIds"] == ["LIVE", "TSTALIASID"]


def test_get_and_delete_session(chat: Chat) -> None:
    chat.say("book a meeting with Jane Doe")
    got = chat.runtime.get_session(chat.target)
    assert got["sessionId"] == chat.session_id
    assert got["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "MeetingDate"}
    assert got["messages"] == chat.last["messages"]
    assert chat.runtime.delete_session(chat.target)["sessionId"] == chat.session_id
    with pytest.raises(ResourceNotFoundException):
        chat.runtime.get_session(chat.target)
    with pytest.raises(ResourceNotFoundException):
        chat.runtime.delete_session(chat.target)


def test_put_session_sets_the_dialog_state(chat: Chat) -> None:
    chat.runtime.put_session(
        chat.target,
        {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "MeetingDate"},
            "intent": {"name": "ScheduleMeeting"},
        },
        [{"contentType": "PlainText", "content": "Which day?"}],
        None,
    )
    chat.say("friday")
    assert chat.intent["name"] == "ScheduleMeeting"
    assert chat.slot("MeetingDate") == "2026-11-20"
    assert chat.eliciting == "AttendeeName"


def test_put_session_with_delegate_runs_the_dialog(chat: Chat) -> None:
    reply = chat.runtime.put_session(
        chat.target, {"dialogAction": {"type": "Delegate"}, "intent": {"name": "ScheduleMeeting"}}, None, None
    )
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "AttendeeName"}
    assert reply["messages"]


@pytest.mark.parametrize(
    ("state", "needle"),
    [
        ({"sessionAttributes": {"a": 1}}, "sessionAttributes"),
        ({"dialogAction": {"type": "Jump"}}, "dialogAction.type"),
        ({"intent": {"name": "NoSuchIntent"}}, "NoSuchIntent"),
        (
            {
                "intent": {"name": "ScheduleMeeting"},
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "Nope"},
            },
            "Nope",
        ),
    ],
)
def test_bad_session_state_is_a_validation_error(chat: Chat, state: dict[str, object], needle: str) -> None:
    with pytest.raises(ValidationException) as caught:
        chat.say("hello", session_state=state)
    assert needle in caught.value.message


def test_an_idle_session_expires(chat: Chat) -> None:
    chat.say("book a meeting with Jane Doe")
    ttl = meety_bot().idle_session_ttl_in_seconds
    later = Clock(zone=NOW.tzinfo, pinned=NOW + timedelta(seconds=ttl + 1))  # type: ignore[arg-type]
    chat.runtime.clock = later
    chat.say("friday")
    assert chat.intent.get("name") != "ScheduleMeeting" or chat.slot("AttendeeName") is None


def test_sessions_survive_a_restart(tmp_path: Path) -> None:
    def start() -> LexRuntime:
        return LexRuntime(
            meety_bot(), store=SqliteSessionStore(tmp_path / "s.db"), clock=Clock(zone=NOW.tzinfo, pinned=NOW)
        )  # type: ignore[arg-type]

    first = Chat(start())
    first.say("book a meeting with Jane Doe")
    first.runtime.store.close()
    second = Chat(start(), session_id=first.session_id)
    second.say("tomorrow")
    assert second.slot("AttendeeName") == "Jane Doe"
    assert second.slot("MeetingDate") == "2026-11-19"
    second.runtime.store.close()


def test_concurrent_sessions_are_isolated() -> None:
    runtime = runtime_for(meety_bot())
    names = [f"Person{chr(65 + i)} Test" for i in range(16)]
    errors: list[BaseException] = []

    def talk(index: int) -> None:
        try:
            chat = Chat(runtime, session_id=f"conc-{index}")
            chat.say(f"book a meeting with {names[index]}")
            chat.say("tomorrow")
            assert chat.slot("AttendeeName") == names[index]
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_health_names_the_bot(chat: Chat) -> None:
    health = chat.runtime.health()
    assert health["bot"]["name"] == "Meety"
    assert health["bot"]["id"] == chat.runtime.bot_id
    assert health["bot"]["locales"] == ["en_US", "es_US"]


def test_a_concurrent_request_for_the_same_session_is_a_conflict(chat: Chat) -> None:
    from bot.runtime.errors import ConflictException

    with chat.runtime._session(chat.target), pytest.raises(ConflictException):
        chat.say("hello")
    chat.say("hello")  # the session is free again
    assert chat.intent["name"] == "Greeting"


def test_too_many_requests_in_flight_are_throttled(chat: Chat) -> None:
    from bot.runtime.errors import ThrottlingException

    chat.runtime.max_in_flight = 1
    other = replace(chat.target, session_id="someone-else")
    with chat.runtime._session(other), pytest.raises(ThrottlingException):
        chat.say("hello")


def test_idle_sessions_are_purged_at_start(tmp_path: Path) -> None:
    store = SqliteSessionStore(tmp_path / "s.db")
    target = SessionTarget("X", "TSTALIASID", "en_US", "old")
    ttl = meety_bot().idle_session_ttl_in_seconds
    store.save(target, {"turns": 1}, NOW.timestamp() - ttl - 10)
    store.save(replace(target, session_id="recent"), {"turns": 1}, NOW.timestamp() - 10)
    LexRuntime(meety_bot(), store=store, clock=Clock(zone=NOW.tzinfo, pinned=NOW))  # type: ignore[arg-type]
    assert store.load(target) is None
    assert store.load(replace(target, session_id="recent")) is not None
    store.close()
