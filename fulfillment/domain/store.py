"""The ``RequestStore`` port: the operations the bot and the admin API need, and nothing else.

Two adapters implement it (SQLite for local runs, DynamoDB for AWS) and pass one contract suite. The
guarantees that matter live here, not in callers: slot holds and idempotency are enforced inside the same
atomic write as the request, and transitions are conditional on the status the caller saw.

Listings page by keyset on ``Request.sort_key`` (``created_at#id``), newest first. The cursor is the same
on both adapters: base64url (unpadded) of ``{"v": 1, "after": <sort key>, "q": <query fingerprint>}``.
A sort key rather than a backend position makes it portable and lets a DynamoDB listing that merges several
partitions resume each of them; the fingerprint makes a cursor from another query a 400, not a silent
jump into a different listing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, get_args

from fulfillment.domain.errors import InvalidCursor
from fulfillment.domain.requests import (
    AuditEvent,
    BackupDetails,
    Decision,
    Kind,
    Request,
    Status,
    parse_utc_key,
    utc_key,
)

MAX_PAGE = 100
"""Upper bound of ``list_requests``'s ``limit``: one admin page, and a bounded DynamoDB read per call."""


@dataclass(frozen=True)
class Page:
    """One page of a listing; pass ``cursor`` back to get the next one (``None``: no more)."""

    items: tuple[Request, ...]
    cursor: str | None


@dataclass(frozen=True)
class RequestQuery:
    """Filters of the admin listing; ``None`` means "any". All given filters must hold.

    ``requester`` is ``(channel, user_id)``; ``created_from`` is inclusive and ``created_before`` exclusive,
    so consecutive ranges never count a request twice.
    """

    status: Status | None = None
    kind: Kind | None = None
    requester: tuple[str, str] | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None

    def __post_init__(self) -> None:
        # Values arrive from HTTP query strings: refuse what the type hints cannot enforce at runtime.
        if self.status is not None and self.status not in get_args(Status):
            raise ValueError(f"unknown status {self.status!r}")
        if self.kind is not None and self.kind not in get_args(Kind):
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.requester is not None:
            if len(self.requester) != 2 or not all(isinstance(p, str) and p for p in self.requester):
                raise ValueError("requester must be (channel, user_id)")
            object.__setattr__(self, "requester", tuple(self.requester))  # a list would never compare equal
        for bound in (self.created_from, self.created_before):
            if bound is not None and (bound.tzinfo is None or bound.utcoffset() is None):
                raise ValueError("created_from / created_before must be timezone-aware")

    @property
    def lower(self) -> str | None:
        """Inclusive lower bound on ``sort_key`` (a bare timestamp sorts before every ``<ts>#<id>``)."""
        return None if self.created_from is None else utc_key(self.created_from)

    def upper(self, cursor: str | None) -> str | None:
        """Exclusive upper bound on ``sort_key``: the tighter of the cursor and ``created_before``."""
        before = None if self.created_before is None else utc_key(self.created_before)
        bounds = [b for b in (cursor, before) if b is not None]
        return min(bounds) if bounds else None

    def matches(self, request: Request) -> bool:
        """The filter as a predicate: the reference both adapters' native filters must agree with."""
        return (
            (self.status is None or request.status == self.status)
            and (self.kind is None or request.kind == self.kind)
            and (
                self.requester is None
                or (request.requester.channel, request.requester.user_id) == self.requester
            )
            and (self.created_from is None or request.created_at >= self.created_from)
            and (self.created_before is None or request.created_at < self.created_before)
        )

    def fingerprint(self) -> str:
        """A short digest of the filters, so a cursor can tell which query it belongs to."""
        canonical = json.dumps(
            [
                self.status,
                self.kind,
                None if self.requester is None else list(self.requester),
                self.lower,
                None if self.created_before is None else utc_key(self.created_before),
            ]
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class RequestStore(Protocol):
    def create(self, request: Request, audit: AuditEvent) -> Request:
        """Write a new request, its slot holds (meetings) and its first audit event, all or nothing.

        Raises ``SlotTaken`` if a pending/approved meeting overlaps. If a request with the same
        ``idempotency_key`` exists, returns it and writes nothing (a retried Lex turn books once).
        """
        ...

    def get(self, request_id: str) -> Request | None: ...

    def transition(
        self,
        request_id: str,
        to_status: Status,
        audit: AuditEvent,
        *,
        expected: Status,
        backup: BackupDetails | None = None,
    ) -> Request:
        """Move from ``expected`` to ``to_status`` or raise ``TransitionConflict`` with the current status.

        Appends ``audit`` in the same write and frees a meeting's slot when it stops holding it.
        ``backup`` replaces a backup request's details in the same write (snapshot id, outcome).
        """
        ...

    def audit(self, request_id: str) -> list[AuditEvent]:
        """The request's audit trail, oldest first."""
        ...

    def list_by_status(self, status: Status, limit: int = 50, cursor: str | None = None) -> Page:
        """Requests in ``status``, newest first (the admin queue and the expiry sweep).

        Same as ``list_requests(RequestQuery(status=status))`` but ``limit`` has no upper bound, because the
        sweep reads bigger pages than a person does. Raises ``InvalidCursor`` on a cursor it did not issue.
        """
        ...

    def oldest(self, status: Status) -> Request | None:
        """The request longest in ``status`` (the queue-age metric): one indexed read, oldest first."""
        ...

    def list_requests(self, query: RequestQuery, limit: int = 50, cursor: str | None = None) -> Page:
        """Requests matching ``query``, newest first by ``sort_key``, ``limit`` (1..``MAX_PAGE``) at a time.

        A page is short only at the end, so ``cursor`` is ``None`` exactly when nothing more matches and a
        page is never empty while something does: a sparse filter costs reads, never an empty page.
        Raises ``InvalidCursor`` for a cursor not issued for this very query, ``ValueError`` for ``limit``.
        """
        ...

    def approved_meetings(self, start_utc: datetime, end_utc: datetime) -> list[Request]:
        """Approved meetings overlapping ``[start_utc, end_utc)``, by meeting start then id (the calendar).

        A meeting ending exactly at ``start_utc`` is not in it. The caller bounds the range (92 days):
        DynamoDB reads it one day partition at a time.
        """
        ...

    def list_by_requester(self, channel: str, user_id: str, statuses: Iterable[Status]) -> list[Request]:
        """A requester's requests in ``statuses``: meetings soonest first, then backups oldest first."""
        ...

    def busy_between(self, start_utc: datetime, end_utc: datetime) -> list[tuple[datetime, datetime]]:
        """``(start, end)`` of pending/approved meetings overlapping ``[start_utc, end_utc)``, by start."""
        ...


def check_page_limit(limit: int, maximum: int | None = MAX_PAGE) -> None:
    if limit < 1 or (maximum is not None and limit > maximum):
        raise ValueError(f"limit must be between 1 and {maximum}" if maximum else "limit must be at least 1")


_CURSOR_CHARS = re.compile(r"[A-Za-z0-9_-]{1,512}")
_SORT_KEY = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)#([^\x00-\x1f\x7f]{1,200})", re.ASCII)


