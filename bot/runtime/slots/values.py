"""The value shapes every resolver returns, and the small helpers they share.

Kept apart from ``__init__`` so that the per-type modules can import them
without importing each other through the package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class SlotValue:
    """One resolved slot value, as Lex reports it in ``slots.<name>.value``.

    ``resolved_values`` starts with ``interpreted_value`` when that is not None, except for
    custom types with ``ORIGINAL_VALUE`` resolution, where Lex passes the user's words through
    as ``interpreted_value`` and lists the slot type values they resolved to.
    """

    original_value: str
    interpreted_value: str | None
    resolved_values: tuple[str, ...]


@dataclass(frozen=True)
class ResolveContext:
    """Where and when the user speaks: the locale picks the grammar, ``now`` anchors relative dates."""

    locale_id: str
    now: datetime

    @property
    def lang(self) -> str:
        """The language part of the locale id: ``es_US`` -> ``es``."""
        return lang_of(self.locale_id)


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value found in a text: its span (in the original text) and the resolver's result."""

    start: int
    end: int
    value: T


def lang_of(locale_id: str) -> str:
    return locale_id.replace("-", "_").split("_", 1)[0].lower()


def exact(original: str, interpreted: str) -> SlotValue:
    """A value with one interpretation."""
    return SlotValue(original, interpreted, (interpreted,))


def best(found: Iterable[Found[T]]) -> Found[T] | None:
    """The longest match; the earliest among equally long ones."""
    winner: Found[T] | None = None
    for item in found:
        if winner is None:
            winner = item
            continue
        longer = item.end - item.start > winner.end - winner.start
        same = item.end - item.start == winner.end - winner.start
        if longer or (same and item.start < winner.start):
            winner = item
    return winner


EDGE_PUNCTUATION = " \t\r\n.,;:!?¡¿\"'“”\u2018\u2019«»()[]{}…"


def trim(text: str) -> tuple[int, int]:
    """The span of ``text`` without surrounding blanks and sentence punctuation."""
    start, end = 0, len(text)
    while start < end and text[start] in EDGE_PUNCTUATION:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCTUATION:
        end -= 1
    return start, end
