"""Recent alarms from CloudWatch: what fires now, and what fired within the window but has recovered.

``describe_alarms(StateValue="ALARM")`` gives the alarms firing now (all alarm types, every page).
``describe_alarm_history(HistoryItemType="StateUpdate")`` over ``[now - window, now]`` gives the transitions
into ALARM, so an alarm that fired at 03:00 and recovered at 03:10 is still reported as "fired recently".
History is optional: moto lacks it and a role may not grant it; the report then says ``history_available
= False`` instead of failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from fulfillment.ops.aws import OpsAccessDenied, OpsUnsupported, aws_errors

DEFAULT_WINDOW = timedelta(hours=24)
MIN_WINDOW = timedelta(minutes=5)
MAX_WINDOW = timedelta(days=14)
"""CloudWatch keeps alarm history for 14 days; a longer window would silently mean 14 days."""

HISTORY_LIMIT = 1000
"""Most history items read (across pages), so a flapping alarm cannot stall the answer."""

ALARM_TYPES = ["MetricAlarm", "CompositeAlarm", "LogAlarm"]
"""``describe_alarms`` returns only metric alarms unless asked for the others."""

REASON_LIMIT = 300


class CloudWatchClient(Protocol):
    """The boto3 ``cloudwatch`` client: only its paginators are used (injected; tests stub it)."""

    def get_paginator(self, operation_name: str) -> Any: ...


@dataclass(frozen=True)
class FiringAlarm:
    """An alarm in the ALARM state now, since ``since`` (its ``StateUpdatedTimestamp``)."""

    name: str
    reason: str | None
    since: datetime | None


@dataclass(frozen=True)
class RecentAlarm:
    """An alarm not firing now that went to ALARM within the window.

    ``fired_at`` is its latest transition into ALARM in the window, ``reason`` that transition's reason;
    ``recovered_at`` its latest transition out of ALARM, when the history shows one.
    """

    name: str
    fired_at: datetime
    reason: str | None
    recovered_at: datetime | None


@dataclass(frozen=True)
class AlarmReport:
    """Firing alarms (newest first), alarms that fired and recovered in the window (newest first)."""

    firing: tuple[FiringAlarm, ...]
    recent: tuple[RecentAlarm, ...]
    window: timedelta
    now: datetime
    history_available: bool = True
    """False when ``describe_alarm_history`` could not be used: ``recent`` is then empty, not "none"."""

    @property
    def all_clear(self) -> bool:
        return not self.firing and not self.recent


def recent_alarms(
    client: CloudWatchClient, window: timedelta, now: datetime, prefix: str = ""
) -> AlarmReport:
    """Alarms firing at ``now`` plus those that fired in ``[now - window, now]``; raises ``OpsError``.

    ``prefix`` (``MEETY_ALARM_PREFIX``) limits the answer to the team's alarms: ``describe_alarms`` takes
    it as ``AlarmNamePrefix``; the history API has no such filter, so its items are filtered here.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    firing = sorted(
        _firing(client, prefix), key=lambda a: (a.since is not None, a.since or now), reverse=True
    )
    firing_names = {a.name for a in firing}
    try:
        items = list(_history(client, now - window, now))
    except (OpsUnsupported, OpsAccessDenied):
        return AlarmReport(tuple(firing), (), window, now, history_available=False)
    recent = [
        a for a in transitions_to_alarm(items) if a.name not in firing_names and a.name.startswith(prefix)
    ]
    recent.sort(key=lambda a: a.fired_at, reverse=True)
    return AlarmReport(tuple(firing), tuple(recent), window, now)


def _firing(client: CloudWatchClient, prefix: str) -> list[FiringAlarm]:
    paginator = client.get_paginator("describe_alarms")
    alarms: list[FiringAlarm] = []
    filters: dict[str, Any] = {"StateValue": "ALARM", "AlarmTypes": ALARM_TYPES}
    if prefix:
        filters["AlarmNamePrefix"] = prefix
    with aws_errors("DescribeAlarms"):
        for page in paginator.paginate(**filters):
            for key in ("MetricAlarms", "CompositeAlarms", "LogAlarms"):
                for alarm in page.get(key) or []:
                    if alarm.get("StateValue", "ALARM") != "ALARM":
                        continue
                    alarms.append(
                        FiringAlarm(
                            name=str(alarm["AlarmName"]),
                            reason=_shorten(alarm.get("StateReason")),
                            since=alarm.get("StateUpdatedTimestamp"),
                        )
                    )
    return alarms


def _history(client: CloudWatchClient, start: datetime, end: datetime) -> Iterable[Mapping[str, Any]]:
    paginator = client.get_paginator("describe_alarm_history")
    items: list[Mapping[str, Any]] = []
    with aws_errors("DescribeAlarmHistory"):
        pages = paginator.paginate(
            HistoryItemType="StateUpdate",
            StartDate=start,
            EndDate=end,
            AlarmTypes=ALARM_TYPES,
            ScanBy="TimestampDescending",
            PaginationConfig={"MaxItems": HISTORY_LIMIT},
        )
        for page in pages:
            items.extend(page.get("AlarmHistoryItems") or [])
    return items


def transitions_to_alarm(items: Iterable[Mapping[str, Any]]) -> list[RecentAlarm]:
    """One ``RecentAlarm`` per alarm that entered ALARM in these history items (any order).

    ``HistoryData`` is a JSON string ``{"oldState": {"stateValue": ...}, "newState": {"stateValue": ...,
    "stateReason": ...}}``; items whose data cannot be read are skipped rather than guessed at.
    """
    fired: dict[str, tuple[datetime, str | None]] = {}
    left: dict[str, datetime] = {}
    for item in items:
        name, when = item.get("AlarmName"), item.get("Timestamp")
        if not isinstance(name, str) or not isinstance(when, datetime):
            continue
        try:
            data = json.loads(item.get("HistoryData") or "")
            old, new = data.get("oldState") or {}, data.get("newState") or {}
        except (ValueError, AttributeError):
            continue
        if new.get("stateValue") == "ALARM" and (name not in fired or when > fired[name][0]):
            fired[name] = (when, _shorten(new.get("stateReason")))
        elif old.get("stateValue") == "ALARM" and (name not in left or when > left[name]):
            left[name] = when
    result = []
    for name, (when, reason) in fired.items():
        recovered = left.get(name)
        result.append(RecentAlarm(name, when, reason, recovered if recovered and recovered > when else None))
    return result


_DURATION = re.compile(
    r"P(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


def parse_window(value: str | None) -> timedelta:
    """The ``TimeWindow`` slot (an ISO 8601 duration from AMAZON.Duration: ``PT24H``, ``P1D``, ``PT30M``).

    Empty means ``DEFAULT_WINDOW``. Years and months are refused (their length is ambiguous, and they
    exceed the 14-day history anyway); so is anything under 5 minutes or over 14 days, with a message
    that names the limit.
    """
    if value is None or not value.strip():
        return DEFAULT_WINDOW
    text = value.strip().upper()
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(
            f"{value!r} is not an ISO 8601 duration in weeks, days, hours or minutes (e.g. PT24H)"
        )
    parts = {k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v is not None}
    window = timedelta(**parts)
    if window < MIN_WINDOW:
        raise ValueError(f"the time window {value} is shorter than the minimum of 5 minutes")
    if window > MAX_WINDOW:
        raise ValueError(f"the time window {value} is longer than the maximum of 14 days")
    return window


def _shorten(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1].rstrip() + "…"
