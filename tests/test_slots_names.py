"""AMAZON.FirstName / AMAZON.LastName: the name as given, capitalised per word; cues inside sentences."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (names do not depend on it)."""
FIRST, LAST = "AMAZON.FirstName", "AMAZON.LastName"


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    ("en_US", FIRST, "jane", "Jane"),
    ("en_US", FIRST, "  JANE ", "Jane"),
    ("en_US", FIRST, "mary-jane", "Mary-Jane"),
    ("en_US", FIRST, "Mary Ann", "Mary Ann"),
    ("en_US", LAST, "o'brien", "O'Brien"),
    ("en_US", LAST, "McDonald", "McDonald"),
    ("en_US", LAST, "van der berg", "Van Der Berg"),
    ("es_US", FIRST, "josé", "José"),
    ("es_US", LAST, "garcía lópez", "García López"),
    ("es_US", FIRST, "María José", "María José"),
]

NOT_NAMES = [
    ("en_US", FIRST, "jane2"),
    ("en_US", FIRST, "a b c d"),
    ("en_US", LAST, "jane@example.com"),
    ("en_US", LAST, "!!!"),
    ("es_US", FIRST, "ana 3"),
]

FIND = [
    ("en_US", FIRST, "my name is Jane", "Jane", "Jane"),
    ("en_US", FIRST, "it's Jane", "Jane", "Jane"),
    ("en_US", FIRST, "my name is jane doe", "jane", "Jane"),
    ("en_US", LAST, "my name is jane doe", "doe", "Doe"),
    ("en_US", FIRST, "this is Bob Smith, thanks", "Bob", "Bob"),
    ("en_US", LAST, "this is Bob Smith, thanks", "Smith", "Smith"),
    ("en_US", LAST, "my last name is Van Der Berg", "Van Der Berg", "Van Der Berg"),
    ("en_US", FIRST, "call me Liz", "Liz", "Liz"),
    ("en_US", FIRST, "Jane please", "Jane", "Jane"),
    ("es_US", FIRST, "me llamo Ana", "Ana", "Ana"),
    ("es_US", FIRST, "me llamo Ana García López", "Ana", "Ana"),
    ("es_US", LAST, "me llamo Ana García López", "García López", "García López"),
    ("es_US", LAST, "mi apellido es García", "García", "García"),
    ("es_US", FIRST, "soy maría", "maría", "María"),
    ("es_US", FIRST, "hola, mi nombre es Luis", "Luis", "Luis"),
]

FIND_NOTHING = [
    ("en_US", FIRST, "I'm available tomorrow"),
    ("en_US", FIRST, "my last name is Smith"),
    ("en_US", FIRST, "book a meeting for 3 people next week please"),
    ("es_US", FIRST, "la reunión es mañana"),
    ("es_US", FIRST, "mi apellido es García"),
]


@pytest.mark.parametrize(("locale", "slot_type", "text", "expected"), RESOLVE)
def test_resolve_name(locale: str, slot_type: str, text: str, expected: str) -> None:
    value = resolve_value(slot_type, text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text.strip(),
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "slot_type", "text"), NOT_NAMES)
def test_not_a_name(locale: str, slot_type: str, text: str) -> None:
    assert resolve_value(slot_type, text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "slot_type", "text", "original", "expected"), FIND)
def test_find_name(locale: str, slot_type: str, text: str, original: str, expected: str) -> None:
    value = find_value(slot_type, text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value) == (original, expected)


@pytest.mark.parametrize(("locale", "slot_type", "text"), FIND_NOTHING)
def test_find_no_name(locale: str, slot_type: str, text: str) -> None:
    assert find_value(slot_type, text, ctx(locale)) is None
