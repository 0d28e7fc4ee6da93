"""AMAZON.Date resolution: Lex's ``YYYY-MM-DD``, relative to a fixed "now", in en_US, es_US and fallbacks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026, 10:00 in New York. Week: Mon 16 .. Sun 22; Sat 21 is "this weekend"."""


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    # en_US: words
    ("en_US", "today", "2026-11-18"),
    ("en_US", "now", "2026-11-18"),
    ("en_US", "tonight", "2026-11-18"),
    ("en_US", "tomorrow", "2026-11-19"),
    ("en_US", "Tomorrow!", "2026-11-19"),
    ("en_US", "tomorrow morning", "2026-11-19"),
    ("en_US", "the day after tomorrow", "2026-11-20"),
    ("en_US", "yesterday", "2026-11-17"),
    # en_US: weekdays, on or after today
    ("en_US", "friday", "2026-11-20"),
    ("en_US", "Friday", "2026-11-20"),
    ("en_US", "wednesday", "2026-11-18"),  # today is a Wednesday: on or after today
    ("en_US", "monday", "2026-11-23"),
    ("en_US", "next tuesday", "2026-11-24"),
    ("en_US", "next wednesday", "2026-11-25"),  # "next" is strictly after today
    ("en_US", "this friday", "2026-11-20"),
    ("en_US", "this coming friday", "2026-11-20"),
    ("en_US", "last friday", "2026-11-13"),
    ("en_US", "friday next week", "2026-11-27"),
    ("en_US", "on friday", "2026-11-20"),
    ("en_US", "sat", "2026-11-21"),
    # en_US: weekends, weeks, months, years (Lex V2's documented period answers)
    ("en_US", "this weekend", "2026-11-21"),
    ("en_US", "the weekend", "2026-11-21"),
    ("en_US", "next weekend", "2026-11-28"),
    ("en_US", "next week", "2026-11-22"),  # last day of the current week
    ("en_US", "this week", "2026-11-16"),
    ("en_US", "last week", "2026-11-09"),
    ("en_US", "next month", "2026-12-31"),
    ("en_US", "this month", "2026-11-01"),
    ("en_US", "last month", "2026-10-01"),
    ("en_US", "next year", "2027-12-31"),
    ("en_US", "last year", "2025-01-01"),
    # en_US: relative amounts
    ("en_US", "in 3 days", "2026-11-21"),
    ("en_US", "in three days", "2026-11-21"),
    ("en_US", "in a week", "2026-11-25"),
    ("en_US", "in 2 months", "2027-01-18"),
    ("en_US", "a week from today", "2026-11-25"),
    ("en_US", "2 weeks from now", "2026-12-02"),
    ("en_US", "3 days ago", "2026-11-15"),
    # en_US: day of month and calendar dates, on or after today
    ("en_US", "the 5th", "2026-12-05"),
    ("en_US", "on the 5th", "2026-12-05"),
    ("en_US", "5th", "2026-12-05"),
    ("en_US", "the fifth", "2026-12-05"),
    ("en_US", "the 18th", "2026-11-18"),
    ("en_US", "the 25th", "2026-11-25"),
    ("en_US", "the 31st", "2026-12-31"),
    ("en_US", "the 5th of next month", "2026-12-05"),
    ("en_US", "march 3", "2027-03-03"),
    ("en_US", "March 3rd", "2027-03-03"),
    ("en_US", "dec 24", "2026-12-24"),
    ("en_US", "Dec. 24th", "2026-12-24"),
    ("en_US", "december twenty fourth", "2026-12-24"),
    ("en_US", "november 18", "2026-11-18"),
    ("en_US", "nov 17", "2027-11-17"),
    ("en_US", "the 3rd of march", "2027-03-03"),
    ("en_US", "24 december", "2026-12-24"),
    ("en_US", "may 5th, 2027", "2027-05-05"),
    ("en_US", "December 24 2025", "2025-12-24"),  # an explicit year is kept, even in the past
    ("en_US", "december 2027", "2027-12-01"),
    ("en_US", "march", "2027-03-01"),
    ("en_US", "feb 29", "2028-02-29"),  # the next year that has one
    # en_US: numeric
    ("en_US", "12/24", "2026-12-24"),
    ("en_US", "12/24/2026", "2026-12-24"),
    ("en_US", "1/5/27", "2027-01-05"),
    ("en_US", "24/12", "2026-12-24"),  # 24 cannot be a month: read day first
    ("en_US", "2026-12-24", "2026-12-24"),
    # en_US: extra words and a time beside the date
    ("en_US", "on the 5th please", "2026-12-05"),
    ("en_US", "let's say friday", "2026-11-20"),
    ("en_US", "tomorrow at 3pm", "2026-11-19"),
    ("en_US", "friday at noon", "2026-11-20"),
    # es_US
    ("es_US", "hoy", "2026-11-18"),
    ("es_US", "mañana", "2026-11-19"),
    ("es_US", "manana", "2026-11-19"),
    ("es_US", "Mañana por la tarde", "2026-11-19"),
    ("es_US", "pasado mañana", "2026-11-20"),
    ("es_US", "ayer", "2026-11-17"),
    ("es_US", "el viernes", "2026-11-20"),
    ("es_US", "viernes", "2026-11-20"),
    ("es_US", "este viernes", "2026-11-20"),
    ("es_US", "el miércoles", "2026-11-18"),
    ("es_US", "el próximo martes", "2026-11-24"),
    ("es_US", "el martes que viene", "2026-11-24"),
    ("es_US", "el próximo miércoles", "2026-11-25"),
    ("es_US", "el viernes de la semana que viene", "2026-11-27"),
    ("es_US", "el lunes pasado", "2026-11-16"),
    ("es_US", "el 5", "2026-12-05"),
    ("es_US", "el día 5", "2026-12-05"),
    ("es_US", "el 25", "2026-11-25"),
    ("es_US", "el 5 de diciembre", "2026-12-05"),
    ("es_US", "el cinco de diciembre", "2026-12-05"),
    ("es_US", "5 de dic", "2026-12-05"),
    ("es_US", "el primero de marzo", "2027-03-01"),
    ("es_US", "24 de diciembre de 2027", "2027-12-24"),
    ("es_US", "diciembre 24", "2026-12-24"),
    ("es_US", "la semana que viene", "2026-11-22"),
    ("es_US", "la próxima semana", "2026-11-22"),
    ("es_US", "esta semana", "2026-11-16"),
    ("es_US", "la semana pasada", "2026-11-09"),
    ("es_US", "el mes que viene", "2026-12-31"),
    ("es_US", "este mes", "2026-11-01"),
    ("es_US", "el año que viene", "2027-12-31"),
    ("es_US", "este fin de semana", "2026-11-21"),
    ("es_US", "el fin de semana", "2026-11-21"),
    ("es_US", "el próximo fin de semana", "2026-11-28"),
    ("es_US", "en 3 días", "2026-11-21"),
    ("es_US", "dentro de una semana", "2026-11-25"),
    ("es_US", "hace dos días", "2026-11-16"),
    ("es_US", "24/12", "2026-12-24"),
    ("es_US", "5/12", "2026-12-05"),  # day first outside en_US
    ("es_US", "2026-12-24", "2026-12-24"),
    ("es_US", "mañana a las 3", "2026-11-19"),
    ("es_US", "para el viernes", "2026-11-20"),
    # other locales: grammar for weekdays with "next", numeric forms, dateparser for the rest
    ("fr_FR", "vendredi prochain", "2026-11-20"),
    ("fr_FR", "vendredi", "2026-11-20"),
    ("fr_FR", "demain", "2026-11-19"),
    ("fr_FR", "24/12", "2026-12-24"),
    ("de_DE", "nächsten Freitag", "2026-11-20"),
    ("en_GB", "5/12", "2026-12-05"),
    ("en_GB", "the 5th", "2026-12-05"),
]

