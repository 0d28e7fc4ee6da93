"""Local admin-portal users: usernames, roles and scrypt password hashes in one SQLite file.

Only ``meety serve`` needs this; in AWS, Cognito keeps the users. The CLI and a running server share the
file, so every call opens its own connection and runs one short transaction (WAL, 5 s busy timeout), and
password hashing happens before the write lock is taken: a login never holds the lock for scrypt's 50 ms.

Hashes are stored as ``scrypt$n$r$p$salt_b64$hash_b64``: each hash names its own parameters, so they can
be raised later and older hashes still verify. ``authenticate`` spends the same hashing time whether or
not the user exists, so response times do not reveal which usernames are real.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import MeetyError
from fulfillment.identity import ROLES, Role

USERS_FILE = "admin-users.db"
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
"""Generous for passphrases; the cap keeps one login request from buying unbounded hashing."""
_ROLES_IN_ORDER: tuple[Role, ...] = ("admin", "viewer", "ops")
USERNAME = re.compile(r"[A-Za-z0-9._@-]{3,64}")

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 64
_MAX_N = 2**20
"""Refuse stored parameters beyond this: a corrupted row must not make one login eat gigabytes."""
_DUMMY_HASH = (
    f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
    f"{base64.b64encode(bytes(SALT_BYTES)).decode()}${base64.b64encode(bytes(HASH_BYTES)).decode()}"
)
"""Verified against when the user does not exist: same cost as a real check, never matches."""

_SELECT_ALL = "SELECT id, username, role, created_at, updated_at, password_hash FROM users ORDER BY username"
_SELECT_ONE = "SELECT id, username, role, created_at, updated_at, password_hash FROM users WHERE username = ?"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY COLLATE NOCASE,
    id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


class UserError(MeetyError):
    """A user could not be created, changed or found; the message is fit for the CLI or an HTTP body."""


class UserExists(UserError):
    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"user {username} already exists")


class UserNotFound(UserError):
    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"no user {username}")


class InvalidUserInput(UserError):
    """``field`` is ``"username"``, ``"password"`` or ``"role"``: the one the caller should fix."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class UserStoreUnavailable(UserError):
    """The SQLite file could not be read or written (locked past the busy timeout, disk, permissions)."""


@dataclass(frozen=True)
class User:
    """A user without its password hash, so it can be logged or returned without leaking the hash.

    ``id`` is random per user: use it as the token subject so a re-created user is a different subject.
    """

    id: str
    username: str
    role: Role
    created_at: datetime
    updated_at: datetime


class UserStore:
    """Users in ``path`` (usually ``<data_dir>/admin-users.db``); usernames are unique ignoring case."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # it holds password hashes: create it private (SQLite gives -wal/-shm the same mode)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UserStoreUnavailable(f"cannot open user store {path}: {exc}") from exc

    def create(self, username: str, password: str, role: str) -> User:
        check_username(username)
        checked_role = check_role(role)
        encoded = hash_password(password)
        now = datetime.now(UTC)
        user = User(
            id=secrets.token_hex(16), username=username, role=checked_role, created_at=now, updated_at=now
        )
        with self._write() as db:
            try:
                db.execute(
                    "INSERT INTO users (username, id, role, password_hash, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (username, user.id, user.role, encoded, now.isoformat(), now.isoformat()),
                )
            except sqlite3.IntegrityError as exc:
                raise UserExists(username) from exc
        return user

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password matches, else None (also for unknown users and unusable input)."""
        row = self._row(username) if USERNAME.fullmatch(username) else None
        matches = verify_password(password, row[5] if row else _DUMMY_HASH)
        return _user(row) if row is not None and matches else None

    def set_password(self, username: str, password: str) -> None:
        encoded = hash_password(password)
        now = datetime.now(UTC).isoformat()
        with self._write() as db:
            changed = db.execute(
                "UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?",
                (encoded, now, username),
            ).rowcount
        if not changed:
            raise UserNotFound(username)

    def get(self, username: str) -> User | None:
        row = self._row(username)
        return None if row is None else _user(row)

    def list(self) -> list[User]:
        with self._read() as db:
            rows = db.execute(_SELECT_ALL).fetchall()
        return [_user(r) for r in rows]

    def delete(self, username: str) -> None:
        with self._write() as db:
            deleted = db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount
        if not deleted:
            raise UserNotFound(username)

    def _row(self, username: str) -> tuple[str, str, str, str, str, str] | None:
        with self._read() as db:
            row: tuple[str, str, str, str, str, str] | None = db.execute(
                _SELECT_ONE,
                (username,),
            ).fetchone()
        return row

    def _connect(self) -> closing[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.execute("PRAGMA busy_timeout=5000")
        return closing(db)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._connect() as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise UserStoreUnavailable(f"user store {self.path}: {exc}") from exc

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._connect() as db:
                yield db
        except sqlite3.Error as exc:
            raise UserStoreUnavailable(f"user store {self.path}: {exc}") from exc


def hash_password(password: str) -> str:
    """A new salted scrypt hash of ``password``, after checking its length."""
    secret = _password_bytes(password)
    if len(unicodedata.normalize("NFKC", password)) < MIN_PASSWORD:
        raise InvalidUserInput("password", f"must be at least {MIN_PASSWORD} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``; False for anything unparsable, never an exception."""
    try:
        scheme, n, r, p, salt_b64, hash_b64 = encoded.split("$")
        n_i, r_i, p_i = int(n), int(r), int(p)
        salt, expected = base64.b64decode(salt_b64, validate=True), base64.b64decode(hash_b64, validate=True)
    except ValueError:
        return False
    if scheme != "scrypt" or not (1 < n_i <= _MAX_N and 0 < r_i <= 32 and 0 < p_i <= 16) or not expected:
        return False
    try:
        secret = _password_bytes(password)
    except InvalidUserInput:
        secret = b""  # still hash, so a too-long password costs the same time as a wrong one
    actual = _scrypt(secret, salt, n_i, r_i, p_i, len(expected))
    return bool(secret) and hmac.compare_digest(actual, expected)


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r * p + 2**20)


def _password_bytes(password: str) -> bytes:
    # NFKC (NIST SP 800-63B): the same passphrase typed on two keyboards must give the same bytes
    normalized = unicodedata.normalize("NFKC", password)
    if len(normalized) > MAX_PASSWORD:
        raise InvalidUserInput("password", f"must be at most {MAX_PASSWORD} characters")
    return normalized.encode("utf-8")


def check_username(username: str) -> None:
    """Raise ``InvalidUserInput`` unless ``username`` is 3-64 of ``[A-Za-z0-9._@-]``."""
    if not USERNAME.fullmatch(username):
        raise InvalidUserInput("username", "use 3-64 characters: letters, digits, '.', '_', '@', '-'")


def check_role(role: str) -> Role:
    """``role`` as a ``Role``, or ``InvalidUserInput`` naming the roles there are."""
    for known in _ROLES_IN_ORDER:
        if role == known:
            return known
    raise InvalidUserInput("role", f"must be one of {', '.join(sorted(ROLES))}")


def _user(row: tuple[str, str, str, str, str, str]) -> User:
    return User(
        id=row[0],
        username=row[1],
        role=check_role(row[2]),
        created_at=datetime.fromisoformat(row[3]),
        updated_at=datetime.fromisoformat(row[4]),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
