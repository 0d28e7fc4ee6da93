"""RecentAlarms service: CloudWatch alarms and alarm history (real shapes, via Stubber) become an AlarmReport.

GIVEN a stubbed ``cloudwatch`` client (Stubber validates every response against the service model), WHEN
``recent_alarms`` runs, THEN firing alarms come from every ``describe_alarms`` page, alarms that fired and
recovered within the window come from ``describe_alarm_history``, and a missing history API degrades the
report instead of failing it. Plus the ``TimeWindow`` slot parser and a moto smoke test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from fulfillment.ops.alarms import (
    ALARM_TYPES,
    DEFAULT_WINDOW,
    FiringAlarm,
    RecentAlarm,
    parse_window,
    recent_alarms,
    transitions_to_alarm,
)
from fulfillment.ops.aws import OpsAccessDenied, OpsUnavailable, client_config
from tests.ops_support import stubbed_client

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=24)
ALARMS_PARAMS = {"StateValue": "ALARM", "AlarmTypes": ALARM_TYPES}
HISTORY_PARAMS = {
    "HistoryItemType": "StateUpdate",
    "StartDate": NOW - WINDOW,
    "EndDate": NOW,
    "AlarmTypes": ALARM_TYPES,
    "ScanBy": "TimestampDescending",
}


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    with stubbed_client("cloudwatch") as pair:
        yield pair


def metric_alarm(name: str, since: datetime, reason: str = "Threshold Crossed") -> dict[str, Any]:
    return {
        "AlarmName": name,
        "AlarmArn": f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}",
        "StateValue": "ALARM",
        "StateReason": reason,
        "StateUpdatedTimestamp": since,
        "StateTransitionedTimestamp": since,
        "MetricName": "Errors",
        "Namespace": "AWS/Lambda",
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }


def composite_alarm(name: str, since: datetime) -> dict[str, Any]:
    return {
        "AlarmName": name,
        "AlarmRule": 'ALARM("ApiErrors") OR ALARM("ApiLatency")',
        "StateValue": "ALARM",
        "StateReason": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ApiErrors transitioned to ALARM",
        "StateUpdatedTimestamp": since,
    }


def history_item(
    name: str, when: datetime, old: str, new: str, reason: str = "Threshold Crossed"
) -> dict[str, Any]:
    data = {
        "version": "1.0",
        "oldState": {"stateValue": old, "stateReason": "before"},
        "newState": {"stateValue": new, "stateReason": reason},
    }
    return {
        "AlarmName": name,
        "AlarmType": "MetricAlarm",
        "Timestamp": when,
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old} to {new}",
        "HistoryData": json.dumps(data),
    }


def alarms_page(
    stubber: Stubber,
    metric: list[dict[str, Any]],
    composite: tuple[dict[str, Any], ...] = (),
    sent: str | None = None,
    returned: str | None = None,
) -> None:
    """One ``describe_alarms`` page: ``sent`` is the NextToken expected in, ``returned`` the one out."""
    params = dict(ALARMS_PARAMS, **({"NextToken": sent} if sent else {}))
    response = {"MetricAlarms": metric, "CompositeAlarms": list(composite)}
    stubber.add_response(
        "describe_alarms", dict(response, **({"NextToken": returned} if returned else {})), params
    )


def history_page(
    stubber: Stubber, items: list[dict[str, Any]], sent: str | None = None, returned: str | None = None
) -> None:
    params = dict(HISTORY_PARAMS, **({"NextToken": sent} if sent else {}))
    response: dict[str, Any] = {"AlarmHistoryItems": items}
    stubber.add_response(
        "describe_alarm_history", dict(response, **({"NextToken": returned} if returned else {})), params
    )


def test_none_firing_is_all_clear(stubbed: Any) -> None:
    """No alarm now and none in the window: the report says so (the bot's "all quiet" answer)."""
    client, stubber = stubbed
    alarms_page(stubber, [])
    history_page(stubber, [])
    report = recent_alarms(client, WINDOW, NOW)
    assert report.all_clear
    assert report.history_available
    assert (report.window, report.now) == (WINDOW, NOW)


def test_several_firing_newest_first_with_reason_and_since(stubbed: Any) -> None:
    """Metric and composite alarms both count; newest first, so the fresh incident leads the answer."""
    client, stubber = stubbed
    alarms_page(
        stubber,
        [
            metric_alarm("LambdaErrors", NOW - timedelta(hours=3), "Threshold Crossed: 1 datapoint [5.0]"),
            metric_alarm("DdbThrottles", NOW - timedelta(minutes=10)),
        ],
        (composite_alarm("ApiHealth", NOW - timedelta(hours=1)),),
    )
    history_page(stubber, [history_item("LambdaErrors", NOW - timedelta(hours=3), "OK", "ALARM")])
    report = recent_alarms(client, WINDOW, NOW)
    assert [a.name for a in report.firing] == ["DdbThrottles", "ApiHealth", "LambdaErrors"]
    assert report.firing[2] == FiringAlarm(
        "LambdaErrors", "Threshold Crossed: 1 datapoint [5.0]", NOW - timedelta(hours=3)
    )
    assert report.recent == ()  # still firing: reported once, under firing
    assert not report.all_clear


def test_history_shows_an_alarm_that_recovered(stubbed: Any) -> None:
    """An alarm that fired at night and recovered is still news; its latest firing and recovery are kept."""
    client, stubber = stubbed
    alarms_page(stubber, [])
    history_page(
        stubber,
        [
            history_item("QueueDepth", NOW - timedelta(hours=2), "ALARM", "OK"),
            history_item("QueueDepth", NOW - timedelta(hours=3), "OK", "ALARM", "Depth 5000 > 1000"),
            history_item("QueueDepth", NOW - timedelta(hours=9), "OK", "ALARM", "older firing"),
            history_item("Latency", NOW - timedelta(hours=5), "INSUFFICIENT_DATA", "OK"),
        ],
    )
    report = recent_alarms(client, WINDOW, NOW)
    assert report.firing == ()
    assert report.recent == (
        RecentAlarm("QueueDepth", NOW - timedelta(hours=3), "Depth 5000 > 1000", NOW - timedelta(hours=2)),
    )
    assert not report.all_clear


def test_pagination_across_two_pages(stubbed: Any) -> None:
    """Alarms and history on a second page are not dropped (the paginator follows NextToken)."""
    client, stubber = stubbed
    alarms_page(stubber, [metric_alarm("A1", NOW - timedelta(hours=1))], returned="alarms-2")
    alarms_page(stubber, [metric_alarm("A2", NOW - timedelta(hours=2))], sent="alarms-2")
    history_page(stubber, [history_item("H1", NOW - timedelta(hours=4), "OK", "ALARM")], returned="hist-2")
    history_page(stubber, [history_item("H2", NOW - timedelta(hours=6), "OK", "ALARM")], sent="hist-2")
    report = recent_alarms(client, WINDOW, NOW)
    assert [a.name for a in report.firing] == ["A1", "A2"]
    assert [a.name for a in report.recent] == ["H1", "H2"]
    assert all(a.recovered_at is None for a in report.recent)


@pytest.mark.parametrize(("code", "http"), [("NotImplemented", 501), ("AccessDenied", 403)])
def test_history_unavailable_degrades(stubbed: Any, code: str, http: int) -> None:
    """Without history the firing alarms are still reported, and the report admits it lacks the past."""
    client, stubber = stubbed
    alarms_page(stubber, [metric_alarm("LambdaErrors", NOW - timedelta(hours=1))])
    stubber.add_client_error("describe_alarm_history", service_error_code=code, http_status_code=http)
    report = recent_alarms(client, WINDOW, NOW)
    assert [a.name for a in report.firing] == ["LambdaErrors"]
    assert report.recent == ()
    assert not report.history_available


def test_describe_alarms_failures_raise(stubbed: Any) -> None:
    """The firing list is the core answer: throttling there is an outage, not a quiet report."""
    client, stubber = stubbed
    stubber.add_client_error("describe_alarms", service_error_code="Throttling")
    with pytest.raises(OpsUnavailable):
        recent_alarms(client, WINDOW, NOW)


def test_describe_alarms_denied_raises(stubbed: Any) -> None:
    client, stubber = stubbed
    stubber.add_client_error("describe_alarms", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(OpsAccessDenied):
        recent_alarms(client, WINDOW, NOW)


def test_naive_now_is_refused(stubbed: Any) -> None:
    """A naive ``now`` would shift the window by the server's offset; refuse it before calling AWS."""
    client, _ = stubbed
    with pytest.raises(ValueError, match="timezone-aware"):
        recent_alarms(client, WINDOW, NOW.replace(tzinfo=None))


def test_unreadable_history_data_is_skipped() -> None:
    """A history item with broken JSON is ignored rather than guessed at; the valid ones still count."""
    broken = dict(history_item("X", NOW, "OK", "ALARM"), HistoryData="{not json")
    good = history_item("Y", NOW - timedelta(minutes=5), "OK", "ALARM")
    assert [a.name for a in transitions_to_alarm([broken, good])] == ["Y"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEFAULT_WINDOW),
        ("", DEFAULT_WINDOW),
        ("PT24H", timedelta(hours=24)),
        ("P1D", timedelta(days=1)),
        ("PT30M", timedelta(minutes=30)),
        ("PT5M", timedelta(minutes=5)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("PT1.5H", timedelta(minutes=90)),
        ("pt2h", timedelta(hours=2)),
        ("P2W", timedelta(days=14)),
        ("PT600S", timedelta(minutes=10)),
    ],
)
def test_parse_window_accepts_lex_durations(value: str | None, expected: timedelta) -> None:
    """AMAZON.Duration resolves to ISO 8601 durations; no value means the 24-hour default."""
    assert parse_window(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("24h", "not an ISO 8601 duration"),
        ("P", "not an ISO 8601 duration"),
        ("PT", "not an ISO 8601 duration"),
        ("P1DT", "not an ISO 8601 duration"),
        ("P1M", "not an ISO 8601 duration"),
        ("P1Y", "not an ISO 8601 duration"),
        ("PT1M", "shorter than the minimum of 5 minutes"),
        ("P15D", "longer than the maximum of 14 days"),
        ("P14DT1M", "longer than the maximum of 14 days"),
    ],
)
def test_parse_window_refuses_with_a_clear_message(value: str, message: str) -> None:
    """Out-of-range or unreadable windows say which rule they broke, so the bot can re-prompt sensibly."""
    with pytest.raises(ValueError, match=message):
        parse_window(value)


