"""Readers for the conversation flow of a LexJson package: next steps and flow steps.

Bots built with the console since 2022 carry, at each point of the flow, what the bot
says there and where it goes next: a ``*Response`` (a response specification) beside a
``*NextStep`` / ``nextStep`` (a DialogState, lex-v2-notes 1.9)::

    {"sessionAttributes": {k: v} | null,
     "intent": {"name": str | null, "slots": {...} | null} | null,
     "dialogAction": {"type", "slotToElicit", "suppressNextMessage", "intentsInScope"}}

A DialogState becomes a :class:`~bot.model.NextStep`; ``intent.slots`` (slot value
overrides) and ``dialogAction.intentsInScope`` are not read. ``*Conditional`` and
``conditional`` branches are ignored: the step's response and next step are what the
runtime follows (see ``bot.lexjson.load``).
"""

from __future__ import annotations

from typing import get_args

from bot.lexjson.read_messages import Node, read_response
from bot.model import FlowStep, NextStep, StepAction

_ACTIONS: dict[str, StepAction] = {action: action for action in get_args(StepAction)}


def read_next_step(node: Node | None) -> NextStep | None:
    """A DialogState (``nextStep``, ``captureNextStep``, ...); ``None`` when absent or null."""
    if node is None:
        return None
    action = node.obj("dialogAction")
    kind = action.string("type")
    if kind not in _ACTIONS:
        raise action.error(f"unknown next-step type {kind!r} (expected one of {', '.join(_ACTIONS)})", "type")
    intent = node.opt_obj("intent")
    attributes = node.opt_obj("sessionAttributes")
    pairs: list[tuple[str, str]] = []
    if attributes is not None:
        for key in attributes.value:
            value = attributes.opt_string(key)
            if value is None:
                raise attributes.error("expected a string, got null", key)
            pairs.append((key, value))
    with node.building():
        return NextStep(
            action=_ACTIONS[kind],
            slot_to_elicit=action.opt_string("slotToElicit"),
            intent_name=intent.opt_string("name") if intent is not None else None,
            suppress_next_message=action.flag("suppressNextMessage", False),
            session_attributes=tuple(pairs),
        )


def read_flow_step(node: Node | None, response_key: str, next_step_key: str) -> FlowStep | None:
    """``node[response_key]`` and ``node[next_step_key]`` as one step; ``None`` when both are absent."""
    if node is None:
        return None
    response_node = node.opt_obj(response_key)
    response = read_response(response_node) if response_node is not None else None
    next_step = read_next_step(node.opt_obj(next_step_key))
    if response is None and next_step is None:
        return None
    return FlowStep(response=response, next_step=next_step)
