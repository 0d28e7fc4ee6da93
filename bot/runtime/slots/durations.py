"""AMAZON.Duration: "an hour and a half", "90 min", "media hora" -> ISO 8601 ``PnYnMnWnDTnHnMnS``.

Lex keeps the units the user said ("90 minutes" is ``PT90M``, not ``PT1H30M``),
so components are added up per unit and only fractions are carried down
("1.5 hours" -> ``PT1H30M``; months count as 30 days for that). dateparser has
no notion of a length of time, so this is a small grammar over tokens:
quantity + unit, joined by "and"/"y"/commas, plus the idioms for halves and
quarters in English and Spanish.
"""

from __future__ import annotations

from decimal import Decimal

from bot.runtime.slots.numbers import format_number, parse_tokens
from bot.runtime.slots.values import Found, ResolveContext, SlotValue, best, exact
from bot.runtime.slots.words import fold, tokens

ORDER = ("Y", "MO", "W", "D", "H", "MI", "S")
DESIGNATOR = {"Y": "Y", "MO": "M", "W": "W", "D": "D", "H": "H", "MI": "M", "S": "S"}
CARRY = (("Y", "MO", 12), ("MO", "D", 30), ("W", "D", 7), ("D", "H", 24), ("H", "MI", 60), ("MI", "S", 60))

_COMMON_UNITS = {
    "h": "H",
    "hr": "H",
    "hrs": "H",
    "min": "MI",
    "mins": "MI",
    "seg": "S",
    "sec": "S",
    "secs": "S",
}
UNITS: dict[str, dict[str, str]] = {
    "en": {
        "second": "S", "seconds": "S", "minute": "MI", "minutes": "MI", "hour": "H", "hours": "H",
        "day": "D", "days": "D", "week": "W", "weeks": "W", "wk": "W", "wks": "W", "month": "MO",
        "months": "MO", "year": "Y", "years": "Y", "yr": "Y", "yrs": "Y", "fortnight": "2W",
        "fortnights": "2W",
    },
    "es": {
        "segundo": "S", "segundos": "S", "minuto": "MI", "minutos": "MI", "hora": "H", "horas": "H",
        "dia": "D", "dias": "D", "semana": "W", "semanas": "W", "mes": "MO", "meses": "MO", "ano": "Y",
        "anos": "Y", "quincena": "15D", "quincenas": "15D",
    },
}  # fmt: skip
LETTER_UNITS = {"s": "S", "m": "MI", "h": "H", "d": "D", "w": "W", "y": "Y"}
"""One-letter units count only when typed right after digits: "90m", "2h"."""

ONE = {"a", "an", "one", "un", "una", "uno"}
HALF = {"en": ("and", "a", "half"), "es": ("y", "media")}
QUARTER = {"en": ("and", "a", "quarter"), "es": ("y", "cuarto")}
JOINERS = {"and", "y", "plus", "mas"}
LEADING = {
    "for",
    "about",
    "around",
    "roughly",
    "approximately",
    "like",
    "durante",
    "por",
    "unos",
    "unas",
    "como",
}
TRAILING = {"long", "please", "total", "favor", "aproximadamente", "more", "mas"}

Parts = dict[str, Decimal]


