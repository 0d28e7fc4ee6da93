"""The whole stack's template, every fragment together, as ``meety deploy`` builds it.

GIVEN the real Meety bot and a full deploy config, WHEN ``build_template`` merges every fragment, THEN
cfn-lint finds nothing, every reference resolves, no IAM Allow grants a wildcard action, the outputs the
deployer and the web client read are all there, and the template is the same on every build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.build import compile_project
from bot.deploy import names
from bot.deploy.config import Artifacts, DeployConfig, TemplateContext
from bot.deploy.template import build_template
from bot.settings import BuildSettings
from fulfillment.targets import parse_backup_targets
from tests.conftest import REPO

Json = dict[str, Any]
CONFIG = DeployConfig(
    stack="meety-prod",
    region="eu-west-1",
    pipelines=("web-app", "payments-api"),
    backup_targets=parse_backup_targets("rds:orders-db,aurora:analytics,dynamodb:customer-sessions"),
    alarm_prefix="meety-",
    mail_from="meety@example.org",
    alarm_email="oncall@example.org",
    lambda_environment={"MEETY_HOST_TIMEZONE": "Europe/Madrid"},
)
ARTIFACTS = Artifacts(
    bucket="meety-artifacts-123456789012-eu-west-1", fulfillment_key="lambda/f.zip", admin_key="lambda/a.zip"
)
IAM_TYPES = {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy"}
WILDCARD_EXCEPTIONS = {"dynamodb:ListBackups", "cloudwatch:DescribeAlarms", "polly:SynthesizeSpeech"}
"""Actions AWS only grants on Resource "*" (no resource-level permissions); each is listed on purpose."""


@pytest.fixture(scope="module")
def template() -> Json:
    settings = BuildSettings(pipelines=CONFIG.pipelines, backup_targets=CONFIG.backup_targets)
    bot = compile_project(REPO, settings)
    return build_template(TemplateContext(CONFIG, bot, ARTIFACTS))


def statements(template: Json) -> Iterator[tuple[str, Json]]:
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] not in IAM_TYPES:
            continue
        props = resource.get("Properties", {})
        documents = [props.get("PolicyDocument")] + [
            p.get("PolicyDocument") for p in props.get("Policies", [])
        ]
        for document in documents:
            for statement in (document or {}).get("Statement", []):
                yield logical_id, statement


def test_cfn_lint_finds_nothing(template: Json, tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    problems = [f"{m.rule.id} {m.message}" for m in lint_file(path)]
    assert problems == []


def test_no_allow_grants_a_wildcard_action(template: Json) -> None:
    for logical_id, statement in statements(template):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), (logical_id, actions)
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        if "*" in resources:
            assert set(actions) <= WILDCARD_EXCEPTIONS, (logical_id, actions)


def test_every_output_the_deployer_and_web_client_read_is_there(template: Json) -> None:
    wanted = {
        names.OUT_REGION,
        names.OUT_TABLE,
        names.OUT_BOT_ID,
        names.OUT_BOT_ALIAS_ID,
        names.OUT_USER_POOL_ID,
        names.OUT_USER_POOL_CLIENT_ID,
        names.OUT_IDENTITY_POOL_ID,
        names.OUT_ADMIN_API_URL,
        names.OUT_WEB_BUCKET,
        names.OUT_DISTRIBUTION_ID,
        names.OUT_WEB_URL,
        names.OUT_DASHBOARD,
    }
    assert wanted <= set(template["Outputs"])


def test_nothing_always_on(template: Json) -> None:
    """Idle cost near zero: no VPC, NAT, provisioned capacity or concurrency, no always-on compute."""
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert not {
        t for t in types if t.startswith(("AWS::EC2::", "AWS::RDS::", "AWS::ECS::", "AWS::ElastiCache::"))
    }
    table = template["Resources"][names.TABLE]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Lambda::Function":
            assert "ProvisionedConcurrencyConfig" not in resource.get("Properties", {})
            assert "VpcConfig" not in resource.get("Properties", {})


def test_the_lambdas_read_the_ops_allow_lists(template: Json) -> None:
    env = template["Resources"][names.FULFILLMENT_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert env["MEETY_PIPELINES"] == "web-app,payments-api"
    assert env["MEETY_BACKUP_TARGETS"] == "rds:orders-db,aurora:analytics,dynamodb:customer-sessions"
    assert env["MEETY_ALARM_PREFIX"] == "meety-"
    assert env["MEETY_AUTH"] == "cognito"


def test_builds_are_deterministic(template: Json) -> None:
    settings = BuildSettings(pipelines=CONFIG.pipelines, backup_targets=CONFIG.backup_targets)
    again = build_template(TemplateContext(CONFIG, compile_project(REPO, settings), ARTIFACTS))
    assert json.dumps(again, sort_keys=True) == json.dumps(template, sort_keys=True)


def test_the_queue_age_alarm_reads_what_the_sweeper_puts(template: Json) -> None:
    from fulfillment import sweeper

    alarm = template["Resources"]["PendingQueueAgeAlarm"]["Properties"]
    assert alarm["MetricName"] == sweeper.QUEUE_AGE_METRIC
    assert alarm["Namespace"] == "Meety"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": sweeper.SERVICE}]
    assert alarm["TreatMissingData"] == "notBreaching"
