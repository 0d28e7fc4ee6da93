"""The ``RequestStore`` port: the operations the bot and the admin API need, and nothing else.

Two adapters implement it (SQLite for local runs, DynamoDB for AWS) and pass one contract suite. The
guarantees that matter live here, not in callers: slot holds and idempotency are enforced inside the same
atomic write as the request, and transitions are conditional on the status the caller saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fulfillment.domain.requests import AuditEvent, Decision, Request, Status, utc_key


@dataclass(frozen=True)
class Page:
    """One page of a listing; pass ``cursor`` back to get the next one (``None``: no more)."""

    items: tuple[Request, ...]
    cursor: str | None


class RequestStore(Protocol):
    def create(self, request: Request, audit: AuditEvent) -> Request:
        """Write a new request, its slot holds (meetings) and its first audit event, all or nothing.

        Raises ``SlotTaken`` if a pending/approved meeting overlaps. If a request with the same
        ``idempotency_key`` exists, returns it and writes nothing (a retried Lex turn books once).
        """
        ...

    def get(self, request_id: str) -> Request | None: ...

    def transition(
        self, request_id: str, to_status: Status, audit: AuditEvent, *, expected: Status
    ) -> Request:
        """Move from ``expected`` to ``to_status`` or raise ``TransitionConflict`` with the current status.

        Appends ``audit`` in the same write and frees a meeting's slot when it stops holding it.
        """
        ...

    def audit(self, request_id: str) -> list[AuditEvent]:
        """The request's audit trail, oldest first."""
        ...

    def list_by_status(self, status: Status, limit: int = 50, cursor: str | None = None) -> Page:
        """Requests in ``status``, newest first (the admin queue)."""
        ...

    def list_by_requester(self, channel: str, user_id: str, statuses: Iterable[Status]) -> list[Request]:
        """A requester's requests in ``statuses``: meetings soonest first, then backups oldest first."""
        ...

    def busy_between(self, start_utc: datetime, end_utc: datetime) -> list[tuple[datetime, datetime]]:
        """``(start, end)`` of pending/approved meetings overlapping ``[start_utc, end_utc)``, by start."""
        ...


def apply_transition(current: Request, to_status: Status, audit: AuditEvent) -> tuple[Request, AuditEvent]:
    """The request after the transition and the audit event as it will be stored (shared by adapters).

    Approving or rejecting a pending request records the decision; the audit event is stamped with the
    request id and the real from/to statuses.
    """
    decision = current.decision
    if current.status == "pending" and to_status in ("approved", "rejected"):
        decision = Decision(by=audit.actor, at=audit.at, reason=audit.reason)
    updated = current.model_copy(update={"status": to_status, "updated_at": audit.at, "decision": decision})
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


def overlapping(
    spans: Iterable[tuple[datetime, datetime]], start_utc: datetime, end_utc: datetime
) -> list[tuple[datetime, datetime]]:
    """Distinct spans overlapping ``[start_utc, end_utc)``, sorted; adapters over-fetch by block."""
    return sorted({(s, e) for s, e in spans if s < end_utc and e > start_utc})
