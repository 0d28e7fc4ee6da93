"""One contract for every SessionStore: the engine must not tell the memory and SQLite stores apart.

The suite runs each test against both implementations; SQLite-only tests cover what only a file can do
(restart persistence, WAL, failures of the database itself).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.api import SessionTarget
from bot.runtime.errors import InternalServerException
from bot.runtime.sessions import MemorySessionStore, SessionStore, SqliteSessionStore, StoredSession

StoreFactory = Callable[[], SessionStore]

KEY = SessionTarget(bot_id="ABCDEFGHIJ", alias_id="TSTALIASID", locale_id="en_US", session_id="user-1")
STATE: dict[str, Any] = {
    "sessionState": {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "MeetingDate"},
        "intent": {"name": "ScheduleMeeting", "slots": {"MeetingDate": None}, "state": "InProgress"},
        "sessionAttributes": {"team": "platform", "emoji": "📅", "accent": "réunion"},
    },
    "turns": 3,
    "score": 0.87,
    "flags": [True, False, None],
}


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Builds stores of the parametrised kind; every SQLite store of one test shares the same file."""
    stores: list[SessionStore] = []

    def make() -> SessionStore:
        store: SessionStore
        if request.param == "memory":
            store = MemorySessionStore()
        else:
            store = SqliteSessionStore(tmp_path / "state" / "sessions.db")
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> SessionStore:
    return make_store()


def test_an_unknown_session_loads_as_none(store: SessionStore) -> None:
    assert store.load(KEY) is None


def test_save_then_load_returns_the_data_and_time(store: SessionStore) -> None:
    store.save(KEY, STATE, now=1_700_000_000.25)

    assert store.load(KEY) == StoredSession(data=STATE, updated_at=1_700_000_000.25)


def test_saving_again_replaces_data_and_time(store: SessionStore) -> None:
    store.save(KEY, STATE, now=100.0)
    store.save(KEY, {"turns": 4}, now=160.5)

    assert store.load(KEY) == StoredSession(data={"turns": 4}, updated_at=160.5)


@pytest.mark.parametrize("field", ["bot_id", "alias_id", "locale_id", "session_id"])
def test_every_part_of_the_key_separates_sessions(store: SessionStore, field: str) -> None:
    other = SessionTarget(**{**KEY.__dict__, field: "OTHER12345"})
    store.save(KEY, {"who": "first"}, now=1.0)
    store.save(other, {"who": "second"}, now=2.0)

    assert store.load(KEY) == StoredSession(data={"who": "first"}, updated_at=1.0)
    assert store.load(other) == StoredSession(data={"who": "second"}, updated_at=2.0)


def test_loaded_data_is_a_copy(store: SessionStore) -> None:
    data: dict[str, Any] = {"attributes": {"a": "1"}}
    store.save(KEY, data, now=1.0)
    data["attributes"]["a"] = "changed after save"
    loaded = store.load(KEY)
    assert loaded is not None
    loaded.data["attributes"]["a"] = "changed after load"

    again = store.load(KEY)
    assert again is not None
    assert again.data == {"attributes": {"a": "1"}}


def test_data_goes_through_json(store: SessionStore) -> None:
    """Both stores normalise like JSON does, so tests on memory predict production on SQLite."""
    store.save(KEY, {"pair": (1, 2), "by_number": {1: "one"}}, now=1.0)

    loaded = store.load(KEY)
    assert loaded is not None
    assert loaded.data == {"pair": [1, 2], "by_number": {"1": "one"}}


@pytest.mark.parametrize("bad", [{"when": object()}, {"score": math.nan}, {"big": math.inf}])
def test_data_that_is_not_json_is_refused_and_not_stored(store: SessionStore, bad: dict[str, Any]) -> None:
    with pytest.raises(InternalServerException, match="could not be stored"):
        store.save(KEY, bad, now=1.0)

    assert store.load(KEY) is None


