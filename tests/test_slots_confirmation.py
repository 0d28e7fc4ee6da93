"""AMAZON.Confirmation: "Yes", "No", "Maybe" or "Don't know", case-, accent- and punctuation-insensitive."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (answers do not depend on it)."""
YES, NO, MAYBE, DONT_KNOW = "Yes", "No", "Maybe", "Don't know"


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    *[("en_US", t, YES) for t in ("yes", "Yeah!", "yep", "sure", "OK", "okay", "of course", "absolutely")],
    *[
        ("en_US", t, YES)
        for t in ("sounds good", "that's right", "That\u2019s right.", "correct", "yes please")
    ],
    *[("en_US", t, NO) for t in ("no", "Nope.", "nah", "negative", "forget it", "not really", "no thanks")],
    *[("en_US", t, NO) for t in ("no, thank you", "I don't think so")],
    *[("en_US", t, MAYBE) for t in ("maybe", "perhaps", "possibly", "it's possible", "might")],
    *[("en_US", t, DONT_KNOW) for t in ("don't know", "dunno", "no idea", "not sure", "who knows")],
    *[("en_US", t, DONT_KNOW) for t in ("I don't know", "I'm not sure")],
    *[("es_US", t, YES) for t in ("sí", "Sí!", "si", "claro", "vale", "de acuerdo", "por supuesto")],
    *[("es_US", t, YES) for t in ("correcto", "dale", "ok", "¡Claro que sí!", "sí, gracias")],
    *[("es_US", t, NO) for t in ("no", "para nada", "nel", "olvídalo", "no gracias", "claro que no")],
    *[("es_US", t, MAYBE) for t in ("quizás", "quiza", "tal vez", "a lo mejor")],
    *[("es_US", t, DONT_KNOW) for t in ("no sé", "no se", "ni idea", "quién sabe", "no estoy segura")],
    ("fr_FR", "oui", YES),
    ("fr_FR", "ok", YES),
    ("de_DE", "nein", NO),
]

NOT_ANSWERS = [
    ("en_US", "banana"),
    ("en_US", "yes, book it"),  # more than a yes: find_value's job
    ("en_US", "yes no"),
    ("es_US", "plátano"),
]

FIND = [
    ("en_US", "yes, book it", "yes", YES),
    ("en_US", "sure, that works", "that works", YES),
    ("en_US", "hmm I'm not sure", "I'm not sure", DONT_KNOW),
    ("en_US", "no, I don't want that", "no", NO),
    ("en_US", "I guess it's possible", "I guess", MAYBE),
    ("es_US", "sí, resérvalo", "sí", YES),
    ("es_US", "no sé, quizás mañana", "no sé", DONT_KNOW),
    ("es_US", "pues claro que no", "claro que no", NO),
]


@pytest.mark.parametrize(("locale", "text", "expected"), RESOLVE)
def test_resolve_confirmation(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.Confirmation", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text,
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "text"), NOT_ANSWERS)
def test_not_an_answer(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.Confirmation", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND)
def test_find_confirmation(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.Confirmation", text, ctx(locale))
    assert value is not None
    assert (value.original_value, value.interpreted_value) == (original, expected)


def test_find_nothing() -> None:
    assert find_value("AMAZON.Confirmation", "what is the weather", ctx("en_US")) is None
