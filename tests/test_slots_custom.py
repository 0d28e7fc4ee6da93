"""Custom slot types (values, synonyms, both resolution strategies) and AlphaNumeric regex types."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.model import SlotType, SlotTypeValue
from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (custom values do not depend on it)."""

TARGET = SlotType(
    name="BackupTarget",
    resolution_strategy="TOP_RESOLUTION",
    values=(
        SlotTypeValue(value="pipeline", synonyms=("deploy pipeline", "ci", "tubería")),
        SlotTypeValue(value="database", synonyms=("db", "base de datos")),
        SlotTypeValue(value="Café Central"),
        SlotTypeValue(value="web server", synonyms=("ci", "servidor web")),
    ),
)
GENRE = SlotType(
    name="Genre",
    resolution_strategy="ORIGINAL_VALUE",
    values=(SlotTypeValue(value="comedy", synonyms=("funny",)), SlotTypeValue(value="drama")),
)
AIRPORT = SlotType(name="Airport", parent_slot_type_signature="AMAZON.AlphaNumeric", regex_filter="[A-Z]{3}")
TICKET = SlotType(
    name="Ticket", parent_slot_type_signature="AMAZON.AlphaNumeric", regex_filter="[A-Z]{2}-?[0-9]{3,4}"
)
CODE = SlotType(name="Code", parent_slot_type_signature="AMAZON.AlphaNumeric", regex_filter="\\u00d1[0-9]{2}")
TYPES = {t.name: t for t in (TARGET, GENRE, AIRPORT, TICKET, CODE)}


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


RESOLVE = [
    # TOP_RESOLUTION: the slot type value; a synonym resolves to its value; small typos tolerated
    ("en_US", "BackupTarget", "pipeline", "pipeline", ("pipeline",)),
    ("en_US", "BackupTarget", "Pipeline!", "pipeline", ("pipeline",)),
    ("en_US", "BackupTarget", "pipline", "pipeline", ("pipeline",)),
    ("en_US", "BackupTarget", "DB", "database", ("database",)),
    ("en_US", "BackupTarget", "cafe central", "Café Central", ("Café Central",)),
    ("en_US", "BackupTarget", "ci", "pipeline", ("pipeline", "web server")),
    ("es_US", "BackupTarget", "base de datos", "database", ("database",)),
    ("es_US", "BackupTarget", "tuberia", "pipeline", ("pipeline",)),
    ("es_US", "BackupTarget", "Servidor Web.", "web server", ("web server",)),
    # ORIGINAL_VALUE: the user's words, resolved to the matching values; anything accepted
    ("en_US", "Genre", "funny", "funny", ("comedy",)),
    ("en_US", "Genre", "Comedy", "Comedy", ("comedy",)),
    ("en_US", "Genre", "earth", "earth", ("earth",)),
    # regex types: as typed, or with inner blanks removed
    ("en_US", "Airport", "JFK", "JFK", ("JFK",)),
    ("en_US", "Airport", "J F K", "JFK", ("JFK",)),
    ("en_US", "Ticket", "AB-1234", "AB-1234", ("AB-1234",)),
    ("es_US", "Code", "Ñ42", "Ñ42", ("Ñ42",)),
]

REJECTED = [
    ("en_US", "BackupTarget", "banana"),
    ("en_US", "BackupTarget", "pipe"),
    ("en_US", "BackupTarget", "   "),
    ("en_US", "Airport", "jfk"),
    ("en_US", "Airport", "JFKX"),
    ("en_US", "Ticket", "A-12"),
    ("es_US", "Code", "N42"),
]

FIND = [
    ("en_US", "BackupTarget", "check the deploy pipeline please", "deploy pipeline", "pipeline"),
    ("en_US", "BackupTarget", "what about the db?", "db", "database"),
    ("en_US", "BackupTarget", "how is the pipline doing", "pipline", "pipeline"),
    ("es_US", "BackupTarget", "respalda la base de datos por favor", "base de datos", "database"),
    ("en_US", "Genre", "something funny please", "funny", "funny"),
    ("en_US", "Airport", "flying from JFK tomorrow", "JFK", "JFK"),
    ("en_US", "Ticket", "AB 1234 is my ticket", "AB 1234", "AB1234"),
    ("en_US", "Ticket", "ticket AB-123, thanks", "AB-123", "AB-123"),
]

FIND_NOTHING = [
    ("en_US", "BackupTarget", "nothing here"),
    ("en_US", "Genre", "nothing"),
    ("en_US", "Airport", "flying tomorrow"),
]


@pytest.mark.parametrize(("locale", "name", "text", "interpreted", "resolved"), RESOLVE)
def test_resolve_custom(
    locale: str, name: str, text: str, interpreted: str, resolved: tuple[str, ...]
) -> None:
    value = resolve_value(name, text, ctx(locale), TYPES[name])
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text.strip(),
        interpreted,
        resolved,
    )


@pytest.mark.parametrize(("locale", "name", "text"), REJECTED)
def test_custom_rejects(locale: str, name: str, text: str) -> None:
    assert resolve_value(name, text, ctx(locale), TYPES[name]) is None


@pytest.mark.parametrize(("locale", "name", "text", "original", "interpreted"), FIND)
def test_find_custom(locale: str, name: str, text: str, original: str, interpreted: str) -> None:
    value = find_value(name, text, ctx(locale), TYPES[name])
    assert value is not None, text
    assert (value.original_value, value.interpreted_value) == (original, interpreted)


@pytest.mark.parametrize(("locale", "name", "text"), FIND_NOTHING)
def test_find_no_custom(locale: str, name: str, text: str) -> None:
    assert find_value(name, text, ctx(locale), TYPES[name]) is None


def test_longest_known_value_wins() -> None:
    rooms = SlotType(
        name="Room",
        resolution_strategy="TOP_RESOLUTION",
        values=(SlotTypeValue(value="Blue"), SlotTypeValue(value="Blue Lagoon", synonyms=("lagoon",))),
    )
    value = find_value("Room", "the blue lagoon room please", ctx("en_US"), rooms)
    assert value is not None
    assert (value.original_value, value.interpreted_value) == ("blue lagoon", "Blue Lagoon")


def test_at_most_five_resolved_values() -> None:
    many = SlotType(
        name="Many",
        resolution_strategy="TOP_RESOLUTION",
        values=tuple(SlotTypeValue(value=f"v{i}", synonyms=("same",)) for i in range(8)),
    )
    value = resolve_value("Many", "same", ctx("en_US"), many)
    assert value is not None
    assert value.resolved_values == ("v0", "v1", "v2", "v3", "v4")


def test_custom_type_without_definition_is_an_error() -> None:
    with pytest.raises(ValueError, match="needs its definition"):
        resolve_value("BackupTarget", "db", ctx("en_US"))
