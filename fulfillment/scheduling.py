"""Scheduling rules for meeting requests: pure functions shared by the dialog hook and the tests.

Nothing here reads the clock or does I/O: ``now`` is always an argument (an aware datetime).

Time zones:

- The user gives a date and a wall time in *their* IANA zone (session attribute ``timeZone``, defaulting
  to the host zone); working hours and working days are the *host's* (``SchedulingRules.host_zone``).
  Requests are stored, and free start times returned, in UTC.
- A wall time that does not exist (the hour skipped when clocks go forward) or is ambiguous (the hour
  repeated when they go back) is read with ``fold=0`` (PEP 495): an ambiguous time is its first
  occurrence; a skipped time keeps the offset from before the change, so 02:30 on a spring-forward day
  in New York is 07:30 UTC, i.e. 03:30 EDT.
- All arithmetic and comparisons are done on UTC instants: Python adds timedeltas to aware datetimes in
  wall-clock time and compares datetimes sharing a tzinfo without their offsets, both wrong across DST.

Each check returns the first broken rule as a ``Problem``: the ``Violation``, the Lex slot to elicit again
and ``details`` for the message template (times as "HH:MM" and dates as ISO in the user's zone, lengths in
whole minutes). Wording lives with the locales, not here. Free start times to offer on a conflict are
in ``fulfillment.free_slots``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

DATE_SLOT = "MeetingDate"
TIME_SLOT = "MeetingTime"
DURATION_SLOT = "MeetingDuration"

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
_UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class SchedulingRules:
    """The host's bookable time; built from settings at the entry point."""

    host_zone: ZoneInfo = _UTC_ZONE
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    """Weekdays as ``date.weekday()`` numbers: Monday is 0."""
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    """Meetings may start at ``opens`` and must end by ``closes`` (host wall time, same day)."""
    minimum_notice: timedelta = timedelta(hours=1)
    horizon: timedelta = timedelta(days=90)
    """How far ahead of ``now`` a meeting may start."""
    min_duration: timedelta = timedelta(minutes=15)
    max_duration: timedelta = timedelta(minutes=240)

    def __post_init__(self) -> None:
        if not self.working_days <= set(range(7)):
            raise ValueError(f"working_days must be weekday numbers 0-6, got {sorted(self.working_days)}")
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are host wall times: give them without tzinfo")
        if not self.opens < self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")
        if self.minimum_notice < timedelta(0) or self.horizon < timedelta(0):
            raise ValueError("minimum_notice and horizon cannot be negative")
        if not timedelta(0) < self.min_duration <= self.max_duration:
            raise ValueError("durations must satisfy 0 < min_duration <= max_duration")


class Violation(enum.Enum):
    DATE_IN_PAST = "DATE_IN_PAST"
    BEYOND_HORIZON = "BEYOND_HORIZON"
    NON_WORKING_DAY = "NON_WORKING_DAY"
    OUTSIDE_HOURS = "OUTSIDE_HOURS"
    TOO_SOON = "TOO_SOON"
    RUNS_PAST_CLOSING = "RUNS_PAST_CLOSING"
    DURATION_OUT_OF_RANGE = "DURATION_OUT_OF_RANGE"


@dataclass(frozen=True)
class Problem:
    violation: Violation
    slot: str
    """The Lex slot to elicit again: "MeetingDate", "MeetingTime" or "MeetingDuration"."""
    details: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))


# -- helpers -------------------------------------------------------------------------------------------


def as_utc(value: datetime, name: str) -> datetime:
    """``value`` in UTC; ValueError for a naive datetime (``name`` says which argument)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {value!r}")
    return value.astimezone(UTC)


def at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall time in ``zone`` (fold=0 for skipped or repeated times)."""
    return datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=zone).astimezone(UTC)


def working_window(host_day: date, rules: SchedulingRules) -> tuple[datetime, datetime]:
    """Opening and closing of ``host_day`` (host wall times) as UTC instants."""
    return at(host_day, rules.opens, rules.host_zone), at(host_day, rules.closes, rules.host_zone)


def _hhmm(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%H:%M}"


