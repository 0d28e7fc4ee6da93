"""The ops audit trail: every ops answer and refusal the bot gives, kept durably for admins to read.

Ops intents reveal or touch infrastructure, so a refusal (an anonymous user asking for deploy status) is as
much worth keeping as an answer. Entries are separate from request ``AuditEvent``s: those follow one
request's life cycle, these record one chat turn, which may file a request (``request_id`` links them).

Windows are read newest first, keyset-paged on ``sort_key`` (``at#id``) with the request store's cursor
shape but a fingerprint of its own, so a request-listing cursor is refused here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ulid import ULID

from fulfillment.domain.errors import StoreError
from fulfillment.domain.requests import _aware_utc, utc_key
from fulfillment.domain.store import decode_cursor, encode_cursor

Outcome = Literal["answered", "refused", "failed", "filed"]

ANONYMOUS = "anonymous"
"""The actor of a turn nobody signed in for; the only actor without a token subject."""

MAX_DETAIL = 300
"""Detail is a short ``key=value`` note, not a payload: it must never carry secrets or whole responses."""

MAX_WINDOW = timedelta(days=92)
"""DynamoDB reads a window one day partition per Query: this bounds a sparse last page (93 Queries)."""

_ULID = r"[0-9A-HJKMNP-TV-Z]{26}"


class OpsAuditEntry(BaseModel):
    """One ops turn: who asked (as verified, never as claimed), which intent, and what they got."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=f"^{_ULID}$")
    at: datetime
    intent: str = Field(min_length=1)
    outcome: Outcome
    actor: str = Field(min_length=1)
    subject: str | None
    channel: str = Field(min_length=1)
    session_id: str | None = None
    detail: str | None = Field(default=None, max_length=MAX_DETAIL)
    request_id: str | None = None

    _utc = field_validator("at")(_aware_utc)

    @model_validator(mode="after")
    def _subject_matches_actor(self) -> OpsAuditEntry:
        # A named actor without a subject would be a name someone typed, not one a token vouched for.
        if (self.actor == ANONYMOUS) != (self.subject is None):
            raise ValueError(f"subject is required for every actor but {ANONYMOUS!r}, and only for them")
        return self

    @classmethod
    def new(
        cls,
        *,
        at: datetime,
        intent: str,
        outcome: Outcome,
        actor: str,
        subject: str | None,
        channel: str,
        session_id: str | None = None,
        detail: str | None = None,
        request_id: str | None = None,
    ) -> OpsAuditEntry:
        """An entry with a fresh id; ``at`` is required so the caller stamps the turn, not the write."""
        return cls(
            id=str(ULID()),
            at=at,
            intent=intent,
            outcome=outcome,
            actor=actor,
            subject=subject,
            channel=channel,
            session_id=session_id,
            detail=detail,
            request_id=request_id,
        )

    @property
    def sort_key(self) -> str:
        """``at`` then id: a total order for newest-first pages, stable under equal times."""
        return f"{utc_key(self.at)}#{self.id}"


@dataclass(frozen=True)
class OpsAuditPage:
    """One page of the trail; pass ``cursor`` back for the next one (``None``: no more)."""

    items: tuple[OpsAuditEntry, ...]
    cursor: str | None


class OpsAuditLog(Protocol):
    def record(self, entry: OpsAuditEntry) -> None:
        """Store ``entry`` durably; the same entry again is a no-op (a retry), another one with its id a
        ``StoreError``."""
        ...

    def recent(
        self, *, since: datetime, until: datetime, limit: int = 50, cursor: str | None = None
    ) -> OpsAuditPage:
        """Entries with ``since <= at < until``, newest first by ``sort_key``, ``limit`` (1..100) at a time.

        A page is short only at the end. ``ValueError`` for ``limit``, naive bounds or a window over
        ``MAX_WINDOW``; ``InvalidCursor`` for a cursor not issued for this same window.
        """
        ...


@dataclass(frozen=True)
class Window:
    """The checked ``[since, until)`` of one ``recent`` call, shared so both adapters refuse alike."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        for bound in (self.since, self.until):
            if bound.tzinfo is None or bound.utcoffset() is None:
                raise ValueError("since / until must be timezone-aware")
        object.__setattr__(self, "since", self.since.astimezone(UTC))
        object.__setattr__(self, "until", self.until.astimezone(UTC))
        if self.until - self.since > MAX_WINDOW:
            raise ValueError(f"the window may span at most {MAX_WINDOW.days} days")

    @property
    def lower(self) -> str:
        """Inclusive bound on ``sort_key`` (a bare timestamp sorts before every ``<ts>#<id>``)."""
        return utc_key(self.since)

    def upper(self, after: str | None) -> str:
        """Exclusive bound on ``sort_key``: the tighter of the cursor and ``until``."""
        return utc_key(self.until) if after is None else min(after, utc_key(self.until))

    def fingerprint(self) -> str:
        canonical = json.dumps(["ops-audit", utc_key(self.since), utc_key(self.until)])
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def page(self, found: list[OpsAuditEntry], limit: int) -> OpsAuditPage:
        """The page from up to ``limit + 1`` entries read: the extra one only says another page exists."""
        items = tuple(found[:limit])
        if len(found) <= limit:
            return OpsAuditPage(items, None)
        return OpsAuditPage(items, encode_cursor(items[-1].sort_key, self))

    def decode(self, cursor: str | None) -> str | None:
        """The sort key a cursor resumes after; ``InvalidCursor`` unless it is exactly what we issue."""
        return decode_cursor(cursor, self)


def load_entry(raw: str) -> OpsAuditEntry:
    """Parse a stored entry; corrupt data is the store's failure (503), not the caller's."""
    try:
        return OpsAuditEntry.model_validate_json(raw)
    except ValidationError as exc:
        raise StoreError(f"corrupt ops audit entry: {exc.error_count()} errors") from None


def check_replay(entry: OpsAuditEntry, stored: str | None) -> None:
    """Accept a write that found ``entry.id`` taken only if it is the same entry (a retry)."""
    if stored is None or load_entry(stored) != entry:
        raise StoreError(f"ops audit id {entry.id} is taken by another entry")
