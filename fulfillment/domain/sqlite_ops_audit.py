"""SQLite adapter of ``OpsAuditLog``: a table in the request store's own file, on a connection of its own.

Sharing the file keeps a local run to one database to back up and inspect; a separate connection keeps the
audit's single-statement writes from queueing behind the request store's lock inside the process (across
connections, WAL and the busy timeout arbitrate). Each write is one ``INSERT``, atomic on its own.

Reads are one keyset ``SELECT`` walking ``ops_audit_by_time`` backwards, so every page costs the same.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from fulfillment.domain.errors import StoreError
from fulfillment.domain.ops_audit import OpsAuditEntry, OpsAuditPage, Window, check_replay, load_entry
from fulfillment.domain.store import check_page_limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ops_audit (
    id TEXT PRIMARY KEY,
    sort_key TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ops_audit_by_time ON ops_audit (sort_key);
"""


class SqliteOpsAudit:
    """``OpsAuditLog`` on a SQLite file, normally the one ``SqliteRequestStore`` uses."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        try:
            # isolation_level=None: each statement commits on its own; timeout is the busy timeout.
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open ops audit {path}: {exc}") from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"cannot open ops audit {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _use(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"ops audit {what} failed: {exc}") from exc

    def record(self, entry: OpsAuditEntry) -> None:
        with self._use("write") as db:
            inserted = db.execute(
                "INSERT INTO ops_audit (id, sort_key, data) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (entry.id, entry.sort_key, entry.model_dump_json()),
            ).rowcount
            if inserted == 1:
                return
            row = db.execute("SELECT data FROM ops_audit WHERE id = ?", (entry.id,)).fetchone()
        check_replay(entry, None if row is None else str(row[0]))

    def recent(
        self, *, since: datetime, until: datetime, limit: int = 50, cursor: str | None = None
    ) -> OpsAuditPage:
        check_page_limit(limit)
        window = Window(since, until)
        lower, upper = window.lower, window.upper(window.decode(cursor))
        if lower >= upper:
            return OpsAuditPage(items=(), cursor=None)
        with self._use("read") as db:
            rows = db.execute(
                "SELECT data FROM ops_audit INDEXED BY ops_audit_by_time "
                "WHERE sort_key >= ? AND sort_key < ? ORDER BY sort_key DESC LIMIT ?",
                (lower, upper, limit + 1),
            ).fetchall()
        return window.page([load_entry(r[0]) for r in rows], limit)
