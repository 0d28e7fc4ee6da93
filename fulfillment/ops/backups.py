"""Approved database backups (TriggerBackup / BackupStatus): start one exactly once, then report progress.

Idempotency comes from the name, not from memory: a request's backup is always ``snapshot_name(request_id)``,
so a retried Lambda, a replayed approval or a second poller finds the backup instead of making another.
RDS enforces unique snapshot identifiers, so "already exists" simply means "ours, already started".
DynamoDB backup names are not unique, so we look for ours first and create only if none exists; two
callers racing between that look and the create could still make two, so callers must first claim the
request with a conditional write in the request store, letting only one of them call ``start_backup``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from fulfillment.ops.aws import OpsError, OpsNotFound, aws_errors

if TYPE_CHECKING:
    from fulfillment.targets import BackupTarget

REQUEST_TAG = "meety:request"
"""Tag key carrying the request id on RDS snapshots, so a console user can trace a snapshot to its ask."""

_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}", re.IGNORECASE)

_ALREADY_EXISTS = frozenset({"DBSnapshotAlreadyExists", "DBClusterSnapshotAlreadyExistsFault"})

_NOT_FOUND_FAULTS = frozenset({"DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault"})
"""RDS codes that end in ``Fault``, which the ``...NotFound`` suffix rule in ``aws.py`` misses."""

_RDS_FAILED = frozenset({"failed", "error", "deleted", "deleting"})

BackupState = Literal["creating", "available", "failed"]

_DDB_STATES: dict[str, BackupState] = {"CREATING": "creating", "AVAILABLE": "available", "DELETED": "failed"}


class RdsClient(Protocol):
    """The calls we make on a boto3 ``rds`` client (injected, so tests pass a stubbed one)."""

    def create_db_snapshot(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def create_db_cluster_snapshot(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def describe_db_snapshots(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def describe_db_cluster_snapshots(self, **kwargs: Any) -> Mapping[str, Any]: ...


class DynamoDbClient(Protocol):
    """The calls we make on a boto3 ``dynamodb`` client."""

    def list_backups(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def create_backup(self, **kwargs: Any) -> Mapping[str, Any]: ...

    def describe_backup(self, **kwargs: Any) -> Mapping[str, Any]: ...


class BackupClients(Protocol):
    """Client factories rather than clients: a DynamoDB backup never pays for building an RDS client."""

    def rds(self) -> RdsClient: ...

    def dynamodb(self) -> DynamoDbClient: ...


@dataclass(frozen=True)
class BackupProgress:
    """Where a request's backup stands. ``aws_status`` is AWS's own word, kept for logs and the admin UI."""

    snapshot_id: str
    """The RDS (cluster) snapshot identifier, or the DynamoDB ``BackupArn``."""
    state: BackupState
    percent: int | None = None
    """RDS ``PercentProgress``; DynamoDB reports none."""
    aws_status: str | None = None
    created_at: datetime | None = None


def snapshot_name(request_id: str) -> str:
    """``"meety-" + request_id.lower()``: valid as an RDS snapshot identifier and a DynamoDB BackupName.

    Lowercase because RDS stores identifiers lowercased: describing by the name we created must match.
    A ULID has no hyphens, so the name cannot hold a double or trailing hyphen. ``ValueError`` otherwise.
    """
    if not isinstance(request_id, str) or not _ULID.fullmatch(request_id):
        raise ValueError("request id must be a 26-character ULID")
    return "meety-" + request_id.lower()


def start_backup(clients: BackupClients, target: BackupTarget, request_id: str) -> BackupProgress:
    """Start ``target``'s backup for this request, or return the one already started for it.

    Raises ``OpsError``: ``OpsNotFound`` for an unknown instance, cluster or table; a plain ``OpsError`` for
    one that cannot be backed up now (e.g. ``InvalidDBInstanceState``).
    """
    name = snapshot_name(request_id)
    if target.kind == "dynamodb":
        dynamodb = clients.dynamodb()
        existing = _find_dynamodb_backup(dynamodb, target.name, name)
        if existing is not None:
            return existing
        with _aws("CreateBackup"):
            made = dynamodb.create_backup(TableName=target.name, BackupName=name)
        return _dynamodb_progress(made["BackupDetails"])
    rds = clients.rds()
    tags = [{"Key": REQUEST_TAG, "Value": request_id.upper()}]
    try:
        if target.kind == "aurora":
            with _aws("CreateDBClusterSnapshot"):
                made = rds.create_db_cluster_snapshot(
                    DBClusterIdentifier=target.name, DBClusterSnapshotIdentifier=name, Tags=tags
                )
            return _rds_progress(made["DBClusterSnapshot"], "DBClusterSnapshotIdentifier")
        with _aws("CreateDBSnapshot"):
            made = rds.create_db_snapshot(
                DBInstanceIdentifier=target.name, DBSnapshotIdentifier=name, Tags=tags
            )
        return _rds_progress(made["DBSnapshot"], "DBSnapshotIdentifier")
    except OpsError as exc:
        if exc.code not in _ALREADY_EXISTS:
            raise
        existing = backup_progress(clients, target, request_id)
        if existing is None:  # deleted between our create and describe: not ours to recreate
            raise
        return existing


def backup_progress(
    clients: BackupClients, target: BackupTarget, request_id: str, snapshot_id: str | None = None
) -> BackupProgress | None:
    """The request's backup now, or ``None`` if it does not exist: "never started" is not "failed".

    ``snapshot_id`` saves DynamoDB a ``list_backups`` scan once the ARN is known; RDS ids are the name.
    """
    name = snapshot_name(request_id)
    try:
        if target.kind == "dynamodb":
            if snapshot_id is None:
                return _find_dynamodb_backup(clients.dynamodb(), target.name, name)
            with _aws("DescribeBackup"):
                described = clients.dynamodb().describe_backup(BackupArn=snapshot_id)
            return _dynamodb_progress(described["BackupDescription"]["BackupDetails"])
        if target.kind == "aurora":
            with _aws("DescribeDBClusterSnapshots"):
                found = clients.rds().describe_db_cluster_snapshots(
                    DBClusterSnapshotIdentifier=snapshot_id or name
                )
            clusters = found.get("DBClusterSnapshots") or []
            return _rds_progress(clusters[0], "DBClusterSnapshotIdentifier") if clusters else None
        with _aws("DescribeDBSnapshots"):
            found = clients.rds().describe_db_snapshots(DBSnapshotIdentifier=snapshot_id or name)
        snapshots = found.get("DBSnapshots") or []
        return _rds_progress(snapshots[0], "DBSnapshotIdentifier") if snapshots else None
    except OpsNotFound:
        return None


def _find_dynamodb_backup(client: DynamoDbClient, table: str, name: str) -> BackupProgress | None:
    """The table's first user backup called ``name``, across every ``list_backups`` page."""
    kwargs: dict[str, Any] = {"TableName": table, "BackupType": "USER"}
    while True:
        with _aws("ListBackups"):
            page = client.list_backups(**kwargs)
        for summary in page.get("BackupSummaries") or []:
            if summary.get("BackupName") == name:
                return _dynamodb_progress(summary)
        last = page.get("LastEvaluatedBackupArn")
        if not last or last == kwargs.get("ExclusiveStartBackupArn"):
            return None
        kwargs["ExclusiveStartBackupArn"] = last


