"""Settings of the fulfillment Lambda: where requests are stored and the host's bookable time.

Read once at the entry point from ``MEETY_*`` variables (``load_fulfillment_settings``) and passed down;
``FulfillmentSettings.rules()`` turns them into the ``SchedulingRules`` the checks use.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.errors import SettingsError
from fulfillment.scheduling import SchedulingRules
from fulfillment.targets import BackupTarget, check_names, parse_backup_targets, split_list

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DYNAMODB_TABLE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class StoreLocation:
    """``MEETY_STORE`` parsed: a SQLite file or a DynamoDB table (optionally on a local endpoint)."""

    kind: Literal["sqlite", "dynamodb"]
    path: str | None = None
    """SQLite: the database file (relative to the working directory unless absolute)."""
    table: str | None = None
    endpoint: str | None = None
    """DynamoDB: e.g. ``http://localhost:8000`` for DynamoDB Local; None for AWS."""


def parse_store(value: str) -> StoreLocation:
    """``sqlite:///<path>``, ``dynamodb://<table>`` or ``dynamodb://<table>?endpoint=http://...``."""
    expected = "expected sqlite:///<path>, dynamodb://<table> or dynamodb://<table>?endpoint=http://host:port"
    scheme, sep, rest = value.strip().partition("://")
    if not sep:
        raise ValueError(f"'{value}' is not a store URL: {expected}")
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(f"'{value}' names no database file: {expected}")
        return StoreLocation("sqlite", path=rest[1:])
    if scheme != "dynamodb":
        raise ValueError(f"unknown store scheme '{scheme}': {expected}")
    table, _, query = rest.partition("?")
    if not _DYNAMODB_TABLE.match(table):
        raise ValueError(f"'{table}' is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)")
    endpoint = None
    for name, given in parse_qsl(query, keep_blank_values=True):
        if name != "endpoint":
            raise ValueError(f"unknown store option '{name}': only endpoint= is accepted")
        parts = urlsplit(given)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"endpoint '{given}' must be an http:// or https:// URL")
        endpoint = given
    return StoreLocation("dynamodb", table=table, endpoint=endpoint)


def _day_number(name: str) -> int:
    word = name.strip().lower()
    for number, full in enumerate(_DAY_NAMES):
        if word in (full, full[:3]):
            return number
    raise ValueError(f"'{name.strip()}' is not a weekday (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")


def parse_working_days(value: str) -> frozenset[int]:
    """Weekday numbers (Monday 0) from "Mon-Fri", "Mon,Tue,Thu" or "sun-thu" (ranges may wrap)."""
    days: set[int] = set()
    for part in value.split(","):
        if not part.strip():
            continue
        first, dash, last = part.partition("-")
        if not dash:
            days.add(_day_number(first))
            continue
        start, end = _day_number(first), _day_number(last)
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    if not days:
        raise ValueError("names no weekday: use e.g. Mon-Fri or Mon,Tue,Thu")
    return frozenset(days)


def parse_working_hours(value: str) -> tuple[time, time]:
    """(opens, closes) from "09:00-17:00", host wall times; opens must be before closes."""
    match = _HOURS.match(value)
    if match is None:
        raise ValueError(f"'{value}' is not a range of times like 09:00-17:00")
    h1, m1, h2, m2 = map(int, match.groups())
    try:
        opens, closes = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(f"'{value}' holds a time outside 00:00-23:59") from None
    if not opens < closes:
        raise ValueError(f"opening ({opens:%H:%M}) must be before closing ({closes:%H:%M})")
    return opens, closes


