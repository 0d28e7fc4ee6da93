"""The admin API's filtered listing, one contract on both adapters: filters, order, keyset pages, cursors.

Expected results are written out or computed by ``expected`` below, independently of the adapters and of
``RequestQuery.matches``, so the native filters (SQL, DynamoDB key conditions and filter expressions) are
checked against plain Python. The SQLite adapter's query plans and schema upgrade are checked at the end.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from itertools import product
from pathlib import Path

import pytest

from fulfillment.domain import (
    InvalidCursor,
    Kind,
    Request,
    Requester,
    RequestQuery,
    RequestStore,
    SqliteRequestStore,
    Status,
    StoreError,
)
from fulfillment.domain.store import encode_cursor
from tests.request_store_support import ALICE, BOB, T0, add, backup, decide, event, ids, meeting
from tests.request_store_support import store as store

CAROL = Requester(channel="web", user_id="U1", display_name="Carol")
"""Same user id as Alice on another channel: the requester filter is the pair, not the id."""

DAY = datetime(2026, 11, 1, tzinfo=UTC)
"""Creation times are spread over the days after this."""


def pages(store: RequestStore, query: RequestQuery, limit: int) -> list[list[Request]]:
    """Every page of a listing, asserting the paging rules on the way."""
    out: list[list[Request]] = []
    cursor: str | None = None
    while True:
        page = store.list_requests(query, limit=limit, cursor=cursor)
        out.append(list(page.items))
        if page.cursor is None:
            return out
        assert len(page.items) == limit, "only the last page may be short"
        cursor = page.cursor
        assert len(out) < 1000


def flat(paged: list[list[Request]]) -> list[str]:
    return [r.id for page in paged for r in page]


# -- a mixed population -----------------------------------------------------------------------------------


def populate(store: RequestStore) -> list[Request]:
    """~40 requests: every status, both kinds, three requesters, created over a week with equal times.

    Some reach their status by transition (moving between DynamoDB status partitions), some are created in it.
    """
    made: list[Request] = []
    statuses: list[Status] = ["pending", "approved", "rejected", "cancelled", "expired"]
    people = [ALICE, BOB, CAROL]
    for i in range(30):
        created = DAY + timedelta(days=i % 7, hours=i % 3)  # many share a created_at
        who = people[i % 3]
        status = statuses[i % 5]
        if i % 2:
            req = meeting(T0 + timedelta(hours=i), requester=who, created=created)
        else:
            req = backup(requester=who, created=created)
        if i % 4 == 0 and status != "pending":
            made.append(decide(store, store.create(req, event()), status))
        else:
            made.append(add(store, req, status))
    late: list[Status] = ["running", "succeeded", "failed", "running"]
    for i, status in enumerate(late):
        made.append(add(store, backup(requester=people[i % 3], created=DAY + timedelta(days=i)), status))
    return made


def expected(requests: list[Request], query: RequestQuery) -> list[str]:
    def keep(r: Request) -> bool:
        if query.status and r.status != query.status:
            return False
        if query.kind and r.kind != query.kind:
            return False
        if query.requester and (r.requester.channel, r.requester.user_id) != query.requester:
            return False
        if query.created_from and r.created_at < query.created_from:
            return False
        return not (query.created_before and r.created_at >= query.created_before)

    chosen = [r for r in requests if keep(r)]
    return [r.id for r in sorted(chosen, key=lambda r: (r.created_at, r.id), reverse=True)]


STATUS_CHOICES: list[Status | None] = [None, "pending", "approved", "running"]
KIND_CHOICES: list[Kind | None] = [None, "meeting", "backup"]
REQUESTER_CHOICES: list[tuple[str, str] | None] = [None, ("slack", "U1"), ("web", "U1")]
RANGE_CHOICES: list[tuple[datetime | None, datetime | None]] = [
    (None, None),
    (DAY + timedelta(days=2), None),
    (None, DAY + timedelta(days=4, hours=1)),
    (DAY + timedelta(days=1, hours=1), DAY + timedelta(days=5)),
]


def test_every_filter_combination_pages_through_exactly_the_matches(store: RequestStore) -> None:
    made = populate(store)
    for status, kind, requester, (start, before) in product(
        STATUS_CHOICES, KIND_CHOICES, REQUESTER_CHOICES, RANGE_CHOICES
    ):
        query = RequestQuery(status, kind, requester, start, before)
        want = expected(made, query)
        for limit in (3, 100):
            paged = pages(store, query, limit)
            assert flat(paged) == want, (query, limit)
            if want:
                assert all(paged), f"empty page while more matched: {query}"


def test_each_filter_alone(store: RequestStore) -> None:
    old = add(store, backup(requester=BOB, created=DAY))
    job = add(store, backup(created=DAY + timedelta(hours=1)), "approved")
    mine = add(store, meeting(created=DAY + timedelta(hours=2)))
    theirs = add(store, meeting(T0 + timedelta(hours=1), requester=CAROL, created=DAY + timedelta(hours=3)))

    def listed(query: RequestQuery) -> list[str]:
        return ids(list(store.list_requests(query).items))

    assert listed(RequestQuery()) == [theirs.id, mine.id, job.id, old.id]
    assert listed(RequestQuery(status="pending")) == [theirs.id, mine.id, old.id]
    assert listed(RequestQuery(status="approved")) == [job.id]
    assert listed(RequestQuery(kind="backup")) == [job.id, old.id]
    assert listed(RequestQuery(kind="meeting")) == [theirs.id, mine.id]
    assert listed(RequestQuery(requester=("slack", "U1"))) == [mine.id, job.id]
    assert listed(RequestQuery(requester=("web", "U2"))) == [old.id]
    assert listed(RequestQuery(created_from=DAY + timedelta(hours=2))) == [theirs.id, mine.id]
    assert listed(RequestQuery(created_before=DAY + timedelta(hours=1))) == [old.id]
    assert listed(RequestQuery(status="failed")) == []
    assert listed(RequestQuery(requester=("slack", "nobody"))) == []


def test_equal_created_at_is_ordered_by_id_descending_across_pages(store: RequestStore) -> None:
    same = [add(store, backup(created=DAY)) for _ in range(7)]
    paged = pages(store, RequestQuery(), 3)
    assert [len(p) for p in paged] == [3, 3, 1]
    assert flat(paged) == sorted(ids(same), reverse=True)


def test_sparse_filters_never_return_an_empty_page(store: RequestStore) -> None:
    # 3 matches hidden among 60 misses, spread so that each page must read past many misses.
    matches: list[Request] = []
    for i in range(63):
        created = DAY + timedelta(minutes=i)
        if i % 21 == 5:
            matches.append(add(store, meeting(T0 + timedelta(hours=i), requester=CAROL, created=created)))
        elif i % 2:
            add(store, backup(requester=CAROL, created=created))
        else:
            add(store, backup(requester=BOB, created=created), "expired")
    newest_first = list(reversed(ids(matches)))
    for query in (
        RequestQuery(kind="meeting"),  # every status partition, merged
        RequestQuery(status="pending", kind="meeting"),  # one status partition, filtered
        RequestQuery(requester=("web", "U1"), kind="meeting"),  # the requester partition, filtered
        RequestQuery(status="pending", requester=("web", "U1"), kind="meeting"),
    ):
        paged = pages(store, query, 1)
        assert [len(p) for p in paged] == [1, 1, 1], query
        assert flat(paged) == newest_first


def test_exact_multiple_of_the_page_size_ends_without_an_empty_page(store: RequestStore) -> None:
    for i in range(4):
        add(store, backup(created=DAY + timedelta(minutes=i)))
    add(store, backup(created=DAY), "approved")
    query = RequestQuery(status="pending")
    assert [len(p) for p in pages(store, query, 2)] == [2, 2]
    assert [len(p) for p in pages(store, query, 4)] == [4]
    only = store.list_requests(query, limit=4)
    assert only.cursor is None
    assert [len(p) for p in pages(store, RequestQuery(kind="backup"), 5)] == [5]


def test_created_range_is_from_inclusive_before_exclusive(store: RequestStore) -> None:
    start, end = DAY + timedelta(hours=1), DAY + timedelta(hours=2)
    just_before = add(store, backup(created=start - timedelta(microseconds=1)))
    at_start = add(store, backup(created=start))
    inside = add(store, backup(created=start + timedelta(minutes=30)))
    at_end = add(store, backup(created=end))
    window = RequestQuery(created_from=start, created_before=end)
    assert ids(list(store.list_requests(window).items)) == [inside.id, at_start.id]
    assert flat(pages(store, window, 1)) == [inside.id, at_start.id]
    assert ids(list(store.list_requests(RequestQuery(created_from=end)).items)) == [at_end.id]
    upto = RequestQuery(created_before=start)
    assert ids(list(store.list_requests(upto).items)) == [just_before.id]
    # Bounds in another zone mean the same instants.
    shifted = RequestQuery(created_from=start.astimezone(timezone(timedelta(hours=1))), created_before=end)
    assert ids(list(store.list_requests(shifted).items)) == [inside.id, at_start.id]
    assert store.list_requests(RequestQuery(created_from=end, created_before=start)).items == ()
    assert store.list_requests(RequestQuery(created_from=start, created_before=start)).items == ()


def test_a_status_change_moves_the_request_between_listings(store: RequestStore) -> None:
    req = add(store, meeting())
    decide(store, req, "approved")
    assert store.list_requests(RequestQuery(status="pending")).items == ()
    [approved] = store.list_requests(RequestQuery(status="approved", kind="meeting")).items
    assert approved.status == "approved"
    assert ids(list(store.list_requests(RequestQuery()).items)) == [req.id]


def test_list_by_status_shares_the_cursor_and_allows_large_pages(store: RequestStore) -> None:
    for i in range(3):
        add(store, backup(created=DAY + timedelta(minutes=i)))
    first = store.list_by_status("pending", limit=2)
    assert first.cursor is not None
    rest = store.list_requests(RequestQuery(status="pending"), limit=2, cursor=first.cursor)
    assert len(rest.items) == 1
    assert len(store.list_by_status("pending", limit=200).items) == 3
    with pytest.raises(ValueError, match="limit"):
        store.list_by_status("pending", limit=0)


# -- cursors and limits -----------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _token(payload: object) -> str:
    return _b64(json.dumps(payload).encode())


def test_bad_cursors_are_refused(store: RequestStore) -> None:
    for i in range(3):
        add(store, backup(created=DAY + timedelta(minutes=i)))
    query = RequestQuery(status="pending")
    good = store.list_requests(query, limit=1).cursor
    assert good is not None
    after = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))["after"]
    fingerprint = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))["q"]
    bad = [
        "",
        "not a cursor!",
        "x" * 600,
        _b64(b"\xff\xfe"),
        _b64(b"{not json"),
        _token([after]),
        _token({"after": after, "q": fingerprint}),
        _token({"v": 1, "after": after, "q": fingerprint, "extra": 1}),
        _token({"v": 2, "after": after, "q": fingerprint}),
        _token({"v": True, "after": after, "q": fingerprint}),
        _token({"v": 1, "after": 5, "q": fingerprint}),
        _token({"v": 1, "after": "2026-11-01#X", "q": fingerprint}),
        _token({"v": 1, "after": "2026-13-45T99:00:00.000000Z#X", "q": fingerprint}),
        _token({"v": 1, "after": after.split("#")[0] + "#", "q": fingerprint}),
        _token({"v": 1, "after": after, "q": "0" * 16}),
        store.list_requests(RequestQuery(), limit=1).cursor,  # foreign: another query's cursor
        store.list_requests(RequestQuery(status="pending", kind="backup"), limit=1).cursor,
        good + "A",
    ]
    for cursor in bad:
        with pytest.raises(InvalidCursor):
            store.list_requests(query, cursor=cursor)
    with pytest.raises(InvalidCursor):
        store.list_by_status("pending", cursor="garbage")
    assert issubclass(InvalidCursor, StoreError)
    # A well-formed cursor this store never issued is just a position: it resumes from there (here: just
    # past every id created at the newest time, so the newest request is listed again).
    forged = encode_cursor(f"{after.split('#')[0]}#ZZZZZZZZZZZZZZZZZZZZZZZZZZ", query)
    assert len(store.list_requests(query, cursor=forged).items) == 3


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limit_must_be_between_1_and_100(store: RequestStore, limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        store.list_requests(RequestQuery(), limit=limit)


def test_limit_bounds_are_inclusive(store: RequestStore) -> None:
    for i in range(101):
        add(store, backup(created=DAY + timedelta(seconds=i)))
    assert len(store.list_requests(RequestQuery(), limit=100).items) == 100
    assert len(store.list_requests(RequestQuery(), limit=1).items) == 1


def test_query_refuses_values_its_types_cannot_enforce() -> None:
    with pytest.raises(ValueError, match="aware"):
        RequestQuery(created_from=datetime(2026, 11, 1))
    with pytest.raises(ValueError, match="status"):
        RequestQuery(status="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        RequestQuery(kind="lunch")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="requester"):
        RequestQuery(requester=("slack", ""))


# -- SQLite: schema upgrade and query plans ---------------------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE requests (id TEXT PRIMARY KEY, status TEXT NOT NULL, channel TEXT NOT NULL,
    user_id TEXT NOT NULL, sort_key TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX requests_by_status ON requests (status, sort_key);
CREATE INDEX requests_by_requester ON requests (channel, user_id);
"""


