"""Slot filling: turning the user's words into Lex slot values.

Three sources, in order of trust: spans captured by the intent's utterance
templates; the answer to the slot being elicited (its slot utterances, then a
value found anywhere in the answer); and values of distinctive types (dates,
times, durations, e-mails, phone numbers, known custom values) spotted in the
rest of the sentence, which is how "book 30 minutes with Jane tomorrow at
3pm" fills four slots without a template for every word order.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.model import Intent, Locale, Slot, SlotType
from bot.runtime.nlu import LocaleNlu
from bot.runtime.slots import ResolveContext, SlotValue, find_value, resolve_value
from bot.syntax import SLOT_REFERENCE

Json = dict[str, Any]
SPOTTABLE = (
    "AMAZON.EmailAddress",
    "AMAZON.PhoneNumber",
    "AMAZON.Duration",
    "AMAZON.Time",
    "AMAZON.Date",
)
"""Built-in types whose values stand out in a sentence, in the order they are looked for."""


@dataclass(frozen=True)
class Filler:
    locale: Locale
    nlu: LocaleNlu
    now: datetime

    @property
    def context(self) -> ResolveContext:
        return ResolveContext(locale_id=self.locale.locale_id, now=self.now)

    def _typed(self, slot: Slot) -> tuple[str, SlotType | None]:
        """The slot's type and definition; a custom type missing from the package only captures words."""
        custom = self.locale.slot_type(slot.slot_type_name)
        if custom is None and not slot.slot_type_name.startswith("AMAZON."):
            return "AMAZON.FreeFormInput", None
        return slot.slot_type_name, custom

    def resolve(self, slot: Slot, span: str) -> SlotValue | None:
        return resolve_value(*self._with_text(slot, span))

    def find(self, slot: Slot, text: str) -> SlotValue | None:
        return find_value(*self._with_text(slot, text))

    def _with_text(self, slot: Slot, text: str) -> tuple[str, str, ResolveContext, SlotType | None]:
        type_name, custom = self._typed(slot)
        return type_name, text, self.context, custom

    def from_utterance(self, intent: Intent, text: str) -> dict[str, SlotValue]:
        """Slots in a first utterance: the better of templates-then-spotting and spotting-then-templates.

        Templates alone would let a free-text slot swallow the rest of the sentence ("Jane Doe
        tomorrow at 3pm" as a name); spotting first takes the dates and times out, so the template
        sees "book a meeting with Jane Doe". On a tie the template reading wins.
        """
        templated = self._templates(intent, text)
        first = {**templated, **self.spot(intent, text, templated)}
        spotted = self.spot(intent, text, {})
        remaining = text
        for value in spotted.values():
            remaining = _without(remaining, value.original_value)
        rest = {k: v for k, v in self._templates(intent, remaining).items() if k not in spotted}
        second = {**spotted, **rest}
        return second if len(second) > len(first) else first

    def _templates(self, intent: Intent, text: str) -> dict[str, SlotValue]:
        """The template capture whose spans all resolve, else the one resolving the most."""
        best: dict[str, SlotValue] = {}
        for capture in self.nlu.capture(intent.name, text):
            resolved = {}
            for name, span in capture.slots.items():
                slot = intent.slot(name)
                span = trim_connectors(span, self.locale.locale_id)
                if not span or _only_carrier_words(intent, span):
                    continue
                value = self.resolve(slot, span) if slot is not None else None
                if value is not None:
                    resolved[name] = value
            if resolved and len(resolved) == len(capture.slots):
                return resolved
            if len(resolved) > len(best):
                best = resolved
        return best

    def answer(self, intent: Intent, slot: Slot, text: str) -> dict[str, SlotValue]:
        """The elicited slot from an answer, plus any other empty slot the answer also gives."""
        value = None
        for span in self.nlu.capture_slot(intent.name, slot.name, text):
            value = self.resolve(slot, span)
            if value is not None:
                break
        if value is None:
            value = self.find(slot, text)
        if value is None:
            return {}
        return {
            slot.name: value,
            **self.spot(intent, _without(text, value.original_value), {slot.name: value}),
        }

    def spot(self, intent: Intent, text: str, taken: Mapping[str, SlotValue]) -> dict[str, SlotValue]:
        """Values of distinctive types for slots not filled yet; a type two slots share is ambiguous."""
        counts = Counter(s.slot_type_name for s in intent.slots)
        remaining = text
        for taken_value in taken.values():
            remaining = _without(remaining, taken_value.original_value)
        spotted: dict[str, SlotValue] = {}
        for slot in sorted(intent.slots, key=self._spot_order):
            if slot.name in taken or counts[slot.slot_type_name] > 1 or not self._spottable(slot):
                continue
            value = self.find(slot, remaining)
            if value is not None:
                spotted[slot.name] = value
                remaining = _without(remaining, value.original_value)
        return spotted

    def _spottable(self, slot: Slot) -> bool:
        if slot.slot_type_name in SPOTTABLE:
            return True
        custom = self.locale.slot_type(slot.slot_type_name)
        return custom is not None and custom.resolution_strategy == "TOP_RESOLUTION" and bool(custom.values)

    def _spot_order(self, slot: Slot) -> int:
        name = slot.slot_type_name
        return SPOTTABLE.index(name) if name in SPOTTABLE else len(SPOTTABLE)


CONNECTORS = {
    "en": frozenset(["at", "on", "for", "by", "from", "to", "in", "of", "and", "with", "about", "around"]),
    "es": frozenset(["a", "las", "la", "el", "los", "de", "del", "para", "en", "y", "con", "sobre", "por"]),
}
"""Words that join a value to the sentence; left at a span's edge once a neighbouring value is taken out."""


@functools.cache
def _carrier_words(intent: Intent) -> frozenset[str]:
    """The intent's own wording: the literal words of its sample utterances."""
    words = set()
    for utterance in intent.sample_utterances:
        words.update(SLOT_REFERENCE.sub(" ", utterance).lower().split())
    return frozenset(words)


def _only_carrier_words(intent: Intent, span: str) -> bool:
    """A span made only of the intent's own wording ("my baggage") is not a slot value."""
    return all(word in _carrier_words(intent) for word in span.lower().split())


def trim_connectors(span: str, locale_id: str) -> str:
    words = span.split()
    connectors = CONNECTORS.get(locale_id[:2], frozenset())
    while words and words[-1].lower() in connectors:
        words.pop()
    while words and words[0].lower() in connectors:
        words.pop(0)
    return " ".join(words)


def _without(text: str, part: str) -> str:
    """The text with the first occurrence of ``part`` blanked out, so it is not read twice."""
    if not part:
        return text
    match = re.search(re.escape(part), text, flags=re.IGNORECASE)
    if match is None:
        return text
    return text[: match.start()] + " " * len(part) + text[match.end() :]


def slot_json(value: SlotValue) -> Json:
    """Lex's runtime shape for a filled scalar slot."""
    inner: Json = {"originalValue": value.original_value, "resolvedValues": list(value.resolved_values)}
    if value.interpreted_value is not None:
        inner["interpretedValue"] = value.interpreted_value
    return {"shape": "Scalar", "value": inner}