class _Reader:
    def __init__(self, text: str, lang: str) -> None:
        folded = fold(text)
        self.spans = [(m.start(), m.end()) for m in tokens(folded)]
        self.words = [folded[s:e] for s, e in self.spans]
        self.lang = "es" if lang == "es" else "en"
        self.units = {**_COMMON_UNITS, **UNITS.get(lang, {}), **UNITS["en"]}

    def at(self, i: int, *words: str) -> bool:
        return tuple(self.words[i : i + len(words)]) == words

    def unit(self, i: int) -> str | None:
        if i >= len(self.words):
            return None
        word = self.words[i]
        glued = i > 0 and self.spans[i][0] == self.spans[i - 1][1] and self.words[i - 1][0].isdigit()
        if word in LETTER_UNITS and glued:
            return LETTER_UNITS[word]
        return self.units.get(word)

    def quantity(self, i: int) -> tuple[Decimal, int] | None:
        if i >= len(self.words):
            return None
        if self.at(i, "a", "couple", "of") or self.at(i, "un", "par", "de"):
            return Decimal(2), i + 3
        if self.at(i, "couple", "of"):
            return Decimal(2), i + 2
        if self.words[i] in ONE and self.unit(i + 1):
            return Decimal(1), i + 1
        return parse_tokens(self.words, i, self.lang)

    def component(self, i: int) -> tuple[Parts, int] | None:
        idiom = self._idiom(i)
        if idiom is not None:
            return idiom
        quantity = self.quantity(i)
        if quantity is None:
            bare = self.unit(i)  # "hora y media": the unit alone, only before a half or a quarter
            if bare is None or not (self.at(i + 1, *HALF[self.lang]) or self.at(i + 1, *QUARTER[self.lang])):
                return None
            quantity = Decimal(1), i
        amount, j = quantity
        if self.at(j, "and", "a", "half") and self.unit(j + 3):  # "two and a half hours"
            amount, j = amount + Decimal("0.5"), j + 3
        unit = self.unit(j)
        if unit is None:
            return None
        j += 1
        for suffix, extra in (
            (HALF[self.lang], "0.5"),
            (QUARTER[self.lang], "0.25"),
            (("y", "medio"), "0.5"),
        ):
            if self.at(j, *suffix):
                amount, j = amount + Decimal(extra), j + len(suffix)
                break
        parts = _parts(unit, amount)
        if unit == "H" and self._minutes_after_hours(j):  # "1h30", "1h 30"
            parts["MI"] = parts.get("MI", Decimal(0)) + int(self.words[j])
            j += 1
        return parts, j

    def _minutes_after_hours(self, j: int) -> bool:
        if j >= len(self.words) or not self.words[j].isdigit() or self.unit(j + 1) is not None:
            return False
        return int(self.words[j]) < 60 and self.spans[j][0] - self.spans[j - 1][1] <= 1

    def _idiom(self, i: int) -> tuple[Parts, int] | None:
        """Halves and quarters said without a number: "half an hour", "media hora", "cuarto de hora"."""
        for phrase, minutes in (
            (("three", "quarters", "of", "an", "hour"), 45),
            (("tres", "cuartos", "de", "hora"), 45),
            (("a", "quarter", "of", "an", "hour"), 15),
            (("quarter", "of", "an", "hour"), 15),
            (("a", "quarter", "hour"), 15),
            (("quarter", "hour"), 15),
            (("un", "cuarto", "de", "hora"), 15),
            (("cuarto", "de", "hora"), 15),
        ):
            if self.at(i, *phrase):
                return {"MI": Decimal(minutes)}, i + len(phrase)
        for prefix in (("half", "an"), ("half", "a"), ("media",), ("medio",)):
            if self.at(i, *prefix) and self.unit(i + len(prefix)):
                unit = self.unit(i + len(prefix))
                assert unit is not None
                return _parts(unit, Decimal("0.5")), i + len(prefix) + 1
        return None

    def duration(self, i: int) -> tuple[Parts, int] | None:
        first = self.component(i)
        if first is None:
            return None
        parts, j = first
        while j < len(self.words):
            k = j + 1 if self.words[j] in JOINERS else j
            more = self.component(k)
            if more is None:
                break
            for unit, amount in more[0].items():
                parts[unit] = parts.get(unit, Decimal(0)) + amount
            j = more[1]
        return parts, j


def _parts(unit: str, amount: Decimal) -> Parts:
    if unit[0].isdigit():  # "fortnight" = 2W, "quincena" = 15D
        return {unit[-1]: amount * int(unit[:-1])}
    return {unit: amount}


def iso(parts: Parts) -> str:
    """ISO 8601 with the units as said; fractions carried down ("1.5 hours" -> PT1H30M)."""
    values = dict(parts)
    for big, small, factor in CARRY:
        whole = Decimal(int(values.get(big, 0)))
        fraction = values.get(big, Decimal(0)) - whole
        if fraction and small in DESIGNATOR:
            values[big] = whole
            values[small] = values.get(small, Decimal(0)) + fraction * factor
    zero = all(v == 0 for v in values.values())
    keep = [u for u in ORDER if u in values and (values[u] != 0 or zero)]
    if zero:
        keep = keep[:1]
    date = "".join(f"{format_number(values[u])}{DESIGNATOR[u]}" for u in keep if u in ("Y", "MO", "W", "D"))
    time = "".join(f"{format_number(values[u])}{DESIGNATOR[u]}" for u in keep if u in ("H", "MI", "S"))
    return "P" + date + ("T" + time if time else "")


def _valid(parts: Parts) -> bool:
    return all(v >= 0 for v in parts.values())


def read_duration(text: str, lang: str) -> Parts | None:
    """The whole text as a duration (leading "for"/"about" and trailing "please" allowed), or None."""
    reader = _Reader(text, lang)
    words = reader.words
    start, end = 0, len(words)
    while start < end and words[start] in LEADING:
        start += 1
    while end > start and words[end - 1] in TRAILING | {"por"}:
        end -= 1
    parsed = reader.duration(start) if start < end else None
    if parsed is None or parsed[1] != end or not _valid(parsed[0]):
        return None
    return parsed[0]


def resolve_duration(text: str, ctx: ResolveContext) -> SlotValue | None:
    parts = read_duration(text, ctx.lang)
    return None if parts is None else exact(text.strip(), iso(parts))


def find_duration(text: str, ctx: ResolveContext) -> SlotValue | None:
    reader = _Reader(text, ctx.lang)
    if not any(reader.unit(k) for k in range(len(reader.words))):
        return None  # every duration names a unit; most sentences have none, so skip the scan
    found: list[Found[Parts]] = []
    i = 0
    while i < len(reader.words):
        parsed = reader.duration(i)
        if parsed is None or not _valid(parsed[0]):
            i += 1
            continue
        found.append(Found(reader.spans[i][0], reader.spans[parsed[1] - 1][1], parsed[0]))
        i = parsed[1]
    winner = best(found)
    return None if winner is None else exact(text[winner.start : winner.end], iso(winner.value))
