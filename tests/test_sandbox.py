"""The ``meety serve --sandbox`` account: moto seeded with demo pipelines, alarms and databases.

Read through plain boto3 clients (what the ops services will see), from the main thread and from a worker
thread; plus the environment the sandbox sets and restores, a clean second sandbox, moto's missing
operations (a bare ``NotImplementedError``, which ``translate`` maps to ``OpsUnsupported``), and the
deploy-status and recent-alarms services run against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from bot.errors import SettingsError
from bot.sandbox import PIPELINE_ROLE, Sandbox, sandbox_account
from bot.settings import load_build_settings
from fulfillment.ops import OpsUnsupported, client_config, deploy_status, overview, recent_alarms, translate
from fulfillment.targets import parse_backup_targets, split_list

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRING = {"checkout-5xx-rate", "orders-db-cpu-high"}
EXECUTIONS = {"web-app": 2, "payments-api": 1, "data-jobs": 0}


def client(service: str) -> Any:
    """A client as the app builds one: region and credentials from the environment, our config."""
    make: Any = boto3.client  # the stubs' overloads want a literal service name
    return make(service, config=client_config())


def executions(codepipeline: Any, name: str) -> list[dict[str, Any]]:
    summaries: list[dict[str, Any]] = codepipeline.list_pipeline_executions(pipelineName=name)[
        "pipelineExecutionSummaries"
    ]
    return summaries


def firing_alarms(cloudwatch: Any) -> set[str]:
    return {a["AlarmName"] for a in cloudwatch.describe_alarms(StateValue="ALARM")["MetricAlarms"]}


@pytest.fixture(scope="class")
def sandbox() -> Iterator[Sandbox]:
    """One sandbox for a class of read-only tests: seeding it once keeps the module fast."""
    with sandbox_account() as account:
        yield account


class TestSeededAccount:
    """Read-only checks; the sandbox (and its environment) ends with the class."""

    def test_pipelines_and_their_executions(self, sandbox: Sandbox) -> None:
        """Three pipelines with Source -> Build -> Deploy; moto marks every execution Succeeded at once."""
        codepipeline = client("codepipeline")
        listed = {p["name"] for p in codepipeline.list_pipelines()["pipelines"]}
        assert listed == set(sandbox.pipelines) == set(EXECUTIONS)
        for name, count in EXECUTIONS.items():
            runs = executions(codepipeline, name)
            assert len(runs) == count, name
            assert {r["status"] for r in runs} <= {"Succeeded"}
        pipeline = codepipeline.get_pipeline(name="web-app")["pipeline"]
        assert [s["name"] for s in pipeline["stages"]] == ["Source", "Build", "Deploy"]
        assert pipeline["stages"][0]["actions"][0]["actionTypeId"]["provider"] == "S3"
        assert pipeline["roleArn"] == f"arn:aws:iam::123456789012:role/{PIPELINE_ROLE}"

    def test_alarms_two_firing_with_readable_reasons(self, sandbox: Sandbox) -> None:
        cloudwatch = client("cloudwatch")
        alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
        assert len(alarms) == 4
        assert firing_alarms(cloudwatch) == FIRING
        assert {n for n, a in alarms.items() if a["StateValue"] == "OK"} == set(alarms) - FIRING
        reason = alarms["checkout-5xx-rate"]["StateReason"]
        assert reason == "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)."
        assert alarms["payments-api-latency-p99"]["ExtendedStatistic"] == "p99"

    def test_backup_targets_exist(self, sandbox: Sandbox) -> None:
        """Each allow-listed target is a real resource of its kind in the account."""
        assert [str(t) for t in sandbox.backup_targets] == [
            "rds:orders-db",
            "aurora:analytics",
            "dynamodb:customer-sessions",
        ]
        rds = client("rds")
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier="orders-db")["DBInstances"]
        assert (instance["Engine"], instance["DBInstanceStatus"]) == ("postgres", "available")
        (cluster,) = rds.describe_db_clusters(DBClusterIdentifier="analytics")["DBClusters"]
        assert cluster["Engine"] == "aurora-postgresql"
        table = client("dynamodb").describe_table(TableName="customer-sessions")["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    def test_environ_round_trips_through_the_settings_parsers(
        self, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env = sandbox.environ()
        assert env["MEETY_PIPELINES"] == "web-app,payments-api,data-jobs"
        assert env["MEETY_BACKUP_TARGETS"] == "rds:orders-db,aurora:analytics,dynamodb:customer-sessions"
        assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "us-east-1"
        assert parse_backup_targets(env["MEETY_BACKUP_TARGETS"]) == sandbox.backup_targets
        assert split_list(env["MEETY_PIPELINES"]) == sandbox.pipelines
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = load_build_settings()
        assert settings.pipelines == sandbox.pipelines
        assert settings.backup_targets == sandbox.backup_targets

    def test_a_worker_thread_sees_the_same_account(self, sandbox: Sandbox) -> None:
        """The server answers from worker threads: their own clients reach the seeded account too."""
        seen: dict[str, Any] = {}

        def work() -> None:
            try:
                codepipeline = boto3.client("codepipeline", config=client_config())
                seen["pipelines"] = {p["name"] for p in codepipeline.list_pipelines()["pipelines"]}
                seen["status"] = deploy_status(codepipeline, "web-app").status
                seen["firing"] = firing_alarms(boto3.client("cloudwatch"))
            except Exception as exc:  # surfaced by the asserts below
                seen["error"] = exc

        worker = threading.Thread(target=work)
        worker.start()
        worker.join(timeout=30)
        assert "error" not in seen
        assert seen == {"pipelines": set(sandbox.pipelines), "status": "Succeeded", "firing": FIRING}

    def test_missing_operations_raise_a_bare_not_implemented_error(self, sandbox: Sandbox) -> None:
        """moto raises ``NotImplementedError`` (not a ``ClientError``) out of the client call itself,
        also through a paginator; ``translate`` maps it to ``OpsUnsupported``."""
        codepipeline, cloudwatch = client("codepipeline"), client("cloudwatch")
        calls: dict[str, Callable[[], object]] = {
            "GetPipelineState": lambda: codepipeline.get_pipeline_state(name="web-app"),
            "DescribeAlarmHistory": lambda: cloudwatch.describe_alarm_history(AlarmName="queue-age"),
            "DescribeAlarmHistory pages": lambda: list(
                cloudwatch.get_paginator("describe_alarm_history").paginate(HistoryItemType="StateUpdate")
            ),
        }
        for operation, call in calls.items():
            with pytest.raises(NotImplementedError, match="has not been implemented") as raised:
                call()
            assert type(raised.value) is NotImplementedError
            assert not isinstance(raised.value, ClientError)
            translated = translate(raised.value, operation)
            assert isinstance(translated, OpsUnsupported)
            assert translated.code == "NotImplementedError"

    def test_deploy_status_and_recent_alarms_work_against_it(self, sandbox: Sandbox) -> None:
        codepipeline = client("codepipeline")
        status = deploy_status(codepipeline, "web-app")
        latest = executions(codepipeline, "web-app")[0]
        assert (status.status, status.stage, status.degraded) == ("Succeeded", None, None)
        assert status.execution_id == latest["pipelineExecutionId"]
        assert status.started is not None
        assert status.ended is not None
        assert deploy_status(codepipeline, "data-jobs").never_run
        assert [(s.pipeline, s.status, s.error) for s in overview(codepipeline, sandbox.pipelines)] == [
            ("web-app", "Succeeded", None),
            ("payments-api", "Succeeded", None),
            ("data-jobs", None, None),
        ]

        now = datetime.now(UTC)
        report = recent_alarms(client("cloudwatch"), timedelta(hours=24), now)
        assert {a.name for a in report.firing} == FIRING
        assert all(a.reason and a.reason.startswith("Threshold Crossed") for a in report.firing)
        assert all(a.since is not None for a in report.firing)
        assert report.history_available is False
        assert report.recent == ()
        assert not report.all_clear


def test_importing_the_module_imports_neither_moto_nor_boto3() -> None:
    code = "import sys, bot.sandbox; print(sorted(m for m in ('moto', 'boto3') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fake_credentials_and_region_inside_and_the_environment_restored_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A developer's real AWS setup is hidden inside (keys, token, profile, endpoint), then comes back."""
    real = {
        "AWS_ACCESS_KEY_ID": "AKIAREALKEY000000000",
        "AWS_SECRET_ACCESS_KEY": "real-secret",
        "AWS_SESSION_TOKEN": "real-token",
        "AWS_PROFILE": "prod-admin",
        "AWS_REGION": "ap-south-1",
        "AWS_ENDPOINT_URL": "http://localhost:4566",
    }
    for key, value in real.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    before = dict(os.environ)

    with sandbox_account(region="eu-west-1") as sandbox:
        assert sandbox.region == "eu-west-1"
        assert os.environ["AWS_DEFAULT_REGION"] == os.environ["AWS_REGION"] == "eu-west-1"
        assert os.environ["AWS_ACCESS_KEY_ID"] not in ("", real["AWS_ACCESS_KEY_ID"])
        assert os.environ["AWS_SECRET_ACCESS_KEY"] != real["AWS_SECRET_ACCESS_KEY"]
        for gone in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
            assert gone not in os.environ
        credentials = boto3.Session().get_credentials()
        assert credentials is not None
        assert credentials.token is None
        assert credentials.access_key == os.environ["AWS_ACCESS_KEY_ID"]
        codepipeline = client("codepipeline")
        assert codepipeline.meta.region_name == "eu-west-1"
        assert len(codepipeline.list_pipelines()["pipelines"]) == 3
        other = boto3.client("codepipeline", region_name="us-east-1")
        assert other.list_pipelines()["pipelines"] == []

    assert dict(os.environ) == before


