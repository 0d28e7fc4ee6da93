"""Normalisation, offsets back to the original text, and placeholder expansion."""

from __future__ import annotations

import pytest

from bot.model import Locale, SlotType, SlotTypeValue
from bot.runtime.nlu.examples import expand, type_values
from bot.runtime.nlu.features import fold, normalise


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("¿Se terminó mi respaldo?", "se termino mi respaldo"),
        ("What\u2019s   UP!!", "whats up"),
        ("what's up", "whats up"),
        ("Cancel, please; now: ok.", "cancel please now ok"),
        ("mail jane.doe@example.com at 3:30pm, ok", "mail jane.doe@example.com at 3:30pm ok"),
        ("costs 1,000.50 euros.", "costs 1,000.50 euros"),
        ("Ñandú\tÉXITO\u00a0año", "nandu exito ano"),
        ("«hola» (amigo)", "hola amigo"),
        ("", ""),
        ("?! ...", ""),
    ],
)
def test_normalisation(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert normalise(text).text == folded


def test_tokens_map_back_to_the_original_text() -> None:
    text = "  ¿Reunión con José   Pérez, el VIERNES?"
    normalised = normalise(text)
    assert normalised.original == text
    assert [(word, text[a:b]) for word, a, b in normalised.tokens()] == [
        ("reunion", "Reunión"),
        ("con", "con"),
        ("jose", "José"),
        ("perez", "Pérez"),
        ("el", "el"),
        ("viernes", "VIERNES"),
    ]


def test_expansion_fills_placeholders_and_keeps_a_bare_variant() -> None:
    values = {"Who": ("Jane Doe", "Jane", "John Smith"), "When": ("tomorrow", "friday")}
    examples = expand("meet {Who} on {When}", values, seed=0)
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts)) == 4
    assert all("{" not in t for t in texts)
    assert "meet   on  " in texts
    assert sum(e.weight for e in examples) == pytest.approx(1.0)
    assert expand("meet {Who} on {When}", values, seed=0) == examples
    assert expand("hello there", values, seed=3)[0].text == "hello there"


def test_type_values_for_custom_and_builtin_types() -> None:
    person = SlotType(name="Person", values=(SlotTypeValue(value="Jane Doe", synonyms=("Jane",)),))
    code = SlotType(name="Code", parent_slot_type_signature="AMAZON.AlphaNumeric", regex_filter="[A-Z]{3}")
    en = Locale(locale_id="en_US", slot_types=(person, code))
    es = Locale(locale_id="es_US")
    assert type_values(en, "Person") == ("Jane Doe", "Jane")
    assert "tomorrow" in type_values(en, "AMAZON.Date")
    assert "mañana" in type_values(es, "AMAZON.Date")
    assert type_values(en, "Code") == type_values(en, "AMAZON.AlphaNumeric")
    assert type_values(en, "AMAZON.SomethingNew") == ("something",)
    assert type_values(es, "AMAZON.SomethingNew") == ("algo",)
