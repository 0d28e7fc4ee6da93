"""Training examples from sample utterances: ``{Slot}`` placeholders filled with typical values.

The classifier never sees a placeholder at runtime; it sees "book a meeting
with jane tomorrow at 3pm". Training on the template alone would make the slot
values unknown words that dilute the utterance, so each template is expanded
with a few values of its slots' types (custom types: their own values and
synonyms; built-in types: a small per-language table), plus one variant with
the placeholders removed. The variants of one sample utterance share its weight,
so an intent does not outweigh another just because its samples have slots.

Choices are deterministic (rotating through the values by utterance and slot
position): the same bot always trains the same model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.syntax import SLOT_REFERENCE

if TYPE_CHECKING:
    from bot.model import Locale, SlotType

PLACEHOLDER = SLOT_REFERENCE
FILLS_PER_TEMPLATE = 3

_EN: dict[str, tuple[str, ...]] = {
    "AMAZON.Date": ("tomorrow", "friday", "next monday", "june 5th", "today", "the 12th"),
    "AMAZON.Time": ("3pm", "10 am", "noon", "9:30", "the morning", "4 o'clock"),
    "AMAZON.Duration": ("30 minutes", "an hour", "two days", "15 min", "half an hour", "24 hours"),
    "AMAZON.Number": ("3", "ten", "42", "one hundred", "7"),
    "AMAZON.Percentage": ("10 percent", "50%", "twenty percent"),
    "AMAZON.EmailAddress": ("jane.doe@example.com", "bob@mail.com", "team@corp.io"),
    "AMAZON.PhoneNumber": ("555 123 4567", "+1 206 555 0100", "867-5309"),
    "AMAZON.FirstName": ("john", "maria", "alex", "priya", "david"),
    "AMAZON.LastName": ("smith", "garcia", "nguyen", "johnson", "brown"),
    "AMAZON.City": ("seattle", "london", "madrid", "new york", "chicago"),
    "AMAZON.Country": ("spain", "canada", "germany", "mexico", "japan"),
    "AMAZON.State": ("washington", "texas", "california", "ohio"),
    "AMAZON.StreetName": ("main street", "oak avenue", "5th avenue"),
    "AMAZON.AlphaNumeric": ("abc123", "x7k2", "orders-db", "web-app"),
    "AMAZON.Confirmation": ("yes", "no", "sure", "maybe"),
    "AMAZON.UKPostalCode": ("sw1a 1aa", "ec1a 1bb"),
}
_ES: dict[str, tuple[str, ...]] = {
    "AMAZON.Date": ("mañana", "el viernes", "el próximo lunes", "el 5 de junio", "hoy", "pasado mañana"),
    "AMAZON.Time": ("las 3 pm", "las 10", "mediodía", "9:30", "la mañana", "las cuatro"),
    "AMAZON.Duration": ("30 minutos", "una hora", "dos días", "15 min", "media hora", "24 horas"),
    "AMAZON.Number": ("3", "diez", "42", "cien", "siete"),
    "AMAZON.Percentage": ("10 por ciento", "50%", "veinte por ciento"),
    "AMAZON.EmailAddress": ("ana.lopez@example.com", "luis@correo.com", "equipo@empresa.mx"),
    "AMAZON.PhoneNumber": ("55 1234 5678", "+52 55 1234 5678", "867-5309"),
    "AMAZON.FirstName": ("juan", "maría", "carlos", "lucía", "josé"),
    "AMAZON.LastName": ("garcía", "lópez", "martínez", "pérez", "sánchez"),
    "AMAZON.City": ("madrid", "bogotá", "ciudad de méxico", "lima", "buenos aires"),
    "AMAZON.Country": ("españa", "méxico", "colombia", "chile", "perú"),
    "AMAZON.State": ("jalisco", "texas", "california", "nuevo león"),
    "AMAZON.StreetName": ("calle mayor", "avenida reforma", "calle 5"),
    "AMAZON.AlphaNumeric": ("abc123", "x7k2", "orders-db", "web-app"),
    "AMAZON.Confirmation": ("sí", "no", "claro", "tal vez"),
}
_GENERIC = {"en": ("something",), "es": ("algo",)}
BUILTIN_VALUES: Mapping[str, Mapping[str, tuple[str, ...]]] = {"en": _EN, "es": _ES}


@dataclass(frozen=True)
class Example:
    text: str
    weight: float


def language(locale_id: str) -> str:
    return "es" if locale_id.lower().startswith("es") else "en"


def type_values(
    locale: Locale, type_name: str, custom: Mapping[str, SlotType] | None = None
) -> tuple[str, ...]:
    """Typical values for a slot type: a custom type's values and synonyms, else the built-in table."""
    lang = language(locale.locale_id)
    types = custom if custom is not None else {t.name: t for t in locale.slot_types}
    slot_type = types.get(type_name)
    if slot_type is not None:
        values = tuple(v for value in slot_type.values for v in (value.value, *value.synonyms) if v.strip())
        if values:
            return values
        type_name = slot_type.parent_slot_type_signature or type_name
    table = BUILTIN_VALUES[lang]
    return table.get(type_name) or _GENERIC[lang]


def expand(utterance: str, slot_values: Mapping[str, Sequence[str]], seed: int) -> list[Example]:
    """The utterance itself if it has no placeholder; else filled variants plus one without placeholders."""
    parts = PLACEHOLDER.split(utterance)
    if len(parts) == 1:
        return [Example(utterance, 1.0)]
    texts: list[str] = []
    for fill in range(FILLS_PER_TEMPLATE):
        out: list[str] = []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                out.append(part)
                continue
            values = slot_values.get(part) or ("something",)
            out.append(values[(seed * 7 + index * 3 + fill) % len(values)])
        texts.append("".join(out))
    texts.append(" ".join(parts[0::2]))
    unique = list(dict.fromkeys(texts))
    return [Example(text, 1.0 / len(unique)) for text in unique]
