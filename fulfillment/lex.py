"""Reading a Lex V2 code hook event defensively and building replies Lex accepts (lex-v2-notes 3.2-3.3).

Every accessor tolerates missing or wrongly typed fields: a malformed event reads as empty values, never
as an exception, so the handler can always answer with a valid response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]

CONTENT_LIMIT = 1024
BUTTON_TEXT_LIMIT = 50
_CONFIRMATION_STATES = frozenset({"Confirmed", "Denied", "None"})
_INTENT_STATES = frozenset(
    {"Failed", "Fulfilled", "InProgress", "ReadyForFulfillment", "Waiting", "FulfillmentInProgress"}
)


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def session_state(event: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(event.get("sessionState"))


def intent_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(session_state(event).get("intent"))


def intent_name(event: Mapping[str, Any]) -> str | None:
    return text(intent_of(event).get("name")) or None


def locale_of(event: Mapping[str, Any]) -> str:
    return text(mapping(event.get("bot")).get("localeId")) or "en_US"


def session_id(event: Mapping[str, Any]) -> str:
    return text(event.get("sessionId")) or ""


def attributes(event: Mapping[str, Any]) -> dict[str, str]:
    """The session attributes that are strings (Lex only ever sends strings; anything else is dropped)."""
    raw = mapping(session_state(event).get("sessionAttributes"))
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}


def request_attribute(event: Mapping[str, Any], name: str) -> str | None:
    """One request attribute (sent with this turn only, unlike session attributes), if it is a string."""
    value = mapping(event.get("requestAttributes")).get(name)
    return value if isinstance(value, str) else None


def slot_values(slot: object) -> tuple[str | None, tuple[str, ...]]:
    """(interpretedValue, resolvedValues) of a scalar slot; (None, ()) when absent or malformed."""
    value = mapping(mapping(slot).get("value"))
    resolved = value.get("resolvedValues")
    readings = tuple(v for v in resolved if isinstance(v, str)) if isinstance(resolved, list) else ()
    return text(value.get("interpretedValue")), readings


def slot_value(intent: Mapping[str, Any], name: str) -> str | None:
    interpreted, _ = slot_values(mapping(intent.get("slots")).get(name))
    return interpreted.strip() if interpreted and interpreted.strip() else None


def filled_slot(value: str, original: str | None = None) -> Json:
    return {
        "shape": "Scalar",
        "value": {"originalValue": original or value, "interpretedValue": value, "resolvedValues": [value]},
    }


def _clean_slot(slot: object) -> Json | None:
    if not isinstance(slot, Mapping):
        return None
    value = slot.get("value")
    if not isinstance(value, Mapping):
        return None
    interpreted = value.get("interpretedValue")
    if interpreted is not None and not isinstance(interpreted, str):
        return None
    return {"shape": "Scalar", "value": dict(value)}


def clean_intent(intent: Mapping[str, Any], name: str) -> Json:
    """The event's intent reduced to what a reply may carry: name, valid slots and states."""
    slots = {str(k): _clean_slot(v) for k, v in mapping(intent.get("slots")).items()}
    out: Json = {"name": name, "slots": slots}
    confirmation = intent.get("confirmationState")
    valid = isinstance(confirmation, str) and confirmation in _CONFIRMATION_STATES
    out["confirmationState"] = confirmation if valid else "None"
    state = intent.get("state")
    if isinstance(state, str) and state in _INTENT_STATES:
        out["state"] = state
    return out


def plain(content: str) -> Json:
    content = content.strip() or "…"
    if len(content) > CONTENT_LIMIT:
        content = content[: CONTENT_LIMIT - 1] + "…"
    return {"contentType": "PlainText", "content": content}


def card(title: str, buttons: list[tuple[str, str]]) -> Json:
    return {
        "contentType": "ImageResponseCard",
        "imageResponseCard": {
            "title": title[:250],
            "buttons": [
                {"text": label[:BUTTON_TEXT_LIMIT], "value": value[:BUTTON_TEXT_LIMIT]}
                for label, value in buttons[:3]
            ],
        },
    }


def _reply(action: Json, intent: Json | None, attrs: Mapping[str, str], messages: list[Json]) -> Json:
    state: Json = {"dialogAction": action, "sessionAttributes": dict(attrs)}
    if intent is not None:
        state["intent"] = intent
    reply: Json = {"sessionState": state}
    if messages:
        reply["messages"] = messages
    return reply


def delegate(intent: Json, attrs: Mapping[str, str]) -> Json:
    return _reply({"type": "Delegate"}, intent, attrs, [])


def elicit_slot(intent: Json, slot: str, attrs: Mapping[str, str], messages: list[Json]) -> Json:
    intent = {**intent, "state": "InProgress"}
    return _reply({"type": "ElicitSlot", "slotToElicit": slot}, intent, attrs, messages)


def close(intent: Json, state: str, attrs: Mapping[str, str], messages: list[Json]) -> Json:
    return _reply({"type": "Close"}, {**intent, "state": state}, attrs, messages)
