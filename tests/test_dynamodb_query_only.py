"""Every read of the DynamoDB adapter is a GetItem, Query or BatchGetItem: never a Scan.

A Scan reads (and bills) the whole table and gets slower as requests pile up, which the contract suite
cannot notice under moto. botocore announces each API call as ``before-call.dynamodb.<Operation>`` on the
client's event system, so the tests record the operation names (and the index a Query used) and check
them, whatever code path the adapter takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import product
from typing import Any, get_args

import pytest

from fulfillment.domain import DynamoRequestStore, Kind, Request, RequestQuery, Status, expire_due
from tests.request_store_support import ALICE, BOB, T0, TABLE, backup, dynamodb_client, event, meeting

READS = {"GetItem", "Query", "BatchGetItem"}
EVERY_STATUS = {f"STATUS#{s}" for s in get_args(Status)}


@dataclass
class Calls:
    """The DynamoDB operations the client made, as ``(operation, index or None, partition key value)``."""

    seen: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def record(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        # ``params`` is the serialized request here: DynamoDB's JSON protocol puts the API call in the body.
        body = json.loads(params.get("body") or b"{}")
        values = body.get("ExpressionAttributeValues") or {}
        partition = next((v["S"] for k, v in values.items() if k in (":p", ":pk")), None)
        self.seen.append((event_name.rsplit(".", 1)[-1], body.get("IndexName"), partition))

    @property
    def operations(self) -> set[str]:
        return {op for op, _, _ in self.seen}

    def take(self) -> list[tuple[str, str | None, str | None]]:
        out, self.seen = self.seen, []
        return out


@dataclass
class Harness:
    store: DynamoRequestStore
    client: Any
    calls: Calls


@pytest.fixture
def harness() -> Iterator[Harness]:
    with dynamodb_client() as client:
        calls = Calls()
        client.meta.events.register("before-call.dynamodb.*", calls.record)
        yield Harness(DynamoRequestStore(TABLE, client), client, calls)


def seed(store: DynamoRequestStore) -> list[Request]:
    """A bit of everything: pending, approved and expired meetings and backups from two requesters."""
    made: list[Request] = []
    for i in range(6):
        who = ALICE if i % 2 else BOB
        req = (
            meeting(T0 + timedelta(hours=i), requester=who, created=T0 - timedelta(days=i))
            if i % 3
            else backup(requester=who, created=T0 - timedelta(days=i))
        )
        stored = store.create(req, event())
        if i in (1, 3):
            stored = store.transition(stored.id, "approved", event("ok", to="approved"), expected="pending")
        if i == 4:
            stored = store.transition(stored.id, "expired", event("exp", to="expired"), expected="pending")
        made.append(stored)
    return made


def test_the_hook_sees_every_call_including_a_scan(harness: Harness) -> None:
    harness.client.scan(TableName=TABLE)
    harness.store.get("01MISSING")
    assert [op for op, _, _ in harness.calls.take()] == ["Scan", "GetItem"]


def test_every_read_is_a_get_query_or_batch_get(harness: Harness) -> None:
    made = seed(harness.store)
    harness.calls.take()

    store = harness.store
    assert store.get(made[0].id) is not None
    assert store.audit(made[1].id)
    assert store.list_by_status("pending", limit=1).items
    assert store.list_by_requester("slack", "U1", ["pending", "approved"])
    assert store.busy_between(T0, T0 + timedelta(days=1))
    assert store.approved_meetings(T0 - timedelta(days=1), T0 + timedelta(days=1))
    statuses: list[Status | None] = [None, "pending", "approved"]
    kinds: list[Kind | None] = [None, "meeting"]
    requesters: list[tuple[str, str] | None] = [None, ("slack", "U1")]
    ranges = [(None, None), (T0 - timedelta(days=4), None), (None, T0), (T0 - timedelta(days=4), T0)]
    for status, kind, requester, (start, before) in product(statuses, kinds, requesters, ranges):
        query = RequestQuery(status, kind, requester, start, before)
        page = store.list_requests(query, limit=1)
        if page.cursor is not None:
            store.list_requests(query, limit=1, cursor=page.cursor)
    assert expire_due(store, T0) == []  # nothing due: the sweep only reads

    seen = harness.calls.take()
    assert {op for op, _, _ in seen} == READS


def test_the_expiry_sweep_reads_by_query_and_writes_by_transaction(harness: Harness) -> None:
    due = harness.store.create(meeting(T0).model_copy(update={"expires_at": T0}), event())
    harness.calls.take()
    assert [r.id for r in expire_due(harness.store, T0 + timedelta(minutes=1), page_size=1)] == [due.id]
    ops = harness.calls.operations
    assert "Scan" not in ops
    assert ops - {"TransactWriteItems"} <= READS


@pytest.mark.parametrize(
    ("query", "index", "partitions"),
    [
        (RequestQuery(status="approved"), "gsi1", {"STATUS#approved"}),
        (RequestQuery(status="approved", kind="meeting"), "gsi1", {"STATUS#approved"}),
        (RequestQuery(status="pending", requester=("slack", "U1")), "gsi1", {"STATUS#pending"}),
        (RequestQuery(status="approved", requester=("slack", "U1")), "gsi2", {"USER#slack#U1"}),
        (RequestQuery(requester=("slack", "U1"), kind="backup"), "gsi2", {"USER#slack#U1"}),
        (RequestQuery(), "gsi1", EVERY_STATUS),
        (RequestQuery(kind="meeting", created_from=T0), "gsi1", EVERY_STATUS),
    ],
)
def test_each_filter_combination_queries_the_planned_partitions(
    harness: Harness, query: RequestQuery, index: str, partitions: set[str]
) -> None:
    seed(harness.store)
    harness.calls.take()
    harness.store.list_requests(query)
    seen = harness.calls.take()
    assert {op for op, _, _ in seen} == {"Query"}
    assert {i for _, i, _ in seen} == {index}
    assert {p for _, _, p in seen} == partitions


def test_the_calendar_queries_one_partition_per_day_then_batch_gets(harness: Harness) -> None:
    seed(harness.store)
    harness.calls.take()
    harness.store.approved_meetings(T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=3))
    seen = harness.calls.take()
    queries = [p for op, _, p in seen if op == "Query"]
    assert queries == [f"HOLD#{(T0 + timedelta(days=d)).date().isoformat()}" for d in range(3)]
    assert [op for op, _, _ in seen][len(queries) :] == ["BatchGetItem"]