def test_environment_restored_when_the_block_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    before = dict(os.environ)
    with pytest.raises(RuntimeError, match="boom"), sandbox_account():
        raise RuntimeError("boom")
    assert dict(os.environ) == before


def test_a_second_sandbox_starts_fresh() -> None:
    """What the first sandbox changed is gone: the mock's data is dropped on exit."""
    with sandbox_account():
        codepipeline, cloudwatch = client("codepipeline"), client("cloudwatch")
        codepipeline.start_pipeline_execution(name="data-jobs")
        codepipeline.delete_pipeline(name="payments-api")
        cloudwatch.set_alarm_state(AlarmName="queue-age", StateValue="ALARM", StateReason="demo")
        client("dynamodb").delete_table(TableName="customer-sessions")
        client("iam").create_role(RoleName="scratch", AssumeRolePolicyDocument="{}")
        assert len(executions(codepipeline, "data-jobs")) == 1
        assert firing_alarms(cloudwatch) == FIRING | {"queue-age"}

    with sandbox_account():
        codepipeline, cloudwatch = client("codepipeline"), client("cloudwatch")
        assert {p["name"] for p in codepipeline.list_pipelines()["pipelines"]} == set(EXECUTIONS)
        assert {name: len(executions(codepipeline, name)) for name in EXECUTIONS} == EXECUTIONS
        assert firing_alarms(cloudwatch) == FIRING
        assert client("dynamodb").list_tables()["TableNames"] == ["customer-sessions"]
        assert [r["RoleName"] for r in client("iam").list_roles()["Roles"]] == [PIPELINE_ROLE]


def test_missing_moto_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto", None)  # makes ``import moto`` raise ImportError
    before = dict(os.environ)
    with pytest.raises(SettingsError) as raised, sandbox_account():
        pytest.fail("the block must not run without moto")
    assert str(raised.value) == "meety serve --sandbox needs moto: pip install 'meety[sandbox]'"
    assert dict(os.environ) == before
