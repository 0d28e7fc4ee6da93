"""Read-only ops services behind the DeployStatus and RecentAlarms intents.

Pure services: each takes an injected boto3 client and returns small frozen dataclasses that the intent
handlers render; none of them knows about Lex. Build clients with ``client_config()`` at the entry point.

Public API:

- ``fulfillment.ops.aws``: ``client_config()``; ``OpsError`` and its kinds ``OpsNotConfigured``,
  ``OpsUnavailable``, ``OpsAccessDenied``, ``OpsNotFound``, ``OpsUnsupported``; ``aws_errors(operation)``
  (context manager) and ``translate(exc, operation)`` turning botocore errors into them.
- ``fulfillment.ops.deploys``: ``deploy_status(client, pipeline) -> DeployStatus``,
  ``overview(client, pipelines) -> list[DeployStatus]``, ``StageProgress``, ``CodePipelineClient``.
- ``fulfillment.ops.alarms``: ``recent_alarms(client, window, now) -> AlarmReport``, ``FiringAlarm``,
  ``RecentAlarm``, ``parse_window(slot_value) -> timedelta``, ``CloudWatchClient``.

The names are re-exported here. Nothing in this package imports ``boto3``.
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
from fulfillment.ops.deploys import CodePipelineClient, DeployStatus, StageProgress, deploy_status, overview

__all__ = [
    "AlarmReport",
    "CloudWatchClient",
    "CodePipelineClient",
    "DeployStatus",
    "FiringAlarm",
    "OpsAccessDenied",
    "OpsError",
    "OpsNotConfigured",
    "OpsNotFound",
    "OpsUnavailable",
    "OpsUnsupported",
    "RecentAlarm",
    "StageProgress",
    "aws_errors",
    "client_config",
    "deploy_status",
    "overview",
    "parse_window",
    "recent_alarms",
    "translate",
]