class FulfillmentSettings(BaseModel):
    """Each field ``name`` is read from ``MEETY_<NAME>``; see ``load_fulfillment_settings``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store: str = "sqlite:///.meety/meety.db"
    """``MEETY_STORE``: ``sqlite:///<path>``, ``dynamodb://<table>[?endpoint=http://host:port]``."""
    host_timezone: str = "UTC"
    """``MEETY_HOST_TIMEZONE``: the IANA zone working days and hours are read in."""
    working_days: str = "Mon-Fri"
    """``MEETY_WORKING_DAYS``: a range ("Mon-Fri") or a list ("Mon,Tue,Thu"), any case."""
    working_hours: str = "09:00-17:00"
    """``MEETY_WORKING_HOURS``: meetings start at or after the first time and end by the second."""
    minimum_notice_minutes: int = Field(default=60, ge=0)
    horizon_days: int = Field(default=90, ge=1)
    min_duration_minutes: int = Field(default=15, ge=1)
    max_duration_minutes: int = Field(default=240, ge=1)
    pending_expiry_days: int = Field(default=7, ge=1)
    """``MEETY_PENDING_EXPIRY_DAYS``: a request nobody decides on expires after this many days."""
    tracing: bool = False
    """``MEETY_TRACING``: X-Ray traces through Powertools' Tracer (adds the X-Ray SDK to the cold start)."""
    clock: datetime | None = None
    """``MEETY_CLOCK``: pin "now" (ISO 8601 with offset) for reproducible local runs; never set in AWS."""
    data_dir: str = ".meety"
    """``MEETY_DATA_DIR``: local runs keep the token signing key (and the e-mail outbox) there."""
    pipelines: str = ""
    """``MEETY_PIPELINES``: the CodePipeline names staff may ask about, comma-separated."""
    alarm_prefix: str = Field(default="", max_length=255)
    """``MEETY_ALARM_PREFIX``: only CloudWatch alarms whose names start with it are reported ("" = all)."""
    backup_targets: str = ""
    """``MEETY_BACKUP_TARGETS``: the backup allow-list, ``rds:NAME``, ``aurora:NAME``, ``dynamodb:NAME``."""
    auth: Literal["local", "cognito"] = "local"
    """``MEETY_AUTH``: who signs chat tokens: ``local`` (the data dir's key) or ``cognito`` (a user pool)."""
    cognito_user_pool_id: str | None = None
    """``MEETY_COGNITO_USER_POOL_ID``: e.g. ``us-east-1_AbC123``; required with ``MEETY_AUTH=cognito``."""
    gateway_key_parameter: str | None = None
    """``MEETY_GATEWAY_KEY_PARAMETER``: with Cognito, the SSM SecureString holding the key our Slack app
    signs its users' tokens with; those tokens are then accepted beside Cognito's."""
    cognito_client_ids: str = ""
    """``MEETY_COGNITO_CLIENT_IDS``: the app client ids whose tokens are accepted, comma-separated."""

    @field_validator("clock")
    @classmethod
    def _aware_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-11-18T10:00:00-05:00")
        return value

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        parse_store(value)
        return value.strip()

    @field_validator("host_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. America/New_York)") from None
        return value

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_working_days(value)
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_working_hours(value)
        return value

    @field_validator("max_duration_minutes")
    @classmethod
    def _durations(cls, value: int, info: ValidationInfo) -> int:
        shortest = info.data.get("min_duration_minutes")
        if isinstance(shortest, int) and value < shortest:
            raise ValueError(f"must be at least MEETY_MIN_DURATION_MINUTES ({shortest})")
        return value

    @field_validator("pipelines")
    @classmethod
    def _pipelines(cls, value: str) -> str:
        check_names(split_list(value), "pipeline")
        return value

    @field_validator("backup_targets")
    @classmethod
    def _backup_targets(cls, value: str) -> str:
        parse_backup_targets(value)
        return value

    @model_validator(mode="after")
    def _cognito_complete(self) -> FulfillmentSettings:
        if self.auth == "cognito" and not (self.cognito_user_pool_id and split_list(self.cognito_client_ids)):
            raise ValueError(
                "MEETY_AUTH=cognito needs MEETY_COGNITO_USER_POOL_ID and MEETY_COGNITO_CLIENT_IDS"
            )
        return self

    def pipeline_names(self) -> tuple[str, ...]:
        return split_list(self.pipelines)

    def targets(self) -> tuple[BackupTarget, ...]:
        return parse_backup_targets(self.backup_targets)

    def client_ids(self) -> tuple[str, ...]:
        return split_list(self.cognito_client_ids)

    def store_location(self) -> StoreLocation:
        return parse_store(self.store)

    def rules(self) -> SchedulingRules:
        opens, closes = parse_working_hours(self.working_hours)
        return SchedulingRules(
            host_zone=ZoneInfo(self.host_timezone),
            working_days=parse_working_days(self.working_days),
            opens=opens,
            closes=closes,
            minimum_notice=timedelta(minutes=self.minimum_notice_minutes),
            horizon=timedelta(days=self.horizon_days),
            min_duration=timedelta(minutes=self.min_duration_minutes),
            max_duration=timedelta(minutes=self.max_duration_minutes),
        )


def load_fulfillment_settings(environ: Mapping[str, str] | None = None) -> FulfillmentSettings:
    """The settings from ``MEETY_*`` variables; a SettingsError names every variable with a bad value.

    The fields are flat scalars, so plain pydantic reads them; pydantic-settings would add ~60 ms to the
    Lambda's cold start (it imports asyncio and its cloud secret sources) for nothing we use.
    """
    env = os.environ if environ is None else environ
    given = {
        name: env[f"MEETY_{name.upper()}"]
        for name in FulfillmentSettings.model_fields
        if f"MEETY_{name.upper()}" in env
    }
    try:
        return FulfillmentSettings.model_validate(given)
    except ValidationError as exc:
        details = "; ".join(
            (f"MEETY_{'_'.join(map(str, e['loc'])).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise SettingsError(f"invalid setting: {details}") from None
