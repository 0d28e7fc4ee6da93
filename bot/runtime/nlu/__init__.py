"""The local runtime's NLU: intent scores and slot spans for one bot locale, trained from its definition.

    nlu = train_locale(locale)                    # once per locale, at start-up or after a build
    nlu.interpret("can you set up a call with John tomorrow")
        -> [IntentScore("ScheduleMeeting", 0.99), IntentScore("Help", 0.004), ...]
    nlu.capture("ScheduleMeeting", "Book a meeting with Jane Doe on Friday at 3pm")
        -> [SlotCapture({"AttendeeName": "Jane Doe", "MeetingDate": "Friday", "MeetingTime": "3pm"}, ...)]
    nlu.capture_slot("ScheduleMeeting", "AttendeeName", "it's with Jane")  -> ["Jane", "it's with Jane"]

Intent classification (``classifier``, ``features``): multinomial logistic regression
over TF-IDF word 1-2-grams and character 3-5-grams, trained on the sample
utterances with their placeholders filled with typical values (``examples``).
Scores are softmax probabilities in [0, 1], best first, with a hidden "none"
class that absorbs text the bot has no evidence for, so the top score can be
compared with the locale's ``nlu_confidence_threshold`` (Lex's default 0.4) as
Lex does. A text equal, once normalised, to a sample utterance without
placeholders always gets that intent first, with score 1.0. AMAZON.FallbackIntent
children are never scored (the dialog engine applies the threshold), nor are
intents without sample utterances (Lex cannot predict them either).

Slot capture (``templates``): the user's text is aligned with the intent's
sample utterances (``capture``) or the slot's own ones (``capture_slot``);
spans come back as the user typed them. The dialog engine resolves and validates
the values; this module only proposes candidates.

Everything is deterministic and needs only numpy (plus scipy.sparse, imported on
first training). Importing the package does no work and loads neither scipy nor pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.runtime.nlu.classifier import LinearModel, TrainConfig, train
from bot.runtime.nlu.examples import PLACEHOLDER, Example, expand, type_values
from bot.runtime.nlu.features import Vectorizer, fold, normalise
from bot.runtime.nlu.templates import Template, best_matches, compile_templates

if TYPE_CHECKING:
    from bot.model import Intent, Locale

__all__ = ["IntentScore", "LocaleNlu", "SlotCapture", "TrainConfig", "train_locale"]

EDGE_PUNCTUATION = " \t\r\n?!.,;:¿¡\"'“”«»"


@dataclass(frozen=True)
class IntentScore:
    intent: str
    score: float
    """0..1; not a distribution over the listed intents (the hidden "none" class takes the rest)."""


@dataclass(frozen=True)
class SlotCapture:
    slots: Mapping[str, str]
    """Slot name -> the raw text span captured for it, as the user typed it."""
    template: str
    """The sample utterance that matched."""


class LocaleNlu:
    """A trained locale: immutable after training, safe to share between sessions."""

    def __init__(
        self,
        locale_id: str,
        intents: Sequence[str],
        vectorizer: Vectorizer,
        model: LinearModel,
        exact: Mapping[str, int],
        templates: Mapping[str, tuple[Template, ...]],
        slot_templates: Mapping[tuple[str, str], tuple[Template, ...]],
    ) -> None:
        self.locale_id = locale_id
        self.intents = tuple(intents)
        self._vectorizer = vectorizer
        self._model = model
        self._exact = dict(exact)
        self._templates = dict(templates)
        self._slot_templates = dict(slot_templates)

    def interpret(self, text: str, limit: int = 5) -> list[IntentScore]:
        """The most likely intents, best first, at most ``limit``; FallbackIntent is never among them."""
        if limit <= 0 or not self.intents:
            return []
        folded = fold(text)
        columns, values = self._vectorizer.transform_one(folded)
        scores = self._model.probabilities(columns, values.astype(np.float32))[: len(self.intents)]
        exact = self._exact.get(folded)
        if exact is not None:
            scores[exact] = 1.0
        order = np.argsort(-scores, kind="stable")[:limit]
        return [IntentScore(self.intents[i], float(scores[i])) for i in order]

    def capture(self, intent: str, text: str) -> list[SlotCapture]:
        """Slot assignments from the intent's templates, best first; [] if none matches or unknown intent."""
        templates = self._templates.get(intent, ())
        if not templates:
            return []
        normalised = normalise(text)
        return [
            SlotCapture({name: text[a:b] for name, (a, b) in match.spans.items()}, match.template.text)
            for match in best_matches(templates, normalised)
        ]

    def capture_slot(self, intent: str, slot: str, text: str) -> list[str]:
        """Candidate values while ``slot`` is elicited: spans from its own samples, then the whole text."""
        candidates: list[str] = []
        templates = self._slot_templates.get((intent, slot), ())
        if templates:
            for match in best_matches(templates, normalise(text)):
                span = match.spans.get(slot)
                if span is not None:
                    candidates.append(text[span[0] : span[1]])
        whole = text.strip(EDGE_PUNCTUATION)
        candidates.append(whole if whole else text.strip())
        return list(dict.fromkeys(candidates))


def _trainable(locale: Locale) -> list[Intent]:
    return [intent for intent in locale.intents if not intent.is_fallback and intent.sample_utterances]


def training_examples(locale: Locale) -> tuple[list[str], list[Example], list[int]]:
    """Class names, and the expanded (text, weight) examples with their class index."""
    custom = {slot_type.name: slot_type for slot_type in locale.slot_types}
    names: list[str] = []
    examples: list[Example] = []
    labels: list[int] = []
    for label, intent in enumerate(_trainable(locale)):
        names.append(intent.name)
        values = {slot.name: type_values(locale, slot.slot_type_name, custom) for slot in intent.slots}
        for seed, utterance in enumerate(intent.sample_utterances):
            for example in expand(utterance, values, seed):
                examples.append(example)
                labels.append(label)
    return names, examples, labels


def train_locale(locale: Locale, config: TrainConfig | None = None) -> LocaleNlu:
    """Train the locale's NLU from its intents' and slots' sample utterances."""
    names, examples, labels = training_examples(locale)
    folded = [fold(example.text) for example in examples]
    weights = np.asarray([example.weight for example in examples], dtype=np.float64)
    vectorizer = Vectorizer(folded, weights.tolist())
    rows = [vectorizer.transform_one(text) for text in folded]
    labels_array = np.asarray(labels, dtype=np.intp)
    model = train(rows, vectorizer.size, labels_array, weights, len(names), config or TrainConfig())

    exact: dict[str, int] = {}
    for label, intent in enumerate(_trainable(locale)):
        for utterance in intent.sample_utterances:
            if not PLACEHOLDER.search(utterance):
                exact.setdefault(fold(utterance), label)
    templates = {intent.name: compile_templates(intent.sample_utterances) for intent in locale.intents}
    slot_templates = {
        (intent.name, slot.name): compile_templates(slot.sample_utterances)
        for intent in locale.intents
        for slot in intent.slots
    }
    return LocaleNlu(locale.locale_id, names, vectorizer, model, exact, templates, slot_templates)
