"""Custom slot types (values and synonyms) and AMAZON.AlphaNumeric, with or without a regex.

Matching ignores case, accents and surrounding punctuation. TOP_RESOLUTION
("restrict to slot values") accepts only known values and synonyms, with a
little typo tolerance (difflib ratio >= 0.85: "pipline" -> "pipeline"; inside
a sentence only among values with the same first letter and number of words);
``interpreted_value`` is the slot type value, ``resolved_values`` every value
matched (up to five, best first). ORIGINAL_VALUE ("expand values") accepts
anything: the user's words are ``interpreted_value``, and ``resolved_values``
lists the slot type values they match, or just the words when none does.
Inside a sentence only known values and synonyms are found (longest wins); an
unknown value can only come from a whole answer or an utterance span.

A regex type (``parent_slot_type_signature="AMAZON.AlphaNumeric"``) takes the
answer as typed or with its inner blanks removed ("ab 123" for
``[a-z]{2}[0-9]{3}``) when the pattern matches it entirely.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.runtime.slots.values import EDGE_PUNCTUATION, Found, ResolveContext, SlotValue, best, exact, trim
from bot.runtime.slots.words import fold

if TYPE_CHECKING:
    from bot.model import SlotType

FUZZY_CUTOFF = 0.85
MAX_RESOLVED = 5
FUZZY_FIND_LIMIT = 2000
"""Above this many values and synonyms, sentences are searched for exact matches only (fuzzy is O(n))."""


@dataclass(frozen=True)
class _Index:
    keys: dict[str, tuple[str, ...]]
    longest: int
    lengths: frozenset[int]
    buckets: dict[tuple[str, int], tuple[str, ...]]
    """Keys by (first letter, word count): in a sentence a typo is looked for among these only."""


_INDEXES: OrderedDict[int, tuple[SlotType, _Index]] = OrderedDict()
_LOCK = threading.Lock()


def _norm(text: str) -> str:
    return " ".join(w for w in (w.strip(EDGE_PUNCTUATION) for w in fold(text).split()) if w)


def _index(custom: SlotType) -> _Index:
    """The lookup table of a slot type, cached by identity (the model is kept so its id stays unique)."""
    with _LOCK:
        cached = _INDEXES.get(id(custom))
        if cached is not None and cached[0] is custom:
            _INDEXES.move_to_end(id(custom))
            return cached[1]
    keys: dict[str, list[str]] = {}
    for value in custom.values:
        keys.setdefault(_norm(value.value), []).append(value.value)
    for value in custom.values:
        for synonym in value.synonyms:
            matches = keys.setdefault(_norm(synonym), [])
            if value.value not in matches:
                matches.append(value.value)
    keys.pop("", None)
    lengths = frozenset(key.count(" ") + 1 for key in keys)
    buckets: dict[tuple[str, int], list[str]] = {}
    for key in keys:
        buckets.setdefault((key[0], key.count(" ") + 1), []).append(key)
    index = _Index(
        {k: tuple(v) for k, v in keys.items()},
        max(lengths, default=0),
        lengths,
        {k: tuple(v) for k, v in buckets.items()},
    )
    with _LOCK:
        _INDEXES[id(custom)] = (custom, index)
        if len(_INDEXES) > 64:
            _INDEXES.popitem(last=False)
    return index


def _lookup(index: _Index, key: str, fuzzy: bool, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Values for ``key``: exact, else (``fuzzy``) the closest keys, from ``among`` when given."""
    if key in index.keys:
        return index.keys[key]
    if not fuzzy or len(key) < 4:
        return ()
    values: list[str] = []
    candidates = index.keys if among is None else among
    for close in difflib.get_close_matches(key, candidates, n=MAX_RESOLVED, cutoff=FUZZY_CUTOFF):
        values += [v for v in index.keys[close] if v not in values]
    return tuple(values)


