"""The ops audit log, one contract on both adapters: durable records, newest-first windows, keyset pages.

Each adapter lives where production puts it, beside the request store: SQLite in the request store's own
file, DynamoDB in its table (moto). On DynamoDB every API call is recorded by a botocore hook, and the
fixture fails any test during which a Scan was issued.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fulfillment.domain import (
    DynamoRequestStore,
    InvalidCursor,
    RequestQuery,
    RequestStore,
    SqliteRequestStore,
    StoreError,
)
from fulfillment.domain.dynamodb_ops_audit import RETENTION, DynamoOpsAudit
from fulfillment.domain.ops_audit import OpsAuditEntry, OpsAuditLog, Outcome
from fulfillment.domain.sqlite_ops_audit import SqliteOpsAudit
from fulfillment.domain.store import encode_cursor
from tests.request_store_support import ADAPTERS, TABLE, add, backup, dynamodb_client

DAY = datetime(2026, 11, 1, tzinfo=UTC)
"""Entries are spread over the days after this midnight."""

WINDOW = {"since": DAY - timedelta(days=30), "until": DAY + timedelta(days=30)}


@dataclass
class Backend:
    """An ops audit log, the request store it shares storage with, and a way to break that storage."""

    audit: OpsAuditLog
    requests: RequestStore
    break_storage: Callable[[], None]
    calls: list[str] = field(default_factory=list)
    """DynamoDB operations issued (empty on SQLite)."""


@pytest.fixture(params=ADAPTERS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "requests.db"
        requests = SqliteRequestStore(path)
        audit = SqliteOpsAudit(path)

        def drop_table() -> None:
            with closing(sqlite3.connect(path)) as other:
                other.execute("DROP TABLE ops_audit")

        yield Backend(audit, requests, drop_table)
        audit.close()
        requests.close()
        return
    with dynamodb_client() as client:
        calls: list[str] = []

        def seen(event_name: str, **_: Any) -> None:
            calls.append(event_name.rsplit(".", 1)[-1])

        client.meta.events.register("before-call.dynamodb.*", seen)
        yield Backend(
            DynamoOpsAudit(TABLE, client),
            DynamoRequestStore(TABLE, client),
            lambda: client.delete_table(TableName=TABLE),
            calls,
        )
        assert "Scan" not in calls


def entry(
    at: datetime = DAY,
    *,
    intent: str = "DeployStatus",
    outcome: Outcome = "answered",
    actor: str = "alice",
    detail: str | None = "pipeline=web-app",
) -> OpsAuditEntry:
    return OpsAuditEntry.new(
        at=at,
        intent=intent,
        outcome=outcome,
        actor=actor,
        subject=None if actor == "anonymous" else f"sub-{actor}",
        channel="web",
        session_id="sess-1",
        detail=detail,
    )


def record_all(log: OpsAuditLog, entries: list[OpsAuditEntry]) -> list[OpsAuditEntry]:
    for e in entries:
        log.record(e)
    return entries


def newest_first(entries: list[OpsAuditEntry]) -> list[str]:
    return [e.id for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)]


def pages(log: OpsAuditLog, limit: int, **window: datetime) -> list[list[str]]:
    """Every page of a window, asserting the paging rules on the way."""
    out: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = log.recent(**window, limit=limit, cursor=cursor)
        out.append([e.id for e in page.items])
        if page.cursor is None:
            return out
        assert len(page.items) == limit, "only the last page may be short"
        cursor = page.cursor
        assert len(out) < 1000


def flat(paged: list[list[str]]) -> list[str]:
    return [i for page in paged for i in page]


# -- records ----------------------------------------------------------------------------------------------


def test_recorded_entries_read_back_identical(backend: Backend) -> None:
    log = backend.audit
    answered = entry()
    refused = entry(
        DAY + timedelta(hours=1), actor="anonymous", outcome="refused", detail="reason=not_signed_in"
    )
    filed = OpsAuditEntry.new(
        at=(DAY + timedelta(hours=2)).astimezone(timezone(timedelta(hours=-5))),
        intent="TriggerBackup",
        outcome="filed",
        actor="bob",
        subject="sub-bob",
        channel="slack",
        session_id=None,
        detail=None,
        request_id="01JREQUEST",
    )
    record_all(log, [answered, refused, filed])
    assert filed.at.tzinfo is UTC
    assert log.recent(**WINDOW).items == (filed, refused, answered)
    assert log.recent(**WINDOW).cursor is None


def test_a_retried_record_is_stored_once_and_a_taken_id_is_refused(backend: Backend) -> None:
    first = entry()
    backend.audit.record(first)
    backend.audit.record(first)
    assert backend.audit.recent(**WINDOW).items == (first,)
    impostor = first.model_copy(update={"outcome": "refused"})
    with pytest.raises(StoreError, match="taken"):
        backend.audit.record(impostor)
    assert backend.audit.recent(**WINDOW).items == (first,)


def test_lives_beside_the_request_store_without_touching_its_listings(backend: Backend) -> None:
    req = add(backend.requests, backup(created=DAY))
    logged = entry(DAY, intent="TriggerBackup", outcome="filed").model_copy(update={"request_id": req.id})
    backend.audit.record(logged)
    assert backend.requests.list_requests(RequestQuery()).items == (req,)
    assert backend.requests.get(req.id) == req
    assert backend.audit.recent(**WINDOW).items == (logged,)


# -- order, bounds, pages ---------------------------------------------------------------------------------


def test_newest_first_across_days_with_ids_breaking_equal_times(backend: Backend) -> None:
    made = record_all(
        backend.audit,
        [entry(DAY + timedelta(days=d, hours=h)) for d in (0, 1, 3, 6) for h in (0, 5)]
        + [entry(DAY + timedelta(days=2)) for _ in range(4)]  # four at one midnight
        + [entry(DAY + timedelta(days=4, hours=12)) for _ in range(3)],
    )
    want = newest_first(made)
    assert [e.id for e in backend.audit.recent(**WINDOW, limit=100).items] == want
    for limit in (1, 2, 3, 100):
        assert flat(pages(backend.audit, limit, **WINDOW)) == want, limit


def test_since_is_inclusive_and_until_exclusive(backend: Backend) -> None:
    since, until = DAY + timedelta(hours=1), DAY + timedelta(days=1)  # until: a midnight
    before, at_since, inside, last, at_until = record_all(
        backend.audit,
        [
            entry(since - timedelta(microseconds=1)),
            entry(since),
            entry(since + timedelta(hours=3)),
            entry(until - timedelta(microseconds=1)),
            entry(until),
        ],
    )
    assert [e.id for e in backend.audit.recent(since=since, until=until).items] == [
        last.id,
        inside.id,
        at_since.id,
    ]
    assert flat(pages(backend.audit, 1, since=since, until=until)) == [last.id, inside.id, at_since.id]
    assert [e.id for e in backend.audit.recent(since=until, until=until + timedelta(days=1)).items] == [
        at_until.id
    ]
    assert [e.id for e in backend.audit.recent(since=DAY, until=since).items] == [before.id]
    # Bounds in another zone mean the same instants; an empty or reversed window is just empty.
    plus_one = timezone(timedelta(hours=1))
    shifted = backend.audit.recent(since=since.astimezone(plus_one), until=until.astimezone(plus_one))
    assert [e.id for e in shifted.items] == [last.id, inside.id, at_since.id]
    assert backend.audit.recent(since=since, until=since) == backend.audit.recent(since=until, until=since)
    assert backend.audit.recent(since=since, until=since).items == ()


def test_paging_by_two_walks_everything_exactly_once(backend: Backend) -> None:
    made = record_all(backend.audit, [entry(DAY + timedelta(days=i % 5, minutes=i)) for i in range(9)])
    paged = pages(backend.audit, 2, **WINDOW)
    assert [len(p) for p in paged] == [2, 2, 2, 2, 1]
    assert flat(paged) == newest_first(made)
    assert len(set(flat(paged))) == 9


def test_an_exact_multiple_of_the_page_ends_without_an_empty_page(backend: Backend) -> None:
    record_all(backend.audit, [entry(DAY - timedelta(days=i)) for i in range(4)])
    assert [len(p) for p in pages(backend.audit, 2, **WINDOW)] == [2, 2]
    assert backend.audit.recent(**WINDOW, limit=4).cursor is None
    assert backend.audit.recent(since=DAY + timedelta(days=1), until=DAY + timedelta(days=2)).items == ()


# -- refusals ---------------------------------------------------------------------------------------------


def _token(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_from_another_query_or_garbage_is_refused(backend: Backend) -> None:
    record_all(backend.audit, [entry(DAY + timedelta(hours=i)) for i in range(3)])
    good = backend.audit.recent(**WINDOW, limit=1).cursor
    assert good is not None
    payload = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    after, fingerprint = payload["after"], payload["q"]
    other_window = backend.audit.recent(since=DAY, until=DAY + timedelta(days=1), limit=1).cursor
    bad = [
        other_window,
        encode_cursor(after, RequestQuery(created_from=WINDOW["since"], created_before=WINDOW["until"])),
        "",
        "garbage!",
        "x" * 600,
        good + "A",
        _token([after]),
        _token({"v": 2, "after": after, "q": fingerprint}),
        _token({"v": True, "after": after, "q": fingerprint}),
        _token({"v": 1, "after": after, "q": fingerprint, "extra": 1}),
        _token({"v": 1, "after": 7, "q": fingerprint}),
        _token({"v": 1, "after": "2026-13-45T99:00:00.000000Z#" + after.split("#")[1], "q": fingerprint}),
    ]
    for cursor in bad:
        with pytest.raises(InvalidCursor):
            backend.audit.recent(**WINDOW, cursor=cursor)
    # The same instants written in another zone are the same query.
    plus_two = timezone(timedelta(hours=2))
    same = {k: v.astimezone(plus_two) for k, v in WINDOW.items()}
    assert len(backend.audit.recent(**same, cursor=good).items) == 2


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limit_must_be_between_1_and_100(backend: Backend, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        backend.audit.recent(**WINDOW, limit=limit)


def test_limit_bounds_are_inclusive(backend: Backend) -> None:
    record_all(backend.audit, [entry(DAY + timedelta(seconds=i)) for i in range(101)])
    assert len(backend.audit.recent(**WINDOW, limit=100).items) == 100
    assert len(backend.audit.recent(**WINDOW, limit=1).items) == 1


def test_a_window_over_92_days_or_with_naive_bounds_is_refused(backend: Backend) -> None:
    old = entry(DAY - timedelta(days=92))
    backend.audit.record(old)
    assert backend.audit.recent(since=old.at, until=DAY).items == (old,)  # exactly 92 days
    with pytest.raises(ValueError, match="92 days"):
        backend.audit.recent(since=old.at, until=DAY + timedelta(microseconds=1))
    with pytest.raises(ValueError, match="aware"):
        backend.audit.recent(since=datetime(2026, 11, 1), until=DAY)


def test_a_broken_store_raises_store_error(backend: Backend) -> None:
    backend.audit.record(entry())
    backend.break_storage()
    with pytest.raises(StoreError):
        backend.audit.record(entry())
    with pytest.raises(StoreError):
        backend.audit.recent(**WINDOW)


# -- the model --------------------------------------------------------------------------------------------


def test_the_model_refuses_naive_times_long_details_and_unvouched_actors() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        entry(datetime(2026, 11, 1, 9, 0))
    assert entry(detail="x" * 300).detail == "x" * 300
    with pytest.raises(ValidationError, match="300"):
        entry(detail="x" * 301)
    with pytest.raises(ValidationError, match="subject"):
        OpsAuditEntry.new(
            at=DAY, intent="DeployStatus", outcome="answered", actor="alice", subject=None, channel="web"
        )
    with pytest.raises(ValidationError, match="subject"):
        OpsAuditEntry.new(
            at=DAY, intent="DeployStatus", outcome="refused", actor="anonymous", subject="sub", channel="web"
        )
    with pytest.raises(ValidationError, match="outcome"):
        OpsAuditEntry.new(at=DAY, intent="X", outcome="maybe", actor="anonymous", subject=None, channel="web")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="id"):
        OpsAuditEntry.model_validate(entry().model_dump() | {"id": "not-a-ulid"})
    frozen = entry()
    with pytest.raises(ValidationError):
        frozen.outcome = "failed"  # type: ignore[misc]
    assert entry().id != entry().id


# -- adapter specifics ------------------------------------------------------------------------------------


def test_sqlite_refuses_a_path_it_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        SqliteOpsAudit(tmp_path)  # a directory


def test_sqlite_concurrent_records_all_land(tmp_path: Path) -> None:
    log = SqliteOpsAudit(tmp_path / "requests.db")
    other = SqliteOpsAudit(tmp_path / "requests.db")
    made: list[OpsAuditEntry] = []

    def work(target: SqliteOpsAudit, n: int) -> None:
        for i in range(20):
            e = entry(DAY + timedelta(seconds=n * 100 + i))
            made.append(e)
            target.record(e)

    threads = [threading.Thread(target=work, args=(log if n % 2 else other, n)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert flat(pages(log, 100, **WINDOW)) == newest_first(made)
    log.close()
    other.close()


def test_dynamodb_item_layout_and_ttl() -> None:
    with dynamodb_client() as client:
        e = entry(DAY + timedelta(hours=23, minutes=59))
        DynamoOpsAudit(TABLE, client).record(e)
        [item] = client.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": "OPSAUDIT#2026-11-01"}},
        )["Items"]
    assert item["sk"]["S"] == f"2026-11-01T23:59:00.000000Z#{e.id}"
    assert int(item["expires"]["N"]) == int((e.at + RETENTION).timestamp())
    assert timedelta(days=400) == RETENTION
    assert OpsAuditEntry.model_validate_json(item["data"]["S"]) == e
    assert set(item) == {"pk", "sk", "data", "expires"}


@dataclass
class Queries:
    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(self, event_name: str, params: dict[str, Any], **_: Any) -> None:
        # The JSON protocol puts the API call's parameters in the serialized body.
        self.seen.append((event_name.rsplit(".", 1)[-1], json.loads(params.get("body") or b"{}")))


def test_dynamodb_reads_by_query_newest_day_first_and_stops_when_the_page_is_full() -> None:
    with dynamodb_client() as client:
        queries = Queries()
        client.meta.events.register("before-call.dynamodb.*", queries.record)
        client.scan(TableName=TABLE)  # the hook sees a Scan when there is one
        assert [op for op, _ in queries.seen] == ["Scan"]
        queries.seen.clear()

        log = DynamoOpsAudit(TABLE, client)
        late = record_all(log, [entry(DAY + timedelta(days=10, minutes=i)) for i in range(3)])
        early = record_all(log, [entry(DAY + timedelta(days=1)), entry(DAY)])
        window = {"since": DAY - timedelta(days=80), "until": DAY + timedelta(days=12)}
        queries.seen.clear()

        page = log.recent(**window, limit=2)
        assert [e.id for e in page.items] == newest_first(late)[:2]
        # Newest day first (the window's last day, the 12th, is empty), stopping at page + look-ahead.
        assert [op for op, _ in queries.seen] == ["Query", "Query"]
        assert [body["ExpressionAttributeValues"][":pk"]["S"] for _, body in queries.seen] == [
            "OPSAUDIT#2026-11-12",
            "OPSAUDIT#2026-11-11",
        ]
        body = queries.seen[-1][1]
        assert body["ScanIndexForward"] is False
        assert "BETWEEN" in body["KeyConditionExpression"]

        queries.seen.clear()
        rest = flat(pages(log, 2, **window))
        assert rest == newest_first(late + early)
        assert {op for op, _ in queries.seen} == {"Query"}
        days = [body["ExpressionAttributeValues"][":pk"]["S"] for _, body in queries.seen]
        assert days[0] == "OPSAUDIT#2026-11-12"
        assert days[-1] == "OPSAUDIT#2026-08-13"  # the last page reads back to ``since``'s day
        assert len(days) <= 2 * 93
