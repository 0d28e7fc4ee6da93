"""Shared pieces of the backups-service tests: the request, its backup name and targets, stubbed clients.

``RID`` is the request every test backs up and ``NAME`` the backup name it gives; ``ORDERS`` (RDS),
``ANALYTICS`` (Aurora) and ``SESSIONS`` (DynamoDB) are the allow-listed targets. ``StubbedClients`` is a
``BackupClients`` over botocore-stubbed clients, for the RDS and DynamoDB modules' fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fulfillment.ops.backups import REQUEST_TAG
from fulfillment.targets import BackupTarget

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
