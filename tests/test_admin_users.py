"""Local admin users: creation rules, password checks, the stored hash format, and sharing the file."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest

from admin_api.users import (
    USERS_FILE,
    InvalidUserInput,
    UserError,
    UserExists,
    UserNotFound,
    UserStore,
    hash_password,
    verify_password,
)
from bot.errors import MeetyError

PASSWORD = "correct horse battery"  # noqa: S105 (a test user)


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / USERS_FILE)


def stored_hash(path: Path, username: str) -> str:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()
    assert row is not None
    return str(row[0])


def test_a_created_user_logs_in_with_its_password_only(store: UserStore) -> None:
    created = store.create("alice", PASSWORD, "admin")

    assert store.authenticate("alice", PASSWORD) == created
    assert store.authenticate("alice", PASSWORD + "!") is None
    assert store.authenticate("alice", PASSWORD.upper()) is None
    assert store.authenticate("bob", PASSWORD) is None
    assert created.role == "admin"
    assert len(created.id) == 32


def test_usernames_are_unique_ignoring_case_and_match_ignoring_case(store: UserStore) -> None:
    store.create("Alice", PASSWORD, "viewer")

    with pytest.raises(UserExists, match="already exists"):
        store.create("alice", "another password!", "admin")
    user = store.authenticate("ALICE", PASSWORD)
    assert user is not None
    assert user.username == "Alice"
    assert [u.role for u in store.list()] == ["viewer"]


def test_each_user_gets_its_own_id(store: UserStore) -> None:
    first = store.create("alice", PASSWORD, "admin")
    store.delete("alice")

    assert store.create("alice", PASSWORD, "admin").id != first.id


@pytest.mark.parametrize(
    "username", ["ab", "a" * 65, "has space", "semi;colon", "ünïcode", "a\nb", "abc\n", ""]
)
def test_bad_usernames_are_refused_naming_the_field(store: UserStore, username: str) -> None:
    with pytest.raises(InvalidUserInput) as caught:
        store.create(username, PASSWORD, "admin")
    assert caught.value.field == "username"
    assert store.list() == []


@pytest.mark.parametrize("username", ["abc", "a" * 64, "jane.doe@example.com", "ops_bot-2"])
def test_good_usernames_are_accepted(store: UserStore, username: str) -> None:
    assert store.create(username, PASSWORD, "ops").username == username


@pytest.mark.parametrize("password", ["", "short", "elevenchars", "x" * 1025])
def test_bad_passwords_are_refused_naming_the_field(store: UserStore, password: str) -> None:
    with pytest.raises(InvalidUserInput) as caught:
        store.create("alice", password, "admin")
    assert caught.value.field == "password"
    assert store.list() == []


def test_twelve_characters_is_enough(store: UserStore) -> None:
    store.create("alice", "twelve chars", "admin")

    assert store.authenticate("alice", "twelve chars") is not None


@pytest.mark.parametrize("role", ["root", "Admin", "", "admins"])
def test_unknown_roles_are_refused_naming_the_field(store: UserStore, role: str) -> None:
    with pytest.raises(InvalidUserInput) as caught:
        store.create("alice", PASSWORD, role)
    assert caught.value.field == "role"
    assert "admin, ops, viewer" in str(caught.value)


def test_errors_form_one_hierarchy_under_meety_error() -> None:
    for error in (UserExists, UserNotFound, InvalidUserInput):
        assert issubclass(error, UserError)
    assert issubclass(UserError, MeetyError)


def test_the_hash_is_self_describing_scrypt(tmp_path: Path) -> None:
    store = UserStore(tmp_path / USERS_FILE)
    store.create("alice", PASSWORD, "admin")

    encoded = stored_hash(tmp_path / USERS_FILE, "alice")

    scheme, n, r, p, salt_b64, hash_b64 = encoded.split("$")
    salt, digest = base64.b64decode(salt_b64), base64.b64decode(hash_b64)
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert (len(salt), len(digest)) == (16, 64)
    assert hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=64) == digest
    assert PASSWORD not in encoded


def test_the_same_password_gets_a_different_salt_each_time() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_hashes_with_other_parameters_still_verify() -> None:
    salt = b"s" * 16
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**10, r=4, p=2, dklen=32)
    encoded = f"scrypt$1024$4$2${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"

    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + "x", encoded)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain",
        "bcrypt$16384$8$1$c2FsdA==$aGFzaA==",
        "scrypt$16384$8$1$not base64$aGFzaA==",
        "scrypt$x$8$1$c2FsdA==$aGFzaA==",
        "scrypt$1073741824$8$1$c2FsdA==$aGFzaA==",  # absurd cost: refused, not computed
        "scrypt$16384$8$1$c2FsdA==$",
    ],
)
def test_unusable_hashes_never_match_and_never_raise(encoded: str) -> None:
    assert verify_password(PASSWORD, encoded) is False


def test_unicode_passwords_match_in_any_normal_form(store: UserStore) -> None:
    composed, decomposed = "caf\u00e9 con leche!", "cafe\u0301 con leche!"
    store.create("alice", composed, "admin")

    assert store.authenticate("alice", decomposed) is not None


def test_unknown_users_cost_as_much_time_as_wrong_passwords(store: UserStore) -> None:
    store.create("alice", PASSWORD, "admin")

    def best_of(username: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            store.authenticate(username, "wrong password!")
            times.append(time.perf_counter() - start)
        return min(times)

    known, unknown, malformed = best_of("alice"), best_of("nobody"), best_of("no")
    assert unknown > known * 0.5
    assert malformed > known * 0.5


def test_set_password_replaces_the_old_one(store: UserStore) -> None:
    store.create("alice", PASSWORD, "admin")

    store.set_password("ALICE", "a brand new secret")

    assert store.authenticate("alice", PASSWORD) is None
    assert store.authenticate("alice", "a brand new secret") is not None
    with pytest.raises(UserNotFound):
        store.set_password("bob", "a brand new secret")
    with pytest.raises(InvalidUserInput):
        store.set_password("alice", "short")


def test_list_is_sorted_and_delete_removes(store: UserStore) -> None:
    for name, role in (("carol", "ops"), ("alice", "admin"), ("bob", "viewer")):
        store.create(name, PASSWORD, role)

    assert [(u.username, u.role) for u in store.list()] == [
        ("alice", "admin"),
        ("bob", "viewer"),
        ("carol", "ops"),
    ]
    store.delete("bob")
    assert [u.username for u in store.list()] == ["alice", "carol"]
    assert store.get("bob") is None
    assert store.authenticate("bob", PASSWORD) is None
    with pytest.raises(UserNotFound, match="no user bob"):
        store.delete("bob")


def test_a_second_store_on_the_same_file_sees_changes_at_once(tmp_path: Path) -> None:
    """What `meety admin create-user` relies on while `meety serve` holds the file open."""
    server, cli = UserStore(tmp_path / USERS_FILE), UserStore(tmp_path / USERS_FILE)

    cli.create("alice", PASSWORD, "admin")
    assert server.authenticate("alice", PASSWORD) is not None
    cli.set_password("alice", "a brand new secret")
    assert server.authenticate("alice", "a brand new secret") is not None
    cli.delete("alice")
    assert server.authenticate("alice", "a brand new secret") is None


def test_the_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / USERS_FILE
    UserStore(path).create("alice", PASSWORD, "admin")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_creates_of_one_name_let_exactly_one_win(tmp_path: Path) -> None:
    stores = [UserStore(tmp_path / USERS_FILE) for _ in range(8)]
    barrier = threading.Barrier(len(stores))
    outcomes: list[str] = []

    def create(store: UserStore) -> None:
        barrier.wait()
        try:
            store.create("alice", PASSWORD, "admin")
            outcomes.append("created")
        except UserExists:
            outcomes.append("exists")

    threads = [threading.Thread(target=create, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created"] + ["exists"] * 7
    assert len(stores[0].list()) == 1
