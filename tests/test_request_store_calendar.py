"""The admin API's calendar, one contract on both adapters: approved meetings overlapping a time range.

The DynamoDB adapter finds them through per-day hold partitions and reads the requests with BatchGetItem,
so the end checks its batching and its retry of UnprocessedKeys.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import boto3
import pytest
from moto import mock_aws

from fulfillment.domain import DynamoRequestStore, RequestStore, StoreError, create_table
from tests.request_store_support import BOB, T0, TABLE, add, backup, decide, ids, meeting
from tests.request_store_support import store as store


def test_calendar_lists_approved_meetings_overlapping_the_range(store: RequestStore) -> None:
    a = decide(store, add(store, meeting(T0, 30)), "approved")  # 09:00-09:30
    b = add(store, meeting(T0 + timedelta(hours=1), 60), "approved")  # 10:00-11:00
    add(store, meeting(T0 + timedelta(minutes=30), 30))  # 09:30-10:00 pending
    gone = decide(store, add(store, meeting(T0 + timedelta(hours=3), 30)), "approved")
    decide(store, gone, "cancelled", expected="approved")  # 12:00 cancelled
    before = add(store, meeting(T0 - timedelta(hours=1), 60), "approved")  # 08:00-09:00
    after = add(store, meeting(T0 + timedelta(hours=4), 30), "approved")  # 13:00-13:30
    add(store, backup(), "approved")

    window = (T0, T0 + timedelta(hours=4))
    assert ids(store.approved_meetings(*window)) == [a.id, b.id]  # 08:00-09:00 ends at start; 13:00 at end
    assert ids(store.approved_meetings(T0 - timedelta(hours=2), T0 + timedelta(hours=5))) == [
        before.id,
        a.id,
        b.id,
        after.id,
    ]
    assert store.approved_meetings(T0 + timedelta(minutes=30), T0 + timedelta(hours=1)) == []
    assert ids(store.approved_meetings(T0 + timedelta(minutes=59), T0 + timedelta(minutes=61))) == [b.id]
    assert store.approved_meetings(T0 + timedelta(hours=3), T0 + timedelta(hours=4)) == []


def test_calendar_edges_inside_a_block_are_exact(store: RequestStore) -> None:
    odd = add(store, meeting(T0 + timedelta(minutes=50), 25), "approved")  # 09:50-10:15, holds 09:45-10:15
    assert store.approved_meetings(T0 + timedelta(minutes=45), T0 + timedelta(minutes=50)) == []
    assert store.approved_meetings(T0 + timedelta(minutes=75), T0 + timedelta(minutes=80)) == []
    assert ids(store.approved_meetings(T0 + timedelta(minutes=74), T0 + timedelta(minutes=80))) == [odd.id]


def test_calendar_finds_a_meeting_crossing_midnight_from_the_next_day(store: RequestStore) -> None:
    night = add(store, meeting(T0.replace(hour=23, minute=30), 60), "approved")  # 23:30-00:30 UTC
    next_day = T0.replace(hour=0) + timedelta(days=1)
    assert ids(store.approved_meetings(next_day, next_day + timedelta(days=1))) == [night.id]
    assert ids(store.approved_meetings(T0.replace(hour=0), next_day)) == [night.id]
    assert store.approved_meetings(next_day + timedelta(minutes=30), next_day + timedelta(hours=1)) == []


def test_calendar_over_weeks_is_ordered_by_start_then_id(store: RequestStore) -> None:
    made = [
        add(store, meeting(T0 + timedelta(days=d, hours=h), requester=BOB), "approved")
        for d, h in [(20, 1), (0, 5), (3, 0), (0, 1), (45, 2)]
    ]
    by_start = sorted(made, key=lambda r: (r.meeting.start_utc if r.meeting else T0, r.id))
    assert store.approved_meetings(T0 - timedelta(days=1), T0 + timedelta(days=91)) == by_start
    in_other_zone = T0.astimezone(timezone(timedelta(hours=-5)))
    assert store.approved_meetings(in_other_zone, in_other_zone + timedelta(days=4)) == by_start[:3]


# -- DynamoDB: batches and UnprocessedKeys -----------------------------------------------------------------


class _Throttled:
    """A client whose BatchGetItem leaves keys unprocessed ``rounds`` times, as throttled DynamoDB does."""

    def __init__(self, client: Any, rounds: int) -> None:
        self._client = client
        self.rounds = rounds
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.rounds == 0:
            result: dict[str, Any] = self._client.batch_get_item(**kwargs)
            return result
        self.rounds -= 1
        [(table, spec)] = kwargs["RequestItems"].items()
        if self.rounds < 0:  # throttled for good: nothing gets through
            return {"Responses": {table: []}, "UnprocessedKeys": kwargs["RequestItems"]}
        first, rest = spec["Keys"][:1], spec["Keys"][1:]
        resp: dict[str, Any] = self._client.batch_get_item(RequestItems={table: {**spec, "Keys": first}})
        resp["UnprocessedKeys"] = {table: {**spec, "Keys": rest}} if rest else {}
        return resp


def test_dynamodb_calendar_retries_unprocessed_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fulfillment.domain.dynamodb_queries.time.sleep", lambda _: None)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE)
        throttled = _Throttled(client, rounds=2)
        store = DynamoRequestStore(TABLE, throttled)
        made = [add(store, meeting(T0 + timedelta(hours=h)), "approved") for h in range(4)]
        assert ids(store.approved_meetings(T0, T0 + timedelta(hours=5))) == ids(made)
        assert throttled.calls == 3
        throttled.rounds = -1
        with pytest.raises(StoreError, match="unprocessed"):
            store.approved_meetings(T0, T0 + timedelta(hours=5))


def test_dynamodb_calendar_reads_more_than_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fulfillment.domain.dynamodb_queries._BATCH_GET", 3)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE)
        store = DynamoRequestStore(TABLE, client)
        made = [add(store, meeting(T0 + timedelta(minutes=15 * i), 15), "approved") for i in range(8)]
        assert ids(store.approved_meetings(T0, T0 + timedelta(days=2))) == ids(made)