def _minutes(length: timedelta) -> str:
    return str(length // _MINUTE)


def _hours_details(host_day: date, user_zone: ZoneInfo, rules: SchedulingRules) -> dict[str, str]:
    opens, closes = working_window(host_day, rules)
    return {"opens": _hhmm(opens, user_zone), "closes": _hhmm(closes, user_zone)}


def earliest_start(now: datetime, rules: SchedulingRules, *, search_days: int = 14) -> datetime | None:
    """The first UTC instant at or after ``now + minimum_notice`` inside working hours (None if none soon)."""
    floor = as_utc(now, "now") + rules.minimum_notice
    first = floor.astimezone(rules.host_zone).date()
    for offset in range(search_days + 1):
        host_day = first + timedelta(days=offset)
        if host_day.weekday() not in rules.working_days:
            continue
        opens, closes = working_window(host_day, rules)
        candidate = max(opens, floor)
        if candidate < closes:
            return candidate
    return None


# -- checks --------------------------------------------------------------------------------------------


def check_date(day: date, user_zone: ZoneInfo, now: datetime, rules: SchedulingRules) -> Problem | None:
    """The date alone: not before today (user's zone), within the horizon, and a day the host works.

    A user's day counts as a working day when any part of it falls in the host's working hours, so a
    Tokyo user's Saturday morning (a New York Friday afternoon) is fine. Whether time is still left
    today is ``check_start``'s job (TOO_SOON).
    """
    now_utc = as_utc(now, "now")
    today = now_utc.astimezone(user_zone).date()
    if day < today:
        return Problem(Violation.DATE_IN_PAST, DATE_SLOT, {"today": today.isoformat()})
    day_start, day_end = at(day, time(0), user_zone), at(day + _DAY, time(0), user_zone)
    last = now_utc + rules.horizon
    if day_start > last:
        return Problem(
            Violation.BEYOND_HORIZON,
            DATE_SLOT,
            {"last": last.astimezone(user_zone).date().isoformat(), "days": str(rules.horizon // _DAY)},
        )
    host_day = day_start.astimezone(rules.host_zone).date()
    while at(host_day, time(0), rules.host_zone) < day_end:
        if host_day.weekday() in rules.working_days:
            opens, closes = working_window(host_day, rules)
            if opens < day_end and day_start < closes:
                return None
        host_day += _DAY
    return Problem(
        Violation.NON_WORKING_DAY, DATE_SLOT, {"date": day.isoformat(), "weekday": str(day.weekday())}
    )


def check_start(
    day: date, start: time, user_zone: ZoneInfo, now: datetime, rules: SchedulingRules
) -> Problem | None:
    """The start: ``day`` + ``start`` read in the user's zone, checked against the host's hours.

    In order: TOO_SOON (before ``now + minimum_notice``, past times included; details give the
    earliest bookable start), OUTSIDE_HOURS (not in [opens, closes) on a working day of the host;
    details give the hours in the user's zone), BEYOND_HORIZON (after ``now + horizon``).
    """
    now_utc = as_utc(now, "now")
    begins = at(day, start, user_zone)
    if begins < now_utc + rules.minimum_notice:
        details = {"notice": _minutes(rules.minimum_notice)}
        earliest = earliest_start(now_utc, rules)
        if earliest is not None:
            local = earliest.astimezone(user_zone)
            details |= {"earliest": f"{local:%H:%M}", "earliest_date": local.date().isoformat()}
        return Problem(Violation.TOO_SOON, TIME_SLOT, details)
    host_day = begins.astimezone(rules.host_zone).date()
    opens, closes = working_window(host_day, rules)
    if host_day.weekday() not in rules.working_days or not opens <= begins < closes:
        return Problem(Violation.OUTSIDE_HOURS, TIME_SLOT, _hours_details(host_day, user_zone, rules))
    last = now_utc + rules.horizon
    if begins > last:
        return Problem(
            Violation.BEYOND_HORIZON,
            DATE_SLOT,
            {"last": last.astimezone(user_zone).date().isoformat(), "days": str(rules.horizon // _DAY)},
        )
    return None


def check_duration(duration: timedelta, rules: SchedulingRules) -> Problem | None:
    if rules.min_duration <= duration <= rules.max_duration:
        return None
    return Problem(
        Violation.DURATION_OUT_OF_RANGE,
        DURATION_SLOT,
        {"min": _minutes(rules.min_duration), "max": _minutes(rules.max_duration)},
    )


def check_meeting(
    day: date,
    start: time,
    duration: timedelta,
    user_zone: ZoneInfo,
    now: datetime,
    rules: SchedulingRules,
) -> Problem | None:
    """Date, start and duration in slot order, then RUNS_PAST_CLOSING (ending exactly at closing is fine).

    RUNS_PAST_CLOSING asks for the duration again; details give the closing time (user's zone) and the
    longest length that still fits ("max", minutes).
    """
    problem = (
        check_date(day, user_zone, now, rules)
        or check_start(day, start, user_zone, now, rules)
        or check_duration(duration, rules)
    )
    if problem is not None:
        return problem
    begins = at(day, start, user_zone)
    host_day = begins.astimezone(rules.host_zone).date()
    _, closes = working_window(host_day, rules)
    if begins + duration > closes:
        return Problem(
            Violation.RUNS_PAST_CLOSING,
            DURATION_SLOT,
            {"closes": _hhmm(closes, user_zone), "max": _minutes(closes - begins)},
        )
    return None


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_ISO_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)


def parse_iso_duration(value: str) -> timedelta | None:
    """An AMAZON.Duration value ("PT30M", "PT1H30M", "P1D", "P1W", "PT1.5H") as a timedelta.

    None when it is not an ISO 8601 duration or has years or months (no fixed length); zero years or
    months are accepted. Fractions ("." or ",") are allowed on any unit.
    """
    text = value.strip().upper()
    match = _ISO_DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        return None
    years, months, weeks, days, hours, minutes, seconds = (
        float(part.replace(",", ".")) if part else 0.0 for part in match.groups()
    )
    if years or months:
        return None
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
