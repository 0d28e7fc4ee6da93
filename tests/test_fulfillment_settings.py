"""Fulfillment settings: the issue's defaults, values read from MEETY_* variables, clear errors."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.errors import SettingsError
from fulfillment.scheduling import SchedulingRules
from fulfillment.settings import (
    FulfillmentSettings,
    StoreLocation,
    load_fulfillment_settings,
    parse_store,
    parse_working_days,
    parse_working_hours,
)

NAMES = (
    "STORE",
    "HOST_TIMEZONE",
    "WORKING_DAYS",
    "WORKING_HOURS",
    "MINIMUM_NOTICE_MINUTES",
    "HORIZON_DAYS",
    "MIN_DURATION_MINUTES",
    "MAX_DURATION_MINUTES",
    "PENDING_EXPIRY_DAYS",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(f"MEETY_{name}", raising=False)


def test_defaults_are_the_issues() -> None:
    settings = load_fulfillment_settings()
    assert settings.store == "sqlite:///.meety/meety.db"
    assert settings.store_location() == StoreLocation("sqlite", path=".meety/meety.db")
    assert settings.pending_expiry_days == 7
    assert settings.rules() == SchedulingRules(
        host_zone=ZoneInfo("UTC"),
        working_days=frozenset({0, 1, 2, 3, 4}),
        opens=time(9),
        closes=time(17),
        minimum_notice=timedelta(hours=1),
        horizon=timedelta(days=90),
        min_duration=timedelta(minutes=15),
        max_duration=timedelta(minutes=240),
    )
    assert settings.rules() == SchedulingRules()


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "STORE": "dynamodb://meety-requests?endpoint=http://localhost:8000",
        "HOST_TIMEZONE": "America/New_York",
        "WORKING_DAYS": "mon,tue,THU",
        "WORKING_HOURS": "08:30-16:00",
        "MINIMUM_NOTICE_MINUTES": "120",
        "HORIZON_DAYS": "30",
        "MIN_DURATION_MINUTES": "30",
        "MAX_DURATION_MINUTES": "90",
        "PENDING_EXPIRY_DAYS": "3",
    }
    for name, value in env.items():
        monkeypatch.setenv(f"MEETY_{name}", value)
    settings = load_fulfillment_settings()
    assert settings.store_location() == StoreLocation(
        "dynamodb", table="meety-requests", endpoint="http://localhost:8000"
    )
    assert settings.pending_expiry_days == 3
    assert settings.rules() == SchedulingRules(
        host_zone=ZoneInfo("America/New_York"),
        working_days=frozenset({0, 1, 3}),
        opens=time(8, 30),
        closes=time(16),
        minimum_notice=timedelta(minutes=120),
        horizon=timedelta(days=30),
        min_duration=timedelta(minutes=30),
        max_duration=timedelta(minutes=90),
    )


def test_settings_are_frozen() -> None:
    settings = load_fulfillment_settings()
    with pytest.raises(ValidationError):
        settings.horizon_days = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon,Tue,Thu", {0, 1, 3}),
        (" monday , Wednesday ", {0, 2}),
        ("Sun-Thu", {6, 0, 1, 2, 3}),
        ("Mon-Wed,Fri", {0, 1, 2, 4}),
        ("Sat", {5}),
    ],
)
def test_working_days(text: str, days: set[int]) -> None:
    assert parse_working_days(text) == frozenset(days)


def test_working_hours() -> None:
    assert parse_working_hours("9:00 - 17:30") == (time(9), time(17, 30))


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("sqlite:///data/meety.db", StoreLocation("sqlite", path="data/meety.db")),
        ("sqlite:////var/lib/meety.db", StoreLocation("sqlite", path="/var/lib/meety.db")),
        ("dynamodb://MeetyRequests", StoreLocation("dynamodb", table="MeetyRequests")),
        (
            "dynamodb://meety.requests?endpoint=https://dynamo.local:8443",
            StoreLocation("dynamodb", table="meety.requests", endpoint="https://dynamo.local:8443"),
        ),
    ],
)
def test_store(value: str, location: StoreLocation) -> None:
    assert parse_store(value) == location


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("STORE", "postgres://db/meety", "unknown store scheme 'postgres'"),
        ("STORE", "meety.db", "is not a store URL"),
        ("STORE", "sqlite://", "names no database file"),
        ("STORE", "dynamodb://x", "is not a DynamoDB table name"),
        ("STORE", "dynamodb://meety?region=us-east-1", "unknown store option 'region'"),
        ("STORE", "dynamodb://meety?endpoint=localhost:8000", "must be an http:// or https:// URL"),
        ("HOST_TIMEZONE", "Mars/Olympus", "'Mars/Olympus' is not an IANA time zone"),
        ("HOST_TIMEZONE", "EST5EDT/../x", "is not an IANA time zone"),
        ("WORKING_DAYS", "Mon-Fry", "'Fry' is not a weekday"),
        ("WORKING_DAYS", " , ", "names no weekday"),
        ("WORKING_HOURS", "9-5", "is not a range of times like 09:00-17:00"),
        ("WORKING_HOURS", "09:00-24:00", "outside 00:00-23:59"),
        ("WORKING_HOURS", "17:00-09:00", "opening (17:00) must be before closing (09:00)"),
        ("WORKING_HOURS", "09:00-09:00", "must be before closing"),
        ("MINIMUM_NOTICE_MINUTES", "-1", "greater than or equal to 0"),
        ("MINIMUM_NOTICE_MINUTES", "an hour", "valid integer"),
        ("HORIZON_DAYS", "0", "greater than or equal to 1"),
        ("MIN_DURATION_MINUTES", "0", "greater than or equal to 1"),
        ("MAX_DURATION_MINUTES", "10", "must be at least MEETY_MIN_DURATION_MINUTES (15)"),
        ("PENDING_EXPIRY_DAYS", "0", "greater than or equal to 1"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(f"MEETY_{name}", value)
    with pytest.raises(SettingsError) as caught:
        load_fulfillment_settings()
    message = str(caught.value)
    assert f"MEETY_{name}: " in message
    assert problem in message
    assert "Value error" not in message


def test_every_bad_value_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEETY_HOST_TIMEZONE", "Nowhere")
    monkeypatch.setenv("MEETY_HORIZON_DAYS", "soon")
    with pytest.raises(SettingsError, match=r"MEETY_HOST_TIMEZONE: .*; MEETY_HORIZON_DAYS: "):
        load_fulfillment_settings()


def test_direct_construction_validates_too() -> None:
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        FulfillmentSettings(host_timezone="Nowhere")


def test_ops_settings_are_read_and_parsed() -> None:
    settings = load_fulfillment_settings(
        {
            "MEETY_PIPELINES": "web-app, payments-api",
            "MEETY_BACKUP_TARGETS": "rds:orders-db, AURORA:analytics,dynamodb:customer-sessions",
            "MEETY_AUTH": "cognito",
            "MEETY_COGNITO_USER_POOL_ID": "us-east-1_AbC123",
            "MEETY_COGNITO_CLIENT_IDS": "client-a,client-b",
        }
    )
    assert settings.pipeline_names() == ("web-app", "payments-api")
    assert [str(t) for t in settings.targets()] == [
        "rds:orders-db",
        "aurora:analytics",
        "dynamodb:customer-sessions",
    ]
    assert settings.client_ids() == ("client-a", "client-b")
    defaults = load_fulfillment_settings({})
    assert (defaults.auth, defaults.pipeline_names(), defaults.targets()) == ("local", (), ())


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MEETY_BACKUP_TARGETS": "mysql:orders"},
            "MEETY_BACKUP_TARGETS: backup target 'mysql:orders' must look like",
        ),
        ({"MEETY_BACKUP_TARGETS": "rds:a1,dynamodb:A1"}, "listed twice"),
        (
            {"MEETY_PIPELINES": "web app"},
            "MEETY_PIPELINES: pipeline 'web app' is not a valid AWS resource name",
        ),
        ({"MEETY_AUTH": "ldap"}, "MEETY_AUTH"),
        (
            {"MEETY_AUTH": "cognito"},
            "MEETY_AUTH=cognito needs MEETY_COGNITO_USER_POOL_ID and MEETY_COGNITO_CLIENT_IDS",
        ),
    ],
)
def test_bad_ops_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        load_fulfillment_settings(env)
