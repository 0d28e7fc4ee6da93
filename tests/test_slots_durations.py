"""AMAZON.Duration resolution: ISO 8601 durations with the units as said, fractions carried down."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (durations do not depend on it)."""


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    ("en_US", "30 minutes", "PT30M"),
    ("en_US", "ten minutes", "PT10M"),
    ("en_US", "half an hour", "PT30M"),
    ("en_US", "an hour and a half", "PT1H30M"),
    ("en_US", "1.5 hours", "PT1H30M"),
    ("en_US", "90 min", "PT90M"),
    ("en_US", "90 minutes", "PT90M"),
    ("en_US", "two hours", "PT2H"),
    ("en_US", "an hour", "PT1H"),
    ("en_US", "1h30", "PT1H30M"),
    ("en_US", "1h 30m", "PT1H30M"),
    ("en_US", "2h", "PT2H"),
    ("en_US", "45m", "PT45M"),
    ("en_US", "3 days", "P3D"),
    ("en_US", "2 weeks", "P2W"),
    ("en_US", "eight weeks", "P8W"),
    ("en_US", "seven years", "P7Y"),
    ("en_US", "a quarter of an hour", "PT15M"),
    ("en_US", "three quarters of an hour", "PT45M"),
    ("en_US", "forty five seconds", "PT45S"),
    ("en_US", "five hours ten minutes", "PT5H10M"),
    ("en_US", "1 hour and 30 minutes", "PT1H30M"),
    ("en_US", "two years three hours ten minutes", "P2YT3H10M"),
    ("en_US", "two and a half hours", "PT2H30M"),
    ("en_US", "2.5 days", "P2DT12H"),
    ("en_US", "a couple of hours", "PT2H"),
    ("en_US", "a fortnight", "P2W"),
    ("en_US", "for 45 minutes please", "PT45M"),
    ("en_US", "about an hour", "PT1H"),
    ("es_US", "media hora", "PT30M"),
    ("es_US", "una hora y media", "PT1H30M"),
    ("es_US", "hora y media", "PT1H30M"),
    ("es_US", "45 minutos", "PT45M"),
    ("es_US", "dos horas", "PT2H"),
    ("es_US", "dos horas y media", "PT2H30M"),
    ("es_US", "3 días", "P3D"),
    ("es_US", "una semana", "P1W"),
    ("es_US", "hora y cuarto", "PT1H15M"),
    ("es_US", "un cuarto de hora", "PT15M"),
    ("es_US", "tres cuartos de hora", "PT45M"),
    ("es_US", "treinta y cinco minutos", "PT35M"),
    ("es_US", "dos horas y treinta minutos", "PT2H30M"),
    ("es_US", "1,5 horas", "PT1H30M"),
    ("es_US", "un par de horas", "PT2H"),
    ("fr_FR", "90 min", "PT90M"),
]

NOT_DURATIONS = [
    ("en_US", "banana"),
    ("en_US", "3"),
    ("en_US", "hours"),
    ("en_US", "tomorrow at 3"),
    ("es_US", "horas"),
    ("es_US", "mañana"),
]

FIND = [
    ("en_US", "book 30 minutes with Jane tomorrow at 3pm", "30 minutes", "PT30M"),
    ("en_US", "let's make it an hour and a half", "an hour and a half", "PT1H30M"),
    ("en_US", "about 2h please", "2h", "PT2H"),
    ("en_US", "a meeting of forty five minutes", "forty five minutes", "PT45M"),
    ("es_US", "quiero una reunión de media hora", "media hora", "PT30M"),
    ("es_US", "dos horas y media por favor", "dos horas y media", "PT2H30M"),
    ("es_US", "reserva 45 minutos con Ana", "45 minutos", "PT45M"),
]

FIND_NOTHING = [("en_US", "tomorrow at 3"), ("en_US", "I need 3 rooms"), ("es_US", "a las tres y media")]


@pytest.mark.parametrize(("locale", "text", "expected"), RESOLVE)
def test_resolve_duration(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.Duration", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text,
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "text"), NOT_DURATIONS)
def test_not_a_duration(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.Duration", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND)
def test_find_duration(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.Duration", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value) == (original, expected)


@pytest.mark.parametrize(("locale", "text"), FIND_NOTHING)
def test_find_no_duration(locale: str, text: str) -> None:
    assert find_value("AMAZON.Duration", text, ctx(locale)) is None
