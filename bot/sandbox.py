"""An in-process AWS account for ``meety serve --sandbox``: moto, seeded with demo ops data.

``sandbox_account()`` starts ``moto.mock_aws()``, isolates the process from the developer's AWS setup
(fake credentials, no profile or shared config files, the sandbox region), seeds the account below and
yields a ``Sandbox`` naming what was seeded; ``Sandbox.environ()`` gives the ``MEETY_*`` settings that
point the ops intents at it. On exit the mock stops (its data is dropped) and ``os.environ`` is restored.

moto's mock is process-wide, not per thread: clients built in server worker threads see the same account.
moto lacks ``get_pipeline_state`` and ``describe_alarm_history``: it raises a plain ``NotImplementedError``
from inside the client call, which ``fulfillment.ops.aws.translate`` maps to ``OpsUnsupported``.

Nothing happens on import: moto and boto3 are imported when the account is started.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.errors import SettingsError
from fulfillment.targets import BackupKind, BackupTarget

MISSING_MOTO = "meety serve --sandbox needs moto: pip install 'meety[sandbox]'"

PIPELINE_ROLE = "meety-sandbox-pipeline"
ARTIFACT_BUCKET = "meety-sandbox-artifacts"

PIPELINES: dict[str, int] = {"web-app": 2, "payments-api": 1, "data-jobs": 0}
"""Pipeline name -> executions started (moto records each as Succeeded at once); 0 means never run."""

ALARMS: tuple[tuple[str, str, str, str, float, float], ...] = (
    # name, namespace, metric, statistic (pNN: a percentile), threshold, latest datapoint
    ("checkout-5xx-rate", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 5.0, 12.0),
    ("orders-db-cpu-high", "AWS/RDS", "CPUUtilization", "Average", 80.0, 93.5),
    ("payments-api-latency-p99", "AWS/ApiGateway", "Latency", "p99", 1500.0, 420.0),
    ("queue-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 300.0, 45.0),
)
"""Metric alarms; one whose latest datapoint is above its threshold is set to ALARM, the others to OK."""

RDS_INSTANCE: dict[str, Any] = {
    "DBInstanceIdentifier": "orders-db",
    "Engine": "postgres",
    "DBInstanceClass": "db.t4g.medium",
    "AllocatedStorage": 20,
    "MasterUsername": "meety",
}
AURORA_CLUSTER: dict[str, Any] = {
    "DBClusterIdentifier": "analytics",
    "Engine": "aurora-postgresql",
    "MasterUsername": "meety",
}
DYNAMODB_TABLE: dict[str, Any] = {
    "TableName": "customer-sessions",
    "KeySchema": [{"AttributeName": "session_id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "session_id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
BACKUP_TARGETS: tuple[tuple[BackupKind, str], ...] = (
    ("rds", RDS_INSTANCE["DBInstanceIdentifier"]),
    ("aurora", AURORA_CLUSTER["DBClusterIdentifier"]),
    ("dynamodb", DYNAMODB_TABLE["TableName"]),
)

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
"""Set inside the sandbox (moto then puts its own fake keys on top); ``_DROPPED`` variables are unset.
moto's RDS starts its EC2 backend, which would build 2,600 demo AMIs (~0.7 s) that nothing here uses."""
_TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",'
    ' "Principal": {"Service": "codepipeline.amazonaws.com"}}]}'
)
"""The pipeline role's trust policy: moto refuses a pipeline whose role CodePipeline may not assume."""
_DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


@dataclass(frozen=True)
class Sandbox:
    """What the sandbox account holds: the region, the seeded pipelines and the backup allow-list."""

    region: str
    pipelines: tuple[str, ...]
    backup_targets: tuple[BackupTarget, ...]

    def environ(self) -> dict[str, str]:
        """The settings that point Meety at this account (to overlay on ``os.environ`` or settings)."""
        return {
            "MEETY_PIPELINES": ",".join(self.pipelines),
            "MEETY_BACKUP_TARGETS": ",".join(str(t) for t in self.backup_targets),
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }


