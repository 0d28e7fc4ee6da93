"""Free start times to offer when a requested meeting conflicts: the nearest ones first.

Pure like ``fulfillment.scheduling``, whose rules (working days and hours in the host zone, minimum
notice, horizon) every offered start respects.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from fulfillment.scheduling import SchedulingRules, as_utc, at, working_window


def _starts_on(
    host_day: date,
    duration: timedelta,
    busy: Sequence[tuple[datetime, datetime]],
    earliest: datetime,
    latest: datetime,
    step: timedelta,
    rules: SchedulingRules,
) -> list[datetime]:
    if host_day.weekday() not in rules.working_days:
        return []
    opens, closes = working_window(host_day, rules)
    found = []
    begins = opens
    while begins + duration <= closes and begins <= latest:
        ends = begins + duration
        if begins >= earliest and not any(b_start < ends and begins < b_end for b_start, b_end in busy):
            found.append(begins)
        begins += step
    return found


def free_starts(
    day: date,
    duration: timedelta,
    busy: Sequence[tuple[datetime, datetime]],
    wanted: datetime,
    now: datetime,
    rules: SchedulingRules,
    *,
    limit: int = 3,
    step: timedelta = timedelta(minutes=15),
    days_ahead: int = 7,
) -> list[datetime]:
    """Up to ``limit`` free UTC start times for a meeting of ``duration``, best first.

    ``day`` is a date in the *host* zone (normally ``wanted.astimezone(rules.host_zone).date()``).
    Starts lie on a ``step`` grid from opening time and respect working days and hours (the meeting
    ends by closing), ``minimum_notice``, ``horizon`` and the ``busy`` intervals (aware datetimes,
    half-open [start, end): a meeting may begin when another ends).

    Starts on ``day`` come first, nearest to ``wanted`` first (the earlier on a tie); then the next
    ``days_ahead`` days, a day at a time, each ordered by nearness to the host wall time of ``wanted``
    on that day (so "Monday at 15:00" is offered before "Monday at 09:00" when 15:00 was asked for).
    """
    if step <= timedelta(0) or duration <= timedelta(0):
        raise ValueError("step and duration must be positive")
    now_utc = as_utc(now, "now")
    wanted_utc = as_utc(wanted, "wanted")
    intervals = [(as_utc(s, "busy start"), as_utc(e, "busy end")) for s, e in busy]
    earliest, latest = now_utc + rules.minimum_notice, now_utc + rules.horizon
    wanted_wall = wanted_utc.astimezone(rules.host_zone).time()
    found: list[datetime] = []
    for offset in range(days_ahead + 1):
        if len(found) >= limit:
            break
        host_day = day + timedelta(days=offset)
        target = wanted_utc if offset == 0 else at(host_day, wanted_wall, rules.host_zone)
        starts = _starts_on(host_day, duration, intervals, earliest, latest, step, rules)
        found += sorted(starts, key=lambda s: (abs(s - target), s))
    return found[: max(limit, 0)]
