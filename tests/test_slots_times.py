"""AMAZON.Time resolution: ``HH:MM``, ambiguous hours (interpreted None, two readings), part-of-day codes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026, 10:00 in New York."""

AMBIGUOUS = None


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    # en_US: exact times
    ("en_US", "3pm", "15:00", ("15:00",)),
    ("en_US", "3 pm", "15:00", ("15:00",)),
    ("en_US", "3 PM", "15:00", ("15:00",)),
    ("en_US", "3:30 p.m.", "15:30", ("15:30",)),
    ("en_US", "10 am", "10:00", ("10:00",)),
    ("en_US", "12am", "00:00", ("00:00",)),
    ("en_US", "12 pm", "12:00", ("12:00",)),
    ("en_US", "15:30", "15:30", ("15:30",)),
    ("en_US", "09:30", "09:30", ("09:30",)),
    ("en_US", "00:15", "00:15", ("00:15",)),
    ("en_US", "noon", "12:00", ("12:00",)),
    ("en_US", "12 noon", "12:00", ("12:00",)),
    ("en_US", "midday", "12:00", ("12:00",)),
    ("en_US", "midnight", "00:00", ("00:00",)),
    ("en_US", "three pm", "15:00", ("15:00",)),
    ("en_US", "three thirty pm", "15:30", ("15:30",)),
    ("en_US", "3 in the afternoon", "15:00", ("15:00",)),
    ("en_US", "10 in the morning", "10:00", ("10:00",)),
    ("en_US", "8 at night", "20:00", ("20:00",)),
    ("en_US", "7 in the evening", "19:00", ("19:00",)),
    ("en_US", "quarter past 3 pm", "15:15", ("15:15",)),
    ("en_US", "quarter to five pm", "16:45", ("16:45",)),
    ("en_US", "at 3pm", "15:00", ("15:00",)),
    ("en_US", "now", "10:00", ("10:00",)),
    ("en_US", "in 30 minutes", "10:30", ("10:30",)),
    ("en_US", "in an hour and a half", "11:30", ("11:30",)),
    ("en_US", "tomorrow at 3pm", "15:00", ("15:00",)),
    # en_US: ambiguous (no AM/PM): morning reading first; twelve: noon first
    ("en_US", "at 3", AMBIGUOUS, ("03:00", "15:00")),
    ("en_US", "3 o'clock", AMBIGUOUS, ("03:00", "15:00")),
    ("en_US", "10 o'clock", AMBIGUOUS, ("10:00", "22:00")),
    ("en_US", "3", AMBIGUOUS, ("03:00", "15:00")),
    ("en_US", "three", AMBIGUOUS, ("03:00", "15:00")),
    ("en_US", "3:30", AMBIGUOUS, ("03:30", "15:30")),
    ("en_US", "12:30", AMBIGUOUS, ("12:30", "00:30")),
    ("en_US", "half past two", AMBIGUOUS, ("02:30", "14:30")),
    ("en_US", "quarter to five", AMBIGUOUS, ("04:45", "16:45")),
    ("en_US", "a quarter past six", AMBIGUOUS, ("06:15", "18:15")),
    ("en_US", "ten to six", AMBIGUOUS, ("05:50", "17:50")),
    ("en_US", "20 past 4", AMBIGUOUS, ("04:20", "16:20")),
    ("en_US", "quarter to one", AMBIGUOUS, ("12:45", "00:45")),
    ("en_US", "two thirty", AMBIGUOUS, ("02:30", "14:30")),
    ("en_US", "two oh five", AMBIGUOUS, ("02:05", "14:05")),
    ("en_US", "twelve thirty", AMBIGUOUS, ("12:30", "00:30")),
    # en_US: parts of the day (Lex's range codes)
    ("en_US", "morning", "MO", ("MO",)),
    ("en_US", "in the morning", "MO", ("MO",)),
    ("en_US", "afternoon", "AF", ("AF",)),
    ("en_US", "evening", "EV", ("EV",)),
    ("en_US", "this evening", "EV", ("EV",)),
    ("en_US", "night", "NI", ("NI",)),
    ("en_US", "tonight", "NI", ("NI",)),
    ("en_US", "pm", "PM", ("PM",)),
    # es_US
    ("es_US", "a las 3", AMBIGUOUS, ("03:00", "15:00")),
    ("es_US", "las 3", AMBIGUOUS, ("03:00", "15:00")),
    ("es_US", "a la una", AMBIGUOUS, ("01:00", "13:00")),
    ("es_US", "a las 3 en punto", AMBIGUOUS, ("03:00", "15:00")),
    ("es_US", "a las 3 de la tarde", "15:00", ("15:00",)),
    ("es_US", "a las 10 de la mañana", "10:00", ("10:00",)),
    ("es_US", "a las 9 de la noche", "21:00", ("21:00",)),
    ("es_US", "a las 2 de la madrugada", "02:00", ("02:00",)),
    ("es_US", "a las 12 del mediodía", "12:00", ("12:00",)),
    ("es_US", "las 15:30", "15:30", ("15:30",)),
    ("es_US", "3 pm", "15:00", ("15:00",)),
    ("es_US", "mediodía", "12:00", ("12:00",)),
    ("es_US", "al mediodía", "12:00", ("12:00",)),
    ("es_US", "medianoche", "00:00", ("00:00",)),
    ("es_US", "las tres y media", AMBIGUOUS, ("03:30", "15:30")),
    ("es_US", "las 4 y cuarto", AMBIGUOUS, ("04:15", "16:15")),
    ("es_US", "las 4 y 10", AMBIGUOUS, ("04:10", "16:10")),
    ("es_US", "las 5 menos cuarto", AMBIGUOUS, ("04:45", "16:45")),
    ("es_US", "las seis menos diez", AMBIGUOUS, ("05:50", "17:50")),
    ("es_US", "las tres y media de la tarde", "15:30", ("15:30",)),
    ("es_US", "por la mañana", "MO", ("MO",)),
    ("es_US", "por la tarde", "AF", ("AF",)),
    ("es_US", "esta tarde", "AF", ("AF",)),
    ("es_US", "por la noche", "EV", ("EV",)),
    ("es_US", "de madrugada", "NI", ("NI",)),
    ("es_US", "mañana a las 3", AMBIGUOUS, ("03:00", "15:00")),
    ("es_US", "mañana a las 3 de la tarde", "15:00", ("15:00",)),
    # other locales: digits everywhere, dateparser for words
    ("fr_FR", "15h30", "15:30", ("15:30",)),
    ("fr_FR", "15h", "15:00", ("15:00",)),
    ("fr_FR", "midi", "12:00", ("12:00",)),
    ("de_DE", "15:30", "15:30", ("15:30",)),
]