class Fingerprinted(Protocol):
    """What a cursor is tied to: a listing's filters (``RequestQuery``), or the ops audit's window."""

    def fingerprint(self) -> str: ...


def encode_cursor(after: str, query: Fingerprinted) -> str:
    """The cursor that resumes ``query`` after the request whose sort key is ``after``."""
    payload = json.dumps({"v": 1, "after": after, "q": query.fingerprint()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, query: Fingerprinted) -> str | None:
    """The sort key a cursor resumes after; ``InvalidCursor`` unless it is exactly what we issue."""
    if cursor is None:
        return None
    if not _CURSOR_CHARS.fullmatch(cursor):
        raise InvalidCursor("not a base64url token")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor("undecodable") from None
    if not isinstance(payload, dict) or set(payload) != {"v", "after", "q"} or type(payload["v"]) is not int:
        raise InvalidCursor("unexpected shape")
    if payload["v"] != 1:
        raise InvalidCursor("unsupported version")
    after, fingerprint = payload["after"], payload["q"]
    if not isinstance(after, str) or not isinstance(fingerprint, str):
        raise InvalidCursor("unexpected shape")
    if fingerprint != query.fingerprint():
        raise InvalidCursor("issued for a different query")
    match = _SORT_KEY.fullmatch(after)
    if match is None:
        raise InvalidCursor("not a sort key")
    try:
        parse_utc_key(match.group(1))
    except ValueError:
        raise InvalidCursor("not a sort key") from None
    return after


def apply_transition(
    current: Request, to_status: Status, audit: AuditEvent, backup: BackupDetails | None = None
) -> tuple[Request, AuditEvent]:
    """The request after the transition and the audit event as it will be stored (shared by adapters).

    Approving or rejecting a pending request records the decision; the audit event is stamped with the
    request id and the real from/to statuses.
    """
    decision = current.decision
    if current.status == "pending" and to_status in ("approved", "rejected"):
        decision = Decision(by=audit.actor, at=audit.at, reason=audit.reason)
    changes: dict[str, object] = {"status": to_status, "updated_at": audit.at, "decision": decision}
    if backup is not None:
        if current.kind != "backup":
            raise ValueError("backup details belong to backup requests only")
        changes["backup"] = backup
    updated = current.model_copy(update=changes)
    stamped = audit.model_copy(
        update={"request_id": current.id, "from_status": current.status, "to_status": to_status}
    )
    return updated, stamped


def stamp_created(request: Request, audit: AuditEvent) -> AuditEvent:
    return audit.model_copy(
        update={"request_id": request.id, "from_status": None, "to_status": request.status}
    )


def requester_order(requests: Sequence[Request]) -> list[Request]:
    """Meetings soonest first, then the rest oldest first: what "my requests" shows."""

    def key(r: Request) -> tuple[int, str]:
        if r.meeting is not None:
            return (0, f"{utc_key(r.meeting.start_utc)}#{r.id}")
        return (1, r.sort_key)

    return sorted(requests, key=key)


def calendar_order(candidates: Iterable[Request], start_utc: datetime, end_utc: datetime) -> list[Request]:
    """Approved meetings among ``candidates`` overlapping ``[start_utc, end_utc)``, by start then id.

    Adapters find candidates by slot-hold block, which over-fetches by up to a block at each edge and
    includes pending meetings; this is the exact cut, shared so both agree on the edges.
    """
    found = {
        r.id: r
        for r in candidates
        if r.status == "approved"
        and r.meeting is not None
        and r.meeting.start_utc < end_utc
        and r.meeting.end_utc > start_utc
    }
    return sorted(found.values(), key=lambda r: (r.meeting.start_utc if r.meeting else start_utc, r.id))


def overlapping(
    spans: Iterable[tuple[datetime, datetime]], start_utc: datetime, end_utc: datetime
) -> list[tuple[datetime, datetime]]:
    """Distinct spans overlapping ``[start_utc, end_utc)``, sorted; adapters over-fetch by block."""
    return sorted({(s, e) for s, e in spans if s < end_utc and e > start_utc})
