"""Calling the code hook exactly as Lex calls a Lambda, and checking its answer as Lex does.

The handler is the very function deployed as the Lambda (``module:function``),
called with Lex V2's input event and a Lambda-like context. Whatever it
raises, and any answer Lex would refuse, becomes DependencyFailedException,
so a bug in the hook shows up locally the way it would in AWS.
"""

from __future__ import annotations

import importlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.model import Locale
from bot.runtime.errors import DependencyFailedException

Json = dict[str, Any]
Handler = Callable[[Json, Any], Any]
log = logging.getLogger("meety.runtime.codehook")

DIALOG_ACTIONS = frozenset({"Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"})
CLOSE_STATES = frozenset({"Failed", "Fulfilled", "InProgress"})
INTENT_STATES = frozenset(
    {"Failed", "Fulfilled", "InProgress", "ReadyForFulfillment", "Waiting", "FulfillmentInProgress"}
)
CONFIRMATION_STATES = frozenset({"Confirmed", "Denied", "None"})
CONTENT_TYPES = frozenset({"CustomPayload", "ImageResponseCard", "PlainText", "SSML"})
MAX_OUTPUT_BYTES = 25_000
MAX_ATTRIBUTE_BYTES = 12_000


@dataclass(frozen=True)
class LocalLambdaContext:
    """The attributes of AWS's Lambda context object that handlers and Powertools read."""

    function_name: str = "meety-fulfillment-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:meety-fulfillment-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/meety-fulfillment-local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_handler(reference: str) -> Handler:
    """``package.module:function`` -> the function; a clear error when it cannot be found."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"code hook '{reference}' must look like package.module:function")
    module = importlib.import_module(module_name)
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise ValueError(f"code hook '{reference}': {module_name} has no function {attribute}")
    return handler  # type: ignore[no-any-return]


def invoke(handler: Handler, event: Json) -> Json:
    wire_event = json.loads(json.dumps(event))  # a Lambda gets its own copy, as JSON, never our state
    try:
        reply = handler(wire_event, LocalLambdaContext())
    except Exception as exc:  # the hook's own bug: Lex reports it as a dependency failure
        log.exception("code hook raised")
        raise DependencyFailedException(
            f"Invalid Lambda Response: the code hook raised {type(exc).__name__}"
        ) from exc
    return reply if isinstance(reply, dict) else {"__not_an_object__": type(reply).__name__}


@dataclass(frozen=True)
class HookReply:
    """A validated code hook answer."""

    action: str
    slot_to_elicit: str | None
    intent: Json | None
    session_attributes: dict[str, str] | None
    messages: list[Json]
    active_contexts: list[Json] | None


def _fail(reason: str) -> DependencyFailedException:
    return DependencyFailedException(f"Invalid Lambda Response: {reason}")


def check_reply(reply: Json, locale: Locale) -> HookReply:
    """Lex's rules for a code hook response (lex-v2-notes 3.3), one specific message per rule."""
    if "__not_an_object__" in reply:
        raise _fail(f"expected a JSON object, got {reply['__not_an_object__']}")
    try:
        size = len(json.dumps(reply).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise _fail(f"the response is not JSON-serialisable ({exc})") from None
    if size > MAX_OUTPUT_BYTES:
        raise _fail(f"the response is {size} bytes; the limit is {MAX_OUTPUT_BYTES}")
    state = reply.get("sessionState")
    if not isinstance(state, Mapping):
        raise _fail("sessionState is required")
    action = state.get("dialogAction")
    if not isinstance(action, Mapping) or action.get("type") not in DIALOG_ACTIONS:
        raise _fail(f"sessionState.dialogAction.type must be one of {', '.join(sorted(DIALOG_ACTIONS))}")
    kind = str(action["type"])
    attributes = _attributes(state.get("sessionAttributes"))
    intent = _intent(state.get("intent"), locale)
    messages = _messages(reply.get("messages"))
    slot_to_elicit = action.get("slotToElicit")
    if kind == "ElicitSlot":
        if intent is None or not isinstance(slot_to_elicit, str):
            raise _fail("ElicitSlot needs dialogAction.slotToElicit and intent.name")
        definition = locale.intent(intent["name"])
        if definition is not None and definition.slot(slot_to_elicit) is None:
            raise _fail(f"slotToElicit '{slot_to_elicit}' is not a slot of intent {intent['name']}")
    elif kind == "ConfirmIntent" and intent is None:
        raise _fail("ConfirmIntent needs intent.name and intent.slots")
    elif kind == "Close" and (intent is None or intent.get("state") not in CLOSE_STATES):
        raise _fail("Close needs intent.name and intent.state Failed, Fulfilled or InProgress")
    elif kind == "ElicitIntent" and not messages:
        raise _fail("ElicitIntent needs at least one message")
    contexts = state.get("activeContexts")
    if contexts is not None and not isinstance(contexts, list):
        raise _fail("sessionState.activeContexts must be a list")
    return HookReply(
        action=kind,
        slot_to_elicit=slot_to_elicit if isinstance(slot_to_elicit, str) else None,
        intent=intent,
        session_attributes=attributes,
        messages=messages,
        active_contexts=contexts,
    )


def _attributes(raw: object) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise _fail("sessionState.sessionAttributes must map strings to strings")
    if len(json.dumps(raw).encode("utf-8")) > MAX_ATTRIBUTE_BYTES:
        raise _fail(f"session attributes exceed {MAX_ATTRIBUTE_BYTES} bytes")
    return dict(raw)


def _intent(raw: object, locale: Locale) -> Json | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise _fail("sessionState.intent must be an object with a name")
    name = raw["name"]
    if locale.intent(name) is None:
        raise _fail(f"intent '{name}' is not defined in locale {locale.locale_id}")
    state = raw.get("state")
    if state is not None and state not in INTENT_STATES:
        raise _fail(f"intent.state '{state}' is not a Lex intent state")
    confirmation = raw.get("confirmationState")
    if confirmation is not None and confirmation not in CONFIRMATION_STATES:
        raise _fail(f"intent.confirmationState '{confirmation}' is not Confirmed, Denied or None")
    slots = raw.get("slots")
    if slots is not None:
        if not isinstance(slots, Mapping):
            raise _fail("intent.slots must be an object")
        for slot_name, slot in slots.items():
            _check_slot(name, str(slot_name), slot)
    return dict(raw)


def _check_slot(intent: str, name: str, slot: object) -> None:
    if slot is None:
        return
    value = slot.get("value") if isinstance(slot, Mapping) else None
    values = slot.get("values") if isinstance(slot, Mapping) else None
    if not isinstance(value, Mapping) and not isinstance(values, list):
        raise _fail(f"slot {intent}.{name} must be null or have a value object")
    if isinstance(value, Mapping) and not isinstance(value.get("interpretedValue", ""), str | None):
        raise _fail(f"slot {intent}.{name}: interpretedValue must be a string")


def _messages(raw: object) -> list[Json]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 10:
        raise _fail("messages must be a list of at most 10 messages")
    checked = []
    for index, message in enumerate(raw):
        if not isinstance(message, Mapping) or message.get("contentType") not in CONTENT_TYPES:
            raise _fail(f"messages[{index}].contentType must be one of {', '.join(sorted(CONTENT_TYPES))}")
        if message["contentType"] == "ImageResponseCard":
            card = message.get("imageResponseCard")
            if not isinstance(card, Mapping) or not isinstance(card.get("title"), str):
                raise _fail(f"messages[{index}].imageResponseCard needs a title")
            buttons = card.get("buttons") or []
            if not isinstance(buttons, list) or len(buttons) > 5:
                raise _fail(f"messages[{index}].imageResponseCard holds at most 5 buttons")
        else:
            content = message.get("content")
            if not isinstance(content, str) or not 1 <= len(content) <= 1024:
                raise _fail(f"messages[{index}].content must be a string of 1..1024 characters")
        checked.append(dict(message))
    return checked
