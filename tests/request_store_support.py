"""Shared pieces of the request-store tests: builders, the two-adapter ``store`` fixture, and small helpers.

The builders make a request or audit event in one call, varying only what a test needs. The ``store``
fixture runs a test on SQLite (a tmp file) and on DynamoDB (moto); test modules import it by name
(``from tests.request_store_support import store as store``) so pytest finds it. ``open_store`` and
``dynamodb_client`` are the pieces it is built from, for fixtures that need a variant.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from ulid import ULID

from fulfillment.domain import (
    AuditEvent,
    DynamoRequestStore,
    MeetingDetails,
    Request,
    Requester,
    RequestStore,
    SqliteRequestStore,
    Status,
    create_table,
)

TABLE = "meety-requests"
ADAPTERS = ["sqlite", "dynamodb"]

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


# -- the two adapters -------------------------------------------------------------------------------------


@contextmanager
def dynamodb_client(table: str = TABLE) -> Iterator[Any]:
    """A moto DynamoDB client with the requests table ``table`` created; AWS stays mocked inside the block."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, table)
        yield client


def open_store(
    adapter: str, tmp_path: Path, *, wrap: Callable[[Any], Any] | None = None
) -> Iterator[RequestStore]:
    """Yield a fresh store on ``adapter`` ("sqlite" or "dynamodb"), for a fixture to ``yield from``.

    ``wrap`` wraps the DynamoDB client before the store gets it (e.g. ``SerialClient``).
    """
    if adapter == "sqlite":
        sqlite = SqliteRequestStore(tmp_path / "requests.db")
        yield sqlite
        sqlite.close()
        return
    with dynamodb_client() as client:
        yield DynamoRequestStore(TABLE, wrap(client) if wrap else client)


@pytest.fixture(params=ADAPTERS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RequestStore]:
    yield from open_store(request.param, tmp_path)


# -- writing and reading back -----------------------------------------------------------------------------


def add(store: RequestStore, req: Request, status: Status = "pending") -> Request:
    """Store ``req`` created directly in ``status`` (as a migration or an import would)."""
    return store.create(req.model_copy(update={"status": status}), event(to=status))


def decide(store: RequestStore, req: Request, to: Status, *, expected: Status = "pending") -> Request:
    return store.transition(req.id, to, event(to, actor="admin", to=to), expected=expected)


def ids(requests: list[Request]) -> list[str]:
    return [r.id for r in requests]