def test_delete_reports_whether_the_session_existed(store: SessionStore) -> None:
    store.save(KEY, STATE, now=1.0)

    assert store.delete(KEY) is True
    assert store.load(KEY) is None
    assert store.delete(KEY) is False


def test_purge_idle_removes_only_sessions_saved_strictly_before_the_cutoff(store: SessionStore) -> None:
    keys = [SessionTarget("ABCDEFGHIJ", "TSTALIASID", "en_US", f"s{i}") for i in range(5)]
    for i, key in enumerate(keys):
        store.save(key, {"i": i}, now=100.0 + i)

    assert store.purge_idle(older_than=102.0) == 2
    assert [store.load(key) is not None for key in keys] == [False, False, True, True, True]
    assert store.purge_idle(older_than=102.0) == 0


def test_a_purged_session_can_start_again(store: SessionStore) -> None:
    store.save(KEY, {"old": True}, now=1.0)
    store.purge_idle(older_than=2.0)
    store.save(KEY, {"new": True}, now=3.0)

    assert store.load(KEY) == StoredSession(data={"new": True}, updated_at=3.0)


def test_close_is_idempotent_and_later_calls_fail_like_lex(store: SessionStore) -> None:
    store.close()
    store.close()

    calls: list[Callable[[], object]] = [
        lambda: store.load(KEY),
        lambda: store.save(KEY, {}, now=1.0),
        lambda: store.delete(KEY),
        lambda: store.purge_idle(1.0),
    ]
    for call in calls:
        with pytest.raises(InternalServerException):
            call()


def test_32_threads_never_see_each_others_sessions(store: SessionStore) -> None:
    threads, rounds = 32, 40
    barrier = threading.Barrier(threads)

    def converse(n: int) -> list[str]:
        key = SessionTarget("ABCDEFGHIJ", "TSTALIASID", "en_US", f"thread-{n}")
        barrier.wait()
        wrong = []
        for turn in range(rounds):
            store.save(key, {"owner": n, "turn": turn, "pad": "x" * (n * 10)}, now=float(turn))
            loaded = store.load(key)
            expected = StoredSession({"owner": n, "turn": turn, "pad": "x" * (n * 10)}, float(turn))
            if loaded != expected:
                wrong.append(f"thread {n} turn {turn}: {loaded}")
        return wrong

    with ThreadPoolExecutor(max_workers=threads) as pool:
        problems = [p for found in pool.map(converse, range(threads)) for p in found]

    assert problems == []
    assert store.purge_idle(older_than=float(rounds)) == threads


# -- SQLite only --------------------------------------------------------------------------------------


def test_sqlite_sessions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    first = SqliteSessionStore(path)
    first.save(KEY, STATE, now=42.5)
    first.close()

    second = SqliteSessionStore(path)
    try:
        assert second.load(KEY) == StoredSession(data=STATE, updated_at=42.5)
        assert second.delete(KEY) is True
    finally:
        second.close()


def test_sqlite_uses_wal_and_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "sessions.db"
    store = SqliteSessionStore(path)
    store.save(KEY, STATE, now=1.0)
    try:
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert conn.execute("SELECT session_id FROM sessions").fetchall() == [("user-1",)]
    finally:
        store.close()


def test_sqlite_errors_become_internal_server_exception(tmp_path: Path) -> None:
    not_a_database = tmp_path / "garbage.db"
    not_a_database.write_bytes(b"this is not an sqlite file" * 100)

    with pytest.raises(InternalServerException, match="session store is unavailable") as caught:
        SqliteSessionStore(not_a_database)
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)
    assert caught.value.status == 500


def test_sqlite_a_corrupt_row_is_reported_not_returned(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    store = SqliteSessionStore(path)
    try:
        with sqlite3.connect(path) as conn:
            conn.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                (KEY.bot_id, KEY.alias_id, KEY.locale_id, KEY.session_id, "{not json", 1.0),
            )
        with pytest.raises(InternalServerException, match="corrupt"):
            store.load(KEY)
    finally:
        store.close()
