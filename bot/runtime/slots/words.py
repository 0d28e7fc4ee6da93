"""Per-language words the resolvers read: number words, month and weekday names, and text folding.

Everything is stored folded (lower case, no accents), because every grammar
matches against ``fold(text)``. ``fold`` keeps the length of the text, so a
span found in the folded text is the same span in what the user typed, and
``original_value`` can be cut from the user's own words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

# --- folding and tokens ----------------------------------------------------------------------------------


@cache
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x250):
        char = chr(code)
        folded = unicodedata.normalize("NFD", char)[0].lower()[0]
        if folded != char:
            table[code] = folded
    for char in "\u2019\u2018`\u00b4":  # typographic apostrophes and accents typed as apostrophes
        table[ord(char)] = "'"
    table[0xA0] = " "
    return table


def fold(text: str) -> str:
    """Lower case without accents, same length as ``text`` ("Mañana" -> "manana")."""
    return text.translate(_fold_table())


TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")


def tokens(folded: str) -> Iterator[re.Match[str]]:
    """Words and numbers (``1,234.5`` stays one token; ``1h30`` is three); punctuation is dropped."""
    return TOKEN.finditer(folded)


def alternation(words: Iterable[str]) -> str:
    """A regex alternative of ``words``, longest first; a space in a word matches blanks or a hyphen."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in unique) + ")"


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one blank-separated string (long word lists stay readable)."""
    return frozenset(words.split())


def squash(words: str) -> str:
    """Blanks and hyphens between words as one space, to look a matched phrase up in a table."""
    return re.sub(r"[\s-]+", " ", words.strip())


# --- numbers ---------------------------------------------------------------------------------------------

EN_UNITS: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
EN_TEENS: tuple[str, ...] = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
)
EN_TEENS += ("nineteen",)
EN_TENS: tuple[str, ...] = (
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)
EN_ORDINAL_UNITS: tuple[str, ...] = (
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
)
EN_ORDINAL_TEENS: tuple[str, ...] = (
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
)
EN_ORDINAL_TEENS += ("seventeenth", "eighteenth", "nineteenth")

ES_UNITS: tuple[str, ...] = (
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
)
ES_TEENS: tuple[str, ...] = (
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciseis",
    "diecisiete",
    "dieciocho",
)
ES_TEENS += ("diecinueve", "veinte", "veintiuno", "veintidos", "veintitres", "veinticuatro", "veinticinco")
ES_TEENS += ("veintiseis", "veintisiete", "veintiocho", "veintinueve")
ES_TENS: tuple[str, ...] = (
    "",
    "",
    "veinte",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
)
ES_HUNDREDS = {"cien": 100, "ciento": 100, "quinientos": 500, "quinientas": 500}
for _n, _stem in enumerate(("dos", "tres", "cuatro", "", "seis", "sete", "ocho", "nove"), start=2):
    if _stem:
        ES_HUNDREDS[_stem + "cientos"] = _n * 100
        ES_HUNDREDS[_stem + "cientas"] = _n * 100


@cache
def cardinals(lang: str, upto: int = 59) -> dict[str, int]:
    """Number words from 0 to ``upto`` (< 100) in the spellings people type ("twenty one", "veintidós")."""
    table: dict[str, int] = {}
    if lang == "es":
        for n in range(min(upto, 29) + 1):
            table[ES_UNITS[n] if n < 10 else ES_TEENS[n - 10]] = n
        table.update({"un": 1, "una": 1, "veintiun": 21, "veintiuna": 21})
        for n in range(30, upto + 1):
            tens, unit = divmod(n, 10)
            table[ES_TENS[tens] + (f" y {ES_UNITS[unit]}" if unit else "")] = n
            if unit == 1:
                table[f"{ES_TENS[tens]} y un"] = table[f"{ES_TENS[tens]} y una"] = n
    elif lang == "en":
        for n in range(min(upto, 19) + 1):
            table[EN_UNITS[n] if n < 10 else EN_TEENS[n - 10]] = n
        for n in range(20, upto + 1):
            tens, unit = divmod(n, 10)
            table[EN_TENS[tens] + (f" {EN_UNITS[unit]}" if unit else "")] = n
    return {word: n for word, n in table.items() if n <= upto}


@cache
def ordinals(lang: str) -> dict[str, int]:
    """Ordinal words for days of the month: 1 to 31 ("twenty-first"; Spanish only says "primero")."""
    if lang == "es":
        return {"primero": 1, "primer": 1}
    if lang != "en":
        return {}
    table = {word: n for n, word in enumerate(EN_ORDINAL_UNITS) if word}
    table.update({word: n for n, word in enumerate(EN_ORDINAL_TEENS, start=10)})
    table.update({"twentieth": 20, "thirtieth": 30, "thirty first": 31})
    table.update({f"twenty {word}": 20 + n for n, word in enumerate(EN_ORDINAL_UNITS) if word})
    return table


def small_number(words: str, lang: str, upto: int = 59) -> int | None:
    """``"21"``, ``"twenty-one"``, ``"veintiuno"`` -> 21; None when it is not a number up to ``upto``."""
    text = squash(words)
    if text.isdigit():
        return int(text) if int(text) <= upto else None
    value = cardinals(lang, 59).get(text)
    return value if value is not None and value <= upto else None


# --- calendar names --------------------------------------------------------------------------------------

MONTHS: dict[str, dict[str, int]] = {
    "en": {
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
        "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
        "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    },
    "es": {
        "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4,
        "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
        "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9, "set": 9, "octubre": 10, "oct": 10,
        "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
    },
}  # fmt: skip

WEEKDAYS: dict[str, dict[str, int]] = {
    "en": {
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    },
    "es": {"lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6},
    "fr": {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6},
    "de": {"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5,
           "sonnabend": 5, "sonntag": 6},
    "it": {"lunedi": 0, "martedi": 1, "mercoledi": 2, "giovedi": 3, "venerdi": 4, "sabato": 5, "domenica": 6},
    "pt": {"segunda": 0, "segunda feira": 0, "terca": 1, "terca feira": 1, "quarta": 2, "quarta feira": 2,
           "quinta": 3, "quinta feira": 3, "sexta": 4, "sexta feira": 4, "sabado": 5, "domingo": 6},
}  # fmt: skip

WEEKDAY_ABBREVIATIONS: dict[str, dict[str, int]] = {
    "en": {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5,
           "sun": 6},
    "es": {"lun": 0, "mar": 1, "mie": 2, "jue": 3, "vie": 4, "sab": 5, "dom": 6},
}  # fmt: skip
"""Short names, read only when they are the whole answer: "sat" or "mar" inside a sentence is a word."""

NEXT_WORDS: dict[str, tuple[str, ...]] = {
    "fr": ("prochain", "prochaine"),
    "de": ("nachsten", "nachster", "nachste", "kommenden", "kommender"),
    "it": ("prossimo", "prossima"),
    "pt": ("proximo", "proxima", "que vem"),
}
"""Words for "next" around a weekday, for the locales without a full grammar ("vendredi prochain")."""
