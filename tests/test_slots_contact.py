"""AMAZON.EmailAddress and AMAZON.PhoneNumber: typed or spelled out, alone or inside a sentence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.slots import ResolveContext, find_value, resolve_value

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""Wednesday 18 November 2026 (contacts do not depend on it)."""


def ctx(locale: str) -> ResolveContext:
    return ResolveContext(locale_id=locale, now=NOW)


EMAILS = [
    ("en_US", "jane@example.com", "jane@example.com"),
    ("en_US", "Jane.Doe+work@Example.COM", "Jane.Doe+work@example.com"),
    ("en_US", "john_smith@mail.example.org.", "john_smith@mail.example.org"),
    ("en_US", "jane at example dot com", "jane@example.com"),
    ("en_US", "jane dot doe at example dot co dot uk", "jane.doe@example.co.uk"),
    ("en_US", "jane underscore doe at example dot com", "jane_doe@example.com"),
    ("en_US", "jane at example.com", "jane@example.com"),
    ("es_US", "jane arroba example punto com", "jane@example.com"),
    ("es_US", "ana guion bajo lopez arroba correo punto es", "ana_lopez@correo.es"),
    ("es_US", "ana@correo.es", "ana@correo.es"),
]

NOT_EMAILS = [("en_US", "not an email"), ("en_US", "jane@"), ("en_US", "jane at home"), ("es_US", "en casa")]

FIND_EMAILS = [
    ("en_US", "my email is jane@x.com thanks", "jane@x.com", "jane@x.com"),
    ("en_US", "my email is jane at example dot com thanks", "jane at example dot com", "jane@example.com"),
    (
        "en_US",
        "reach me at jane dot doe at example dot com",
        "jane dot doe at example dot com",
        "jane.doe@example.com",
    ),
    (
        "es_US",
        "mi correo es ana arroba example punto com gracias",
        "ana arroba example punto com",
        "ana@example.com",
    ),
]

PHONES = [
    ("en_US", "+1 (509) 555-1212", "+15095551212"),
    ("en_US", "1 (509) 555-1212", "15095551212"),
    ("en_US", "(509) 555-1212", "5095551212"),
    ("en_US", "555-1212", "5551212"),
    ("en_US", "509.555.1212", "5095551212"),
    ("en_US", "+44 20 7946 0958", "+442079460958"),
    ("en_US", "five five five one two one two", "5551212"),
    ("en_US", "plus one five oh nine five five five one two one two", "+15095551212"),
    ("es_US", "cinco cinco cinco uno dos uno dos", "5551212"),
    ("es_US", "+52 55 1234 5678", "+525512345678"),
]

NOT_PHONES = [("en_US", "12345"), ("en_US", "2026-12-24"), ("en_US", "call me"), ("es_US", "doce")]

FIND_PHONES = [
    ("en_US", "call me at 555-1212 tomorrow", "555-1212", "5551212"),
    ("en_US", "my number is +1 509 555 1212.", "+1 509 555 1212", "+15095551212"),
    (
        "en_US",
        "it's five oh nine five five five one two one two",
        "five oh nine five five five one two one two",
        "5095551212",
    ),
    ("es_US", "mi número es el (55) 1234-5678", "(55) 1234-5678", "5512345678"),
]


@pytest.mark.parametrize(("locale", "text", "expected"), EMAILS)
def test_resolve_email(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.EmailAddress", text, ctx(locale))
    assert value is not None, text
    assert (value.original_value, value.interpreted_value, value.resolved_values) == (
        text,
        expected,
        (expected,),
    )


@pytest.mark.parametrize(("locale", "text"), NOT_EMAILS)
def test_not_an_email(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.EmailAddress", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND_EMAILS)
def test_find_email(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.EmailAddress", text, ctx(locale))
    assert value is not None
    assert (value.original_value, value.interpreted_value) == (original, expected)


@pytest.mark.parametrize(("locale", "text", "expected"), PHONES)
def test_resolve_phone(locale: str, text: str, expected: str) -> None:
    value = resolve_value("AMAZON.PhoneNumber", text, ctx(locale))
    assert value is not None, text
    assert (value.interpreted_value, value.resolved_values) == (expected, (expected,))


@pytest.mark.parametrize(("locale", "text"), NOT_PHONES)
def test_not_a_phone(locale: str, text: str) -> None:
    assert resolve_value("AMAZON.PhoneNumber", text, ctx(locale)) is None


@pytest.mark.parametrize(("locale", "text", "original", "expected"), FIND_PHONES)
def test_find_phone(locale: str, text: str, original: str, expected: str) -> None:
    value = find_value("AMAZON.PhoneNumber", text, ctx(locale))
    assert value is not None
    assert (value.original_value, value.interpreted_value) == (original, expected)


def test_no_phone_in_a_date_and_a_duration() -> None:
    assert find_value("AMAZON.PhoneNumber", "book 30 minutes on 12/24/2026 at 15:30", ctx("en_US")) is None
