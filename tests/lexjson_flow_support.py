"""Shared helpers of the conversation-flow tests: a hand-built bot using every flow field, and lookups.

``_flow_bot`` is written, loaded back, linted and broken by the flow tests; ``_intent`` and ``_slot`` fetch
parts of a bot (asserting they exist), ``_step`` and ``_say`` build next steps and responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.model import (
    Bot,
    Closing,
    Confirmation,
    FlowStep,
    Intent,
    Locale,
    Message,
    MessageGroup,
    NextStep,
    Prompt,
    Response,
    Slot,
)


def _intent(bot: Bot, locale_id: str, name: str) -> Intent:
    locale = bot.locale(locale_id)
    assert locale is not None
    intent = locale.intent(name)
    assert intent is not None
    return intent


def _slot(intent: Intent, name: str) -> Slot:
    slot = intent.slot(name)
    assert slot is not None
    return slot


def _step(action: str, **fields: Any) -> NextStep:
    return NextStep.model_validate({"action": action, **fields})


def _say(text: str) -> Response:
    return Response(message_groups=(MessageGroup(message=Message(plain_text=text)),))


def _write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _flow_bot() -> Bot:
    ask = Prompt(message_groups=(MessageGroup(message=Message(plain_text="Which size?")),))
    size = Slot(
        name="Size",
        slot_type_name="AMAZON.AlphaNumeric",
        prompt=ask,
        captured=FlowStep(response=_say("Got {Size}."), next_step=_step("ConfirmIntent")),
        capture_failed=FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent")),
    )
    order = Intent(
        name="Order",
        sample_utterances=("order",),
        slots=(size,),
        initial=FlowStep(
            response=_say("Let us order."),
            next_step=_step(
                "ElicitSlot",
                slot_to_elicit="Size",
                suppress_next_message=True,
                session_attributes=(("zeta", "1"), ("alpha", "")),
            ),
        ),
        confirmation=Confirmation(
            prompt=Prompt(message_groups=(MessageGroup(message=Message(plain_text="Order {Size}?")),)),
            confirmed=FlowStep(response=_say("Ordering."), next_step=_step("FulfillIntent")),
            declined_next_step=_step("EndConversation"),
            failed=FlowStep(response=_say("Sorry.")),
        ),
        fulfillment_code_hook=True,
        fulfilled=FlowStep(response=_say("Done."), next_step=_step("CloseIntent")),
        fulfillment_failed=FlowStep(next_step=_step("EndConversation")),
        closing=Closing(response=None, next_step=_step("ElicitIntent")),
    )
    fallback = Intent(name="FallbackIntent", parent_intent_signature="AMAZON.FallbackIntent")
    return Bot(name="Flow", locales=(Locale(locale_id="en_US", intents=(order, fallback)),))
