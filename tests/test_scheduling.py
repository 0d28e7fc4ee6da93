"""Scheduling rules: every violation, time zones, DST, ISO durations and free start times.

The clock is fixed: "now" is Wednesday 2026-11-18 10:00 in New York (15:00 UTC), the host's zone;
the host works Monday-Friday 09:00-17:00 with an hour's notice and a 90-day horizon (to 2027-02-16).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fulfillment.free_slots import free_starts
from fulfillment.scheduling import (
    Problem,
    SchedulingRules,
    Violation,
    at,
    check_date,
    check_duration,
    check_meeting,
    check_start,
    parse_iso_duration,
)

NY = ZoneInfo("America/New_York")
MADRID = ZoneInfo("Europe/Madrid")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=NY)
RULES = SchedulingRules(host_zone=NY)
EVERY_DAY = SchedulingRules(host_zone=NY, working_days=frozenset(range(7)))

WED, THU, FRI, SAT, MON = (date(2026, 11, d) for d in (18, 19, 20, 21, 23))
LAST_DAY = date(2027, 2, 16)
MIN = timedelta(minutes=1)


def ny(day: date, hour: int, minute: int = 0) -> datetime:
    """A New York wall time as the UTC instant the functions return."""
    return at(day, time(hour, minute), NY)


def problem(violation: Violation, slot: str, **details: str) -> Problem:
    return Problem(violation, slot, details)


def test_rules_refuse_nonsense() -> None:
    # GIVEN impossible settings WHEN rules are built THEN they fail at the entry point, not mid-dialog
    with pytest.raises(ValueError, match="before closes"):
        SchedulingRules(opens=time(17), closes=time(9))
    with pytest.raises(ValueError, match="weekday"):
        SchedulingRules(working_days=frozenset({7}))
    with pytest.raises(ValueError, match="durations"):
        SchedulingRules(min_duration=timedelta(hours=2), max_duration=timedelta(hours=1))


# -- check_date ----------------------------------------------------------------------------------------

DATE_CASES: list[tuple[str, date, ZoneInfo, Problem | None]] = [
    ("today", WED, NY, None),
    ("tomorrow", THU, NY, None),
    ("yesterday", date(2026, 11, 17), NY, problem(Violation.DATE_IN_PAST, "MeetingDate", today="2026-11-18")),
    # 10:00 in New York is already Thursday 00:00 in Tokyo, so Wednesday is past there
    ("past in Tokyo", WED, TOKYO, problem(Violation.DATE_IN_PAST, "MeetingDate", today="2026-11-19")),
    ("saturday", SAT, NY, problem(Violation.NON_WORKING_DAY, "MeetingDate", date="2026-11-21", weekday="5")),
    (
        "saturday in Madrid",
        SAT,
        MADRID,
        problem(Violation.NON_WORKING_DAY, "MeetingDate", date="2026-11-21", weekday="5"),
    ),
    # Tokyo's Saturday 00:00-07:00 is New York's Friday 10:00-17:00: the host works part of that day
    ("saturday in Tokyo", SAT, TOKYO, None),
    ("last day of the horizon", LAST_DAY, NY, None),
    (
        "beyond the horizon",
        LAST_DAY + timedelta(days=1),
        NY,
        problem(Violation.BEYOND_HORIZON, "MeetingDate", last="2027-02-16", days="90"),
    ),
]


@pytest.mark.parametrize(
    ("day", "zone", "expected"), [c[1:] for c in DATE_CASES], ids=[c[0] for c in DATE_CASES]
)
def test_check_date(day: date, zone: ZoneInfo, expected: Problem | None) -> None:
    # GIVEN the fixed now WHEN a date is given in the user's zone THEN the first broken rule (or None)
    assert check_date(day, zone, NOW, RULES) == expected


# -- check_start ---------------------------------------------------------------------------------------

HOURS = {"opens": "09:00", "closes": "17:00"}
START_CASES: list[tuple[str, date, time, ZoneInfo, Problem | None]] = [
    ("opening time", THU, time(9), NY, None),
    ("last minute before closing", THU, time(16, 59), NY, None),
    ("before opening", THU, time(8, 59), NY, problem(Violation.OUTSIDE_HOURS, "MeetingTime", **HOURS)),
    ("at closing", THU, time(17), NY, problem(Violation.OUTSIDE_HOURS, "MeetingTime", **HOURS)),
    ("exactly the notice", WED, time(11), NY, None),
    (
        "a minute short of the notice",
        WED,
        time(10, 59),
        NY,
        problem(Violation.TOO_SOON, "MeetingTime", notice="60", earliest="11:00", earliest_date="2026-11-18"),
    ),
    (
        "earlier today",
        WED,
        time(8),
        NY,
        problem(Violation.TOO_SOON, "MeetingTime", notice="60", earliest="11:00", earliest_date="2026-11-18"),
    ),
    # 10:00 in Madrid is 04:00 in New York; the hours are given back in Madrid time
    (
        "Madrid user, New York night",
        THU,
        time(10),
        MADRID,
        problem(Violation.OUTSIDE_HOURS, "MeetingTime", opens="15:00", closes="23:00"),
    ),
    ("Madrid user, New York morning", THU, time(15), MADRID, None),
    # Monday 02:00 in Madrid is Sunday 20:00 in New York: not a working day for the host
    (
        "Madrid Monday, New York Sunday",
        MON,
        time(2),
        MADRID,
        problem(Violation.OUTSIDE_HOURS, "MeetingTime", opens="15:00", closes="23:00"),
    ),
    ("exactly the horizon", LAST_DAY, time(10), NY, None),
    (
        "past the horizon",
        LAST_DAY,
        time(10, 15),
        NY,
        problem(Violation.BEYOND_HORIZON, "MeetingDate", last="2027-02-16", days="90"),
    ),
]


@pytest.mark.parametrize(
    ("day", "start", "zone", "expected"), [c[1:] for c in START_CASES], ids=[c[0] for c in START_CASES]
)
def test_check_start(day: date, start: time, zone: ZoneInfo, expected: Problem | None) -> None:
    # GIVEN the fixed now WHEN a start is given in the user's zone THEN it is checked in the host's
    assert check_start(day, start, zone, NOW, RULES) == expected


def test_too_soon_after_closing_points_to_the_next_working_day() -> None:
    # GIVEN it is Friday 16:30 WHEN the user asks for 16:45 THEN the earliest start is Monday 09:00
    friday_evening = datetime(2026, 11, 20, 16, 30, tzinfo=NY)
    found = check_start(FRI, time(16, 45), NY, friday_evening, RULES)
    assert found == problem(
        Violation.TOO_SOON, "MeetingTime", notice="60", earliest="09:00", earliest_date="2026-11-23"
    )


# -- check_duration ------------------------------------------------------------------------------------

OUT_OF_RANGE = problem(Violation.DURATION_OUT_OF_RANGE, "MeetingDuration", min="15", max="240")


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, OUT_OF_RANGE), (14, OUT_OF_RANGE), (15, None), (60, None), (240, None), (241, OUT_OF_RANGE)],
)
def test_check_duration_bounds(minutes: int, expected: Problem | None) -> None:
    # GIVEN 15-240 minutes allowed WHEN a length is checked THEN the bounds themselves are fine
    assert check_duration(timedelta(minutes=minutes), RULES) == expected


# -- check_meeting -------------------------------------------------------------------------------------

MEETING_CASES: list[tuple[str, date, time, int, Violation | None]] = [
    ("happy path", THU, time(10), 30, None),
    ("ends exactly at closing", THU, time(16), 60, None),
    ("ends a minute past closing", THU, time(16, 1), 60, Violation.RUNS_PAST_CLOSING),
    ("date first: past date and bad duration", date(2026, 11, 17), time(10), 500, Violation.DATE_IN_PAST),
    ("time before duration", THU, time(8), 500, Violation.OUTSIDE_HOURS),
    ("duration before closing", THU, time(16), 500, Violation.DURATION_OUT_OF_RANGE),
    ("weekend", SAT, time(10), 30, Violation.NON_WORKING_DAY),
    ("too soon", WED, time(10, 30), 30, Violation.TOO_SOON),
    ("beyond horizon", date(2027, 3, 1), time(10), 30, Violation.BEYOND_HORIZON),
]


@pytest.mark.parametrize(
    ("day", "start", "minutes", "expected"), [c[1:] for c in MEETING_CASES], ids=[c[0] for c in MEETING_CASES]
)
def test_check_meeting(day: date, start: time, minutes: int, expected: Violation | None) -> None:
    # GIVEN a whole request WHEN it is checked THEN rules apply in slot order: date, time, duration, closing
    found = check_meeting(day, start, timedelta(minutes=minutes), NY, NOW, RULES)
    assert (found.violation if found else None) == expected


def test_runs_past_closing_details_in_the_user_zone() -> None:
    # GIVEN a Madrid user at 22:30 (16:30 New York) WHEN they ask for an hour
    found = check_meeting(THU, time(22, 30), timedelta(hours=1), MADRID, NOW, RULES)
    # THEN the duration is asked again, with closing in Madrid time and the 30 minutes that fit
    assert found == problem(Violation.RUNS_PAST_CLOSING, "MeetingDuration", closes="23:00", max="30")


# -- DST -----------------------------------------------------------------------------------------------

BEFORE_DST_END = datetime(2026, 10, 28, 10, 0, tzinfo=NY)
DST_DAY = date(2026, 11, 1)
"""Sunday: New York clocks go back from 02:00 EDT to 01:00 EST."""


def test_ambiguous_wall_time_is_the_first_occurrence() -> None:
    # GIVEN 01:30 happens twice on the DST day WHEN it is read THEN fold=0: the EDT one (05:30 UTC)
    assert at(DST_DAY, time(1, 30), NY) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    # AND a skipped time (02:30 on 2026-03-08) keeps the offset from before the change: 03:30 EDT
    assert at(date(2026, 3, 8), time(2, 30), NY) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_durations_are_elapsed_time_across_the_change() -> None:
    # GIVEN a host open 00:30-03:00 every day: 3.5 real hours on the DST day (the 01:00 hour repeats)
    night = SchedulingRules(host_zone=NY, working_days=frozenset(range(7)), opens=time(0, 30), closes=time(3))
    # WHEN 210 and 211 minutes are asked from 00:30 THEN the first ends exactly at closing
    assert check_meeting(DST_DAY, time(0, 30), timedelta(minutes=210), NY, BEFORE_DST_END, night) is None
    found = check_meeting(DST_DAY, time(0, 30), timedelta(minutes=211), NY, BEFORE_DST_END, night)
    assert found == problem(Violation.RUNS_PAST_CLOSING, "MeetingDuration", closes="03:00", max="210")


def test_offsets_follow_each_zone_dst() -> None:
    # GIVEN Madrid left summer time on 2026-10-25 and New York on 2026-11-01
    # WHEN a Madrid user asks for 14:30 THEN it is 09:30 in New York on the 29th, 08:30 on the 5th
    assert check_start(date(2026, 10, 29), time(14, 30), MADRID, BEFORE_DST_END, EVERY_DAY) is None
    found = check_start(date(2026, 11, 5), time(14, 30), MADRID, BEFORE_DST_END, EVERY_DAY)
    assert found == problem(Violation.OUTSIDE_HOURS, "MeetingTime", opens="15:00", closes="23:00")


def test_free_starts_open_at_local_nine_on_both_sides_of_the_change() -> None:
    # GIVEN a host working every day WHEN the first slots of Oct 31 and Nov 1 are asked
    saturday = free_starts(
        date(2026, 10, 31),
        timedelta(hours=1),
        [],
        ny(date(2026, 10, 31), 9),
        BEFORE_DST_END,
        EVERY_DAY,
        limit=1,
    )
    sunday = free_starts(DST_DAY, timedelta(hours=1), [], ny(DST_DAY, 9), BEFORE_DST_END, EVERY_DAY, limit=1)
    # THEN both are 09:00 New York: 13:00 UTC in EDT, 14:00 UTC in EST
    assert saturday == [datetime(2026, 10, 31, 13, 0, tzinfo=UTC)]
    assert sunday == [datetime(2026, 11, 1, 14, 0, tzinfo=UTC)]


# -- parse_iso_duration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT30M", timedelta(minutes=30)),
        ("PT1H30M", timedelta(minutes=90)),
        ("PT90M", timedelta(minutes=90)),
        ("PT1.5H", timedelta(minutes=90)),
        ("PT0,5H", timedelta(minutes=30)),
        ("PT45S", timedelta(seconds=45)),
        ("P1D", timedelta(days=1)),
        ("P2DT12H", timedelta(days=2, hours=12)),
        ("P1W", timedelta(weeks=1)),
        ("P0Y0M1D", timedelta(days=1)),
        (" pt15m ", timedelta(minutes=15)),
        ("P1M", None),
        ("P1Y", None),
        ("P", None),
        ("PT", None),
        ("P1DT", None),
        ("PT1H30", None),
        ("-PT1H", None),
        ("30 minutes", None),
        ("", None),
    ],
)
def test_parse_iso_duration(value: str, expected: timedelta | None) -> None:
    # GIVEN an AMAZON.Duration value WHEN parsed THEN a fixed length, or None for months, years and junk
    assert parse_iso_duration(value) == expected


# -- free_starts ---------------------------------------------------------------------------------------

HOUR = timedelta(hours=1)
FREE_CASES: list[tuple[str, dict[str, Any], list[datetime]]] = [
    (
        "same day, nearest first",
        {"day": THU, "duration": timedelta(minutes=30), "wanted": ny(THU, 14)},
        [ny(THU, 14), ny(THU, 13, 45), ny(THU, 14, 15)],
    ),
    (
        "skips busy time; back-to-back on both sides is fine; ties go to the earlier",
        {"day": THU, "busy": [(ny(THU, 13), ny(THU, 15))], "wanted": ny(THU, 14), "limit": 5},
        [ny(THU, 15), ny(THU, 15, 15), ny(THU, 15, 30), ny(THU, 15, 45), ny(THU, 12)],
    ),
    (
        "busy intervals in another zone",
        {
            "day": THU,
            "busy": [(datetime(2026, 11, 19, 19, tzinfo=MADRID), datetime(2026, 11, 19, 23, tzinfo=MADRID))],
            "wanted": ny(THU, 14),
        },
        [ny(THU, 12), ny(THU, 11, 45), ny(THU, 11, 30)],
    ),
    (
        "full Friday rolls to Monday, near the wanted time of day",
        {"day": FRI, "busy": [(ny(FRI, 9), ny(FRI, 17))], "wanted": ny(FRI, 10)},
        [ny(MON, 10), ny(MON, 9, 45), ny(MON, 10, 15)],
    ),
    (
        "a weekend day starts with Monday",
        {"day": SAT, "wanted": ny(SAT, 11)},
        [ny(MON, 11), ny(MON, 10, 45), ny(MON, 11, 15)],
    ),
    (
        "minimum notice today",
        {"day": WED, "wanted": ny(WED, 10, 30)},
        [ny(WED, 11), ny(WED, 11, 15), ny(WED, 11, 30)],
    ),
    (
        "the day's leftovers come before the next day",
        {"day": WED, "busy": [(ny(WED, 11), ny(WED, 16))], "wanted": ny(WED, 12)},
        [ny(WED, 16), ny(THU, 12), ny(THU, 11, 45)],
    ),
    ("limit one", {"day": THU, "wanted": ny(THU, 14), "limit": 1}, [ny(THU, 14)]),
    ("limit zero", {"day": THU, "wanted": ny(THU, 14), "limit": 0}, []),
    (
        "the horizon cuts the last day",
        {"day": LAST_DAY, "wanted": ny(LAST_DAY, 14)},
        [ny(LAST_DAY, 10), ny(LAST_DAY, 9, 45), ny(LAST_DAY, 9, 30)],
    ),
    ("beyond the horizon", {"day": LAST_DAY + timedelta(days=1), "wanted": ny(LAST_DAY, 14)}, []),
    ("nothing within days_ahead", {"day": SAT, "wanted": ny(SAT, 11), "days_ahead": 1}, []),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in FREE_CASES], ids=[c[0] for c in FREE_CASES])
def test_free_starts(args: dict[str, Any], expected: list[datetime]) -> None:
    # GIVEN the fixed now, a one-hour meeting unless told, and the calendar's busy intervals
    call: dict[str, Any] = {"duration": HOUR, "busy": []} | args
    # WHEN free starts are asked around the wanted time THEN UTC starts, best first
    found = free_starts(
        call.pop("day"), call.pop("duration"), call.pop("busy"), call.pop("wanted"), NOW, RULES, **call
    )
    assert found == expected
    assert all(start.tzinfo is UTC for start in found)


def test_free_starts_refuses_naive_datetimes() -> None:
    # GIVEN a naive wanted time WHEN free starts are asked THEN it is a programming error
    with pytest.raises(ValueError, match="aware"):
        free_starts(THU, HOUR, [], datetime(2026, 11, 19, 14), NOW, RULES)
