"""SQLite adapter of ``RequestStore``: one file, WAL, every write in one ``BEGIN IMMEDIATE`` transaction.

Slot holds are rows keyed by 15-minute block with a primary-key constraint, so two overlapping meetings
cannot both commit, whatever the interleaving (no read-then-write). ``BEGIN IMMEDIATE`` takes the write lock
up front, so the idempotency lookup and the insert that follows it are one atomic step even across
processes. One connection guarded by a lock keeps it thread-safe.

Every listing is one keyset ``SELECT`` walking an index in ``sort_key`` order, so a page costs the same on
the first and the thousandth page and never sorts the table. Each index has the equality filters as its
prefix and ``sort_key`` last: ``(status)`` for the admin queue, ``(channel, user_id)`` for a requester,
``(status, channel, user_id)`` for both, ``(kind)`` on the JSON ``kind`` (an expression index, so existing
files need no column migration) and none for unfiltered listings; ``kind`` with anything else is a residual
filter (two values: it can at most halve a walk). The calendar goes through ``slot_holds`` by block, as
conflict checks do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from fulfillment.domain.errors import RequestNotFound, SlotTaken, StoreError, TransitionConflict
from fulfillment.domain.requests import (
    AuditEvent,
    BackupDetails,
    Request,
    Status,
    check_transition,
    floor_block,
    parse_utc_key,
    utc_key,
)
from fulfillment.domain.store import (
    Page,
    RequestQuery,
    apply_transition,
    calendar_order,
    check_page_limit,
    decode_cursor,
    encode_cursor,
    overlapping,
    requester_order,
    stamp_created,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_by_status ON requests (status, sort_key);
CREATE INDEX IF NOT EXISTS requests_by_requester_time ON requests (channel, user_id, sort_key);
DROP INDEX IF EXISTS requests_by_requester;
CREATE INDEX IF NOT EXISTS requests_by_status_requester ON requests (status, channel, user_id, sort_key);
CREATE INDEX IF NOT EXISTS requests_by_time ON requests (sort_key);
CREATE INDEX IF NOT EXISTS requests_by_kind ON requests (json_extract(data, '$.kind'), sort_key);
CREATE TABLE IF NOT EXISTS slot_holds (
    block TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS slot_holds_by_request ON slot_holds (request_id);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL REFERENCES requests (id),
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_request ON audit (request_id, seq);
"""


