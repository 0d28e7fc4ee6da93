"""The admin API's wire models: what goes over HTTP, kept apart from the domain's ``Request``.

Inputs forbid unknown fields and bound every string, so a bad body is a 422 naming the field rather
than something stored half-understood. Outputs are explicit, so a new domain field never leaks by
accident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fulfillment.domain import AuditEvent, Request
from fulfillment.domain.ops_audit import OpsAuditEntry, Outcome

REASON_MAX = 500


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApproveBody(_Input):
    reason: str | None = Field(default=None, max_length=REASON_MAX, description="an optional note")


class RejectBody(_Input):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="why: the requester is told")


class Requester(BaseModel):
    channel: str
    userId: str
    displayName: str
    email: str | None = None


class Meeting(BaseModel):
    attendeeName: str
    attendeeEmail: str
    start: datetime
    end: datetime
    timeZone: str = Field(description="the requester's IANA zone: times are shown to them in it")
    durationMinutes: int
    topic: str | None = None


class Backup(BaseModel):
    targetKind: Literal["rds", "aurora", "dynamodb"] = Field(
        description="rds: a DB instance; aurora: a DB cluster; dynamodb: a table"
    )
    targetName: str = Field(description="the DB instance id, DB cluster id or table name")
    snapshotId: str | None = Field(
        default=None, description="the RDS (cluster) snapshot id or the DynamoDB backup ARN, once started"
    )
    outcome: str | None = Field(default=None, description="AWS's last status, or why it could not start")
    percent: int | None = None


class DecisionOut(BaseModel):
    by: str
    at: datetime
    reason: str | None = None


class RequestOut(BaseModel):
    id: str
    kind: Literal["meeting", "backup"]
    status: str
    requester: Requester
    locale: str
    createdAt: datetime
    updatedAt: datetime
    expiresAt: datetime | None = None
    decision: DecisionOut | None = None
    meeting: Meeting | None = None
    backup: Backup | None = None

    @classmethod
    def of(cls, request: Request) -> RequestOut:
        meeting = request.meeting
        backup = request.backup
        return cls(
            id=request.id,
            kind=request.kind,
            status=request.status,
            requester=Requester(
                channel=request.requester.channel,
                userId=request.requester.user_id,
                displayName=request.requester.display_name,
                email=request.requester.email,
            ),
            locale=request.locale,
            createdAt=request.created_at,
            updatedAt=request.updated_at,
            expiresAt=request.expires_at,
            decision=None
            if request.decision is None
            else DecisionOut(by=request.decision.by, at=request.decision.at, reason=request.decision.reason),
            meeting=None
            if meeting is None
            else Meeting(
                attendeeName=meeting.attendee_name,
                attendeeEmail=meeting.attendee_email,
                start=meeting.start_utc,
                end=meeting.end_utc,
                timeZone=meeting.user_zone,
                durationMinutes=meeting.duration_minutes,
                topic=meeting.topic,
            ),
            backup=None
            if backup is None
            else Backup(
                targetKind=backup.target_kind,
                targetName=backup.target_name,
                snapshotId=backup.snapshot_id,
                outcome=backup.outcome,
                percent=backup.percent,
            ),
        )


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    fromStatus: str | None = None
    toStatus: str
    reason: str | None = None
    channel: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditOut:
        return cls(
            at=event.at,
            actor=event.actor,
            action=event.action,
            fromStatus=event.from_status,
            toStatus=event.to_status,
            reason=event.reason,
            channel=event.channel,
        )


class RequestPage(BaseModel):
    items: list[RequestOut]
    nextCursor: str | None = Field(description="pass as `cursor` for the next page; null: no more")


class RequestDetail(RequestOut):
    audit: list[AuditOut] = Field(description="the request's history, oldest first")


class CalendarOut(BaseModel):
    start: datetime
    end: datetime
    meetings: list[RequestOut]


class OpsAuditOut(BaseModel):
    """One ops turn as admins see it: the verified username, never the token subject or the chat session
    (those identify a person or a conversation beyond what reviewing the trail needs)."""

    id: str
    at: datetime
    intent: str
    outcome: Outcome
    actor: str = Field(description="the verified username, or 'anonymous'")
    channel: str
    detail: str | None = None
    request_id: str | None = Field(default=None, description="the request this turn filed, if any")

    @classmethod
    def of(cls, entry: OpsAuditEntry) -> OpsAuditOut:
        return cls(
            id=entry.id,
            at=entry.at,
            intent=entry.intent,
            outcome=entry.outcome,
            actor=entry.actor,
            channel=entry.channel,
            detail=entry.detail,
            request_id=entry.request_id,
        )


class OpsAuditPageOut(BaseModel):
    items: list[OpsAuditOut] = Field(description="newest first")
    cursor: str | None = Field(
        description="pass as `cursor` for the next page (it carries the window: from/to may be left out); "
        "null: no more"
    )


class Health(BaseModel):
    status: Literal["ok"]


class Problem(BaseModel):
    """Every error body: a sentence for people, plus what a client may act on."""

    message: str
    status: str | None = Field(default=None, description="on 409: the request's current status")
