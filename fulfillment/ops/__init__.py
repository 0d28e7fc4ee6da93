"""Ops services behind the DeployStatus, RecentAlarms, TriggerBackup and BackupStatus intents.

Pure services: each takes an injected boto3 client (or, for backups, lazy client factories) and returns
small frozen dataclasses that the intent handlers render; none of them knows about Lex. Build clients with
``client_config()`` at the entry point. Only backups write to AWS, and only idempotently.

Public API:

- ``fulfillment.ops.aws``: ``client_config()``; ``OpsError`` and its kinds ``OpsNotConfigured``,
  ``OpsUnavailable``, ``OpsAccessDenied``, ``OpsNotFound``, ``OpsUnsupported``; ``aws_errors(operation)``
  (context manager) and ``translate(exc, operation)`` turning botocore errors into them.
- ``fulfillment.ops.deploys``: ``deploy_status(client, pipeline) -> DeployStatus``,
  ``overview(client, pipelines) -> list[DeployStatus]``, ``StageProgress``, ``CodePipelineClient``.
- ``fulfillment.ops.alarms``: ``recent_alarms(client, window, now) -> AlarmReport``, ``FiringAlarm``,
  ``RecentAlarm``, ``parse_window(slot_value) -> timedelta``, ``CloudWatchClient``.
- ``fulfillment.ops.backups``: ``start_backup(clients, target, request_id) -> BackupProgress``,
  ``backup_progress(clients, target, request_id, snapshot_id=None) -> BackupProgress | None``,
  ``snapshot_name(request_id) -> str``, ``BackupClients`` (``rds()`` / ``dynamodb()`` factories),
  ``RdsClient``, ``DynamoDbClient``.
- ``fulfillment.ops.clients``: ``AwsClients``, every client built on first use (satisfies ``BackupClients``).
  (``BackupTarget`` and the allow-list parsing live in ``fulfillment.targets``.)

The names are re-exported here. Nothing in this package imports ``boto3`` at module level
(``AwsClients`` imports it when it builds its first client).
"""

from __future__ import annotations

from fulfillment.ops.alarms import (
    AlarmReport,
    CloudWatchClient,
    FiringAlarm,
    RecentAlarm,
    parse_window,
    recent_alarms,
)
from fulfillment.ops.aws import (
    OpsAccessDenied,
    OpsError,
    OpsNotConfigured,
    OpsNotFound,
    OpsUnavailable,
    OpsUnsupported,
    aws_errors,
    client_config,
    translate,
)
from fulfillment.ops.backups import (
    BackupClients,
    BackupProgress,
    DynamoDbClient,
    RdsClient,
    backup_progress,
    snapshot_name,
    start_backup,
)
from fulfillment.ops.deploys import CodePipelineClient, DeployStatus, StageProgress, deploy_status, overview

__all__ = [
    "AlarmReport",
    "BackupClients",
    "BackupProgress",
    "CloudWatchClient",
    "CodePipelineClient",
    "DeployStatus",
    "DynamoDbClient",
    "FiringAlarm",
    "OpsAccessDenied",
    "OpsError",
    "OpsNotConfigured",
    "OpsNotFound",
    "OpsUnavailable",
    "OpsUnsupported",
    "RdsClient",
    "RecentAlarm",
    "StageProgress",
    "aws_errors",
    "backup_progress",
    "client_config",
    "deploy_status",
    "overview",
    "parse_window",
    "recent_alarms",
    "snapshot_name",
    "start_backup",
    "translate",
]