NOT_DATES = [
    ("en_US", "banana"),
    ("en_US", "3"),
    ("en_US", "42"),
    ("en_US", "15:30"),
    ("en_US", "3pm"),
    ("en_US", "a"),
    ("en_US", "second"),
    ("en_US", "yes"),
    ("en_US", "feb 30 2027"),
    ("en_US", "13/45"),
    ("es_US", "3"),
    ("es_US", "por la mañana"),
    ("es_US", "a las 10 de la mañana"),
    ("es_US", "la semana"),
    ("es_US", "plátano"),
]

FIND = [
    ("en_US", "let's say tomorrow please", "tomorrow", "2026-11-19"),
    ("en_US", "can we do friday at 3pm?", "friday", "2026-11-20"),
    ("en_US", "book 30 minutes with Jane tomorrow at 3pm", "tomorrow", "2026-11-19"),
    ("en_US", "maybe on the 5th of december", "the 5th of december", "2026-12-05"),
    ("en_US", "how about dec 24?", "dec 24", "2026-12-24"),
    ("en_US", "I'm free next week", "next week", "2026-11-22"),
    ("en_US", "any time this weekend works", "this weekend", "2026-11-21"),
    ("en_US", "what about friday next week", "friday next week", "2026-11-27"),
    ("en_US", "ship it on 12/24/2026 please", "12/24/2026", "2026-12-24"),
    ("es_US", "mañana a las 3", "mañana", "2026-11-19"),
    ("es_US", "nos vemos el viernes", "el viernes", "2026-11-20"),
    ("es_US", "el 5 de diciembre por favor", "el 5 de diciembre", "2026-12-05"),
    ("es_US", "mejor la semana que viene", "la semana que viene", "2026-11-22"),
    ("es_US", "¿puede ser el próximo martes?", "el próximo martes", "2026-11-24"),
    ("es_US", "quiero reservar para pasado mañana", "pasado mañana", "2026-11-20"),
    ("fr_FR", "on se voit vendredi prochain", "vendredi prochain", "2026-11-20"),
]

