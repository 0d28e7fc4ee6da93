"""Backups service: an approved backup starts exactly once, and its progress can be read back.

GIVEN an allow-listed RDS instance, Aurora cluster or DynamoDB table, WHEN ``start_backup`` runs (once or
again for the same request), THEN exactly one backup named after the request exists and ``backup_progress``
reports it. Stubbed clients (botocore's Stubber validates every response against the service model) cover
statuses, the already-exists and pagination paths, and error kinds; moto covers the happy paths end to end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from fulfillment.ops.aws import OpsAccessDenied, OpsError, OpsNotFound, OpsUnavailable
from fulfillment.ops.backups import (
    REQUEST_TAG,
    BackupProgress,
    backup_progress,
    snapshot_name,
    start_backup,
)
from fulfillment.ops.clients import AwsClients
from fulfillment.targets import BackupTarget
from tests.ops_support import stubbed_client

RID = "01JD3Q6Y8W2M9ZC5T7K1XB4N0P"
NAME = "meety-01jd3q6y8w2m9zc5t7k1xb4n0p"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ORDERS = BackupTarget(kind="rds", name="orders-db")
ANALYTICS = BackupTarget(kind="aurora", name="analytics")
SESSIONS = BackupTarget(kind="dynamodb", name="sessions")
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/sessions"
TAGS = [{"Key": REQUEST_TAG, "Value": RID}]


def backup_arn(suffix: str) -> str:
    return f"{TABLE_ARN}/backup/01732233445566-{suffix}"


@dataclass
class StubbedClients:
    """``BackupClients`` over stubbed clients; asking for one the test did not set up fails the test."""

    rds_client: Any = None
    dynamodb_client: Any = None
    built: list[str] = field(default_factory=list)

    def rds(self) -> Any:
        assert self.rds_client is not None, "an RDS client was built for a non-RDS backup"
        return self.rds_client

    def dynamodb(self) -> Any:
        assert self.dynamodb_client is not None, "a DynamoDB client was built for an RDS backup"
        return self.dynamodb_client


@pytest.fixture
def rds() -> Iterator[tuple[StubbedClients, Stubber]]:
    with stubbed_client("rds") as (client, stubber):
        yield StubbedClients(rds_client=client), stubber


@pytest.fixture
def ddb() -> Iterator[tuple[StubbedClients, Stubber]]:
    with stubbed_client("dynamodb") as (client, stubber):
        yield StubbedClients(dynamodb_client=client), stubber


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


def backup_summary(name: str, arn: str, status: str = "AVAILABLE") -> dict[str, Any]:
    return {
        "TableName": "sessions",
        "TableArn": TABLE_ARN,
        "BackupArn": arn,
        "BackupName": name,
        "BackupCreationDateTime": T0,
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupSizeBytes": 2048,
    }


def backup_details(status: str, arn: str) -> dict[str, Any]:
    return {
        "BackupArn": arn,
        "BackupName": NAME,
        "BackupSizeBytes": 2048,
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupCreationDateTime": T0,
    }


CREATE_SNAPSHOT = {"DBInstanceIdentifier": "orders-db", "DBSnapshotIdentifier": NAME, "Tags": TAGS}
CREATE_CLUSTER_SNAPSHOT = {
    "DBClusterIdentifier": "analytics",
    "DBClusterSnapshotIdentifier": NAME,
    "Tags": TAGS,
}
LIST_BACKUPS = {"TableName": "sessions", "BackupType": "USER"}

# --- snapshot_name -----------------------------------------------------------------------------------------


def test_snapshot_name_is_a_valid_rds_and_dynamodb_name() -> None:
    """The same request always gives the same name, whatever case the id was typed in."""
    name = snapshot_name(RID)
    assert name == NAME
    assert snapshot_name(RID.lower()) == name
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,254}", name)
    assert "--" not in name
    assert not name.endswith("-")
    assert re.fullmatch(r"[a-zA-Z0-9_.-]{3,255}", name)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-a-ulid",
        RID[:-1],
        RID + "0",
        " " + RID[1:],
        RID[:-1] + "-",
        "01JD3Q6Y8W2M9ZC5T7K1XB4NOP",  # letter O is not in Crockford base32
        "01JD3Q6Y8W2M9ZC5T7K1XB4NIP",
        "81JD3Q6Y8W2M9ZC5T7K1XB4N0P",  # first char > 7 overflows 128 bits
        f"{RID}\n",
    ],
)
def test_snapshot_name_rejects_anything_but_a_ulid(bad: str) -> None:
    with pytest.raises(ValueError, match="ULID"):
        snapshot_name(bad)


def test_snapshot_name_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="ULID"):
        snapshot_name(None)  # type: ignore[arg-type]


# --- RDS and Aurora, stubbed -------------------------------------------------------------------------------


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


# --- DynamoDB, stubbed -------------------------------------------------------------------------------------


def test_dynamodb_backup_on_a_later_page_is_found_not_recreated(ddb: Any) -> None:
    """GIVEN our backup is on page 2 of ``list_backups``, THEN it is returned and no create is made
    (none is queued: the Stubber would raise on one)."""
    clients, stubber = ddb
    first = backup_arn("aaaaaaaa")
    stubber.add_response(
        "list_backups",
        {"BackupSummaries": [backup_summary("nightly", first)], "LastEvaluatedBackupArn": first},
        LIST_BACKUPS,
    )
    stubber.add_response(
        "list_backups",
        {"BackupSummaries": [backup_summary(NAME, backup_arn("bbbbbbbb"), "CREATING")]},
        {**LIST_BACKUPS, "ExclusiveStartBackupArn": first},
    )
    progress = start_backup(clients, SESSIONS, RID)
    assert progress == BackupProgress(
        snapshot_id=backup_arn("bbbbbbbb"), state="creating", aws_status="CREATING", created_at=T0
    )


def test_dynamodb_backup_is_created_when_none_has_our_name(ddb: Any) -> None:
    clients, stubber = ddb
    stubber.add_response("list_backups", {"BackupSummaries": [backup_summary("nightly", backup_arn("a"))]})
    stubber.add_response(
        "create_backup",
        {"BackupDetails": backup_details("CREATING", backup_arn("c"))},
        {"TableName": "sessions", "BackupName": NAME},
    )
    progress = start_backup(clients, SESSIONS, RID)
    assert (progress.snapshot_id, progress.state) == (backup_arn("c"), "creating")


@pytest.mark.parametrize(
    ("status", "state"), [("CREATING", "creating"), ("AVAILABLE", "available"), ("DELETED", "failed")]
)
def test_dynamodb_statuses_map_to_states(ddb: Any, status: str, state: str) -> None:
    clients, stubber = ddb
    arn = backup_arn("d")
    stubber.add_response(
        "describe_backup",
        {"BackupDescription": {"BackupDetails": backup_details(status, arn)}},
        {"BackupArn": arn},
    )
    progress = backup_progress(clients, SESSIONS, RID, snapshot_id=arn)
    assert progress is not None
    assert (progress.state, progress.aws_status, progress.percent) == (state, status, None)


def test_dynamodb_unknown_backup_arn_is_none(ddb: Any) -> None:
    clients, stubber = ddb
    stubber.add_client_error("describe_backup", service_error_code="BackupNotFoundException")
    assert backup_progress(clients, SESSIONS, RID, snapshot_id=backup_arn("e")) is None


@pytest.mark.parametrize(
    ("operation", "code", "expected"),
    [
        ("list_backups", "ThrottlingException", OpsUnavailable),
        ("list_backups", "AccessDeniedException", OpsAccessDenied),
        ("create_backup", "AccessDeniedException", OpsAccessDenied),
        ("create_backup", "TableNotFoundException", OpsNotFound),
    ],
)
def test_dynamodb_failures_raise_their_kind(
    ddb: Any, operation: str, code: str, expected: type[OpsError]
) -> None:
    clients, stubber = ddb
    if operation == "create_backup":
        stubber.add_response("list_backups", {"BackupSummaries": []}, LIST_BACKUPS)
    stubber.add_client_error(operation, service_error_code=code, service_message="arn:aws:secret")
    with pytest.raises(expected) as info:
        start_backup(clients, SESSIONS, RID)
    assert "arn:aws:secret" not in str(info.value)


# --- moto --------------------------------------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsClients]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
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