class SqliteRequestStore:
    """``RequestStore`` on a SQLite file (``":memory:"`` works too, for one process)."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open request store {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: commit on success, roll back on any error (ours or sqlite's)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"request store unavailable: {exc}") from exc
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"request store read failed: {exc}") from exc

    def create(self, request: Request, audit: AuditEvent) -> Request:
        try:
            with self._write() as db:
                if request.idempotency_key is not None:
                    row = db.execute(
                        "SELECT r.data FROM idempotency i JOIN requests r ON r.id = i.request_id "
                        "WHERE i.key = ?",
                        (request.idempotency_key,),
                    ).fetchone()
                    if row is not None:
                        return Request.model_validate_json(row[0])
                db.execute(
                    "INSERT INTO requests (id, status, channel, user_id, sort_key, data) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        request.id,
                        request.status,
                        request.requester.channel,
                        request.requester.user_id,
                        request.sort_key,
                        request.model_dump_json(),
                    ),
                )
                if request.holds_slot and request.meeting is not None:
                    start, end = utc_key(request.meeting.start_utc), utc_key(request.meeting.end_utc)
                    try:
                        db.executemany(
                            "INSERT INTO slot_holds (block, request_id, start_utc, end_utc) "
                            "VALUES (?, ?, ?, ?)",
                            [(utc_key(b), request.id, start, end) for b in request.meeting.blocks()],
                        )
                    except sqlite3.IntegrityError as exc:
                        raise SlotTaken(f"{start} - {end} overlaps another meeting") from exc
                if request.idempotency_key is not None:
                    db.execute(
                        "INSERT INTO idempotency (key, request_id) VALUES (?, ?)",
                        (request.idempotency_key, request.id),
                    )
                self._append_audit(db, stamp_created(request, audit))
            return request
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"request {request.id} could not be created: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"request store write failed: {exc}") from exc

    def get(self, request_id: str) -> Request | None:
        with self._read() as db:
            row = db.execute("SELECT data FROM requests WHERE id = ?", (request_id,)).fetchone()
        return None if row is None else Request.model_validate_json(row[0])

    def transition(
        self,
        request_id: str,
        to_status: Status,
        audit: AuditEvent,
        *,
        expected: Status,
        backup: BackupDetails | None = None,
    ) -> Request:
        try:
            with self._write() as db:
                row = db.execute("SELECT data FROM requests WHERE id = ?", (request_id,)).fetchone()
                if row is None:
                    raise RequestNotFound(request_id)
                current = Request.model_validate_json(row[0])
                if current.status != expected:
                    raise TransitionConflict(request_id, expected, current.status)
                check_transition(current.kind, current.status, to_status)
                updated, stamped = apply_transition(current, to_status, audit, backup)
                # The write lock is held since BEGIN IMMEDIATE, so this status check cannot go stale.
                db.execute(
                    "UPDATE requests SET status = ?, data = ? WHERE id = ? AND status = ?",
                    (to_status, updated.model_dump_json(), request_id, expected),
                )
                if current.holds_slot and not updated.holds_slot:
                    db.execute("DELETE FROM slot_holds WHERE request_id = ?", (request_id,))
                self._append_audit(db, stamped)
            return updated
        except sqlite3.Error as exc:
            raise StoreError(f"request store write failed: {exc}") from exc

    def audit(self, request_id: str) -> list[AuditEvent]:
        with self._read() as db:
            rows = db.execute(
                "SELECT data FROM audit WHERE request_id = ? ORDER BY seq", (request_id,)
            ).fetchall()
        return [AuditEvent.model_validate_json(r[0]) for r in rows]

    def list_by_status(self, status: Status, limit: int = 50, cursor: str | None = None) -> Page:
        check_page_limit(limit, maximum=None)
        return self._list(RequestQuery(status=status), limit, cursor)

    def oldest(self, status: Status) -> Request | None:
        with self._read() as db:
            row = db.execute(
                "SELECT data FROM requests WHERE status = ? ORDER BY sort_key LIMIT 1", (status,)
            ).fetchone()
        return None if row is None else Request.model_validate_json(row[0])

    def list_requests(self, query: RequestQuery, limit: int = 50, cursor: str | None = None) -> Page:
        check_page_limit(limit)
        return self._list(query, limit, cursor)

    def _list(self, query: RequestQuery, limit: int, cursor: str | None) -> Page:
        lower, upper = query.lower, query.upper(decode_cursor(cursor, query))
        if lower is not None and upper is not None and lower >= upper:
            return Page(items=(), cursor=None)
        # Only the clauses in use, and the driving index named: without statistics the planner rates every
        # equality alike and would happily walk half the table by kind. INDEXED BY also turns a future
        # schema change that silently loses the plan into an error.
        index = "requests_by_time"
        clauses: list[str] = []
        params: list[str | int] = []
        if query.kind is not None:
            index = "requests_by_kind"
            clauses.append("json_extract(data, '$.kind') = ?")
            params.append(query.kind)
        if query.requester is not None:
            index = "requests_by_requester_time"
            clauses.append("channel = ? AND user_id = ?")
            params += query.requester
        if query.status is not None:
            index = "requests_by_status" if query.requester is None else "requests_by_status_requester"
            clauses.append("status = ?")
            params.append(query.status)
        if lower is not None:
            clauses.append("sort_key >= ?")
            params.append(lower)
        if upper is not None:
            clauses.append("sort_key < ?")
            params.append(upper)
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        # One row beyond the page tells whether another page exists, so the last page has no cursor.
        with self._read() as db:
            rows = db.execute(
                f"SELECT data FROM requests INDEXED BY {index} {where}ORDER BY sort_key DESC LIMIT ?",  # noqa: S608
                (*params, limit + 1),
            ).fetchall()
        items = tuple(Request.model_validate_json(r[0]) for r in rows[:limit])
        more = len(rows) > limit
        return Page(items=items, cursor=encode_cursor(items[-1].sort_key, query) if more else None)

    def list_by_requester(self, channel: str, user_id: str, statuses: Iterable[Status]) -> list[Request]:
        wanted = list(dict.fromkeys(statuses))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        with self._read() as db:
            rows = db.execute(
                f"SELECT data FROM requests WHERE channel = ? AND user_id = ? AND status IN ({marks})",  # noqa: S608
                (channel, user_id, *wanted),
            ).fetchall()
        return requester_order([Request.model_validate_json(r[0]) for r in rows])

    def busy_between(self, start_utc: datetime, end_utc: datetime) -> list[tuple[datetime, datetime]]:
        with self._read() as db:
            rows = db.execute(
                "SELECT DISTINCT start_utc, end_utc FROM slot_holds WHERE block >= ? AND block < ?",
                (utc_key(floor_block(start_utc)), utc_key(end_utc)),
            ).fetchall()
        spans = [(parse_utc_key(s), parse_utc_key(e)) for s, e in rows]
        return overlapping(spans, start_utc, end_utc)

    def approved_meetings(self, start_utc: datetime, end_utc: datetime) -> list[Request]:
        # Every meeting overlapping the range holds a block in [floor(start), end): the slot_holds primary
        # key finds them without touching requests that are not meetings in the range.
        with self._read() as db:
            rows = db.execute(
                "SELECT data FROM requests WHERE status = 'approved' AND id IN "
                "(SELECT request_id FROM slot_holds WHERE block >= ? AND block < ?)",
                (utc_key(floor_block(start_utc)), utc_key(end_utc)),
            ).fetchall()
        return calendar_order((Request.model_validate_json(r[0]) for r in rows), start_utc, end_utc)

    @staticmethod
    def _append_audit(db: sqlite3.Connection, event: AuditEvent) -> None:
        db.execute(
            "INSERT INTO audit (request_id, data) VALUES (?, ?)", (event.request_id, event.model_dump_json())
        )
