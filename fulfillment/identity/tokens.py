"""Local bearer tokens: the stand-in for Cognito when Meety runs on one machine.

Tokens carry the same claim Cognito uses for groups (``cognito:groups``), so code that authorizes a request
checks one claim whatever issued the token. Verification takes ``now`` explicitly instead of reading the
clock, because PyJWT has no clock parameter and tests (and the dialog engine) pin time: PyJWT checks the
signature, algorithm, issuer and audience; the time claims are checked here, after decoding.

The signing key is a random secret in the data dir. It is created with ``O_CREAT | O_EXCL`` under a
temporary name and published with ``link``, which fails if the key already exists: concurrent first runs
(``meety serve`` and a CLI command) all end up using the one key that won, and nobody ever reads a
half-written file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, get_args

from bot.errors import MeetyError

Role = Literal["admin", "viewer", "ops"]
ROLES: frozenset[str] = frozenset(get_args(Role))

ISSUER = "meety-local"
AUDIENCE = "meety-admin"
GROUPS_CLAIM = "cognito:groups"
CHANNEL_CLAIM = "meety:channel"
"""Set by a trusted gateway (our Slack app: ``slack``) so requests it files are the Slack user's."""
ALGORITHM = "HS256"
DEFAULT_TTL = timedelta(minutes=15)
KEY_FILE = "signing-key"
KEY_BYTES = 32
"""HS256 wants a key at least as long as its 256-bit output (RFC 7518 section 3.2)."""
MAX_TOKEN_CHARS = 8192
"""Far above any token we issue; refusing longer input before decoding bounds the work an attacker buys."""

_REQUIRED = ("iss", "aud", "sub", "iat", "exp", "jti")


class InvalidToken(MeetyError):
    """The token cannot be trusted; ``reason`` is short and safe to log, never shown with the token."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid token: {reason}")


class SigningKeyError(MeetyError):
    """The signing key file exists but cannot be used safely; the message says how to fix it."""


@dataclass(frozen=True)
class Identity:
    """Who a verified token speaks for. Only built from a token whose signature and claims checked out."""

    subject: str
    username: str
    roles: frozenset[str]
    issuer: str
    expires_at: datetime
    channel: str | None = None
    """Where the user is (``slack``) when a gateway says so; None: the web (widget, portal)."""

    def has(self, role: Role) -> bool:
        return role in self.roles


def load_or_create_key(data_dir: Path) -> bytes:
    """The data dir's signing key, creating it (mode 0600) on first use.

    Raises ``SigningKeyError`` when the file is readable by others or is not a key we wrote: a key that
    others could read lets them mint admin tokens, so we refuse rather than quietly fix the mode.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_key(path)
    return _read_key(path)


def _create_key(path: Path) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _read_key(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SigningKeyError(f"cannot open signing key {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SigningKeyError(f"signing key {path} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            raise SigningKeyError(
                f"signing key {path} is readable by others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"run `chmod 600 {path}`, or delete it to create a new key (signs everyone out)"
            )
        text = source.read(4 * KEY_BYTES).strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise SigningKeyError(f"signing key {path} is damaged; delete it to create a new one")
    return key


def issue_token(
    key: bytes,
    username: str,
    roles: Iterable[Role],
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    *,
    subject: str | None = None,
    channel: str | None = None,
) -> str:
    """A signed token for ``username`` valid from ``now`` for ``ttl``.

    ``subject`` should be the user's stable id (so a deleted and re-created user is a different subject);
    it defaults to the username.
    """
    import jwt  # here, not at the top: PyJWT pulls in cryptography (~100 ms); anonymous turns skip that

    _check_key(key)
    groups = sorted(set(roles))
    unknown = set(groups) - ROLES
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    issued_at = int(_timestamp(now))
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject if subject is not None else username,
        "username": username,
        GROUPS_CLAIM: groups,
        "iat": issued_at,
        "exp": issued_at + int(ttl.total_seconds()),
        "jti": secrets.token_urlsafe(16),
    }
    if channel is not None:
        claims[CHANNEL_CLAIM] = channel
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_token(
    key: bytes, token: str | None, now: datetime, *, leeway: timedelta = timedelta(0)
) -> Identity:
    """The identity a token speaks for, or ``InvalidToken`` saying why it cannot be trusted.

    ``leeway`` tolerates clock skew between issuer and verifier; locally they share a clock, hence 0.
    """
    import jwt  # see issue_token

    _check_key(key)
    if not token:
        raise InvalidToken("missing")
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken("malformed")
    with decoding():
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # pinned: never let the token's header choose (alg none, HS/RS confusion)
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require": list(_REQUIRED),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    return _identity(claims, _timestamp(now), leeway.total_seconds())


@contextlib.contextmanager
def decoding() -> Iterator[None]:
    """PyJWT's errors as ``InvalidToken`` with a short, safe reason (shared by every verifier)."""
    import jwt

    try:
        yield
    except jwt.InvalidAlgorithmError as exc:
        raise InvalidToken("algorithm not allowed") from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken("bad signature") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidToken(f"missing claim {exc.claim}") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken("wrong issuer") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("wrong audience") from exc
    except jwt.PyJWTError as exc:  # DecodeError and the rest: nothing more useful to say
        raise InvalidToken("malformed") from exc


def bearer_token(header: str | None) -> str:
    """The token in an ``Authorization: Bearer <jwt>`` value (HTTP header or Lex request attribute)."""
    if not header:
        raise InvalidToken("missing")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("not a bearer token")
    return token.strip()


def _identity(claims: Mapping[str, Any], now: float, leeway: float) -> Identity:
    expires = _numeric(claims, "exp")
    if now - leeway >= expires:
        raise InvalidToken("expired")
    if _numeric(claims, "iat") > now + leeway:
        raise InvalidToken("not yet valid")
    if "nbf" in claims and _numeric(claims, "nbf") > now + leeway:
        raise InvalidToken("not yet valid")
    subject = claims["sub"]
    username = claims.get("username")
    if not isinstance(username, str) or not username:
        raise InvalidToken("missing claim username")
    groups = claims.get(GROUPS_CLAIM)
    if groups is None:
        raise InvalidToken(f"missing claim {GROUPS_CLAIM}")
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise InvalidToken(f"bad claim {GROUPS_CLAIM}")
    channel = claims.get(CHANNEL_CLAIM)
    if channel is not None and (not isinstance(channel, str) or not channel.isalnum()):
        raise InvalidToken(f"bad claim {CHANNEL_CLAIM}")
    return Identity(
        subject=subject,
        username=username,
        roles=frozenset(groups),
        issuer=claims["iss"],
        expires_at=datetime.fromtimestamp(expires, UTC),
        channel=channel,
    )


def _numeric(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"bad claim {name}")
    return float(value)


def _timestamp(now: datetime) -> float:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.timestamp()


def _check_key(key: bytes) -> None:
    if len(key) < KEY_BYTES:
        raise ValueError(f"signing key must be at least {KEY_BYTES} bytes")
