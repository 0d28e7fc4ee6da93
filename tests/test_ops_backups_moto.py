"""Backups service end to end on moto: an approved backup starts exactly once, and its progress is read back.

GIVEN an allow-listed RDS instance, Aurora cluster or DynamoDB table that exists, WHEN ``start_backup`` runs
twice for one request, THEN exactly one backup named after the request exists, ``backup_progress`` finds
it, and a DynamoDB backup builds no RDS client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from fulfillment.ops.aws import OpsNotFound
from fulfillment.ops.backups import REQUEST_TAG, backup_progress, snapshot_name, start_backup
from fulfillment.ops.clients import AwsClients
from fulfillment.targets import BackupTarget
from tests.ops_backups_support import ANALYTICS, NAME, ORDERS, RID, SESSIONS, TABLE_ARN
from tests.ops_support import fake_aws_account


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsClients]:
    with fake_aws_account(monkeypatch):
        yield AwsClients(region="us-east-1")


def create(target: BackupTarget) -> None:
    rds = boto3.client("rds", region_name="us-east-1")
    if target.kind == "rds":
        rds.create_db_instance(
            DBInstanceIdentifier=target.name,
            DBInstanceClass="db.t3.micro",
            Engine="postgres",
            MasterUsername="meety",
            MasterUserPassword="not-a-secret-1",
            AllocatedStorage=20,
        )
    elif target.kind == "aurora":
        rds.create_db_cluster(
            DBClusterIdentifier=target.name,
            Engine="aurora-postgresql",
            MasterUsername="meety",
            MasterUserPassword="not-a-secret-1",
        )
    else:
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName=target.name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def manual_backups(target: BackupTarget) -> list[str]:
    """Our backups only: moto adds automated RDS snapshots of its own, which are not ours to count."""
    rds = boto3.client("rds", region_name="us-east-1")
    if target.kind == "rds":
        return [
            s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
        ]
    if target.kind == "aurora":
        found = rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
        return [s["DBClusterSnapshotIdentifier"] for s in found]
    listed = boto3.client("dynamodb", region_name="us-east-1").list_backups(TableName=target.name)
    return [s["BackupName"] for s in listed["BackupSummaries"] if s["BackupType"] == "USER"]


@pytest.mark.parametrize("target", [ORDERS, ANALYTICS, SESSIONS], ids=str)
def test_moto_backup_runs_exactly_once_and_is_found(aws: AwsClients, target: BackupTarget) -> None:
    """GIVEN a real-looking database, WHEN the backup is started twice for one request, THEN one backup
    exists, both calls name it, and ``backup_progress`` (by name, and by ARN for DynamoDB) finds it."""
    create(target)
    assert backup_progress(aws, target, RID) is None
    first = start_backup(aws, target, RID)
    again = start_backup(aws, target, RID)
    assert first.snapshot_id == again.snapshot_id
    assert manual_backups(target) == [NAME]
    found = backup_progress(aws, target, RID)
    assert found is not None
    assert (found.snapshot_id, found.state) == (first.snapshot_id, "available")
    assert backup_progress(aws, target, RID, snapshot_id=first.snapshot_id) == found
    assert found.created_at is not None
    if target.kind == "dynamodb":
        assert first.snapshot_id.startswith(f"{TABLE_ARN}/backup/")
    else:
        assert first.snapshot_id == NAME
    other = "01JD3Q6Y8W2M9ZC5T7K1XB4N0Q"
    assert backup_progress(aws, target, other) is None
    assert start_backup(aws, target, other).snapshot_id != first.snapshot_id
    assert sorted(manual_backups(target)) == [NAME, snapshot_name(other)]


def test_moto_rds_snapshot_is_tagged_with_the_request(aws: AwsClients) -> None:
    create(ORDERS)
    start_backup(aws, ORDERS, RID.lower())
    snapshot = boto3.client("rds", region_name="us-east-1").describe_db_snapshots(DBSnapshotIdentifier=NAME)
    assert {"Key": REQUEST_TAG, "Value": RID} in snapshot["DBSnapshots"][0]["TagList"]


@pytest.mark.parametrize("target", [ORDERS, ANALYTICS, SESSIONS], ids=str)
def test_moto_unknown_database_is_not_found(aws: AwsClients, target: BackupTarget) -> None:
    with pytest.raises(OpsNotFound):
        start_backup(aws, target, RID)
    assert backup_progress(aws, target, RID) is None


def test_moto_dynamodb_backup_never_builds_an_rds_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The factories are lazy and build each client once: a DynamoDB backup pays for DynamoDB only."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    built: list[str] = []
    real_client = boto3.session.Session.client

    def recording_client(self: Any, service: str, *args: Any, **kwargs: Any) -> Any:
        built.append(service)
        return real_client(self, service, *args, **kwargs)

    with mock_aws():
        create(SESSIONS)
        monkeypatch.setattr(boto3.session.Session, "client", recording_client)
        clients = AwsClients(region="us-east-1")
        start_backup(clients, SESSIONS, RID)
        assert backup_progress(clients, SESSIONS, RID) is not None
    assert built == ["dynamodb"]
