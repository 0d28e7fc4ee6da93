"""AMAZON.Date: the grammar of ``date_rules`` first, dateparser only for what it does not cover.

``read_date`` takes the whole answer ("on the 5th please"); ``find_dates``
spots dates inside a sentence ("let's say tomorrow"). The dateparser fallback
is guarded: no text without letters (a bare "3" is not a date), and the
caller keeps times away from it ("15:30" is not today's date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from bot.runtime.slots import dateparse
from bot.runtime.slots.date_rules import rules
from bot.runtime.slots.values import Found, ResolveContext, trim
from bot.runtime.slots.words import MONTHS, WEEKDAYS, alternation, fold

GRAMMARS = ("en", "es")
_LEADING = {
    "en": re.compile(r"(?:(?:on|for|by|until|till|around|maybe|perhaps|how\s+about|what\s+about"
                     r"|let'?s\s+say|say|let'?s\s+do|make\s+it)\s+)+"),
    "es": re.compile(r"(?:(?:para|hasta|quizas?|que\s+tal|mejor|digamos|pongamos|a\s+partir\s+de"
                     r"|desde)\s+)+"),
}  # fmt: skip
_TRAILING = re.compile(r"(?:\s+(?:please|then|works|is\s+fine|por\s+favor|entonces|mejor|esta\s+bien))+")
_LETTER = re.compile(r"[^\W\d_]")
RELATIVE_WORDS = (
    "ago", "from", "after", "before", "next", "last", "this", "coming", "week", "weeks", "day", "days",
    "month", "months", "year", "years", "weekend", "hace", "desde", "despues", "antes", "proximo", "proxima",
    "pasado", "pasada", "semana", "semanas", "dia", "dias", "mes", "meses", "ano", "anos",
)  # fmt: skip


@cache
def _dateish(lang: str) -> re.Pattern[str]:
    """Words without which dateparser is not asked (alone, "a" and "second" are dates to it)."""
    words = [*RELATIVE_WORDS, *MONTHS.get(lang, {}), *WEEKDAYS.get(lang, {})]
    return re.compile(rf"\d|(?<!\w){alternation(words)}(?!\w)")


def month_first(locale_id: str) -> bool:
    """Only en_US writes the month first ("12/24"); every other locale writes "24/12"."""
    return locale_id.replace("-", "_") == "en_US"


def _candidates(folded: str, lang: str) -> list[str]:
    start, end = trim(folded)
    body = folded[start:end]
    found = [body]
    leading = _LEADING.get(lang)
    stripped = leading.sub("", body, count=1) if leading and leading.match(body) else body
    stripped = _TRAILING.sub("", stripped)
    if stripped != body and stripped:
        found.append(stripped)
    return found


def read_date(text: str, ctx: ResolveContext) -> date | None:
    """The whole text as a date by the grammar, or None."""
    today = ctx.now.date()
    for body in _candidates(fold(text), ctx.lang):
        for pattern, handler in rules(ctx.lang, True, month_first(ctx.locale_id)):
            match = pattern.fullmatch(body)
            if match:
                value = handler(match, today)
                if value is not None:
                    return value
    return None


def find_dates(text: str, ctx: ResolveContext) -> list[Found[date]]:
    """Every date the grammar sees in the text (overlapping; the caller keeps the longest)."""
    today, folded = ctx.now.date(), fold(text)
    found = []
    for pattern, handler in rules(ctx.lang, False, month_first(ctx.locale_id)):
        for match in pattern.finditer(folded):
            value = handler(match, today)
            if value is not None:
                found.append(Found(match.start(), match.end(), value))
    return found


def fallback(text: str, ctx: ResolveContext) -> date | None:
    """dateparser's reading of the whole text, when it has letters (digits alone are numbers or times)."""
    start, end = trim(text)
    body = text[start:end]
    if not _LETTER.search(body) or (ctx.lang in GRAMMARS and not _dateish(ctx.lang).search(fold(body))):
        return None  # "3" is a number; "a" or "second" alone is not a date (dateparser says otherwise)
    parsed = dateparse.parse(body, ctx)
    return None if parsed is None else parsed.date()


def search_fallback(text: str, ctx: ResolveContext) -> list[Found[date]]:
    """dateparser's dates inside a sentence, for locales without a grammar."""
    if ctx.lang in GRAMMARS:
        return []
    folded = fold(text)
    found = []
    for words, value in dateparse.search(text, ctx):
        at = folded.find(fold(words))
        if at >= 0 and _LETTER.search(words):
            found.append(Found(at, at + len(words), value.date()))
    return found
