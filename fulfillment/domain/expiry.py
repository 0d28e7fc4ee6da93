"""Expiry: a pending request nobody decides on stops holding its slot and leaves the admin queue.

A request carries its own ``expires_at`` (set when it is filed: the pending period, or the meeting's
start if that comes first). ``expire_due`` moves every pending request past that moment to ``expired``
through the store's conditional transition, so a decision racing the sweep wins or loses cleanly and the
audit trail says which. It is run on a schedule: a thread of ``meety serve`` locally, an EventBridge
schedule on ``fulfillment.sweeper.lambda_handler`` in AWS.
"""

from __future__ import annotations

from datetime import datetime

from fulfillment.domain.errors import RequestNotFound, TransitionConflict
from fulfillment.domain.requests import AuditEvent, Request
from fulfillment.domain.store import RequestStore

ACTOR = "system:expiry"
CHANNEL = "system"


def is_due(request: Request, now: datetime) -> bool:
    return request.status == "pending" and request.expires_at is not None and request.expires_at <= now


def reason(request: Request, now: datetime) -> str:
    if request.meeting is not None and request.meeting.start_utc <= now:
        return "the meeting time passed before anyone decided"
    return "no decision within the pending period"


def expire_due(store: RequestStore, now: datetime, *, page_size: int = 200) -> list[Request]:
    """Expire every pending request whose ``expires_at`` is at or before ``now``; returns those expired."""
    expired: list[Request] = []
    cursor: str | None = None
    while True:
        page = store.list_by_status("pending", limit=page_size, cursor=cursor)
        for request in page.items:
            if not is_due(request, now):
                continue
            audit = AuditEvent(
                request_id=request.id,
                at=now,
                actor=ACTOR,
                action="expired",
                to_status="expired",
                reason=reason(request, now),
                channel=CHANNEL,
            )
            try:
                expired.append(store.transition(request.id, "expired", audit, expected="pending"))
            except (TransitionConflict, RequestNotFound):
                continue  # decided (or cancelled) since the page was read: that decision stands
        if page.cursor is None:
            return expired
        cursor = page.cursor
