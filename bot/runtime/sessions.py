"""Where the runtime keeps conversation state between turns.

Lex keeps a session per (bot, alias, locale, session id) until it has been idle for the bot's
``idleSessionTTLInSeconds``. The engine only needs load/save/delete plus a sweep of idle sessions, so the
store is a small ``Protocol`` with two implementations that share one contract test suite:

- ``MemorySessionStore`` for tests and throwaway runs;
- ``SqliteSessionStore`` for a local runtime whose conversations survive a restart.

Both store the data as JSON text, so they behave the same way: what ``load`` returns is a fresh copy
(mutating it does not change the stored session), and data that is not JSON-serialisable is refused by
both. Failures surface as ``InternalServerException`` so the HTTP edge answers like Lex does.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.runtime.api import SessionTarget
from bot.runtime.errors import InternalServerException

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredSession:
    data: dict[str, Any]
    """JSON-serialisable engine state."""
    updated_at: float
    """Epoch seconds of the last save."""


class SessionStore(Protocol):
    def load(self, key: SessionTarget) -> StoredSession | None: ...

    def save(self, key: SessionTarget, data: dict[str, Any], now: float) -> None: ...

    def delete(self, key: SessionTarget) -> bool:
        """Returns whether a session existed."""
        ...

    def purge_idle(self, older_than: float) -> int:
        """Delete sessions last saved strictly before ``older_than``; returns how many."""
        ...

    def close(self) -> None:
        """Release resources; idempotent. Any later call raises InternalServerException."""
        ...


def _dumps(data: dict[str, Any]) -> str:
    if not isinstance(data, dict):
        raise InternalServerException(f"session data must be a JSON object, not {type(data).__name__}")
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        logger.error("session data is not JSON-serialisable: %s", exc)
        raise InternalServerException("The session state could not be stored.") from exc


def _loads(text: str, key: SessionTarget) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        logger.error("stored session %s is not valid JSON: %s", key, exc)
        raise InternalServerException("The stored session state is corrupt.") from exc
    if not isinstance(data, dict):
        logger.error("stored session %s is not a JSON object", key)
        raise InternalServerException("The stored session state is corrupt.")
    return data


_CLOSED = "The session store is closed."


class MemorySessionStore:
    """A dict of JSON strings behind a lock; state is lost when the process ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[SessionTarget, tuple[str, float]] | None = {}

    def _open_rows(self) -> dict[SessionTarget, tuple[str, float]]:
        if self._rows is None:
            raise InternalServerException(_CLOSED)
        return self._rows

    def load(self, key: SessionTarget) -> StoredSession | None:
        with self._lock:
            row = self._open_rows().get(key)
        if row is None:
            return None
        return StoredSession(data=_loads(row[0], key), updated_at=row[1])

    def save(self, key: SessionTarget, data: dict[str, Any], now: float) -> None:
        text = _dumps(data)
        with self._lock:
            self._open_rows()[key] = (text, float(now))

    def delete(self, key: SessionTarget) -> bool:
        with self._lock:
            return self._open_rows().pop(key, None) is not None

    def purge_idle(self, older_than: float) -> int:
        with self._lock:
            rows = self._open_rows()
            idle = [key for key, (_, updated_at) in rows.items() if updated_at < older_than]
            for key in idle:
                del rows[key]
        return len(idle)

    def close(self) -> None:
        with self._lock:
            self._rows = None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    bot_id     TEXT NOT NULL,
    alias_id   TEXT NOT NULL,
    locale_id  TEXT NOT NULL,
    session_id TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (bot_id, alias_id, locale_id, session_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at);
"""

_SELECT = (
    "SELECT data, updated_at FROM sessions "
    "WHERE bot_id = ? AND alias_id = ? AND locale_id = ? AND session_id = ?"
)
_DELETE = "DELETE FROM sessions WHERE bot_id = ? AND alias_id = ? AND locale_id = ? AND session_id = ?"
_UPSERT = (
    "INSERT INTO sessions (bot_id, alias_id, locale_id, session_id, data, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (bot_id, alias_id, locale_id, session_id) "
    "DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
)
_PURGE = "DELETE FROM sessions WHERE updated_at < ?"


def _params(key: SessionTarget) -> tuple[str, str, str, str]:
    return (key.bot_id, key.alias_id, key.locale_id, key.session_id)


class SqliteSessionStore:
    """One SQLite file in WAL mode, shared by all threads through one connection and a lock.

    A single connection serialised by a lock is simpler than a per-thread pool and fast enough: each
    call is one indexed statement in autocommit mode. ``synchronous=NORMAL`` with WAL keeps the database
    consistent after a crash; at worst the last few saves of a power loss are lost, which for
    conversation state is acceptable.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        with self._translate("open"):
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=5.0)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
            except BaseException:
                conn.close()
                raise
        self._conn: sqlite3.Connection | None = conn

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            logger.error("session store %s failed (%s): %s", self.path, action, exc)
            raise InternalServerException("The session store is unavailable.") from exc

    def _open_conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise InternalServerException(_CLOSED)
        return self._conn

    def load(self, key: SessionTarget) -> StoredSession | None:
        with self._lock, self._translate("load"):
            row = self._open_conn().execute(_SELECT, _params(key)).fetchone()
        if row is None:
            return None
        return StoredSession(data=_loads(row[0], key), updated_at=float(row[1]))

    def save(self, key: SessionTarget, data: dict[str, Any], now: float) -> None:
        text = _dumps(data)
        with self._lock, self._translate("save"):
            self._open_conn().execute(_UPSERT, (*_params(key), text, float(now)))

    def delete(self, key: SessionTarget) -> bool:
        with self._lock, self._translate("delete"):
            return self._open_conn().execute(_DELETE, _params(key)).rowcount > 0

    def purge_idle(self, older_than: float) -> int:
        with self._lock, self._translate("purge"):
            count: int = self._open_conn().execute(_PURGE, (float(older_than),)).rowcount
        return count

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with self._translate("close"):
                    conn.close()