@contextmanager
def sandbox_account(region: str = "us-east-1") -> Iterator[Sandbox]:
    """A seeded moto account for the duration of the block; ``SettingsError`` when moto is missing."""
    try:
        from moto import mock_aws
    except ImportError as exc:
        raise SettingsError(MISSING_MOTO) from exc
    sandbox = Sandbox(
        region=region,
        pipelines=tuple(PIPELINES),
        backup_targets=tuple(BackupTarget(kind=kind, name=name) for kind, name in BACKUP_TARGETS),
    )
    saved = dict(os.environ)
    try:
        for key in [*_DROPPED, *(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL"))]:
            os.environ.pop(key, None)
        os.environ.update(_FAKE_ENV, AWS_DEFAULT_REGION=region, AWS_REGION=region)
        mock = mock_aws()
        mock.start()
        try:
            _seed(region)
            yield sandbox
        finally:
            mock.stop()
    finally:
        _restore_environ(saved)


def _seed(region: str) -> None:
    import boto3

    session = boto3.Session(region_name=region)
    _seed_pipelines(session.client("iam"), session.client("codepipeline"))
    _seed_alarms(session.client("cloudwatch"))
    rds = session.client("rds")
    rds.create_db_instance(**RDS_INSTANCE, MasterUserPassword="sandbox-only")
    rds.create_db_cluster(**AURORA_CLUSTER, MasterUserPassword="sandbox-only")
    session.client("dynamodb").create_table(**DYNAMODB_TABLE)


def _seed_pipelines(iam: Any, codepipeline: Any) -> None:
    role = iam.create_role(RoleName=PIPELINE_ROLE, AssumeRolePolicyDocument=_TRUST)["Role"]["Arn"]
    for name, executions in PIPELINES.items():
        codepipeline.create_pipeline(pipeline=_pipeline(name, role))
        for _ in range(executions):
            codepipeline.start_pipeline_execution(name=name)


def _pipeline(name: str, role: str) -> dict[str, Any]:
    """Source (S3) -> Build (CodeBuild) -> Deploy (S3): moto checks the role and that there are 2+ stages."""

    def stage(category: str, provider: str, config: dict[str, str], given: str = "", made: str = "") -> Any:
        type_id = {"category": category, "owner": "AWS", "provider": provider, "version": "1"}
        action: dict[str, Any] = {"name": category, "actionTypeId": type_id, "configuration": config}
        if given:
            action["inputArtifacts"] = [{"name": given}]
        if made:
            action["outputArtifacts"] = [{"name": made}]
        return {"name": category, "actions": [action]}

    return {
        "name": name,
        "roleArn": role,
        "artifactStore": {"type": "S3", "location": ARTIFACT_BUCKET},
        "stages": [
            stage("Source", "S3", {"S3Bucket": f"{name}-source", "S3ObjectKey": "app.zip"}, made="Source"),
            stage("Build", "CodeBuild", {"ProjectName": name}, given="Source", made="Build"),
            stage("Deploy", "S3", {"BucketName": f"{name}-release", "Extract": "true"}, given="Build"),
        ],
    }


def _seed_alarms(cloudwatch: Any) -> None:
    for name, namespace, metric, statistic, threshold, value in ALARMS:
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace=namespace,
            MetricName=metric,
            **{"ExtendedStatistic" if statistic.startswith("p") else "Statistic": statistic},
            Threshold=threshold,
            Period=300,
            EvaluationPeriods=1,
            ComparisonOperator="GreaterThanThreshold",
        )
        firing = value > threshold
        reason = (
            f"Threshold Crossed: 1 datapoint [{value}] was {'' if firing else 'not '}"
            f"greater than the threshold ({threshold})."
        )
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM" if firing else "OK", StateReason=reason)


def _restore_environ(saved: dict[str, str]) -> None:
    """Put ``os.environ`` back as ``saved``, touching only the variables that differ."""
    for key in set(os.environ) - set(saved):
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
