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

from bot.model import Intent, Slot
from bot.runtime.codehook import Handler, HookReply, check_reply, invoke
from bot.runtime.events import BotIdentity, interpretations_json, lambda_event
from bot.runtime.filling import Filler, slot_json
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
            self._advance(definition, intent)
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
        self._advance(definition, intent)

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
            self._advance(definition, intent)
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
            self._advance(definition, intent)
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
            self._start(self._fallback_name())
            return
        self.session["attempts"] = attempts
        if slot is not None:
            self._elicit(intent, slot, attempts)
        else:
            self._confirm(definition, intent, attempts)

    # -- Lex's next step ----------------------------------------------------------------------------

    def _advance(self, definition: Intent, intent: Json, *, dialog_hook: bool = True) -> None:
        hook_decides = dialog_hook and definition.dialog_code_hook and self.handler is not None
        if intent.get("confirmationState") == "Denied" and not hook_decides:
            self._decline(definition, intent)
            return
        if hook_decides and not definition.is_fallback:
            proposed = self._next_missing(definition, intent)
            self._call_hook("DialogCodeHook", definition, intent, proposed)
            return
        missing = self._next_missing(definition, intent)
        if missing is not None:
            self._elicit(intent, missing, 0)
        elif self._needs_confirmation(definition, intent):
            self._confirm(definition, intent, 0)
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

    def _elicit(self, intent: Json, slot: Slot, attempt: int) -> None:
        self.session["attempts"] = attempt
        intent["state"] = "InProgress"
        self.state["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": slot.name}
        if slot.prompt is not None:
            self._say(slot.prompt.message_groups, intent, slot.prompt.message_selection_strategy, attempt)

    def _confirm(self, definition: Intent, intent: Json, attempt: int) -> None:
        self.session["attempts"] = attempt
        intent["state"] = "InProgress"
        self.state["dialogAction"] = {"type": "ConfirmIntent"}
        if definition.confirmation is not None:
            prompt = definition.confirmation.prompt
            self._say(prompt.message_groups, intent, prompt.message_selection_strategy, attempt)

    def _decline(self, definition: Intent, intent: Json) -> None:
        intent["state"] = "Failed"
        self.state["dialogAction"] = {"type": "Close"}
        if definition.confirmation is not None and definition.confirmation.declination is not None:
            self._say(definition.confirmation.declination.message_groups, intent)

    def _fulfil(self, definition: Intent, intent: Json) -> None:
        if definition.fulfillment_code_hook and self.handler is not None:
            intent["state"] = "ReadyForFulfillment"
            self._call_hook("FulfillmentCodeHook", definition, intent, None)
            return
        self.state["dialogAction"] = {"type": "Close"}
        if definition.fulfillment_code_hook:
            intent["state"] = "ReadyForFulfillment"  # enabled but no handler: fulfilment is the client's job
            return
        intent["state"] = "Fulfilled"
        self._closing(definition, intent)

    def _closing(self, definition: Intent, intent: Json) -> None:
        if definition.closing is not None and definition.closing.active:
            self._say(definition.closing.response.message_groups, intent)

    def _say(self, groups: Any, intent: Json, strategy: Any = "Random", attempt: int = 0) -> None:
        self.messages += render_groups(
            groups,
            slots=intent.get("slots") or {},
            attributes=self.attributes,
            rng=self.rng,
            strategy=strategy,
            attempt=attempt,
        )

    # -- code hooks ----------------------------------------------------------------------------------

    def _call_hook(self, source: str, definition: Intent, intent: Json, proposed: Slot | None) -> None:
        assert self.handler is not None
        event = lambda_event(
            source=source,
            identity=self.identity,
            session_id=self.session_id,
            text=self.text,
            scores=self._scores_for(intent["name"]),
            locale=self.locale,
            intent=intent,
            state=self.state,
            request_attributes=self.request_attributes,
            proposed_slot=proposed.name if proposed is not None else None,
            attempt=int(self.session.get("attempts", 0)),
        )
        reply = check_reply(invoke(self.handler, event), self.locale)
        self._apply(source, reply)

    def _apply(self, source: str, reply: HookReply) -> None:
        if reply.session_attributes is not None:
            self.state["sessionAttributes"] = reply.session_attributes
        if reply.active_contexts is not None:
            self.state["activeContexts"] = reply.active_contexts
        current = self.state.get("intent") or {}
        intent: Json = {**current, **(reply.intent or {})}
        definition = self.locale.intent(intent.get("name", ""))
        if definition is not None:
            slots = {s.name: None for s in definition.slots}
            intent["slots"] = {**slots, **(intent.get("slots") or {})}
            intent.setdefault("confirmationState", "None")
        self.messages += reply.messages
        action = reply.action
        if action == "Delegate" and source == "FulfillmentCodeHook":
            action, intent["state"] = "Close", "Fulfilled"
        if action == "ElicitIntent":
            self.state.pop("intent", None)
            self.state["dialogAction"] = {"type": "ElicitIntent"}
            return
        self.state["intent"] = intent
        if definition is None:
            self.state["dialogAction"] = {"type": action}
            return
        if action == "Delegate":
            self._advance(definition, intent, dialog_hook=False)
        elif action == "ElicitSlot":
            slot = definition.slot(reply.slot_to_elicit or "")
            intent["state"] = "InProgress"
            self.state["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": reply.slot_to_elicit}
            if not reply.messages and slot is not None:
                self._elicit(intent, slot, 0)
        elif action == "ConfirmIntent":
            intent["confirmationState"] = "None"
            if reply.messages:
                intent["state"] = "InProgress"
                self.state["dialogAction"] = {"type": "ConfirmIntent"}
            else:
                self._confirm(definition, intent, 0)
        else:
            self.state["dialogAction"] = {"type": "Close"}
            if intent.get("state") == "Fulfilled" and source == "FulfillmentCodeHook":
                self._closing(definition, intent)

    # -- the response --------------------------------------------------------------------------------

    def _scores_for(self, active: str) -> list[IntentScore]:
        """Interpretations with the active intent first: during a prompt, Lex keeps to it."""
        others = [s for s in self.scores if s.intent != active]
        top = next((s for s in self.scores if s.intent == active), IntentScore(active, 1.0))
        action = self.session.get("previousAction") or ""
        if action in ("ElicitSlot", "ConfirmIntent"):
            top = IntentScore(active, 1.0)
        return [top, *others]

    def _finish(self) -> Json:
        intent = self.state.get("intent")
        active = intent["name"] if intent else self._classified()
        interpretations = interpretations_json(
            self._scores_for(active) if intent else self.scores,
            locale=self.locale,
            active=intent,
            fallback=self._fallback_name(),
            threshold=self.locale.nlu_confidence_threshold,
        )
        self.session["messages"] = self.messages
        self.session["interpretations"] = interpretations
        self.session["previousAction"] = (self.state.get("dialogAction") or {}).get("type")
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