FIND_NOTHING = [
    ("en_US", "I need 3 rooms"),
    ("en_US", "sure, that works"),
    ("en_US", "at 3pm"),
    ("en_US", "may I book a room"),
    ("es_US", "a las 10 de la mañana"),
    ("es_US", "somos 5 personas"),
]


@pytest.mark.parametrize(("locale", "text", "expected"), RESOLVE)
def test_resolve_date(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.Date", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text.strip(),
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "text"), NOT_DATES)
def test_not_a_date(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.Date", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND)
def test_find_date(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.Date", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value) == (original, expected)
    assert value.original_value in text


@pytest.mark.parametrize(("locale", "text"), FIND_NOTHING)
def test_find_no_date(locale: str, text: str) -> None:
    assert find_value("AMAZON.Date", text, ctx(locale)) is None


def test_friday_on_a_friday_is_today() -> None:
    friday = ResolveContext("en_US", datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("America/New_York")))
    same_day = resolve_value("AMAZON.Date", "friday", friday)
    next_one = resolve_value("AMAZON.Date", "next friday", friday)
    assert same_day is not None
    assert same_day.interpreted_value == "2026-11-20"
    assert next_one is not None
    assert next_one.interpreted_value == "2026-11-27"


def test_this_weekend_on_sunday_is_today() -> None:
    sunday = ResolveContext("es_US", datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("America/New_York")))
    value = resolve_value("AMAZON.Date", "este fin de semana", sunday)
    assert value is not None
    assert value.interpreted_value == "2026-11-22"


def test_today_follows_the_zone_of_now() -> None:
    late = ResolveContext("en_US", datetime(2026, 11, 18, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")))
    value = resolve_value("AMAZON.Date", "tomorrow", late)
    assert value is not None
    assert value.interpreted_value == "2026-11-19"
