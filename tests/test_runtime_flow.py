"""Next steps from the definition (console conversation flows) steer the dialog instead of the default."""

from __future__ import annotations

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
from tests.runtime_support import Chat, runtime_for


def say(text: str) -> Response:
    return Response(message_groups=(MessageGroup(message=Message(plain_text=text)),))


def ask(text: str, retries: int = 1) -> Prompt:
    return Prompt(message_groups=(MessageGroup(message=Message(plain_text=text)),), max_retries=retries)


def step(action: str, **kwargs: object) -> NextStep:
    return NextStep(action=action, **kwargs)  # type: ignore[arg-type]


def bot(**order: object) -> Bot:
    order_intent = Intent(
        name="OrderPizza",
        sample_utterances=("order a pizza", "i want a pizza", "get me a pizza please"),
        slots=(
            Slot(
                name="Size",
                slot_type_name="AMAZON.AlphaNumeric",
                **{"prompt": ask("What size?"), **order.get("size", {})},
            ),  # type: ignore[arg-type, dict-item]
            Slot(name="Count", slot_type_name="AMAZON.Number", prompt=ask("How many?")),
        ),
        confirmation=order.get("confirmation"),  # type: ignore[arg-type]
        initial=order.get("initial"),  # type: ignore[arg-type]
        fulfilled=order.get("fulfilled"),  # type: ignore[arg-type]
        closing=order.get("closing"),  # type: ignore[arg-type]
    )
    help_intent = Intent(
        name="Help",
        sample_utterances=("help", "what can you do", "help me please"),
        closing=Closing(response=say("I take pizza orders.")),
    )
    fallback = Intent(
        name="FallbackIntent",
        parent_intent_signature="AMAZON.FallbackIntent",
        closing=Closing(response=say("Sorry?")),
    )
    locale = Locale(locale_id="en_US", intents=(order_intent, help_intent, fallback))
    return Bot(name="Pizza", locales=(locale,))


def test_initial_step_speaks_and_elicits_the_slot_it_names() -> None:
    initial = FlowStep(response=say("Pizza time!"), next_step=step("ElicitSlot", slot_to_elicit="Count"))
    chat = Chat(runtime_for(bot(initial=initial)))
    chat.say("order a pizza")
    assert chat.texts == ["Pizza time!", "How many?"]
    assert chat.eliciting == "Count"


def test_capture_step_sets_attributes_but_required_slots_still_come_before_fulfilment() -> None:
    captured = FlowStep(next_step=step("FulfillIntent", session_attributes=(("size_seen", "yes"),)))
    chat = Chat(runtime_for(bot(size={"captured": captured})))
    chat.say("order a pizza")
    assert chat.eliciting == "Size"
    chat.say("XL")
    assert chat.last["sessionState"]["sessionAttributes"] == {"size_seen": "yes"}
    assert chat.eliciting == "Count"
    chat.say("2")
    assert chat.intent["state"] == "Fulfilled"


def test_a_step_eliciting_a_filled_slot_moves_on_to_that_slots_next_step() -> None:
    initial = FlowStep(next_step=step("ElicitSlot", slot_to_elicit="Size"))
    size_done = FlowStep(next_step=step("ElicitSlot", slot_to_elicit="Count"))
    chat = Chat(runtime_for(bot(initial=initial, size={"captured": size_done})))
    chat.say("order a pizza", session_state=None)
    assert chat.eliciting == "Size"
    chat.say("XL")
    assert chat.eliciting == "Count"


def test_capture_failure_step_starts_another_intent() -> None:
    failed = FlowStep(response=say("Let me explain."), next_step=step("StartIntent", intent_name="Help"))
    chat = Chat(runtime_for(bot(size={"capture_failed": failed, "prompt": ask("What size?", retries=0)})))
    chat.say("order a pizza")
    chat.say("   ?   ")
    assert chat.intent["name"] == "Help"
    assert chat.texts == ["Let me explain.", "I take pizza orders."]


def test_confirmed_step_and_declined_step() -> None:
    confirmation = Confirmation(
        prompt=ask("Order it?"),
        declination=say("Cancelled."),
        confirmed=FlowStep(response=say("Great."), next_step=step("CloseIntent")),
        declined_next_step=step("ElicitIntent"),
    )
    chat = Chat(runtime_for(bot(confirmation=confirmation, closing=Closing(response=say("Bye.")))))
    chat.say("order a pizza")
    chat.say("XL")
    chat.say("two")
    assert chat.action == "ConfirmIntent"
    chat.say("yes")
    assert chat.texts == ["Great.", "Bye."]
    assert chat.action == "Close"
    assert chat.intent["state"] == "Fulfilled"
    chat.say("order a pizza")
    chat.say("XL")
    chat.say("two")
    chat.say("no")
    assert chat.texts == ["Cancelled."]
    assert chat.action == "ElicitIntent"


def test_fulfilled_step_replaces_the_closing_and_may_elicit_an_intent() -> None:
    fulfilled = FlowStep(response=say("Ordered!"), next_step=step("ElicitIntent"))
    chat = Chat(runtime_for(bot(fulfilled=fulfilled, closing=Closing(response=say("Bye.")))))
    chat.say("order a pizza")
    chat.say("XL")
    chat.say("2")
    assert chat.texts == ["Ordered!"]
    assert chat.action == "ElicitIntent"


def test_closing_next_step_starts_another_intent() -> None:
    closing = Closing(response=say("Bye."), next_step=step("StartIntent", intent_name="Help"))
    chat = Chat(runtime_for(bot(closing=closing)))
    chat.say("order a pizza")
    chat.say("XL")
    chat.say("2")
    assert chat.texts == ["Bye.", "I take pizza orders."]
    assert chat.intent["name"] == "Help"


def test_a_suppressed_message_is_not_said() -> None:
    initial = FlowStep(
        response=say("Hi!"), next_step=step("ElicitSlot", slot_to_elicit="Size", suppress_next_message=True)
    )
    chat = Chat(runtime_for(bot(initial=initial)))
    chat.say("order a pizza")
    assert chat.texts == []
    assert chat.eliciting == "Size"


def test_slot_and_session_attribute_references_are_filled_in_messages() -> None:
    closing = Closing(response=say("Bye [name], your {Size} pizza x{Count} is on its way. [unknown] {Nope}"))
    chat = Chat(runtime_for(bot(closing=closing)))
    chat.say("order a pizza", session_state={"sessionAttributes": {"name": "Ana"}})
    chat.say("XL")
    chat.say("three")
    assert chat.texts == ["Bye Ana, your XL pizza x3 is on its way. [unknown] {Nope}"]
