"""Slot value resolution for the local Lex V2 runtime: the user's words -> Lex's slot value.

Two entry points, used by the dialog engine (``bot.runtime.filling``):

- ``resolve_value(slot_type, text, ctx, custom)``: the whole text is the value (a span captured by an
  utterance template, or a bare answer). None when it is not a valid value of the type.
- ``find_value(slot_type, text, ctx, custom)``: a value somewhere inside a longer answer ("let's say
  tomorrow please", "my email is jane@x.com thanks"); the longest, most specific match wins, and its
  ``original_value`` is the exact substring of ``text`` it was read from. None if there is none.

Formats are Lex V2's (see ``/work/shared/lex-v2-notes.md`` §4.2): ``YYYY-MM-DD``, ``HH:MM``, ISO 8601
durations, digits, ``user@domain``, Confirmation's four answers, Lex's part-of-day codes. Relative dates
are read from ``ctx.now`` (timezone-aware, in the user's or bot's zone).

Grammars exist for en and es (any region: en_GB, es_419...). Other locales read digits, ISO dates,
weekdays with "next" ("vendredi prochain"), and fall back to dateparser for dates and times. Nothing is
compiled or imported on import: regexes are built on first use, dateparser is imported only when a
grammar gives up.

Decisions where Lex's behaviour is undocumented or uncertain:

- Dates default to on or after today (Lex's documented rule): "friday" on a Friday is today; "the 5th"
  is the next 5th; "march 3" is next year's when this year's has passed. "next friday" is the first
  Friday strictly after today (so it differs from "friday" only on a Friday); "last friday" the one
  before today. "friday next week" is the Friday of next week (weeks run Monday to Sunday).
- Periods follow the documented Lex V2 examples: "next week" -> the last day (Sunday) of the current
  week, "this week"/"last week" -> their Monday, "this month" -> the 1st, "next month" -> its last day,
  "last month" -> its 1st, "next year" -> Dec 31, "this year"/"last year" -> Jan 1. Spanish "la semana
  que viene"/"la próxima semana" is "next week". A month alone ("december") is its 1st, this year's
  unless already past (the current month gives its 1st, like "this month").
- "this weekend" / "el fin de semana" -> the coming Saturday (today on a Saturday or Sunday);
  "next weekend" -> the Saturday after that.
- Numeric dates: month first only in en_US ("12/24"); day first everywhere else ("24/12"); if the first
  number cannot be a month (> 12) the other order is used.
- A date and a time together ("tomorrow at 3pm", "mañana a las 3") resolve to their date for a Date slot
  and to their time for a Time slot.
- Time: without AM/PM or a part of the day the time is ambiguous: interpreted None, resolved
  (morning, afternoon), e.g. "at 3" -> ("03:00", "15:00"); for 12 noon comes first ("12:00", "00:00").
  "HH:MM" with an hour over 12 or a leading zero ("09:30") is exact. "por la noche" and "noche" -> EV
  (Spanish has one word for evening and night; "madrugada" -> NI); "tonight"/"night" -> NI.
- Duration: units are kept as said ("90 minutes" -> PT90M); only fractions are carried down, a month
  counting 30 days ("1.5 hours" -> PT1H30M, "2.5 days" -> P2DT12H).
- "now"/"in 30 minutes" are times (now + 30 min) for a Time slot; for a Date slot they are not dates.
  dateparser is asked only when the grammar fails and the text has a date word or a digit (alone,
  dateparser reads "a" and "second" as dates, and "3" as March).
- Confirmation: the phrase with the most words wins ("not sure" -> Don't know, "claro que no" -> No);
  ``resolve_value`` allows politeness around it ("yes please") but nothing else ("yes, book it" is
  ``find_value``'s job). Locales without a table also understand English.
- Phone numbers need 7 to 15 digits. Names: 1 to 3 words of letters; after "my name is" the first word is
  the first name and the rest the last name; a weak cue ("it's", "soy") only counts at the end.
- Custom ORIGINAL_VALUE types: interpreted = the user's words, resolved = the matching slot type values
  (so ``resolved_values[0]`` may differ from ``interpreted_value``), or the words when nothing matches.
  ``find_value`` finds only known values and synonyms (an unknown value has no boundaries in a sentence).
- Other built-ins (AMAZON.City, Country, FreeFormInput...) and unknown ``AMAZON.*`` types capture the
  user's words as said; their ``find_value`` returns the whole answer. A custom type name without its
  definition (``custom=None``) is a programming error: ValueError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.runtime.slots import confirmation, contact, dates, durations, names, numbers, times
from bot.runtime.slots import custom as custom_types
from bot.runtime.slots.values import Found, ResolveContext, SlotValue, best, exact, trim
from bot.runtime.slots.words import fold, tokens

if TYPE_CHECKING:
    from bot.model import SlotType

__all__ = ["ResolveContext", "SlotValue", "find_value", "resolve_value"]

Resolver = Callable[[str, ResolveContext], SlotValue | None]
_JOINERS = {
    "at",
    "on",
    "by",
    "around",
    "the",
    "in",
    "a",
    "las",
    "la",
    "el",
    "de",
    "del",
    "por",
    "en",
    "y",
    "and",
}


def resolve_value(
    slot_type: str, text: str, ctx: ResolveContext, custom: SlotType | None = None
) -> SlotValue | None:
    """The whole text as a value of ``slot_type``; None if it is not a valid value."""
    return _dispatch(_RESOLVERS, custom_types.resolve_custom, slot_type, text, ctx, custom)


def find_value(
    slot_type: str, text: str, ctx: ResolveContext, custom: SlotType | None = None
) -> SlotValue | None:
    """A value of ``slot_type`` inside ``text`` (the longest, most specific one); None if there is none."""
    return _dispatch(_FINDERS, custom_types.find_custom, slot_type, text, ctx, custom)


def _dispatch(
    built_ins: Mapping[str, Callable[[str, ResolveContext], SlotValue | None]],
    for_custom: Callable[[str, ResolveContext, SlotType], SlotValue | None],
    slot_type: str,
    text: str,
    ctx: ResolveContext,
    custom: SlotType | None,
) -> SlotValue | None:
    """Built-in types by name, custom types by definition, other AMAZON types capture the words."""
    if not text.strip():
        return None
    handler = built_ins.get(slot_type)
    if handler is not None:
        return handler(text, ctx)
    if custom is not None:
        return for_custom(text, ctx, custom)
    if slot_type.startswith("AMAZON."):
        return _capture(text, ctx)
    raise ValueError(f"custom slot type {slot_type!r} needs its definition")


def _capture(text: str, ctx: ResolveContext) -> SlotValue | None:
    start, end = trim(text)
    return exact(text.strip(), text[start:end]) if start < end else None


# --- dates and times, alone or together ------------------------------------------------------------------


def _only_joiners(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether everything outside ``spans`` is punctuation or small joining words ("at", "a las")."""
    folded = list(fold(text))
    for start, end in spans:
        folded[start:end] = " " * (end - start)
    return all(m.group() in _JOINERS for m in tokens("".join(folded)))