def test_sqlite_upgrades_an_existing_file_in_place_and_idempotently(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    req = backup(created=DAY)
    old.execute(
        "INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?)",
        (req.id, req.status, "slack", "U1", req.sort_key, req.model_dump_json()),
    )
    old.commit()
    old.close()
    for _ in range(2):
        store = SqliteRequestStore(path)
        assert store.list_requests(RequestQuery(kind="backup", requester=("slack", "U1"))).items == (req,)
        store.close()
    indexes = {
        r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert {
        "requests_by_time",
        "requests_by_kind",
        "requests_by_requester_time",
        "requests_by_status_requester",
    } <= indexes
    assert "requests_by_requester" not in indexes


def _plans(store: SqliteRequestStore, query: RequestQuery, cursor: str | None = None) -> list[str]:
    """EXPLAIN QUERY PLAN of the SELECT ``list_requests`` actually ran (captured with bound values)."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)  # the test reads the adapter's own SQL
    try:
        store.list_requests(query, cursor=cursor)
    finally:
        store._db.set_trace_callback(None)
    [select] = [s for s in statements if s.startswith("SELECT")]
    return [row[3] for row in store._db.execute(f"EXPLAIN QUERY PLAN {select}")]


def test_sqlite_listings_walk_an_index_and_never_sort(tmp_path: Path) -> None:
    store = SqliteRequestStore(tmp_path / "plan.db")
    for i in range(3):
        add(store, backup(created=DAY + timedelta(minutes=i)))
    cursor = store.list_requests(RequestQuery(status="pending"), limit=1).cursor
    pending = _plans(store, RequestQuery(status="pending"), cursor)
    assert pending == ["SEARCH requests USING INDEX requests_by_status (status=? AND sort_key<?)"]
    drivers = {
        RequestQuery(): "requests_by_time",
        RequestQuery(kind="meeting"): "requests_by_kind",
        RequestQuery(requester=("slack", "U1"), kind="meeting"): "requests_by_requester_time",
        RequestQuery(status="approved", kind="meeting"): "requests_by_status ",
        RequestQuery(status="approved", requester=("slack", "U1")): "requests_by_status_requester",
    }
    for query, index in drivers.items():
        [step] = _plans(store, query)
        assert f"USING INDEX {index}" in f"{step} ", (query, step)
    for status, kind, requester, (start, before) in product(
        STATUS_CHOICES, KIND_CHOICES, REQUESTER_CHOICES, RANGE_CHOICES
    ):
        [step] = _plans(store, RequestQuery(status, kind, requester, start, before))
        assert "USING INDEX" in step, step
        assert "TEMP B-TREE" not in step, step
    store.close()


def test_oldest_is_the_longest_waiting_in_a_status(store: RequestStore) -> None:
    """The queue-age metric's one read: the oldest pending request, whatever was filed after it."""
    assert store.oldest("pending") is None
    first = add(store, backup(created=T0 - timedelta(days=2)))
    add(store, backup(created=T0 - timedelta(days=1)))
    decided = add(store, backup(created=T0 - timedelta(days=3)))
    decide(store, decided, "approved")  # older, but no longer waiting
    add(store, backup(created=T0))
    oldest = store.oldest("pending")
    assert oldest is not None
    assert oldest.id == first.id
    approved = store.oldest("approved")
    assert approved is not None
    assert approved.id == decided.id
