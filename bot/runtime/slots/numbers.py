"""AMAZON.Number and AMAZON.Percentage: numbers typed as digits or spelled out in words.

Words are read with a small state machine over tokens, so that "one hundred
twenty three point four five", "cuarenta y dos" and "2 thousand" parse and
"two three" does not (it is two numbers, not 23). Durations reuse
``parse_tokens`` for their quantities. Values are ``Decimal`` so that
``123.45`` prints back as typed, never as ``123.45000000000002``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache

from bot.runtime.slots.values import Found, ResolveContext, SlotValue, best, exact, trim
from bot.runtime.slots.words import (
    EN_TEENS,
    EN_TENS,
    EN_UNITS,
    ES_HUNDREDS,
    ES_TEENS,
    ES_TENS,
    ES_UNITS,
    fold,
    tokens,
)

Kind = str  # "unit" | "teen" | "tens" | "hundred" | "hundreds" | "scale" | "digits"


@cache
def _vocabulary(lang: str) -> dict[str, tuple[Kind, int]]:
    vocab: dict[str, tuple[Kind, int]] = {}
    if lang == "es":
        vocab.update({w: ("unit", n) for n, w in enumerate(ES_UNITS)})
        vocab.update(
            {"un": ("unit", 1), "una": ("unit", 1), "veintiun": ("teen", 21), "veintiuna": ("teen", 21)}
        )
        vocab.update({w: ("teen", n) for n, w in enumerate(ES_TEENS, start=10)})
        vocab.update({w: ("tens", n * 10) for n, w in enumerate(ES_TENS) if n > 2})
        vocab.update({w: ("hundreds", n) for w, n in ES_HUNDREDS.items()})
        vocab.update({"mil": ("scale", 1000), "millon": ("scale", 10**6), "millones": ("scale", 10**6)})
    else:
        vocab.update({w: ("unit", n) for n, w in enumerate(EN_UNITS)})
        vocab.update({w: ("teen", n) for n, w in enumerate(EN_TEENS, start=10)})
        vocab.update({w: ("tens", n * 10) for n, w in enumerate(EN_TENS) if n > 1})
        vocab.update({"hundred": ("hundred", 100), "dozen": ("dozen", 12)})
        vocab.update({"thousand": ("scale", 1000), "million": ("scale", 10**6), "billion": ("scale", 10**9)})
    return vocab


NEGATIVE = {"minus", "negative", "menos"}
POINT = {"en": {"point", "dot"}, "es": {"punto", "coma"}}
AND = {"en": "and", "es": "y"}
ARTICLE = {"a", "an"}

_EN_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ES_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?")


def parse_digits(token: str, lang: str) -> Decimal | None:
    """``1,234.5`` -> 1234.5; Spanish also reads ``3,5`` and ``1.234,5`` with a decimal comma."""
    if lang == "es":
        if not _ES_DIGITS.fullmatch(token):
            return None
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d{1,2}", token):
            token = token.replace(".", "").replace(",", ".")
    elif not _EN_DIGITS.fullmatch(token):
        return None
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def parse_tokens(words: Sequence[str], start: int, lang: str) -> tuple[Decimal, int] | None:
    """The longest number that starts at ``words[start]``: (value, index after its last word)."""
    vocab = _vocabulary("es" if lang == "es" else "en")
    points, conj = POINT.get(lang, POINT["en"]), AND.get(lang, "and")
    found: tuple[Decimal, int] | None = None
    i, sign = start, Decimal(1)
    if i < len(words) and words[i] in NEGATIVE:
        i, sign = i + 1, Decimal(-1)
    total, current, last, last_scale = Decimal(0), Decimal(0), "", 0
    while i < len(words):
        word = words[i]
        kind, value = vocab.get(word, ("", 0))
        if not last and word[0].isdigit():
            digits = parse_digits(word, lang)
            if digits is None:
                break
            current, last = digits, "digits"
        elif not last and word in ARTICLE and lang != "es":
            nxt = vocab.get(words[i + 1], ("", 0))[0] if i + 1 < len(words) else ""
            if nxt not in ("hundred", "scale", "dozen"):
                break
            current, last = Decimal(1), "article"
            i += 1
            continue
        elif kind == "unit" and (
            last in ("", "hundred", "hundreds", "scale", "and", "y") or _en_tens(last, lang)
        ):
            current, last = current + value, "unit"
        elif kind in ("teen", "tens") and last in ("", "hundred", "hundreds", "scale", "and"):
            current, last = current + value, kind
        elif kind == "hundreds" and last in ("", "scale"):
            current, last = current + value, "hundreds"
        elif (
            kind == "hundred" and last in ("unit", "teen", "tens", "digits", "article") and 0 < current < 100
        ):
            current, last = current * 100, "hundred"
        elif kind == "dozen" and last in ("unit", "teen", "digits", "article") and 0 < current < 100:
            current, last = current * 12, "dozen"
        elif kind == "scale" and (last_scale == 0 or value < last_scale) and (last or lang == "es"):
            if last in ("and", "y"):
                break
            total, current, last, last_scale = total + (current or 1) * value, Decimal(0), "scale", value
        elif word == conj and _joins(words, i, last, lang, vocab):
            last = conj
            i += 1
            continue
        elif word in points and i + 1 < len(words):
            fraction = _fraction(words, i + 1, lang)
            if fraction is None:
                break
            decimals, i = fraction
            return sign * (total + current + Decimal("0." + decimals)), i
        else:
            break
        i += 1
        found = (sign * (total + current), i)
    return found


def _en_tens(last: Kind, lang: str) -> bool:
    return lang != "es" and last == "tens"


def _joins(words: Sequence[str], i: int, last: Kind, lang: str, vocab: dict[str, tuple[Kind, int]]) -> bool:
    """Joining words: "and" after hundreds ("one hundred and five"), "y" before units ("treinta y dos")."""
    if i + 1 >= len(words):
        return False
    nxt = vocab.get(words[i + 1], ("", 0))[0]
    if lang == "es":
        return last == "tens" and nxt == "unit"
    return last in ("hundred", "scale") and nxt in ("unit", "teen", "tens")


def _fraction(words: Sequence[str], i: int, lang: str) -> tuple[str, int] | None:
    """Digits after "point": "four five" -> "45", "forty two" -> "42", "5" -> "5"."""
    if words[i].isdigit():
        return words[i], i + 1
    vocab = _vocabulary("es" if lang == "es" else "en")
    digits = ""
    while i < len(words) and vocab.get(words[i], ("", 0))[0] == "unit":
        digits += str(vocab[words[i]][1])
        i += 1
    if len(digits) > 1:
        return digits, i
    whole = parse_tokens(words, i - len(digits), lang)
    if whole is None or whole[0] != whole[0].to_integral_value() or whole[0] < 0:
        return (digits, i) if digits else None
    return str(int(whole[0])), whole[1]


def format_number(value: Decimal) -> str:
    """``Decimal("12.50")`` -> ``"12.5"``, ``Decimal("100")`` -> ``"100"`` (no exponent, no ``.0``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# --- AMAZON.Number ---------------------------------------------------------------------------------------

_SIGNED = re.compile(r"[+-]?\s?\d[\d.,]*")


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in tokens(folded)]
    return [folded[s:e] for s, e in spans], spans


