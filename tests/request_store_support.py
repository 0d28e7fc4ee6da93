"""Builders for request-store tests: a request or audit event in one call, varying only what a test needs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from ulid import ULID

from fulfillment.domain import AuditEvent, MeetingDetails, Request, Requester, Status

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""A Monday morning, UTC: the base time of every meeting built here."""

ALICE = Requester(channel="slack", user_id="U1", display_name="Alice", email="alice@example.com")
BOB = Requester(channel="web", user_id="U2", display_name="Bob")


def meeting(
    start: datetime = T0,
    minutes: int = 30,
    *,
    requester: Requester = ALICE,
    key: str | None = None,
    created: datetime | None = None,
) -> Request:
    created = created or datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return Request(
        id=str(ULID()),
        kind="meeting",
        status="pending",
        requester=requester,
        locale="en_US",
        created_at=created,
        updated_at=created,
        meeting=MeetingDetails(
            attendee_name="Carol",
            attendee_email="carol@example.com",
            start_utc=start,
            user_zone="Europe/Madrid",
            duration_minutes=minutes,
            topic="sync",
        ),
        idempotency_key=key,
    )


def backup(*, requester: Requester = ALICE, created: datetime | None = None) -> Request:
    created = created or datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return Request(
        id=str(ULID()),
        kind="backup",
        status="pending",
        requester=requester,
        locale="en_US",
        created_at=created,
        updated_at=created,
    )


def event(
    action: str = "create", *, actor: str = "U1", to: Status = "pending", reason: str | None = None
) -> AuditEvent:
    """An audit event; stores overwrite request id and from/to statuses with what they actually write."""
    return AuditEvent(
        request_id="",
        at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(minutes=len(action)),
        actor=actor,
        action=action,
        to_status=to,
        reason=reason,
        channel="slack",
    )


class SerialClient:
    """A boto3 client proxy that runs one call at a time (DynamoDB's per-request atomicity, for moto)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._client, name)
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return target(*args, **kwargs)

        return call