def _resolve_date(text: str, ctx: ResolveContext) -> SlotValue | None:
    day = dates.read_date(text, ctx)
    if day is None:
        found = best(dates.find_dates(text, ctx))
        clock = best(times.find_times(text, ctx))
        if (
            found is not None
            and clock is not None
            and _only_joiners(text, [(found.start, found.end), (clock.start, clock.end)])
        ):
            day = found.value
    if day is None and times.read_time(text, ctx) is None and numbers.read_number(text, ctx.lang) is None:
        day = dates.fallback(text, ctx)
    return None if day is None else exact(text.strip(), day.isoformat())


def _find_date(text: str, ctx: ResolveContext) -> SlotValue | None:
    found = best(dates.find_dates(text, ctx)) or best(dates.search_fallback(text, ctx))
    return None if found is None else exact(text[found.start : found.end], found.value.isoformat())


def _resolve_time(text: str, ctx: ResolveContext) -> SlotValue | None:
    clock = times.read_time(text, ctx)
    if clock is None:
        found = best(times.find_times(text, ctx))
        day = best(dates.find_dates(text, ctx))
        if (
            found is not None
            and day is not None
            and _only_joiners(text, [(found.start, found.end), (day.start, day.end)])
        ):
            clock = found.value
    return None if clock is None else clock.value(text.strip())


def _find_time(text: str, ctx: ResolveContext) -> SlotValue | None:
    found: Found[times.Clock] | None = best(times.find_times(text, ctx))
    return None if found is None else found.value.value(text[found.start : found.end])


def _first_name(text: str, ctx: ResolveContext) -> SlotValue | None:
    return names.find_name(text, ctx, last=False)


def _last_name(text: str, ctx: ResolveContext) -> SlotValue | None:
    return names.find_name(text, ctx, last=True)


_RESOLVERS: dict[str, Resolver] = {
    "AMAZON.Date": _resolve_date,
    "AMAZON.Time": _resolve_time,
    "AMAZON.Duration": durations.resolve_duration,
    "AMAZON.Number": numbers.resolve_number,
    "AMAZON.Percentage": numbers.resolve_percentage,
    "AMAZON.EmailAddress": contact.resolve_email,
    "AMAZON.PhoneNumber": contact.resolve_phone,
    "AMAZON.Confirmation": confirmation.resolve_confirmation,
    "AMAZON.FirstName": names.resolve_name,
    "AMAZON.LastName": names.resolve_name,
    "AMAZON.AlphaNumeric": custom_types.resolve_alphanumeric,
}
_FINDERS: dict[str, Resolver] = {
    "AMAZON.Date": _find_date,
    "AMAZON.Time": _find_time,
    "AMAZON.Duration": durations.find_duration,
    "AMAZON.Number": numbers.find_number,
    "AMAZON.Percentage": numbers.find_percentage,
    "AMAZON.EmailAddress": contact.find_email,
    "AMAZON.PhoneNumber": contact.find_phone,
    "AMAZON.Confirmation": confirmation.find_confirmation,
    "AMAZON.FirstName": _first_name,
    "AMAZON.LastName": _last_name,
    "AMAZON.AlphaNumeric": custom_types.find_alphanumeric,
}