def _signed(text: str, start: int, value: Decimal) -> tuple[int, Decimal]:
    """A minus sign typed right before digits ("-15") belongs to the number."""
    if start > 0 and text[start - 1] == "-" and (start == 1 or not text[start - 2].isalnum()) and value > 0:
        return start - 1, -value
    return start, value


def read_number(text: str, lang: str) -> Decimal | None:
    """The whole text as a number, or None."""
    start, end = trim(text)
    body = text[start:end]
    if _SIGNED.fullmatch(body):
        digits = parse_digits(body.lstrip("+- "), lang)
        return None if digits is None else (-digits if body.startswith("-") else digits)
    words, _ = _words(body)
    parsed = parse_tokens(words, 0, lang) if words else None
    return parsed[0] if parsed is not None and parsed[1] == len(words) else None


def find_numbers(text: str, lang: str) -> list[Found[Decimal]]:
    """Every longest number in the text, left to right."""
    words, spans = _words(text)
    found: list[Found[Decimal]] = []
    i = 0
    while i < len(words):
        parsed = parse_tokens(words, i, lang)
        if parsed is None:
            i += 1
            continue
        value, end = parsed
        start, value = _signed(text, spans[i][0], value)
        found.append(Found(start, spans[end - 1][1], value))
        i = end
    return found


def resolve_number(text: str, ctx: ResolveContext) -> SlotValue | None:
    value = read_number(text, ctx.lang)
    return None if value is None else exact(text.strip(), format_number(value))


def find_number(text: str, ctx: ResolveContext) -> SlotValue | None:
    found = best(find_numbers(text, ctx.lang))
    if found is None:
        return None
    return exact(text[found.start : found.end], format_number(found.value))


# --- AMAZON.Percentage -----------------------------------------------------------------------------------

_PERCENT = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|por\s+ciento\b|pct\b)")


def _percentages(text: str, lang: str) -> list[Found[Decimal]]:
    folded = fold(text)
    found = []
    for number in find_numbers(text, lang):
        sign = _PERCENT.match(folded, number.end)
        if sign:
            found.append(Found(number.start, sign.end(), number.value))
    return found


def resolve_percentage(text: str, ctx: ResolveContext) -> SlotValue | None:
    """ "50%" / "fifty percent" -> "50"; anything else is passed through as said (Lex's capture)."""
    start, end = trim(text)
    whole = [f for f in _percentages(text, ctx.lang) if f.start == start and f.end >= end]
    if whole:
        return exact(text.strip(), format_number(whole[0].value))
    number = read_number(text, ctx.lang)
    if number is not None:
        return exact(text.strip(), format_number(number))
    return exact(text.strip(), text.strip()) if text.strip() else None


def find_percentage(text: str, ctx: ResolveContext) -> SlotValue | None:
    """A percentage in the answer ("make it 20 percent"), else a plain number in it."""
    found = best(_percentages(text, ctx.lang)) or best(find_numbers(text, ctx.lang))
    if found is None:
        return None
    return exact(text[found.start : found.end], format_number(found.value))
