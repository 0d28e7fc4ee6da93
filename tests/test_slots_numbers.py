"""AMAZON.Number and AMAZON.Percentage: digits or words to plain digits (no trailing ".0")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (numbers do not depend on it)."""


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    ("en_US", "42", "42"),
    ("en_US", "forty two", "42"),
    ("en_US", "forty-two", "42"),
    ("en_US", "one hundred twenty three point four five", "123.45"),
    ("en_US", "point four two", "0.42"),
    ("en_US", "point forty two", "0.42"),
    ("en_US", "232.998", "232.998"),
    ("en_US", "minus 15", "-15"),
    ("en_US", "-15", "-15"),
    ("en_US", "3.0", "3"),
    ("en_US", "1,234", "1234"),
    ("en_US", "two thousand and five", "2005"),
    ("en_US", "a hundred", "100"),
    ("en_US", "a dozen", "12"),
    ("en_US", "2 thousand", "2000"),
    ("en_US", "nineteen hundred", "1900"),
    ("en_US", "one million two hundred thousand", "1200000"),
    ("en_US", "zero", "0"),
    ("es_US", "cuarenta y dos", "42"),
    ("es_US", "ciento veinte", "120"),
    ("es_US", "cien", "100"),
    ("es_US", "menos 15", "-15"),
    ("es_US", "dos mil", "2000"),
    ("es_US", "mil doscientos treinta y cuatro", "1234"),
    ("es_US", "veintidós", "22"),
    ("es_US", "un millón", "1000000"),
    ("es_US", "quinientos", "500"),
    ("es_US", "3,5", "3.5"),
    ("es_US", "tres punto cinco", "3.5"),
    ("es_US", "cero", "0"),
]

NOT_NUMBERS = [
    ("en_US", "banana"),
    ("en_US", "two three"),
    ("en_US", "forty two people"),
    ("en_US", "point"),
    ("es_US", "treinta cinco"),
    ("es_US", "plátano"),
]

FIND = [
    ("en_US", "we are 12 people", "12", "12"),
    ("en_US", "about forty two I think", "forty two", "42"),
    ("en_US", "the temperature is -5 today", "-5", "-5"),
    ("es_US", "somos cuarenta y dos personas", "cuarenta y dos", "42"),
    ("es_US", "unos 300 euros", "300", "300"),
]

PERCENT = [
    ("en_US", "50%", "50"),
    ("en_US", "fifty percent", "50"),
    ("en_US", "12.5 per cent", "12.5"),
    ("en_US", "20", "20"),
    ("es_US", "cincuenta por ciento", "50"),
    ("es_US", "la mitad", "la mitad"),  # not a number: the words as said
]


@pytest.mark.parametrize(("locale", "text", "expected"), RESOLVE)
def test_resolve_number(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.Number", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text,
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "text"), NOT_NUMBERS)
def test_not_a_number(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.Number", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND)
def test_find_number(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.Number", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value) == (original, expected)


@pytest.mark.parametrize(("locale", "text", "expected"), PERCENT)
def test_resolve_percentage(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.Percentage", text, ctx(locale))
    assert value is not None
    assert value.interpreted_value == expected


def test_find_percentage() -> None:
    value = find_value("AMAZON.Percentage", "make it 20 percent please", ctx("en_US"))
    assert value is not None
    assert (value.original_value, value.interpreted_value) == ("20 percent", "20")
