"""Backups service on DynamoDB, over a stubbed client (botocore's Stubber validates every response).

GIVEN an allow-listed DynamoDB table, WHEN ``start_backup`` runs, THEN a backup named after the request is
found (on any page of ``list_backups``) or made once, and ``backup_progress`` reports it: statuses, the
unknown-backup path, and error kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from fulfillment.ops.aws import OpsAccessDenied, OpsError, OpsNotFound, OpsUnavailable
from fulfillment.ops.backups import BackupProgress, backup_progress, start_backup
from tests.ops_backups_support import NAME, RID, SESSIONS, T0, TABLE_ARN, StubbedClients, backup_arn
from tests.ops_support import stubbed_client


@pytest.fixture
def ddb() -> Iterator[tuple[StubbedClients, Stubber]]:
    with stubbed_client("dynamodb") as (client, stubber):
        yield StubbedClients(dynamodb_client=client), stubber


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


LIST_BACKUPS = {"TableName": "sessions", "BackupType": "USER"}


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
