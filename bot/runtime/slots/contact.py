"""AMAZON.EmailAddress and AMAZON.PhoneNumber, typed or spelled out.

E-mail: ``user@domain`` with the domain in lower case and the user part as
typed; spoken forms ("jane at example dot com", "jane arroba example punto
com") are rebuilt from their symbol words. Phone: digits only, a leading
``+`` kept, as Lex documents ("+1 (509) 555-1212" -> ``+15095551212``);
digit words are read too. A phone number has 7 to 15 digits (E.164's
maximum), so an amount or a year is not taken for one.
"""

from __future__ import annotations

import re
from functools import cache

from bot.runtime.slots.values import Found, ResolveContext, SlotValue, best, exact, trim
from bot.runtime.slots.words import fold

EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
SYMBOLS = {
    "at": "@", "arroba": "@", "@": "@", "dot": ".", "period": ".", "punto": ".", "underscore": "_",
    "dash": "-", "hyphen": "-", "guion": "-", "plus": "+", "mas": "+", "guion bajo": "_", "under score": "_",
}  # fmt: skip
_CHUNK = re.compile(r"[^\s,;:!?()\"'<>]+")


def _email(user: str, domain: str) -> str | None:
    address = f"{user}@{domain.lower()}"
    return address if EMAIL.fullmatch(address) else None


def _typed(text: str) -> list[Found[str]]:
    found = []
    for m in EMAIL.finditer(text):
        user, domain = m.group().rsplit("@", 1)
        address = _email(user, domain)
        if address:
            found.append(Found(m.start(), m.end(), address))
    return found


def _pieces(text: str) -> list[tuple[int, int, str, bool]]:
    """Chunks of the text as (start, end, text or symbol, is_symbol); "guion bajo" is one symbol."""
    chunks = [(m.start(), m.end(), m.group()) for m in _CHUNK.finditer(text)]
    pieces: list[tuple[int, int, str, bool]] = []
    i = 0
    while i < len(chunks):
        start, end, chunk = chunks[i]
        pair = f"{fold(chunk)} {fold(chunks[i + 1][2])}" if i + 1 < len(chunks) else ""
        if pair in SYMBOLS:
            pieces.append((start, chunks[i + 1][1], SYMBOLS[pair], True))
            i += 2
            continue
        symbol = SYMBOLS.get(fold(chunk).rstrip("."))
        pieces.append((start, end, symbol or chunk, symbol is not None))
        i += 1
    return pieces


def _spoken(text: str, whole: bool) -> list[Found[str]]:
    """Addresses spelled with words; ``whole``: every word before "at" belongs to the user part."""
    pieces = _pieces(text)
    found = []
    for at, (_, _, symbol, is_symbol) in enumerate(pieces):
        if symbol != "@" or not is_symbol or at == 0 or at + 1 >= len(pieces):
            continue
        first, last = (0 if whole else at - 1), at + 1
        while (
            not whole
            and first >= 2
            and pieces[first - 1][3]
            and pieces[first - 1][2] in "._-+"
            and not pieces[first - 2][3]
        ):
            first -= 2  # "jane dot doe at ..."
        while (
            last + 2 < len(pieces)
            and pieces[last + 1][3]
            and pieces[last + 1][2] in ".-"
            and not pieces[last + 2][3]
        ):
            last += 2  # "... at example dot co dot uk"
        if pieces[first][3] or pieces[last][3]:
            continue
        user = "".join(p[2] for p in pieces[first:at])
        address = _email(user, "".join(p[2] for p in pieces[at + 1 : last + 1]).rstrip("."))
        if address:
            found.append(Found(pieces[first][0], pieces[last][1], address))
    return found


def resolve_email(text: str, ctx: ResolveContext) -> SlotValue | None:
    start, end = trim(text)
    body = text[start:end]
    for found in _typed(body) + _spoken(body, whole=True):
        if (found.start, found.end) == (0, len(body)) or (found.start == 0 and body[found.end :] == "."):
            return exact(text.strip(), found.value)
    return None


def find_email(text: str, ctx: ResolveContext) -> SlotValue | None:
    winner = best(_typed(text)) or best(_spoken(text, whole=False))
    return None if winner is None else exact(text[winner.start : winner.end], winner.value)


# --- phone numbers ---------------------------------------------------------------------------------------

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "cero": "0", "uno": "1", "dos": "2", "tres": "3",
    "cuatro": "4", "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
PLUS = {"plus", "mas", "+"}
_TYPED_PHONE = re.compile(r"(?<![\w+/.:-])(?:\+\s?)?\(?\d[\d\s().-]{5,}\d(?![\w/:]|[.-]\d)")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")
_WORD = re.compile(r"\+|[^\W_]+")


def _digits(raw: str) -> str | None:
    if _DATE_LIKE.fullmatch(raw.strip()):
        return None
    number = ("+" if raw.lstrip().startswith("+") else "") + re.sub(r"\D", "", raw)
    return number if 7 <= len(number.lstrip("+")) <= 15 else None


@cache
def _spoken_phone() -> re.Pattern[str]:
    word = "|".join(sorted(DIGIT_WORDS, key=len, reverse=True))
    unit = rf"(?:\d+|(?:{word})(?![\w]))"
    return re.compile(rf"(?<![\w+])(?:(?:plus|mas|\+)\s*)?{unit}(?:[\s().-]*{unit})+")


def _phones(text: str) -> list[Found[str]]:
    folded = fold(text)
    found = []
    for m in _TYPED_PHONE.finditer(text):
        number = _digits(m.group())
        if number:
            found.append(Found(m.start(), m.end(), number))
    for m in _spoken_phone().finditer(folded):
        words = _WORD.findall(m.group())
        number = "".join("+" if w in PLUS else DIGIT_WORDS.get(w, w) for w in words)
        if re.fullmatch(r"\+?\d{7,15}", number) and not _DATE_LIKE.fullmatch(m.group()):
            found.append(Found(m.start(), m.end(), number))
    return found


def resolve_phone(text: str, ctx: ResolveContext) -> SlotValue | None:
    start, end = trim(text)
    for found in _phones(text):
        if (found.start, found.end) == (start, end):
            return exact(text.strip(), found.value)
    return None


def find_phone(text: str, ctx: ResolveContext) -> SlotValue | None:
    winner = best(_phones(text))
    return None if winner is None else exact(text[winner.start : winner.end], winner.value)
