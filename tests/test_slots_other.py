"""Captured built-ins (City, FreeFormInput, unknown AMAZON.*), AlphaNumeric, and the API's contract."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026."""


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


CAPTURED = [
    ("en_US", "AMAZON.City", "Seattle", "Seattle"),
    ("en_US", "AMAZON.City", "  new york  ", "new york"),
    ("en_US", "AMAZON.Country", "Canada.", "Canada"),
    ("en_US", "AMAZON.State", "Washington", "Washington"),
    ("en_US", "AMAZON.StreetName", "Pike Street", "Pike Street"),
    ("en_US", "AMAZON.FreeFormInput", "I want to talk about the budget", "I want to talk about the budget"),
    ("es_US", "AMAZON.City", "Ciudad de México", "Ciudad de México"),
    ("en_GB", "AMAZON.UKPostalCode", "SW1A 1AA", "SW1A 1AA"),
    ("en_US", "AMAZON.SomethingNew", "whatever", "whatever"),
]

ALPHANUMERIC = [
    ("en_US", "abc 123", "abc 123"),
    ("en_US", "  ABC-123. ", "ABC-123"),
    ("es_US", "pedido 42", "pedido 42"),
]

FIND_ALPHANUMERIC = [
    ("en_US", "my code is ABC123 thanks", "ABC123"),
    ("en_US", "order 5512 please", "5512"),
    ("es_US", "mi código es XZ9", "XZ9"),
]


@pytest.mark.parametrize(("locale", "slot_type", "text", "expected"), CAPTURED)
def test_captured_as_said(locale: str, slot_type: str, text: str, expected: str) -> None:
    for function in (resolve_value, find_value):
        value = function(slot_type, text, ctx(locale))
        assert value is not None
        assert (value.original_value, value.interpreted_value, value.resolved_values) == (
            text.strip(),
            expected,
            (expected,),
        )


@pytest.mark.parametrize(("locale", "text", "expected"), ALPHANUMERIC)
def test_alphanumeric(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.AlphaNumeric", text, ctx(locale))
    assert value is not None
    assert value.interpreted_value == expected


@pytest.mark.parametrize(("locale", "text", "expected"), FIND_ALPHANUMERIC)
def test_find_alphanumeric(locale: str, text: str, expected: str) -> None:
    value = find_value("AMAZON.AlphaNumeric", text, ctx(locale))
    assert value is not None
    assert (value.original_value, value.interpreted_value) == (expected, expected)


@pytest.mark.parametrize(
    "slot_type",
    ["AMAZON.Date", "AMAZON.Time", "AMAZON.Duration", "AMAZON.Number", "AMAZON.EmailAddress",
     "AMAZON.PhoneNumber", "AMAZON.Confirmation", "AMAZON.FirstName", "AMAZON.AlphaNumeric", "AMAZON.City"],
)  # fmt: skip
def test_blank_text_is_no_value(slot_type: str) -> None:
    assert resolve_value(slot_type, "   ", ctx("en_US")) is None
    assert find_value(slot_type, "", ctx("en_US")) is None


@pytest.mark.parametrize(
    ("slot_type", "text"),
    [
        ("AMAZON.Date", "book 30 minutes with Jane tomorrow at 3pm"),
        ("AMAZON.Time", "book 30 minutes with Jane tomorrow at 3pm"),
        ("AMAZON.Duration", "book 30 minutes with Jane tomorrow at 3pm"),
        ("AMAZON.EmailAddress", "Write to JANE at Example dot COM, thanks"),
        ("AMAZON.Confirmation", "Yes, BOOK it"),
    ],
)
def test_found_original_is_a_substring(slot_type: str, text: str) -> None:
    """The dialog engine blanks ``original_value`` out of the sentence: it must be the exact words."""
    value = find_value(slot_type, text, ctx("en_US"))
    assert value is not None
    assert value.original_value in text
    assert value.resolved_values[0] == value.interpreted_value


def test_nothing_heavy_on_import() -> None:
    code = "import sys, bot.runtime.slots; print('dateparser' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
