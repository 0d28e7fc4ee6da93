"""The AMAZON.Date grammar: regex rules per language, each turning a match into a date.

Rules match folded text (see ``words.fold``) and turn a match into a date
relative to "today" (arithmetic in ``calendar_math``). They cover what dateparser gets wrong or misses
("the 5th", "this weekend", "el 5 de diciembre", "la semana que viene",
"vendredi prochain") and are cheap, so they run before dateparser is ever
loaded. Choices where Lex's behaviour is not documented are listed in
``bot.runtime.slots`` (the package docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

from bot.runtime.slots.calendar_math import (
    add_months,
    monday,
    next_day_of_month,
    on_or_after,
    period,
    shifted,
    valid,
    weekday,
    weekend,
)
from bot.runtime.slots.words import (
    MONTHS,
    NEXT_WORDS,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAYS,
    alternation,
    cardinals,
    ordinals,
    squash,
)

Handler = Callable[[re.Match[str], date], date | None]
Rule = tuple[re.Pattern[str], Handler]

# --- rule helpers ----------------------------------------------------------------------------------------

YEAR = r"(?P<y>(?:19|20)\d{2})"
DAY_DIGITS = r"(?:[12]\d|3[01]|0?[1-9])"


def _day(text: str, lang: str) -> int | None:
    text = re.sub(r"^the ", "", squash(text))
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    return ordinals(lang).get(text) or cardinals(lang, 31).get(text) or None


def _qty(text: str, lang: str) -> int | None:
    text = squash(text)
    if text.isdigit():
        return int(text)
    if text in ("a", "an", "un", "una"):
        return 1
    if text.endswith(("couple of", "par de")):
        return 2
    return cardinals(lang, 59).get(text)


def _year(m: re.Match[str], fallback: int) -> int:
    year = m.groupdict().get("y")
    if not year:
        return fallback
    return int(year) + (2000 if len(year) == 2 else 0)


def _month(m: re.Match[str], lang: str) -> int:
    return MONTHS[lang][m["mon"].rstrip(".")]


def _weekday_of(name: str, lang: str) -> int:
    name = squash(name)
    return WEEKDAYS.get(lang, {}).get(name, WEEKDAY_ABBREVIATIONS.get(lang, {}).get(name, 0))


def _fixed(days: int) -> Handler:
    return lambda m, today: today + timedelta(days=days)


def _calendar_day(lang: str) -> Handler:
    def handler(m: re.Match[str], today: date) -> date | None:
        day = _day(m["d"], lang)
        if day is None:
            return None
        if m.groupdict().get("y"):
            return valid(_year(m, today.year), _month(m, lang), day)
        return on_or_after(today, _month(m, lang), day)

    return handler


def _month_year(lang: str) -> Handler:
    return lambda m, today: date(_year(m, today.year), _month(m, lang), 1)


def _month_alone(lang: str) -> Handler:
    def handler(m: re.Match[str], today: date) -> date:
        month = _month(m, lang)
        return date(today.year + (month < today.month), month, 1)

    return handler


def _day_of_month(lang: str) -> Handler:
    def handler(m: re.Match[str], today: date) -> date | None:
        day = _day(m["d"], lang)
        which = squash(m.groupdict().get("which") or "")
        if day is None:
            return None
        if which:
            first = add_months(today.replace(day=1), 0 if which in ("this", "este mes") else 1)
            return valid(first.year, first.month, day)
        return next_day_of_month(today, day)

    return handler


def _relative(lang: str, sign: int) -> Handler:
    def handler(m: re.Match[str], today: date) -> date | None:
        amount = _qty(m["n"], lang)
        if amount is None:
            return None
        base = today + timedelta(days=1) if (m.groupdict().get("base") or "") == "tomorrow" else today
        return shifted(base, sign * amount, m["unit"])

    return handler


def _numeric(month_first: bool) -> Handler:
    def handler(m: re.Match[str], today: date) -> date | None:
        a, b = int(m["a"]), int(m["b"])
        month, day = (a, b) if month_first else (b, a)
        if month > 12 >= day:  # "24/12" typed in a month-first locale, or the other way round
            month, day = day, month
        if m["y"]:
            return valid(_year(m, today.year), month, day)
        return on_or_after(today, month, day)

    return handler


def _iso(m: re.Match[str], today: date) -> date | None:
    return valid(int(m["y"]), int(m["m"]), int(m["d"]))


def numeric_rules(month_first: bool) -> list[tuple[str, Handler]]:
    return [
        (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?", _numeric(month_first)),
        (r"(?P<a>\d{1,2})[.-](?P<b>\d{1,2})[.-](?P<y>\d{4}|\d{2})", _numeric(month_first)),
        (r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})", _iso),
    ]


def _compile(rules: list[tuple[str, Handler]]) -> tuple[Rule, ...]:
    return tuple((re.compile(rf"(?<![\w/.-])(?:{p})(?![\w/]|[.-]\d)"), h) for p, h in rules)


# --- languages -------------------------------------------------------------------------------------------


@cache
def rules(lang: str, strict: bool, month_first: bool) -> tuple[Rule, ...]:
    """The rules for a language; ``strict`` (whole answer) also reads bare month and weekday abbreviations."""
    if lang == "en":
        found = _english(strict)
    elif lang == "es":
        found = _spanish(strict)
    else:
        found = _other(lang)
    return _compile(found + numeric_rules(month_first))


def _english(strict: bool) -> list[tuple[str, Handler]]:
    days = {**WEEKDAYS["en"], **(WEEKDAY_ABBREVIATIONS["en"] if strict else {})}
    wd, mon = alternation(days), alternation(MONTHS["en"]) + r"\.?"
    day_words = list(ordinals("en")) + (list(cardinals("en", 31))[1:] if strict else [])
    day = rf"(?:{DAY_DIGITS}(?:st|nd|rd|th)?|{alternation(day_words)})"
    bare = rf"|the\s+{DAY_DIGITS}" if strict else ""  # "the 5" as a whole answer
    ordinal = rf"(?:{DAY_DIGITS}(?:st|nd|rd|th)|the\s+{alternation(ordinals('en'))}{bare})"
    qty = rf"(?:\d+|a|an|(?:a\s+)?couple\s+of|{alternation(list(cardinals('en', 59))[1:])})"
    unit = r"(?P<unit>days?|weeks?|months?|years?|fortnights?)"

    def on_weekday(m: re.Match[str], today: date) -> date:
        target, mod, week = _weekday_of(m["wd"], "en"), squash(m["mod"] or ""), m["wk"]
        if week:
            return monday(today) + timedelta(weeks={"next": 1, "this": 0, "last": -1}[week], days=target)
        return weekday(today, target, {"next": "after", "last": "before", "past": "before"}.get(mod, ""))

    def on_weekend(m: re.Match[str], today: date) -> date:
        return weekend(today, {"next": 1, "last": -1}.get(m["mod"] or "", 0))

    def on_period(m: re.Match[str], today: date) -> date:
        shift = {"this": 0, "last": -1}.get(m["mod"], 1)
        return period(today, m["unit"], shift)

    return [
        (r"(?:the\s+)?day\s+after\s+tomorrow", _fixed(2)),
        (r"(?:the\s+)?day\s+before\s+yesterday", _fixed(-2)),
        (r"today|tonight|right\s+now|this\s+(?:morning|afternoon|evening)" + ("|now" if strict else ""),
         _fixed(0)),
        (r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?", _fixed(1)),
        (r"yesterday", _fixed(-1)),
        (rf"(?:(?P<mod>this\s+coming|this|next|coming|last|past)\s+)?(?P<wd>{wd})(?:\s+(?P<wk>next|this|last)\s+week)?",
         on_weekday),
        (r"(?:(?P<mod>this\s+coming|this|next|coming|last|the)\s+)?weekend", on_weekend),
        (r"(?:the\s+)?(?P<mod>this|next|last|coming)\s+(?P<unit>week|month|year)", on_period),
        (rf"in\s+(?P<n>{qty})\s+{unit}(?:\s+time)?", _relative("en", 1)),
        (rf"(?P<n>{qty})\s+{unit}\s+from\s+(?P<base>now|today|tomorrow)", _relative("en", 1)),
        (rf"(?P<n>{qty})\s+{unit}\s+ago", _relative("en", -1)),
        (rf"(?P<mon>{mon})\s+(?:the\s+)?(?P<d>{day})(?:\s*,?\s*{YEAR})?", _calendar_day("en")),
        (rf"(?:the\s+)?(?P<d>{day})\s+(?:of\s+)?(?P<mon>{mon})(?:\s*,?\s*{YEAR})?", _calendar_day("en")),
        (rf"(?P<mon>{mon})\s*,?\s*(?:of\s+)?{YEAR}", _month_year("en")),
        (rf"(?:the\s+(?=\d))?(?P<d>{ordinal})(?:\s+of\s+(?:the\s+)?(?P<which>this|next)\s+month)?",
         _day_of_month("en")),
    ] + ([(rf"(?:(?:this|next|in)\s+)?(?P<mon>{mon})", _month_alone("en"))] if strict else [])  # fmt: skip


def _spanish(strict: bool) -> list[tuple[str, Handler]]:
    days = {**WEEKDAYS["es"], **(WEEKDAY_ABBREVIATIONS["es"] if strict else {})}
    wd, mon = alternation(days), alternation(MONTHS["es"]) + r"\.?"
    day = rf"(?:{DAY_DIGITS}|{alternation([*ordinals('es'), *list(cardinals('es', 31))[1:]])})"
    qty = rf"(?:\d+|un\s+par\s+de|{alternation(list(cardinals('es', 59))[1:])})"
    unit = r"(?P<unit>dias?|semanas?|mes(?:es)?|anos?|quincenas?)"
    part = r"(?:manana|tarde|noche)"
    after = ("proximo", "el proximo", "el siguiente", "siguiente", "que viene")
    week_suffix = {"de la semana que viene": 1, "de la proxima semana": 1, "de la semana proxima": 1}
    week_suffix.update({"de esta semana": 0, "de la semana pasada": -1})

    def on_weekday(m: re.Match[str], today: date) -> date:
        target, mod, suf = _weekday_of(m["wd"], "es"), squash(m["mod"] or ""), squash(m["suf"] or "")
        if suf in week_suffix:
            return monday(today) + timedelta(weeks=week_suffix[suf], days=target)
        mode = "after" if mod in after or suf in after else "before" if suf == "pasado" else ""
        return weekday(today, target, mode)

    def on_weekend(m: re.Match[str], today: date) -> date:
        mod, suf = squash(m["mod"] or ""), squash(m["suf"] or "")
        return weekend(today, -1 if suf == "pasado" else 1 if mod in after or suf in after else 0)

    def on_period(m: re.Match[str], today: date) -> date | None:
        pre, suf = m["pre"] or "", squash(m["suf"] or "")
        if bool(pre) == bool(suf) or (pre.startswith("est") and m["art"]):
            return None  # "la semana" alone is not a date; "la esta semana" is not Spanish
        shift = 0 if pre.startswith("est") else -1 if suf.startswith("pasad") else 1
        return period(today, {"semana": "week", "mes": "month", "ano": "year"}[m["unit"]], shift)

    which = r"(?:\s+(?:de|del)\s+(?P<which>este\s+mes|mes\s+que\s+viene|proximo\s+mes))?"
    return [
        (r"pasado\s+manana", _fixed(2)),
        (r"anteayer|antier|antes\s+de\s+ayer", _fixed(-2)),
        (rf"hoy(?:\s+(?:por|en)\s+la\s+{part})?|ahora\s+mismo|esta\s+{part}" + ("|ahora" if strict else ""),
         _fixed(0)),
        (rf"(?<!la\s)(?<!esta\s)(?<!pasado\s)manana(?:\s+(?:(?:por|en)\s+la\s+{part}|temprano))?", _fixed(1)),
        (r"ayer", _fixed(-1)),
        (rf"(?:(?P<mod>el\s+proximo|el\s+siguiente|este|el|proximo)\s+)?(?P<wd>{wd})(?:\s+(?P<suf>"
         r"que\s+viene|proximo|siguiente|pasado|de\s+la\s+semana\s+que\s+viene|de\s+la\s+proxima\s+semana"
         r"|de\s+la\s+semana\s+proxima|de\s+esta\s+semana|de\s+la\s+semana\s+pasada))?", on_weekday),
        (r"(?:(?P<mod>este|el\s+proximo|el|proximo)\s+)?fin\s+de\s+semana(?:\s+(?P<suf>que\s+viene|proximo|pasado))?",
         on_weekend),
        (r"(?:(?P<art>la|el)\s+)?(?:(?P<pre>proxima|proximo|esta|este)\s+)?(?P<unit>semana|mes|ano)"
         r"(?:\s+(?P<suf>que\s+viene|proxima|proximo|pasada|pasado|siguiente))?", on_period),
        (rf"(?:en|dentro\s+de|de\s+aqui\s+a)\s+(?P<n>{qty})\s+{unit}", _relative("es", 1)),
        (rf"hace\s+(?P<n>{qty})\s+{unit}", _relative("es", -1)),
        (rf"(?:el\s+)?(?:dia\s+)?(?P<d>{day})\s+de\s+(?P<mon>{mon})(?:\s*,?\s*(?:de\s+|del\s+)?{YEAR})?",
         _calendar_day("es")),
        (rf"(?P<mon>{mon})\s+(?P<d>{DAY_DIGITS})(?:\s*,?\s*{YEAR})?", _calendar_day("es")),
        (rf"(?P<mon>{mon})\s+(?:de\s+|del\s+)?{YEAR}", _month_year("es")),
        (rf"(?:el\s+dia|el|dia)\s+(?P<d>{day}){which}", _day_of_month("es")),
    ] + ([(rf"(?:en\s+)?(?P<mon>{mon})", _month_alone("es"))] if strict else [])  # fmt: skip


def _other(lang: str) -> list[tuple[str, Handler]]:
    """Weekdays with "next" for locales without a grammar (dateparser misses "vendredi prochain")."""
    if lang not in WEEKDAYS:
        return []
    nxt = alternation(NEXT_WORDS.get(lang, ("next",)))

    def on_weekday(m: re.Match[str], today: date) -> date:
        return weekday(today, _weekday_of(m["wd"], lang), "after" if m["pre"] or m["suf"] else "")

    return [
        (rf"(?:(?P<pre>{nxt})\s+)?(?P<wd>{alternation(WEEKDAYS[lang])})(?:\s+(?P<suf>{nxt}))?", on_weekday),
    ]
