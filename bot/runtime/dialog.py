"""One dialog turn with Lex V2's semantics: (definition, session, input, clock) -> (response, session).

The flow is Lex's default conversation flow: classify the intent (below the
locale's confidence threshold: FallbackIntent), fill slots, elicit the
missing required ones in priority order with retries, confirm, fulfil, close.
Where the definition enables code hooks and a handler is configured, the
handler decides instead (``bot.runtime.codehook``); without one, the turn
goes on as Lex does when an alias has no Lambda.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bot.model import FlowStep, Intent, NextStep, Slot
from bot.runtime.codehook import Handler
from bot.runtime.events import BotIdentity, interpretations_json
from bot.runtime.filling import Filler, slot_json
from bot.runtime.hook_steps import call_hook
from bot.runtime.messages import render_groups
from bot.runtime.nlu import IntentScore

Json = dict[str, Any]
SWITCH_SCORE = 0.7
"""How sure the classifier must be before a reply to a prompt starts a different intent."""


@dataclass
class Turn:
    """Everything one turn reads and the session it writes; the engine's only mutable state."""

    filler: Filler
    identity: BotIdentity
    session_id: str
    handler: Handler | None
    request_attributes: dict[str, str] | None
    session: Json
    text: str = ""
    messages: list[Json] = field(default_factory=list)
    scores: list[IntentScore] = field(default_factory=list)

    def __post_init__(self) -> None:
        # the turn owns ``session``: callers pass a fresh copy (the store's load returns one)
        self.state: Json = self.session.setdefault("sessionState", {})
        self.state.setdefault("sessionAttributes", {})
        # a turn that answers a prompt keeps to its intent; known from the state it starts from
        self.answering_prompt = (self.state.get("dialogAction") or {}).get("type") in (
            "ElicitSlot",
            "ConfirmIntent",
        )
        self._hops = 0  # next steps followed through filled slots this turn (a loop guard)
        turn_number = int(self.session.get("turns", 0)) + 1
        self.session["turns"] = turn_number
        # reproducible variation choice (not security): the same session and turn pick the same message
        self.rng = random.Random(f"{self.session_id}:{turn_number}")  # noqa: S311

    @property
    def locale(self) -> Any:
        return self.filler.locale

    @property
    def attributes(self) -> dict[str, str]:
        return self.state["sessionAttributes"]  # type: ignore[no-any-return]

    # -- entry points ---------------------------------------------------------------------------

    def recognize(self, text: str) -> Json:
        self.text = text
        self.scores = self.filler.nlu.interpret(text)
        action = (self.state.get("dialogAction") or {}).get("type")
        intent: Json = self.state.get("intent") or {}
        definition = self.locale.intent(intent["name"]) if intent else None
        if action == "ElicitSlot" and definition is not None:
            self._answer_slot(definition, intent, self.state["dialogAction"].get("slotToElicit"))
        elif action == "ConfirmIntent" and definition is not None:
            self._answer_confirmation(definition, intent)
        else:
            self._start(self._classified())
        return self._finish()

    def delegate(self) -> Json:
        """PutSession with a Delegate action: let the dialog decide the next step for the given intent."""
        intent: Json = self.state.get("intent") or {}
        definition = self.locale.intent(intent["name"]) if intent else None
        if definition is not None:
            self.advance(definition, intent)
        return self._finish()

    # -- choosing and starting an intent --------------------------------------------------------

    def _classified(self) -> str:
        threshold = self.locale.nlu_confidence_threshold
        if self.scores and self.scores[0].score >= threshold:
            return self.scores[0].intent
        return self._fallback_name()

    def _fallback_name(self) -> str:
        fallback = next((i for i in self.locale.intents if i.is_fallback), None)
        return fallback.name if fallback is not None else "FallbackIntent"

    def _start(self, name: str) -> None:
        definition = self.locale.intent(name)
        if definition is None:  # a bot without FallbackIntent: say nothing, as Lex does
            self.state["intent"] = {"name": name, "slots": {}, "state": "Failed", "confirmationState": "None"}
            self.state["dialogAction"] = {"type": "Close"}
            return
        intent: Json = {
            "name": name,
            "slots": {s.name: None for s in definition.slots},
            "state": "InProgress",
            "confirmationState": "None",
        }
        if not definition.is_fallback:
            for slot_name, value in self.filler.from_utterance(definition, self.text).items():
                intent["slots"][slot_name] = slot_json(value)
        self.state["intent"] = intent
        if definition.initial is not None:
            self._flow(definition, intent, definition.initial)
        else:
            self.advance(definition, intent)

    def _start_fresh(self, name: str) -> None:
        """A StartIntent step: the named intent, with no slots read from this turn's words."""
        self.text, self.scores = "", []
        self._start(name)

    # -- answers to prompts ----------------------------------------------------------------------

    def _answer_slot(self, definition: Intent, intent: Json, slot_name: str | None) -> None:
        slot = definition.slot(slot_name or "")
        if slot is None:
            self._start(self._classified())
            return
        values = self.filler.answer(definition, slot, self.text)
        if values:
            for name, value in values.items():
                intent["slots"][name] = slot_json(value)
            if slot.captured is not None:
                self._flow(definition, intent, slot.captured)
            else:
                self.advance(definition, intent)
        elif self._wants_another_intent(definition):
            self._start(self.scores[0].intent)
        else:
            self._retry(definition, intent, slot)

    def _answer_confirmation(self, definition: Intent, intent: Json) -> None:
        answer = self.filler.find(
            Slot(name="_", slot_type_name="AMAZON.Confirmation", prompt=None), self.text
        )
        verdict = answer.interpreted_value if answer else None
        if verdict in ("Yes", "No"):
            intent["confirmationState"] = "Confirmed" if verdict == "Yes" else "Denied"
            confirmed = definition.confirmation.confirmed if definition.confirmation else None
            if verdict == "Yes" and confirmed is not None:
                self._flow(definition, intent, confirmed)
            else:
                self.advance(definition, intent)
        elif self._wants_another_intent(definition):
            self._start(self.scores[0].intent)
        else:
            self._retry(definition, intent, None)

    def _wants_another_intent(self, current: Intent) -> bool:
        return (
            bool(self.scores)
            and self.scores[0].intent != current.name
            and self.scores[0].score >= SWITCH_SCORE
        )

    def _retry(self, definition: Intent, intent: Json, slot: Slot | None) -> None:
        attempts = int(self.session.get("attempts", 0)) + 1
        prompt = (
            slot.prompt
            if slot is not None
            else (definition.confirmation.prompt if definition.confirmation else None)
        )
        if prompt is None or attempts > prompt.max_retries:
            self.session["attempts"] = 0
            failed = slot.capture_failed if slot is not None else None
            if slot is None and definition.confirmation is not None:
                failed = definition.confirmation.failed
            if failed is not None:
                self._flow(definition, intent, failed)
            else:
                self._start_fresh(self._fallback_name())
            return
        self.session["attempts"] = attempts
        if slot is not None:
            self.elicit(intent, slot, attempts)
        else:
            self.confirm(definition, intent, attempts)

    # -- Lex's next step ----------------------------------------------------------------------------

    def advance(self, definition: Intent, intent: Json, *, dialog_hook: bool = True) -> None:
        hook_decides = dialog_hook and definition.dialog_code_hook and self.handler is not None
        if intent.get("confirmationState") == "Denied" and not hook_decides:
            self._decline(definition, intent)
            return
        if hook_decides and not definition.is_fallback:
            proposed = self._next_missing(definition, intent)
            call_hook(self, "DialogCodeHook", definition, intent, proposed)
            return
        missing = self._next_missing(definition, intent)
        if missing is not None:
            self.elicit(intent, missing, 0)
        elif self._needs_confirmation(definition, intent):
            self.confirm(definition, intent, 0)
        else:
            self._fulfil(definition, intent)

    def _next_missing(self, definition: Intent, intent: Json) -> Slot | None:
        slots = intent.get("slots") or {}
        return next(
            (s for s in definition.slots_in_priority_order() if s.required and not slots.get(s.name)), None
        )

    def _needs_confirmation(self, definition: Intent, intent: Json) -> bool:
        confirmation = definition.confirmation
        return confirmation is not None and confirmation.active and intent.get("confirmationState") == "None"

    def elicit(self, intent: Json, slot: Slot, attempt: int, *, quiet: bool = False) -> None:
        self.session["attempts"] = attempt
        intent["state"] = "InProgress"
        self.state["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": slot.name}
        if slot.prompt is not None and not quiet:
            self._say(slot.prompt.message_groups, intent, slot.prompt.message_selection_strategy, attempt)

    def confirm(self, definition: Intent, intent: Json, attempt: int) -> None:
        self.session["attempts"] = attempt
        intent["state"] = "InProgress"
        self.state["dialogAction"] = {"type": "ConfirmIntent"}
        if definition.confirmation is not None:
            prompt = definition.confirmation.prompt
            self._say(prompt.message_groups, intent, prompt.message_selection_strategy, attempt)

    def _decline(self, definition: Intent, intent: Json) -> None:
        intent["state"] = "Failed"
        self.state["dialogAction"] = {"type": "Close"}
        confirmation = definition.confirmation
        if confirmation is not None and confirmation.declination is not None:
            self._say(confirmation.declination.message_groups, intent)
        if confirmation is not None and confirmation.declined_next_step is not None:
            self._follow(definition, intent, confirmation.declined_next_step)

    def _fulfil(self, definition: Intent, intent: Json) -> None:
        if definition.fulfillment_code_hook and self.handler is not None:
            intent["state"] = "ReadyForFulfillment"
            call_hook(self, "FulfillmentCodeHook", definition, intent, None)
            return
        self.state["dialogAction"] = {"type": "Close"}
        if definition.fulfillment_code_hook:
            intent["state"] = "ReadyForFulfillment"  # enabled but no handler: fulfilment is the client's job
            return
        intent["state"] = "Fulfilled"
        self.after_fulfilment(definition, intent)

    def after_fulfilment(self, definition: Intent, intent: Json) -> None:
        """The post-fulfilment step for the intent's final state, else the closing response."""
        step = definition.fulfilled if intent.get("state") == "Fulfilled" else definition.fulfillment_failed
        if step is not None:
            self._flow(definition, intent, step)
        else:
            self.closing(definition, intent)

    def closing(self, definition: Intent, intent: Json) -> None:
        self.state["dialogAction"] = {"type": "Close"}
        closing = definition.closing
        if closing is None or not closing.active:
            return
        if closing.response is not None:
            self._say(closing.response.message_groups, intent)
        if closing.next_step is not None and closing.next_step.action not in (
            "CloseIntent",
            "EndConversation",
        ):
            self._follow(definition, intent, closing.next_step)

    # -- next steps from the definition ------------------------------------------------------------

    def _flow(self, definition: Intent, intent: Json, step: FlowStep) -> None:
        if step.response is not None and not (step.next_step and step.next_step.suppress_next_message):
            self._say(step.response.message_groups, intent)
        self._follow(definition, intent, step.next_step)

    def _follow(self, definition: Intent, intent: Json, step: NextStep | None) -> None:
        """Go where the definition says; without a step (or a conditional), Lex's default flow."""
        if step is None or step.action == "EvaluateConditional":
            self.advance(definition, intent)
            return
        for key, value in step.session_attributes:
            self.attributes[key] = value
        action = step.action
        if (
            action in ("ConfirmIntent", "FulfillIntent")
            and self._next_missing(definition, intent) is not None
        ):
            self.advance(definition, intent)  # required slots come first: Lex never fulfils without them
            return
        slot = definition.slot(step.slot_to_elicit or "")
        if action == "ElicitSlot" and slot is not None and (intent.get("slots") or {}).get(slot.name):
            # already filled (e.g. from the first utterance): Lex moves on to that slot's own next step
            self._hops += 1
            if slot.captured is not None and self._hops <= len(definition.slots) + 1:
                self._flow(definition, intent, FlowStep(next_step=slot.captured.next_step))
            else:
                self.advance(definition, intent)
        elif action == "ElicitSlot" and slot is not None:
            self.elicit(intent, slot, 0, quiet=step.suppress_next_message)
        elif action == "ConfirmIntent" and definition.confirmation is not None:
            self.confirm(definition, intent, 0)
        elif action == "FulfillIntent":
            self._fulfil(definition, intent)
        elif action == "CloseIntent":
            intent["state"] = "Fulfilled" if intent.get("state") == "InProgress" else intent.get("state")
            self.closing(definition, intent)
        elif action == "EndConversation":
            self.state["dialogAction"] = {"type": "Close"}
        elif action == "StartIntent" and step.intent_name and self.locale.intent(step.intent_name):
            self._start_fresh(step.intent_name)
        elif action == "ElicitIntent":
            self.state.pop("intent", None)
            self.state["dialogAction"] = {"type": "ElicitIntent"}
        else:  # InvokeDialogCodeHook, or a step naming something the bot lacks
            self.advance(definition, intent)

    def _say(self, groups: Any, intent: Json, strategy: Any = "Random", attempt: int = 0) -> None:
        self.messages += render_groups(
            groups,
            slots=intent.get("slots") or {},
            attributes=self.attributes,
            rng=self.rng,
            strategy=strategy,
            attempt=attempt,
        )

    # -- the response --------------------------------------------------------------------------------

    def scores_for(self, active: str) -> list[IntentScore]:
        """Interpretations with the active intent first: during a prompt, Lex keeps to it."""
        others = [s for s in self.scores if s.intent != active]
        top = next((s for s in self.scores if s.intent == active), IntentScore(active, 1.0))
        if self.answering_prompt:
            top = IntentScore(active, 1.0)
        return [top, *others]

    def _finish(self) -> Json:
        intent = self.state.get("intent")
        active = intent["name"] if intent else self._classified()
        interpretations = interpretations_json(
            self.scores_for(active) if intent else self.scores,
            locale=self.locale,
            active=intent,
            fallback=self._fallback_name(),
            threshold=self.locale.nlu_confidence_threshold,
        )
        self.session["messages"] = self.messages
        self.session["interpretations"] = interpretations
        body: Json = {
            "sessionState": self.state,
            "interpretations": interpretations,
            "sessionId": self.session_id,
        }
        if self.messages:
            body["messages"] = self.messages
        if self.request_attributes:
            body["requestAttributes"] = self.request_attributes
        return body
