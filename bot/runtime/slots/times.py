"""AMAZON.Time: clock times to ``HH:MM`` (24 h), ambiguous hours, and Lex's part-of-day codes.

A time without AM/PM or a part of the day ("at 3", "half past two", "las tres
y media") is ambiguous: ``interpreted_value`` is None and ``resolved_values``
holds the morning reading first, then the afternoon one, as Lex documents for
"10 o'clock" -> ["10:00", "22:00"]. Twelve is the exception: noon first.
Parts of the day map to Lex's codes MO, AF, EV, NI. In a sentence a time
needs a marker ("at", ":", "o'clock", "pm", "a las"...), so "I need 3 rooms"
holds no time; a bare "3" is a time only as the whole answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import NamedTuple

from bot.runtime.slots import dateparse
from bot.runtime.slots.durations import read_duration
from bot.runtime.slots.values import Found, ResolveContext, SlotValue, trim
from bot.runtime.slots.words import alternation, cardinals, fold, small_number


class Clock(NamedTuple):
    interpreted: str | None
    resolved: tuple[str, ...]

    def value(self, original: str) -> SlotValue:
        return SlotValue(original, self.interpreted, self.resolved)


Handler = Callable[[re.Match[str], ResolveContext], Clock | None]
CODES = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
CODES.update({"manana": "MO", "tarde": "AF", "noche": "EV", "madrugada": "NI", "am": "AM", "pm": "PM"})
AMPM = r"(?P<ap>[ap])\.?\s?m\.?(?!\w)"


def _hhmm(hour: int, minute: int) -> str:
    return f"{hour % 24:02d}:{minute:02d}"


def exact(hour: int, minute: int) -> Clock:
    return Clock(_hhmm(hour, minute), (_hhmm(hour, minute),))


def ambiguous(hour: int, minute: int) -> Clock:
    """Both readings of a 12-hour clock time: morning first, except noon before midnight."""
    morning, afternoon = _hhmm(hour % 12, minute), _hhmm(hour % 12 + 12, minute)
    return Clock(None, (afternoon, morning) if hour % 12 == 0 else (morning, afternoon))


def _with_part(hour: int, minute: int, part: str) -> Clock | None:
    """A 12-hour time placed by AM/PM or a part of the day ("3 in the afternoon", "10 de la noche")."""
    if part in ("a", "p") and not 1 <= hour <= 12:
        return None
    if part in ("a", "morning", "manana", "madrugada"):
        return exact(hour % 12 if part != "manana" or hour != 12 else 12, minute)
    if part in ("night", "tonight", "noche"):
        return exact(0 if hour == 12 else hour % 12 + 12 if hour >= 6 else hour, minute)
    if part == "mediodia":
        return exact(hour % 12 + 12 if hour <= 5 or hour == 12 else hour, minute)
    return exact(hour if hour > 12 else hour % 12 + 12, minute)


def _clock(lang: str) -> Handler:
    def handler(m: re.Match[str], ctx: ResolveContext) -> Clock | None:
        groups = {k: v for k, v in m.groupdict().items() if v}
        hour = small_number(groups.get("h") or groups.get("rh") or "", lang, 23)
        if hour is None:
            return None
        minute = 0
        if "m" in groups or "dm" in groups or "mw" in groups:
            found = small_number(
                groups.get("m") or groups.get("dm") or re.sub(r"^oh?\s+", "", groups["mw"]), lang
            )
            if found is None or (found < 10 and "mw" in groups and not groups["mw"].startswith("o")):
                return None  # "two five" is not 2:05 (but "two oh five" is)
            minute = found
        offset = _offset(groups, lang)
        if offset is None:
            return None
        if offset:
            if hour > 12:
                return None
            hour, minute = divmod(hour * 60 + offset, 60)
            hour = hour % 24 or (12 if offset < 0 else 0)
        part = (
            groups.get("ap")
            or groups.get("per")
            or groups.get("per2")
            or ("mediodia" if "md" in groups else "")
        )
        if part:
            return _with_part(hour, minute, part)
        if hour == 0 or hour > 12 or (groups.get("h", "").startswith("0") and "m" in groups):
            return exact(hour, minute)
        return ambiguous(hour, minute)

    return handler


def _offset(groups: dict[str, str], lang: str) -> int | None:
    """Minutes added to the hour: "half past" +30, "quarter to" -15, "y media" +30, "menos diez" -10."""
    if "rel" in groups:
        words = {"half": 30, "quarter": 15, "a quarter": 15}
        amount = words.get(re.sub(r"\s+", " ", groups["rel"])) or small_number(groups["rel"], lang)
        sign = 1 if groups["dir"] in ("past", "after") else -1
    elif "y" in groups or "menos" in groups:
        said = groups.get("y") or groups["menos"]
        amount = {"media": 30, "cuarto": 15}.get(said) or small_number(said, lang)
        sign = 1 if "y" in groups else -1
    else:
        return 0
    return None if not amount or amount >= 60 else sign * amount


def _fixed(hour: int) -> Handler:
    return lambda m, ctx: exact(hour, 0)


def _part(m: re.Match[str], ctx: ResolveContext) -> Clock:
    code = CODES[m["per"]]
    return Clock(code, (code,))


def _now(m: re.Match[str], ctx: ResolveContext) -> Clock:
    return exact(ctx.now.hour, ctx.now.minute)


def _later(m: re.Match[str], ctx: ResolveContext) -> Clock | None:
    parts = read_duration(m["dur"], ctx.lang)
    if not parts or set(parts) - {"H", "MI"}:
        return None
    later = ctx.now + timedelta(hours=float(parts.get("H", 0)), minutes=float(parts.get("MI", 0)))
    return exact(later.hour, later.minute)


MARKERS = {"at", "art", "rel", "m", "mw", "oc", "ap", "per", "per2", "md", "y", "menos"}
"""Groups that make a number a time inside a sentence; without one, "3" is just a number."""


@cache
def rules(lang: str, strict: bool) -> tuple[tuple[re.Pattern[str], Handler], ...]:
    hour_words = alternation([w for w, n in cardinals(lang, 12).items() if n > 0 and w != "un"] or ["one"])
    minute_words = alternation([w for w, n in cardinals(lang, 59).items() if n > 0 and w != "un"] or ["ten"])
    hour = rf"(?:[01]?\d|2[0-3]|{hour_words})"
    found: list[tuple[str, Handler]] = []
    if lang == "es":
        found += [
            (
                r"(?P<at>(?:a|desde|hasta|para|sobre|como\s+a)\s+)?(?P<art>(?:la|las)\s+)?"
                rf"(?P<h>{hour})(?:\s*:\s*(?P<m>[0-5]\d)|\.(?P<dm>[0-5]\d)"
                rf"|\s+y\s+(?P<y>media|cuarto|{minute_words}|\d{{1,2}})(?:\s+minutos?)?"
                rf"|\s+menos\s+(?P<menos>cuarto|{minute_words}|\d{{1,2}})(?:\s+minutos?)?)?(?P<oc>\s+en\s+punto)?"
                rf"(?:\s*{AMPM}|\s+(?:de|por|en)\s+la\s+(?P<per>manana|tarde|noche|madrugada)"
                r"|\s+(?P<md>del\s+mediodia)|\s+de\s+(?P<per2>madrugada))?"
                r"(?!\s+(?:semanas?|dias?|horas?|minutos?|segundos?|mes|meses|anos?|personas?|veces))",
                _clock("es"),
            ),
            (
                r"(?P<at>(?:a|al|para|sobre)\s+)?(?:las\s+(?:12|doce)\s+del\s+)?(?:el\s+)?(?:mediodia|medio\s+dia)",
                _fixed(12),
            ),
            (r"(?P<at>(?:a|para|sobre)\s+)?(?:la\s+)?(?:medianoche|media\s+noche)", _fixed(0)),
            (r"(?:(?:por|en|a|esta|la)\s+la|esta|la|de)\s+(?P<per>manana|tarde|noche|madrugada)", _part),
        ]
        if strict:
            found += [(r"(?P<per>tarde|noche|madrugada)", _part), (r"ahora(?:\s+mismo)?", _now)]
            found += [(r"(?:en|dentro\s+de)\s+(?P<dur>.+)", _later)]
    else:
        minute_words = rf"(?:(?:oh|o)\s+[1-9]|(?:oh|o)\s+{alternation(cardinals('en', 9))}|{minute_words})"
        lead = r"(?P<at>(?:at|around|about|by)\s+)?"
        found += [
            (
                lead + rf"(?:(?P<rel>half|(?:a\s+)?quarter|{minute_words}|\d{{1,2}})(?:\s+minutes?)?"
                rf"\s+(?P<dir>past|after|to|till|til|before|of)\s+(?P<rh>{hour})"
                rf"|(?P<h>{hour})(?:\s*:\s*(?P<m>[0-5]\d)|\.(?P<dm>[0-5]\d)|\s+(?P<mw>{minute_words}))?"
                r"(?P<oc>\s*o\s*'?\s*clock)?)"
                rf"(?:\s*{AMPM}|\s+(?:in\s+the\s+|this\s+|at\s+)?(?P<per>morning|afternoon|evening|night|tonight))?",
                _clock("en"),
            ),
            (r"(?P<at>(?:at|around|about|by)\s+)?(?:12\s+|twelve\s+)?(?:noon|midday)", _fixed(12)),
            (r"(?P<at>(?:at|around|about|by)\s+)?(?:12\s+|twelve\s+)?midnight", _fixed(0)),
            (
                r"(?:(?:in\s+the|this|during\s+the|at|late\s+at|early\s+in\s+the)\s+)?(?<!good\s)"
                r"(?P<per>morning|afternoon|evening|night|tonight)",
                _part,
            ),
        ]
        if strict:
            found += [(r"(?P<per>am|pm|a\.m\.?|p\.m\.?)", _ampm), (r"(?:right\s+)?now", _now)]
            found += [(r"(?:in|within)\s+(?P<dur>.+)", _later)]
        else:
            found += [(r"right\s+now", _now)]
    return tuple((re.compile(rf"(?<![\w:.])(?:{p})(?![\w:]|\.\d)"), h) for p, h in found)


def _ampm(m: re.Match[str], ctx: ResolveContext) -> Clock:
    code = "AM" if m["per"].startswith("a") else "PM"
    return Clock(code, (code,))


@cache
def _numeric() -> re.Pattern[str]:
    """A language-agnostic clock for other locales: "15:30", "15h30", "3pm"."""
    return re.compile(
        rf"(?<![\w:])(?P<h>[01]?\d|2[0-3])(?:\s*[:h]\s*(?P<m>[0-5]\d)?|(?=\s*[ap]\.?\s?m))(?:\s*{AMPM})?(?![\w:])"
    )


def _accept(m: re.Match[str], strict: bool) -> bool:
    return strict or any(m.group(g) for g in MARKERS if g in m.re.groupindex)


def _span(m: re.Match[str]) -> tuple[int, int]:
    start = m.end("at") if "at" in m.re.groupindex and m.group("at") else m.start()
    return start, m.end()


def read_time(text: str, ctx: ResolveContext) -> Clock | None:
    """The whole text as a time, or None."""
    start, end = trim(fold(text))
    body = fold(text)[start:end]
    if ctx.lang not in ("en", "es"):
        numeric = _numeric().fullmatch(body)
        return _clock("en")(numeric, ctx) if numeric else _dateparser_time(body, ctx)
    for pattern, handler in rules(ctx.lang, True):
        match = pattern.fullmatch(body)
        if match:
            value = handler(match, ctx)
            if value is not None:
                return value
    return None


def find_times(text: str, ctx: ResolveContext) -> list[Found[Clock]]:
    """Every time in the text; spans leave out a leading "at"/"a" so "las 3" and "3pm" are what was said."""
    folded = fold(text)
    found: list[Found[Clock]] = []
    if ctx.lang not in ("en", "es"):
        for match in _numeric().finditer(folded):
            clock = _clock("en")(match, ctx)
            if clock is not None:
                found.append(Found(match.start(), match.end(), clock))
        return found
    for pattern, handler in rules(ctx.lang, False):
        for match in pattern.finditer(folded):
            value = handler(match, ctx) if _accept(match, False) else None
            if value is not None:
                found.append(Found(*_span(match), value))
    return found


def _dateparser_time(body: str, ctx: ResolveContext) -> Clock | None:
    """Other locales' words for a time ("midi", "halb drei"): dateparser, when it found a time of day."""
    if not body:
        return None
    parsed = dateparse.parse(body, ctx)
    if parsed is None or parsed.time() in (ctx.now.replace(tzinfo=None).time(), parsed.time().min):
        return None
    return exact(parsed.hour, parsed.minute)
