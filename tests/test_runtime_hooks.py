"""Code hooks: the event Lex would send, the answers Lex honours, and the ones it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.codehook import load_handler
from bot.runtime.errors import DependencyFailedException
from tests import hooks
from tests.runtime_support import Chat, meety_bot, runtime_for

REAL_EVENT = json.loads(
    (Path(__file__).parent / "fixtures" / "lex_events" / "fulfillment_real.json").read_text()
)


def keys(document: dict[str, Any]) -> set[str]:
    return {k for k in document if not k.startswith("_")}


@pytest.fixture(autouse=True)
def _clear_events() -> None:
    hooks.EVENTS.clear()


def schedule(chat: Chat) -> None:
    chat.say("book 30 minutes with Jane Doe tomorrow at 3pm")
    chat.say("jane@example.com")
    chat.say("yes")


def test_fulfillment_event_has_the_shape_lex_sends() -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler("tests.hooks:recording_fulfiller")))
    schedule(chat)
    event = hooks.EVENTS[-1]
    # GIVEN a real FulfillmentCodeHook event recorded from Lex THEN ours has the same fields at each level
    assert keys(event) == keys(REAL_EVENT)
    assert keys(event["bot"]) == keys(REAL_EVENT["bot"])
    assert keys(event["sessionState"]) == keys(REAL_EVENT["sessionState"]) | {"dialogAction"}
    assert keys(event["interpretations"][0]) == keys(REAL_EVENT["interpretations"][0])
    assert keys(event["transcriptions"][0]) == keys(REAL_EVENT["transcriptions"][0])
    assert event["invocationSource"] == "FulfillmentCodeHook"
    assert event["inputTranscript"] == "yes"
    assert isinstance(event["interpretations"][0]["nluConfidence"], float)
    assert event["bot"]["aliasId"] == "TSTALIASID"
    intent = event["sessionState"]["intent"]
    assert intent["state"] == "ReadyForFulfillment"
    assert intent["confirmationState"] == "Confirmed"
    assert intent["slots"]["MeetingDate"]["value"]["interpretedValue"] == "2026-11-19"
    assert intent["slots"]["MeetingTopic"] is None
    # THEN the hook's answer is honoured: its message, its session attributes, the intent fulfilled
    assert chat.intent["state"] == "Fulfilled"
    assert chat.texts[0] == "Done: ScheduleMeeting (meety-fulfillment-local)"
    assert chat.last["sessionState"]["sessionAttributes"]["fulfilled"] == "ScheduleMeeting"


def test_dialog_hook_is_called_each_turn_with_the_proposed_next_slot() -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler("tests.hooks:recording_fulfiller")))
    chat.say("book a meeting with Jane Doe")
    event = hooks.EVENTS[-1]
    assert event["invocationSource"] == "DialogCodeHook"
    assert event["proposedNextState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "MeetingDate"}
    assert event["proposedNextState"]["prompt"] == {"attempt": "Initial"}
    assert chat.eliciting == "MeetingDate"


def test_a_dialog_hook_can_reject_a_slot_and_re_elicit_it() -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler("tests.hooks:rejecting_dates")))
    chat.say("book a meeting with Jane Doe tomorrow")
    assert chat.eliciting == "MeetingDate"
    assert chat.slot("MeetingDate") is None
    assert chat.texts == ["That day is fully booked. Another day?"]


@pytest.mark.parametrize(
    ("hook", "reason"),
    [
        ("raising", "raised RuntimeError"),
        ("malformed", "dialogAction.type must be one of"),
        ("close_without_state", "Close needs intent.name and intent.state"),
    ],
)
def test_a_broken_hook_is_a_dependency_failure(hook: str, reason: str) -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler(f"tests.hooks:{hook}")))
    with pytest.raises(DependencyFailedException) as caught:
        chat.say("book a meeting with Jane Doe")
    assert reason in caught.value.message
    assert "boom" not in caught.value.message


def test_a_failed_turn_leaves_the_session_as_it_was() -> None:
    runtime = runtime_for(meety_bot(), handler=load_handler("tests.hooks:raising"))
    chat = Chat(runtime)
    with pytest.raises(DependencyFailedException):
        chat.say("book a meeting with Jane Doe")
    assert runtime.store.load(chat.target) is None


@pytest.mark.parametrize("reference", ["tests.hooks", "tests.hooks:nothing_here", "no_such_module:handler"])
def test_a_bad_hook_reference_is_refused(reference: str) -> None:
    with pytest.raises((ValueError, ImportError)):
        load_handler(reference)


def test_a_hook_can_ask_for_confirmation_in_its_own_words() -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler("tests.hooks:confirm_in_own_words")))
    chat.say("book a meeting with Jane Doe on friday")
    assert chat.action == "ConfirmIntent"
    assert chat.texts == ["Just that date, shall I go ahead?"]
    chat.say("no")
    assert chat.intent["confirmationState"] == "Denied"
    assert chat.intent["state"] == "Failed"
    assert chat.texts == ["Fine, I dropped it."]


def test_a_hook_can_end_the_intent_and_elicit_a_new_one() -> None:
    chat = Chat(runtime_for(meety_bot(), handler=load_handler("tests.hooks:elicit_intent")))
    chat.say("book a meeting with Jane Doe")
    assert chat.action == "ElicitIntent"
    assert "intent" not in chat.last["sessionState"]
    assert chat.texts == ["What else can I do for you?"]
    assert chat.last["sessionState"]["sessionAttributes"] == {"asked": "1"}
    chat.say("hello")
