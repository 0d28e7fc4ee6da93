"""Backups service on RDS and Aurora, over stubbed clients (botocore's Stubber validates every response).

GIVEN an allow-listed RDS instance or Aurora cluster, WHEN ``start_backup`` runs (once or again for the same
request), THEN exactly one snapshot named after the request is made and ``backup_progress`` reports it:
statuses, the already-exists path, and error kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from fulfillment.ops.aws import OpsAccessDenied, OpsError, OpsNotFound, OpsUnavailable
from fulfillment.ops.backups import BackupProgress, backup_progress, start_backup
from fulfillment.targets import BackupTarget
from tests.ops_backups_support import ANALYTICS, NAME, ORDERS, RID, T0, TAGS, StubbedClients
from tests.ops_support import stubbed_client


@pytest.fixture
def rds() -> Iterator[tuple[StubbedClients, Stubber]]:
    with stubbed_client("rds") as (client, stubber):
        yield StubbedClients(rds_client=client), stubber


def db_snapshot(status: str, percent: int | None = None, name: str = NAME) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "DBSnapshotIdentifier": name,
        "DBInstanceIdentifier": "orders-db",
        "SnapshotCreateTime": T0,
        "Engine": "postgres",
        "AllocatedStorage": 20,
        "Status": status,
        "Port": 5432,
        "EngineVersion": "16.3",
        "SnapshotType": "manual",
        "Encrypted": True,
        "DBSnapshotArn": f"arn:aws:rds:us-east-1:123456789012:snapshot:{name}",
        "TagList": TAGS,
    }
    if percent is not None:
        snapshot["PercentProgress"] = percent
    return snapshot


def cluster_snapshot(status: str, percent: int) -> dict[str, Any]:
    return {
        "DBClusterSnapshotIdentifier": NAME,
        "DBClusterIdentifier": "analytics",
        "SnapshotCreateTime": T0,
        "Engine": "aurora-postgresql",
        "Status": status,
        "PercentProgress": percent,
        "SnapshotType": "manual",
        "DBClusterSnapshotArn": f"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:{NAME}",
    }


CREATE_SNAPSHOT = {"DBInstanceIdentifier": "orders-db", "DBSnapshotIdentifier": NAME, "Tags": TAGS}
CREATE_CLUSTER_SNAPSHOT = {
    "DBClusterIdentifier": "analytics",
    "DBClusterSnapshotIdentifier": NAME,
    "Tags": TAGS,
}


def test_rds_snapshot_in_progress_reports_percent(rds: Any) -> None:
    """GIVEN RDS accepts the snapshot and is 42% done, THEN the progress says so, named after the request."""
    clients, stubber = rds
    stubber.add_response("create_db_snapshot", {"DBSnapshot": db_snapshot("creating", 42)}, CREATE_SNAPSHOT)
    progress = start_backup(clients, ORDERS, RID)
    assert progress == BackupProgress(
        snapshot_id=NAME, state="creating", percent=42, aws_status="creating", created_at=T0
    )


def test_rds_already_exists_returns_the_existing_snapshot(rds: Any) -> None:
    """GIVEN the request's snapshot was already started (a retry), THEN it is described, not made again:
    the Stubber has exactly one create queued, so a second create would fail the test."""
    clients, stubber = rds
    stubber.add_client_error(
        "create_db_snapshot",
        service_error_code="DBSnapshotAlreadyExists",
        service_message="snapshot meety-... already exists",
        expected_params=CREATE_SNAPSHOT,
    )
    stubber.add_response(
        "describe_db_snapshots",
        {"DBSnapshots": [db_snapshot("available", 100)]},
        {"DBSnapshotIdentifier": NAME},
    )
    progress = start_backup(clients, ORDERS, RID)
    assert (progress.snapshot_id, progress.state, progress.percent) == (NAME, "available", 100)


def test_aurora_already_exists_returns_the_existing_cluster_snapshot(rds: Any) -> None:
    clients, stubber = rds
    stubber.add_client_error(
        "create_db_cluster_snapshot",
        service_error_code="DBClusterSnapshotAlreadyExistsFault",
        expected_params=CREATE_CLUSTER_SNAPSHOT,
    )
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [cluster_snapshot("creating", 7)]},
        {"DBClusterSnapshotIdentifier": NAME},
    )
    progress = start_backup(clients, ANALYTICS, RID)
    assert (progress.snapshot_id, progress.state, progress.percent) == (NAME, "creating", 7)


def test_already_exists_but_gone_by_describe_is_not_recreated(rds: Any) -> None:
    """A snapshot deleted between our create and describe was ours: report the error, never make another."""
    clients, stubber = rds
    stubber.add_client_error("create_db_snapshot", service_error_code="DBSnapshotAlreadyExists")
    stubber.add_client_error("describe_db_snapshots", service_error_code="DBSnapshotNotFound")
    with pytest.raises(OpsError) as info:
        start_backup(clients, ORDERS, RID)
    assert (info.value.kind, info.value.code) == ("error", "DBSnapshotAlreadyExists")


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("available", "available"),
        ("creating", "creating"),
        ("pending", "creating"),
        ("copying", "creating"),
        ("failed", "failed"),
        ("error", "failed"),
        ("deleted", "failed"),
        ("incompatible-restore", "failed"),
    ],
)
def test_rds_statuses_map_to_states(rds: Any, status: str, state: str) -> None:
    clients, stubber = rds
    stubber.add_response("describe_db_snapshots", {"DBSnapshots": [db_snapshot(status)]})
    progress = backup_progress(clients, ORDERS, RID)
    assert progress is not None
    assert (progress.state, progress.aws_status, progress.percent) == (state, status, None)


@pytest.mark.parametrize(
    ("target", "operation", "code"),
    [
        (ORDERS, "describe_db_snapshots", "DBSnapshotNotFound"),
        (ANALYTICS, "describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault"),
    ],
)
def test_progress_of_a_backup_never_started_is_none(
    rds: Any, target: BackupTarget, operation: str, code: str
) -> None:
    """ "Never started" must not look like "failed": the caller then knows it may still start it."""
    clients, stubber = rds
    stubber.add_client_error(operation, service_error_code=code, http_status_code=404)
    assert backup_progress(clients, target, RID) is None


@pytest.mark.parametrize(
    ("target", "operation", "code", "expected"),
    [
        (ORDERS, "create_db_snapshot", "DBInstanceNotFound", OpsNotFound),
        (ANALYTICS, "create_db_cluster_snapshot", "DBClusterNotFoundFault", OpsNotFound),
        (ORDERS, "create_db_snapshot", "Throttling", OpsUnavailable),
        (ORDERS, "create_db_snapshot", "AccessDenied", OpsAccessDenied),
        (ANALYTICS, "create_db_cluster_snapshot", "AccessDenied", OpsAccessDenied),
    ],
)
def test_rds_failures_raise_their_kind(
    rds: Any, target: BackupTarget, operation: str, code: str, expected: type[OpsError]
) -> None:
    """Unknown database, throttling, missing permission: each its own kind; AWS's text is not kept."""
    clients, stubber = rds
    stubber.add_client_error(operation, service_error_code=code, service_message="arn:aws:secret")
    with pytest.raises(expected) as info:
        start_backup(clients, target, RID)
    assert info.value.code == code
    assert "arn:aws:secret" not in str(info.value)


def test_instance_in_the_wrong_state_is_a_plain_error(rds: Any) -> None:
    clients, stubber = rds
    stubber.add_client_error("create_db_snapshot", service_error_code="InvalidDBInstanceState")
    with pytest.raises(OpsError) as info:
        start_backup(clients, ORDERS, RID)
    assert (type(info.value), info.value.kind) == (OpsError, "error")
