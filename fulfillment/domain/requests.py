"""The request model: what a meeting or backup request is, and which status changes are legal.

Models are frozen so a ``Request`` read from a store is a value, not a handle: every change goes through
``RequestStore.transition``, which is conditional and writes an audit event in the same transaction.
Times are aware UTC everywhere; the requester's IANA zone is kept only to render times back to them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from fulfillment.domain.errors import InvalidTransition

Kind = Literal["meeting", "backup"]
Status = Literal["pending", "approved", "rejected", "cancelled", "expired", "running", "succeeded", "failed"]

HOLDING_STATUSES: frozenset[str] = frozenset({"pending", "approved"})
"""A meeting in one of these statuses holds its slot; leaving them frees it."""

BLOCK = timedelta(minutes=15)
"""Slot-hold granularity: a meeting holds every 15-minute block it touches (rounded outwards)."""

_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "meeting": {
        "pending": frozenset({"approved", "rejected", "cancelled", "expired"}),
        "approved": frozenset({"cancelled"}),
    },
    "backup": {
        "pending": frozenset({"approved", "rejected", "cancelled", "expired"}),
        "approved": frozenset({"running"}),
        "running": frozenset({"succeeded", "failed"}),
    },
}


def check_transition(kind: str, from_status: str, to_status: str) -> None:
    """Raise ``InvalidTransition`` unless ``kind`` may go from ``from_status`` to ``to_status``.

    Every other status is final, which is what makes a second decision a conflict rather than an update.
    """
    if to_status not in _TRANSITIONS.get(kind, {}).get(from_status, frozenset()):
        raise InvalidTransition(kind, from_status, to_status)


def _aware_utc(value: datetime) -> datetime:
    # Naive datetimes are refused rather than guessed: a wrong zone would book the wrong hour.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Requester(_Frozen):
    """Who asked, as their channel knows them (Slack user, Cognito sub, web session...)."""

    channel: str
    user_id: str
    display_name: str
    email: str | None = None


class Decision(_Frozen):
    """Who approved or rejected, when, and why."""

    by: str
    at: datetime
    reason: str | None = None

    _utc = field_validator("at")(_aware_utc)


class MeetingDetails(_Frozen):
    """The meeting-specific part of a request; ``start_utc`` plus duration define the held slot."""

    attendee_name: str
    attendee_email: str
    start_utc: datetime
    user_zone: str
    duration_minutes: int = Field(gt=0, le=24 * 60)
    topic: str | None = None

    _utc = field_validator("start_utc")(_aware_utc)

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(minutes=self.duration_minutes)

    def blocks(self) -> list[datetime]:
        """The 15-minute block starts this meeting holds: adjacent meetings share none."""
        first = floor_block(self.start_utc)
        out: list[datetime] = []
        block = first
        while block < self.end_utc:
            out.append(block)
            block += BLOCK
        return out


def floor_block(value: datetime) -> datetime:
    """The start of the 15-minute block containing ``value`` (aware UTC)."""
    value = _aware_utc(value)
    return value.replace(minute=value.minute - value.minute % 15, second=0, microsecond=0)


def utc_key(value: datetime) -> str:
    """A fixed-width, lexically sortable UTC timestamp for sort keys and indexed columns."""
    return _aware_utc(value).strftime(_KEY_FORMAT)


def parse_utc_key(key: str) -> datetime:
    """The inverse of ``utc_key``."""
    return datetime.strptime(key, _KEY_FORMAT).replace(tzinfo=UTC)


_KEY_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class BackupDetails(_Frozen):
    """The backup-specific part of a request: what to back up and, once it runs, what AWS made of it.

    ``snapshot_id`` is the RDS (cluster) snapshot identifier or the DynamoDB backup ARN; it is derived
    from the request id, which is what lets a retried execution find the backup instead of making another.
    ``outcome`` is the AWS status last seen (``available``...) or our error kind when the start failed.
    """

    target_kind: Literal["rds", "aurora", "dynamodb"]
    target_name: str = Field(min_length=1, max_length=255)
    snapshot_id: str | None = Field(default=None, max_length=2048)
    outcome: str | None = Field(default=None, max_length=300)
    percent: int | None = Field(default=None, ge=0, le=100)


class Request(_Frozen):
    """A meeting or backup request; ``meeting`` is set exactly when ``kind`` is ``"meeting"``.

    ``backup`` is set for backups filed by the bot; older backup requests may lack it.
    """

    id: str
    kind: Kind
    status: Status
    requester: Requester
    locale: str
    created_at: datetime
    updated_at: datetime
    decision: Decision | None = None
    meeting: MeetingDetails | None = None
    backup: BackupDetails | None = None
    idempotency_key: str | None = None
    expires_at: datetime | None = None

    _utc = field_validator("created_at", "updated_at")(_aware_utc)

    @field_validator("expires_at")
    @classmethod
    def _expires_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _aware_utc(value)

    @field_validator("meeting")
    @classmethod
    def _meeting_matches_kind(
        cls, value: MeetingDetails | None, info: ValidationInfo
    ) -> MeetingDetails | None:
        kind = info.data.get("kind")
        if (kind == "meeting") != (value is not None):
            raise ValueError("meeting details are required for, and only for, meeting requests")
        return value

    @field_validator("backup")
    @classmethod
    def _backup_matches_kind(cls, value: BackupDetails | None, info: ValidationInfo) -> BackupDetails | None:
        if value is not None and info.data.get("kind") != "backup":
            raise ValueError("backup details belong to backup requests only")
        return value

    @property
    def holds_slot(self) -> bool:
        return self.meeting is not None and self.status in HOLDING_STATUSES

    @property
    def sort_key(self) -> str:
        """``created_at`` then id: a total order for "newest first" pages, stable under equal times."""
        return f"{utc_key(self.created_at)}#{self.id}"


class AuditEvent(_Frozen):
    """One line of a request's history: who did what, when, why, and from which channel.

    Stores stamp ``request_id``, ``from_status`` and ``to_status`` from the write itself, so the trail can
    never disagree with what actually happened.
    """

    request_id: str
    at: datetime
    actor: str
    action: str
    from_status: Status | None = None
    to_status: Status
    reason: str | None = None
    channel: str

    _utc = field_validator("at")(_aware_utc)