def resolve_custom(text: str, ctx: ResolveContext, custom: SlotType) -> SlotValue | None:
    if custom.regex_filter or custom.parent_slot_type_signature == "AMAZON.AlphaNumeric":
        return resolve_alphanumeric(text, ctx, custom.regex_filter)
    original = text.strip()
    key = _norm(text)
    if not key:
        return None
    matched = _lookup(_index(custom), key, fuzzy=True)[:MAX_RESOLVED]
    if custom.resolution_strategy == "TOP_RESOLUTION":
        return SlotValue(original, matched[0], matched) if matched else None
    return SlotValue(original, original, matched or (original,))


def find_custom(text: str, ctx: ResolveContext, custom: SlotType) -> SlotValue | None:
    if custom.regex_filter or custom.parent_slot_type_signature == "AMAZON.AlphaNumeric":
        return find_alphanumeric(text, ctx, custom.regex_filter)
    index = _index(custom)
    words = _words(text)
    found: list[Found[tuple[str, ...]]] = []
    for fuzzy in (False, len(index.keys) <= FUZZY_FIND_LIMIT):
        for i in range(len(words)):
            for n in range(min(index.longest, len(words) - i), 0, -1):
                gram = " ".join(w.value for w in words[i : i + n])
                among = index.buckets.get((gram[0], n), ()) if fuzzy else None
                if fuzzy and not among:
                    continue
                matched = _lookup(index, gram, fuzzy, among)
                if matched:
                    found.append(Found(words[i].start, words[i + n - 1].end, matched[:MAX_RESOLVED]))
                    break
        if found:
            break
    winner = best(found)
    if winner is None:
        return None
    original = text[winner.start : winner.end]
    if custom.resolution_strategy == "TOP_RESOLUTION":
        return SlotValue(original, winner.value[0], winner.value)
    return SlotValue(original, original, winner.value)


def _words(text: str) -> list[Found[str]]:
    """Blank-separated words without surrounding punctuation, folded, with their spans."""
    words = []
    for m in re.finditer(r"\S+", text):
        start, end = trim(m.group())
        if start < end:
            words.append(Found(m.start() + start, m.start() + end, fold(m.group()[start:end])))
    return words


# --- AMAZON.AlphaNumeric ---------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    """Lex's regex dialect (letters, digits, ``\\uXXXX``, classes, bounded repeats) is valid Python."""
    return re.compile(pattern)


def resolve_alphanumeric(text: str, ctx: ResolveContext, regex: str | None = None) -> SlotValue | None:
    start, end = trim(text)
    body = text[start:end]
    if not any(c.isalnum() for c in body):
        return None
    if regex is None:
        return exact(text.strip(), body)
    for candidate in dict.fromkeys((body, re.sub(r"\s+", "", body))):
        if _regex(regex).fullmatch(candidate):
            return exact(text.strip(), candidate)
    return None


def find_alphanumeric(text: str, ctx: ResolveContext, regex: str | None = None) -> SlotValue | None:
    """With a regex: the longest run of up to 4 words that matches once blanks are removed.

    Without one: the longest word with digits in it (an order number, a code), letters and digits first.
    """
    words = [Found(w.start, w.end, text[w.start : w.end]) for w in _words(text)]
    found: list[Found[str]] = []
    if regex is None:
        coded = [w for w in words if any(c.isdigit() for c in w.value)]
        mixed = [w for w in coded if any(c.isalpha() for c in w.value)]
        winner = best(mixed) or best(coded)
        return None if winner is None else exact(winner.value, winner.value)
    for i in range(len(words)):
        for n in range(1, min(4, len(words) - i) + 1):
            span = text[words[i].start : words[i + n - 1].end]
            for candidate in dict.fromkeys((span, re.sub(r"\s+", "", span))):
                if _regex(regex).fullmatch(candidate):
                    found.append(Found(words[i].start, words[i + n - 1].end, candidate))
    winner = best(found)
    return None if winner is None else exact(text[winner.start : winner.end], winner.value)
