"""Carrying out a code hook's answer inside a dialog turn.

Split from ``bot.runtime.dialog`` so the turn's own flow reads on its own: this module builds
the Lambda event for the turn, calls the handler through ``bot.runtime.codehook`` and applies
the validated reply (Delegate, ElicitSlot, ConfirmIntent, Close, ElicitIntent) with the
turn's steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.model import Intent, Slot
from bot.runtime.codehook import HookReply, check_reply, invoke
from bot.runtime.events import lambda_event

if TYPE_CHECKING:
    from bot.runtime.dialog import Turn

Json = dict[str, Any]


def call_hook(turn: Turn, source: str, definition: Intent, intent: Json, proposed: Slot | None) -> None:
    """Build Lex's event, call the handler, check its answer and carry it out."""
    assert turn.handler is not None
    event = lambda_event(
        source=source,
        identity=turn.identity,
        session_id=turn.session_id,
        text=turn.text,
        scores=turn.scores_for(intent["name"]),
        locale=turn.locale,
        intent=intent,
        state=turn.state,
        request_attributes=turn.request_attributes,
        proposed_slot=proposed.name if proposed is not None else None,
        attempt=int(turn.session.get("attempts", 0)),
    )
    reply = check_reply(invoke(turn.handler, event), turn.locale)
    apply_reply(turn, source, reply)


def apply_reply(turn: Turn, source: str, reply: HookReply) -> None:
    """Lex's reading of a hook answer: its messages first, then the action it asks for."""
    if reply.session_attributes is not None:
        turn.state["sessionAttributes"] = reply.session_attributes
    if reply.active_contexts is not None:
        turn.state["activeContexts"] = reply.active_contexts
    current = turn.state.get("intent") or {}
    intent: Json = {**current, **(reply.intent or {})}
    definition = turn.locale.intent(intent.get("name", ""))
    if definition is not None:
        slots = {s.name: None for s in definition.slots}
        intent["slots"] = {**slots, **(intent.get("slots") or {})}
        intent.setdefault("confirmationState", "None")
    turn.messages += reply.messages
    action = reply.action
    if action == "Delegate" and source == "FulfillmentCodeHook":
        action, intent["state"] = "Close", "Fulfilled"
    if action == "ElicitIntent":
        turn.state.pop("intent", None)
        turn.state["dialogAction"] = {"type": "ElicitIntent"}
        return
    turn.state["intent"] = intent
    if definition is None:
        turn.state["dialogAction"] = {"type": action}
        return
    if action == "Delegate":
        turn.advance(definition, intent, dialog_hook=False)
    elif action == "ElicitSlot":
        slot = definition.slot(reply.slot_to_elicit or "")
        intent["state"] = "InProgress"
        turn.state["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": reply.slot_to_elicit}
        if not reply.messages and slot is not None:
            turn.elicit(intent, slot, 0)
    elif action == "ConfirmIntent":
        intent["confirmationState"] = "None"
        if reply.messages:
            intent["state"] = "InProgress"
            turn.state["dialogAction"] = {"type": "ConfirmIntent"}
        else:
            turn.confirm(definition, intent, 0)
    else:
        turn.state["dialogAction"] = {"type": "Close"}
        if source == "FulfillmentCodeHook" and intent.get("state") in ("Fulfilled", "Failed"):
            turn.after_fulfilment(definition, intent)