def test_moto_happy_path() -> None:
    """Against moto: the alarm set to ALARM is reported with its reason; moto's missing history degrades."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("cloudwatch", region_name="us-east-1", config=client_config())
        for name in ("LambdaErrors", "DdbThrottles"):
            client.put_metric_alarm(
                AlarmName=name,
                Namespace="AWS/Lambda",
                MetricName="Errors",
                Statistic="Sum",
                Period=60,
                EvaluationPeriods=1,
                Threshold=1,
                ComparisonOperator="GreaterThanOrEqualToThreshold",
            )
        client.set_alarm_state(AlarmName="LambdaErrors", StateValue="ALARM", StateReason="errors spiked")
        report = recent_alarms(client, WINDOW, datetime.now(UTC))
        assert [(a.name, a.reason) for a in report.firing] == [("LambdaErrors", "errors spiked")]
        assert report.firing[0].since is not None
        assert not report.history_available


def test_a_prefix_limits_the_answer_to_the_teams_alarms(stubbed: Any) -> None:
    """``MEETY_ALARM_PREFIX``: AWS filters what fires now; history (which has no filter) is cut here."""
    client, stubber = stubbed
    stubber.add_response(
        "describe_alarms",
        {"MetricAlarms": [metric_alarm("meety-api-5xx", NOW - timedelta(hours=1))], "CompositeAlarms": []},
        dict(ALARMS_PARAMS, AlarmNamePrefix="meety-"),
    )
    history_page(
        stubber,
        [
            history_item("meety-queue-age", NOW - timedelta(hours=2), "OK", "ALARM"),
            history_item("billing-cpu", NOW - timedelta(hours=3), "OK", "ALARM"),
        ],
    )
    report = recent_alarms(client, WINDOW, NOW, prefix="meety-")
    assert [a.name for a in report.firing] == ["meety-api-5xx"]
    assert [a.name for a in report.recent] == ["meety-queue-age"]