def _rds_progress(snapshot: Mapping[str, Any], id_key: str) -> BackupProgress:
    status = snapshot.get("Status")
    return BackupProgress(
        snapshot_id=str(snapshot[id_key]),
        state=_rds_state(status),
        percent=snapshot.get("PercentProgress"),
        aws_status=status,
        created_at=snapshot.get("SnapshotCreateTime"),
    )


def _rds_state(status: str | None) -> BackupState:
    """Unknown RDS statuses (``pending``, ``copying``, ...) count as progress: polling ends at a deadline."""
    status = (status or "").lower()
    if status == "available":
        return "available"
    if status in _RDS_FAILED or status.startswith("incompatible"):
        return "failed"
    return "creating"


def _dynamodb_progress(details: Mapping[str, Any]) -> BackupProgress:
    status = details.get("BackupStatus")
    return BackupProgress(
        snapshot_id=str(details["BackupArn"]),
        state=_DDB_STATES.get(status or "", "creating"),
        aws_status=status,
        created_at=details.get("BackupCreationDateTime"),
    )


@contextmanager
def _aws(operation: str) -> Iterator[None]:
    """``aws_errors``, plus RDS's ``...NotFoundFault`` codes as ``OpsNotFound`` (original still chained)."""
    try:
        with aws_errors(operation):
            yield
    except OpsError as exc:
        if type(exc) is OpsError and exc.code in _NOT_FOUND_FAULTS:
            raise OpsNotFound(operation, exc.code) from exc.__cause__
        raise
