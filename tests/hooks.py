"""Code hooks for runtime tests: plain functions with the Lambda signature, loaded as ``tests.hooks:NAME``."""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]
EVENTS: list[Json] = []


def recording_fulfiller(event: Json, context: Any) -> Json:
    """Records every event; on fulfilment closes the intent as Fulfilled with a message naming it."""
    EVENTS.append(copy.deepcopy(event))
    intent = event["sessionState"]["intent"]
    if event["invocationSource"] == "DialogCodeHook":
        return {"sessionState": {"dialogAction": {"type": "Delegate"}, "intent": intent}}
    intent["state"] = "Fulfilled"
    return {
        "sessionState": {
            "sessionAttributes": {**event["sessionState"]["sessionAttributes"], "fulfilled": intent["name"]},
            "dialogAction": {"type": "Close"},
            "intent": intent,
        },
        "messages": [
            {"contentType": "PlainText", "content": f"Done: {intent['name']} ({context.function_name})"}
        ],
    }


def rejecting_dates(event: Json, context: Any) -> Json:
    """Dialog hook that refuses every MeetingDate, re-eliciting it with its own message."""
    intent = event["sessionState"]["intent"]
    if event["invocationSource"] == "DialogCodeHook" and (intent["slots"].get("MeetingDate") or None):
        intent["slots"]["MeetingDate"] = None
        return {
            "sessionState": {
                "dialogAction": {"type": "ElicitSlot", "slotToElicit": "MeetingDate"},
                "intent": intent,
            },
            "messages": [{"contentType": "PlainText", "content": "That day is fully booked. Another day?"}],
        }
    return {"sessionState": {"dialogAction": {"type": "Delegate"}, "intent": intent}}


def raising(event: Json, context: Any) -> Json:
    raise RuntimeError("boom: a bug in the hook")


def malformed(event: Json, context: Any) -> Json:
    return {"sessionState": {"dialogAction": {"type": "Finish"}}}


def close_without_state(event: Json, context: Any) -> Json:
    return {
        "sessionState": {
            "dialogAction": {"type": "Close"},
            "intent": {"name": event["sessionState"]["intent"]["name"]},
        }
    }


def confirm_in_own_words(event: Json, context: Any) -> Json:
    """Asks for confirmation itself as soon as a date is known; elicits the date otherwise."""
    intent = event["sessionState"]["intent"]
    if intent["confirmationState"] == "Denied":
        intent["state"] = "Failed"
        return {
            "sessionState": {"dialogAction": {"type": "Close"}, "intent": intent},
            "messages": [{"contentType": "PlainText", "content": "Fine, I dropped it."}],
        }
    if event["invocationSource"] == "DialogCodeHook" and intent["slots"].get("MeetingDate"):
        return {
            "sessionState": {"dialogAction": {"type": "ConfirmIntent"}, "intent": intent},
            "messages": [{"contentType": "PlainText", "content": "Just that date, shall I go ahead?"}],
        }
    return {"sessionState": {"dialogAction": {"type": "Delegate"}, "intent": intent}}


def elicit_intent(event: Json, context: Any) -> Json:
    return {
        "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "sessionAttributes": {"asked": "1"}},
        "messages": [{"contentType": "PlainText", "content": "What else can I do for you?"}],
    }
