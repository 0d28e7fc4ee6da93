"""Runs approved backups exactly once, and follows them until AWS says they are done.

Exactly once rests on two things. The conditional ``approved -> running`` transition lets one executor
through however many try at once (a retried approval, the admin API and the sweep racing). And the
backup's name is derived from the request id, so an executor that is itself retried (a crash after the
transition, a timeout after AWS accepted the call) finds the backup it started instead of starting another.

The runner is the only writer of ``running -> succeeded | failed``: it records the snapshot id and what
AWS reported, with an audit event by ``system:backup``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fulfillment.domain import AuditEvent, BackupDetails, Request, RequestQuery, RequestStore, Status
from fulfillment.domain.errors import TransitionConflict
from fulfillment.ops.aws import OpsError
from fulfillment.ops.backups import (
    BackupClients,
    BackupProgress,
    backup_progress,
    snapshot_name,
    start_backup,
)
from fulfillment.targets import BackupTarget

RESTART_AFTER = timedelta(minutes=10)
"""How long a running backup AWS does not know may stay so before it is started again (under its name).

Long enough for DynamoDB's ``ListBackups`` (how a backup is found before its ARN is recorded) to show a
backup just created, so a lagging listing never leads to a second backup; short enough that a crashed
executor's backup still starts within one sweep or two.
"""
ACTOR = "system:backup"
CHANNEL = "system"
log = logging.getLogger("meety.backups")


@dataclass(frozen=True)
class BackupRunner:
    store: RequestStore
    clients: BackupClients
    clock: Callable[[], datetime]

    def run(self, request_id: str) -> Request | None:
        """Start an approved backup; a request already taken by another executor is left alone.

        Returns the request as this call left it (None if it does not exist).
        """
        request = self.store.get(request_id)
        if request is None or request.kind != "backup" or request.backup is None:
            return request
        if request.status != "approved":
            return request
        details = request.backup.model_copy(update={"snapshot_id": snapshot_name(request.id)})
        try:
            running = self._move(request, "running", details, action="backup_started")
        except TransitionConflict:
            return self.store.get(request_id)  # someone else is running it: exactly once
        return self._start(running)

    def on_approved(self, request: Request) -> None:
        """``Decisions.on_approved``: an approved backup starts at once; other kinds need nothing."""
        if request.kind == "backup":
            self.run(request.id)

    def refresh(self, request: Request, *, restart: bool = True) -> tuple[Request, BackupProgress | None]:
        """A running backup's progress from AWS, closing the request when AWS says it is done.

        A running request whose backup AWS still does not know ``RESTART_AFTER`` later was interrupted
        between the transition and the call (or the call timed out before AWS saw it): with ``restart``
        (the sweep) it is started now, under the same name. The chat's BackupStatus only reads: its role
        may not create backups, and a user asking must never be what starts one.
        """
        if request.status != "running" or request.backup is None:
            return request, None
        target = _target(request.backup)
        try:
            progress = backup_progress(self.clients, target, request.id, _known_arn(request.backup))
        except OpsError as exc:
            log.warning("could not read backup %s: %s", request.id, exc)
            return request, None
        if progress is None:
            if restart and self.clock() - request.updated_at >= RESTART_AFTER:
                return self._start(request), None
            return request, None
        return self._settle(request, progress), progress

    def sweep(self, limit: int = 50) -> int:
        """Run approved backups nobody started, and settle running ones: the safety net for crashes."""
        touched = 0
        for status in ("approved", "running"):
            page = self.store.list_requests(RequestQuery(status=status, kind="backup"), limit=limit)
            for request in page.items:
                before = request.status
                after = self.run(request.id) if status == "approved" else self.refresh(request)[0]
                touched += int(after is not None and after.status != before)
        return touched

    def _start(self, running: Request) -> Request:
        assert running.backup is not None
        try:
            progress = start_backup(self.clients, _target(running.backup), running.id)
        except OpsError as exc:
            log.warning("backup %s could not start: %s", running.id, exc)
            failed = running.backup.model_copy(update={"outcome": exc.kind})
            return self._close(running, "failed", failed, reason=exc.kind)
        return self._settle(running, progress)

    def _settle(self, running: Request, progress: BackupProgress) -> Request:
        assert running.backup is not None
        details = running.backup.model_copy(
            update={
                "snapshot_id": progress.snapshot_id,
                "outcome": progress.aws_status,
                "percent": progress.percent,
            }
        )
        if progress.state == "available":
            return self._close(running, "succeeded", details.model_copy(update={"percent": 100}), reason=None)
        if progress.state == "failed":
            return self._close(running, "failed", details, reason=progress.aws_status)
        return running

    def _close(
        self, running: Request, outcome: Status, details: BackupDetails, reason: str | None
    ) -> Request:
        try:
            return self._move(running, outcome, details, action=f"backup_{outcome}", reason=reason)
        except TransitionConflict:
            return self.store.get(running.id) or running

    def _move(
        self, request: Request, to: Status, details: BackupDetails, *, action: str, reason: str | None = None
    ) -> Request:
        audit = AuditEvent(
            request_id=request.id,
            at=self.clock(),
            actor=ACTOR,
            action=action,
            to_status=to,
            reason=reason,
            channel=CHANNEL,
        )
        return self.store.transition(request.id, to, audit, expected=request.status, backup=details)


def _target(details: BackupDetails) -> BackupTarget:
    return BackupTarget(kind=details.target_kind, name=details.target_name)


def _known_arn(details: BackupDetails) -> str | None:
    """DynamoDB backups are found by ARN once known; before that (and for RDS) by their derived name."""
    snapshot = details.snapshot_id
    return snapshot if snapshot and snapshot.startswith("arn:") else None


def aws_backup_runner(store: RequestStore, clock: Callable[[], datetime]) -> BackupRunner:
    """The runner the admin API and the sweep use: boto3 clients built on first use."""
    from fulfillment.ops.clients import AwsClients

    return BackupRunner(store, AwsClients(), clock)
