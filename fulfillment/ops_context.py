"""Everything the staff-only intents need, built once at the entry point from settings.

Kept apart from ``App`` so the meeting intents (and their cold start) stay free of AWS clients, token
verification and the ops audit: these are built here, and the clients only on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from fulfillment.app import system_clock
from fulfillment.backup_runner import BackupRunner
from fulfillment.domain import RequestStore
from fulfillment.domain.ops_audit import OpsAuditLog
from fulfillment.identity.chat import LocalVerifier, TokenVerifier
from fulfillment.settings import FulfillmentSettings
from fulfillment.targets import BackupTarget


class OpsClients(Protocol):
    """The AWS clients by service (``fulfillment.ops.clients.AwsClients``; tests pass stubbed ones)."""

    def codepipeline(self) -> Any: ...

    def cloudwatch(self) -> Any: ...

    def rds(self) -> Any: ...

    def dynamodb(self) -> Any: ...


@dataclass(frozen=True)
class OpsContext:
    pipelines: tuple[str, ...]
    """What ``MEETY_PIPELINES`` lists: the overview, and the names a user may pick from."""
    targets: tuple[BackupTarget, ...]
    """The backup allow-list: nothing outside it is ever backed up."""
    clients: OpsClients
    verifier: TokenVerifier
    audit: OpsAuditLog
    alarm_prefix: str = ""
    """Only alarms named with this prefix are reported (``MEETY_ALARM_PREFIX``)."""
    token_clock: Callable[[], datetime] = system_clock
    """Tokens expire in real time even when ``MEETY_CLOCK`` pins the business "now" (as the gateway does)."""

    def runner(self, store: RequestStore, clock: Callable[[], datetime]) -> BackupRunner:
        return BackupRunner(store, self.clients, clock)


def build_ops(settings: FulfillmentSettings, dynamodb_client: Any = None) -> OpsContext:
    """The ops context ``settings`` describe; the audit log lives beside the requests (same file or table)."""
    from fulfillment.ops.clients import AwsClients

    return OpsContext(
        pipelines=settings.pipeline_names(),
        targets=settings.targets(),
        clients=AwsClients(),
        verifier=build_verifier(settings),
        audit=open_ops_audit(settings, dynamodb_client),
        alarm_prefix=settings.alarm_prefix,
    )


def build_verifier(settings: FulfillmentSettings) -> TokenVerifier:
    if settings.auth == "cognito":
        from fulfillment.identity.cognito import CognitoVerifier

        assert settings.cognito_user_pool_id is not None  # the settings refuse cognito without it
        cognito = CognitoVerifier(settings.cognito_user_pool_id, settings.client_ids())
        if settings.gateway_key_parameter is None:
            return cognito
        import boto3

        from fulfillment.identity.gateway import IssuerVerifier, key_from_ssm
        from fulfillment.identity.tokens import ISSUER

        gateway = LocalVerifier(key_from_ssm(boto3.client("ssm"), settings.gateway_key_parameter))
        return IssuerVerifier({cognito.issuer: cognito, ISSUER: gateway})
    from fulfillment.identity.tokens import load_or_create_key

    return LocalVerifier(load_or_create_key(Path(settings.data_dir)))


def open_ops_audit(settings: FulfillmentSettings, dynamodb_client: Any = None) -> OpsAuditLog:
    location = settings.store_location()
    if location.kind == "sqlite":
        from fulfillment.domain.sqlite_ops_audit import SqliteOpsAudit

        assert location.path is not None
        return SqliteOpsAudit(location.path)
    from fulfillment.domain.dynamodb_ops_audit import DynamoOpsAudit

    if dynamodb_client is None:
        from fulfillment.app import dynamodb_client as client_for

        dynamodb_client = client_for(location)
    assert location.table is not None
    return DynamoOpsAudit(location.table, dynamodb_client)
