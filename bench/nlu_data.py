"""CLINC150 and SNIPS 2017 as Lex V2 bot definitions, and the labelled utterances to score them on.

Two doors, on purpose: ``TrainingData`` reads only ``shared/datasets`` (train and
validation splits: everything fitting and tuning may see), ``HeldOut`` reads only
``shared/bench`` (the test splits, opened once, for the final score). A test checks
that fitting and tuning never go through the second door.

The bots are what an operator would build in Lex from these datasets:
- CLINC150: one intent per label, its training utterances as sample utterances,
  plus AMAZON.FallbackIntent (which, as in Lex, has no samples: ``oos_train`` is not used).
- SNIPS: one intent per label; each annotated query becomes a sample utterance
  with its entities replaced by ``{slot}`` references; each entity becomes an
  optional slot of a custom slot type whose values are the training values
  ("expand values", Lex's ORIGINAL_VALUE resolution, so unseen values are accepted).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.model import Bot, Intent, Locale, Slot, SlotType, SlotTypeValue

Labelled = list[tuple[str, str]]
"""(utterance, intent) pairs."""
LOCALE_ID = "en_US"
FALLBACK = Intent(name="FallbackIntent", parent_intent_signature="AMAZON.FallbackIntent")
MAX_VALUE_CHARS = 140
"""Lex's limit on one slot type value."""


@dataclass(frozen=True)
class Query:
    """One SNIPS query: its intent and its text as chunks, each an entity (slot) or plain text."""

    intent: str
    chunks: tuple[tuple[str, str | None], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.chunks)

    @property
    def template(self) -> str:
        """The sample utterance: entity chunks as ``{slot}``, the surrounding text as written."""
        return " ".join("".join(f"{{{slot}}}" if slot else text for text, slot in self.chunks).split())

    @property
    def slots(self) -> list[tuple[str, str]]:
        return [(slot, text.strip()) for text, slot in self.chunks if slot]


@dataclass(frozen=True)
class Clinc:
    train: Labelled
    val: Labelled
    val_oos: list[str]
    domains: dict[str, list[str]]


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _queries(document: dict[str, list[dict[str, Any]]]) -> list[Query]:
    return [
        Query(intent, tuple((chunk["text"], chunk.get("entity")) for chunk in query["data"]))
        for intent, queries in document.items()
        for query in queries
    ]


@dataclass(frozen=True)
class TrainingData:
    """The train and validation splits under ``shared/datasets``."""

    shared: Path

    @property
    def folder(self) -> Path:
        return self.shared / "datasets"

    def clinc(self) -> Clinc:
        folder = self.folder / "clinc150"
        train, val = _read(folder / "train.json"), _read(folder / "val.json")
        return Clinc(
            train=[(text, intent) for text, intent in train["train"]],
            val=[(text, intent) for text, intent in val["val"]],
            val_oos=[text for text, _ in val["oos_val"]],
            domains=_read(folder / "domains.json"),
        )

    def snips_small(self) -> list[Query]:
        """300 queries per intent: the pool the 2017 benchmark drew its small training sets from."""
        return _queries(_read(self.folder / "snips" / "train_small.json"))

    def snips_full(self) -> list[Query]:
        return _queries(_read(self.folder / "snips" / "train_full.json"))


@dataclass(frozen=True)
class HeldOut:
    """The test splits under ``shared/bench``: read once, for the final score only."""

    shared: Path

    @property
    def folder(self) -> Path:
        return self.shared / "bench"

    def clinc(self) -> tuple[Labelled, list[str]]:
        test = _read(self.folder / "clinc150" / "test.json")
        return [(text, intent) for text, intent in test["test"]], [text for text, _ in test["oos_test"]]

    def snips(self) -> list[Query]:
        return _queries(_read(self.folder / "snips" / "test.json"))


def draw(queries: Sequence[Query], per_intent: int, seed: int) -> tuple[list[Query], list[Query]]:
    """A seeded draw of ``per_intent`` queries of each intent, and the rest (a validation pool)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible sample, not a secret)
    by_intent: dict[str, list[Query]] = {}
    for query in queries:
        by_intent.setdefault(query.intent, []).append(query)
    chosen: list[Query] = []
    rest: list[Query] = []
    for intent in sorted(by_intent):
        pool = list(by_intent[intent])
        rng.shuffle(pool)
        chosen.extend(pool[:per_intent])
        rest.extend(pool[per_intent:])
    return chosen, rest


def split_off(queries: Sequence[Query], every: int) -> tuple[list[Query], list[Query]]:
    """Every ``every``-th query of each intent set aside (validation), the others kept (training)."""
    kept: list[Query] = []
    aside: list[Query] = []
    seen: dict[str, int] = {}
    for query in queries:
        index = seen[query.intent] = seen.get(query.intent, -1) + 1
        (aside if index % every == every - 1 else kept).append(query)
    return kept, aside


def clinc_bot(train: Labelled, name: str = "Clinc150") -> Bot:
    by_intent: dict[str, list[str]] = {}
    for text, intent in train:
        by_intent.setdefault(intent, []).append(text)
    intents = [Intent(name=intent, sample_utterances=_unique(texts)) for intent, texts in by_intent.items()]
    return Bot(name=name, locales=(Locale(locale_id=LOCALE_ID, intents=(*intents, FALLBACK)),))


def snips_bot(queries: Sequence[Query], name: str = "Snips2017") -> Bot:
    values: dict[str, list[str]] = {}
    intent_slots: dict[str, list[str]] = {}
    templates: dict[str, list[str]] = {}
    for query in queries:
        templates.setdefault(query.intent, []).append(query.template)
        slots = intent_slots.setdefault(query.intent, [])
        for slot, value in query.slots:
            if slot not in slots:
                slots.append(slot)
            if value and len(value) <= MAX_VALUE_CHARS:
                values.setdefault(slot, []).append(value)
    slot_types = tuple(
        SlotType(
            name=type_name(slot),
            values=tuple(SlotTypeValue(value=value) for value in _unique(found, fold_case=True)),
            resolution_strategy="ORIGINAL_VALUE",
        )
        for slot, found in sorted(values.items())
    )
    known = {slot_type.name for slot_type in slot_types}
    intents = [
        Intent(
            name=intent,
            sample_utterances=_unique(texts),
            slots=tuple(
                Slot(name=slot, slot_type_name=type_name(slot), prompt=None, required=False)
                for slot in intent_slots[intent]
                if type_name(slot) in known
            ),
        )
        for intent, texts in templates.items()
    ]
    locale = Locale(locale_id=LOCALE_ID, intents=(*intents, FALLBACK), slot_types=slot_types)
    return Bot(name=name, locales=(locale,))


def type_name(slot: str) -> str:
    return f"{slot}Values"


def _unique(texts: Iterable[str], fold_case: bool = False) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for text in texts:
        text = " ".join(text.split())
        key = text.casefold() if fold_case else text
        if text and key not in seen:
            seen[key] = text
    return tuple(seen.values())