NOT_TIMES = [
    ("en_US", "banana"),
    ("en_US", "13pm"),
    ("en_US", "25:00"),
    ("en_US", "tomorrow"),
    ("en_US", "half past"),
    ("es_US", "mañana"),
    ("es_US", "plátano"),
    ("fr_FR", "demain"),
]

FIND = [
    ("en_US", "let's meet at 3pm tomorrow", "3pm", "15:00", ("15:00",)),
    ("en_US", "book 30 minutes with Jane tomorrow at 3pm", "3pm", "15:00", ("15:00",)),
    ("en_US", "around 4:30 if possible", "4:30", AMBIGUOUS, ("04:30", "16:30")),
    ("en_US", "can we do half past two?", "half past two", AMBIGUOUS, ("02:30", "14:30")),
    ("en_US", "tomorrow morning works", "morning", "MO", ("MO",)),
    ("en_US", "maybe at noon", "noon", "12:00", ("12:00",)),
    ("en_US", "at 10 o'clock please", "10 o'clock", AMBIGUOUS, ("10:00", "22:00")),
    ("en_US", "friday at 9 in the morning", "9 in the morning", "09:00", ("09:00",)),
    ("es_US", "mañana a las 3", "las 3", AMBIGUOUS, ("03:00", "15:00")),
    ("es_US", "nos vemos a las 10 de la mañana", "las 10 de la mañana", "10:00", ("10:00",)),
    ("es_US", "mañana por la tarde", "por la tarde", "AF", ("AF",)),
    ("es_US", "mejor a las tres y media", "las tres y media", AMBIGUOUS, ("03:30", "15:30")),
    ("es_US", "el viernes al mediodía", "mediodía", "12:00", ("12:00",)),
    ("fr_FR", "demain à 15h30", "15h30", "15:30", ("15:30",)),
]

FIND_NOTHING = [
    ("en_US", "I need 3 rooms"),
    ("en_US", "good morning, I want to book"),
    ("en_US", "two weeks from now"),
    ("en_US", "for 45 minutes"),
    ("es_US", "las dos semanas"),
    ("es_US", "buenas tardes, quiero reservar"),
    ("es_US", "mañana"),
]


@pytest.mark.parametrize(("locale", "text", "interpreted", "resolved"), RESOLVE)
def test_resolve_time(locale: str, text: str, interpreted: str | None, resolved: tuple[str, ...]) -> None:
    value = resolve_value("AMAZON.Time", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text.strip(),
        interpreted,
        resolved,
    )


@pytest.mark.parametrize(("locale", "text"), NOT_TIMES)
def test_not_a_time(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.Time", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "interpreted", "resolved"), FIND)
def test_find_time(
    locale: str, text: str, original: str, interpreted: str | None, resolved: tuple[str, ...]
) -> None:
    value = find_value("AMAZON.Time", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        original,
        interpreted,
        resolved,
    )


@pytest.mark.parametrize(("locale", "text"), FIND_NOTHING)
def test_find_no_time(locale: str, text: str) -> None:
    assert find_value("AMAZON.Time", text, ctx(locale)) is None
