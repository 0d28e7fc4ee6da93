"""The core, Lex and monitoring fragments as a whole, and the table and Lambdas they make.

GIVEN the real Meety bot (two pipelines, three backup targets), a deploy config with mail and alarm e-mail,
WHEN the three fragments are merged with a stand-in for the auth fragment, THEN cfn-lint accepts the
template, two builds are equal, the table is the one the code creates, every Lambda has its log group, the
Lambdas accept their environment, the alarms and the dashboard watch them, and moto's CloudFormation
creates every non-Lex resource.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bot.build import compile_project
from bot.deploy import names, template_core
from bot.deploy.template import Json
from bot.model import Bot
from bot.settings import BuildSettings
from fulfillment import handler
from fulfillment.domain.dynamodb_store import create_table
from fulfillment.notify import load_mail_settings
from fulfillment.settings import load_fulfillment_settings
from tests.conftest import REPO
from tests.deploy_template_support import (
    ARTIFACTS,
    PIPELINES,
    STACK,
    TARGETS,
    as_list,
    build,
    lint,
    of_type,
)
from tests.deploy_template_support import core_bot as core_bot
from tests.deploy_template_support import core_context as context
from tests.deploy_template_support import core_template as core_template

# --- the template as a whole ------------------------------------------------------------------------------


@pytest.mark.parametrize("bare", [False, True], ids=["configured", "nothing-optional"])
def test_cfn_lint_accepts_the_merged_fragments(bot: Bot, tmp_path: Path, bare: bool) -> None:
    changes = {"pipelines": (), "backup_targets": (), "mail_from": None, "alarm_email": None} if bare else {}
    matches = lint(build(context(bot, **changes)), tmp_path)
    assert matches == [], "cfn-lint reported:\n" + "\n".join(matches)  # no errors, no warnings either


def test_two_builds_are_equal_and_share_nothing(bot: Bot) -> None:
    again = compile_project(REPO, BuildSettings(pipelines=PIPELINES, backup_targets=TARGETS))
    first, second = build(context(bot)), build(context(again))
    assert json.dumps(first, sort_keys=False) == json.dumps(second, sort_keys=False)
    first["Resources"][names.TABLE]["Properties"]["BillingMode"] = "PROVISIONED"
    assert build(context(bot)) == second


def test_outputs(template: Json) -> None:
    outputs = template["Outputs"]
    assert outputs[names.OUT_TABLE]["Value"] == {"Ref": names.TABLE}
    assert outputs[names.OUT_REGION]["Value"] == {"Ref": "AWS::Region"}
    assert outputs[names.OUT_BOT_ID]["Value"] == {"Ref": names.BOT}
    assert outputs[names.OUT_BOT_ALIAS_ID]["Value"] == {"Fn::GetAtt": [names.BOT_ALIAS, "BotAliasId"]}
    assert outputs[names.OUT_DASHBOARD]["Value"] == {"Ref": names.DASHBOARD}


# --- the table --------------------------------------------------------------------------------------------


class Recorder:
    """A DynamoDB client that records what ``create_table`` asks for."""

    def __init__(self) -> None:
        self.calls: dict[str, Json] = {}

    def get_waiter(self, name: str) -> Recorder:
        return self

    def __getattr__(self, operation: str) -> Any:
        def call(**kwargs: Any) -> None:
            self.calls[operation] = kwargs

        return call


def test_table_is_exactly_the_layout_create_table_makes(template: Json) -> None:
    client = Recorder()
    create_table(client, "meety")
    made = client.calls["create_table"]
    table = template["Resources"][names.TABLE]
    properties = table["Properties"]
    for key in ("BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes"):
        assert properties[key] == made[key], key
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert (
        properties["TimeToLiveSpecification"]
        == client.calls["update_time_to_live"]["TimeToLiveSpecification"]
    )
    pitr = client.calls["update_continuous_backups"]["PointInTimeRecoverySpecification"]
    assert properties["PointInTimeRecoverySpecification"] == pitr == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert "TableName" not in properties  # a retained table never blocks re-creating the stack


# --- the Lambdas ------------------------------------------------------------------------------------------


def test_functions_run_their_handlers_from_the_uploaded_zips(template: Json) -> None:
    expected = {
        names.FULFILLMENT_FUNCTION: ("fulfillment.handler.lambda_handler", ARTIFACTS.fulfillment_key),
        names.SWEEPER_FUNCTION: ("fulfillment.sweeper.lambda_handler", ARTIFACTS.fulfillment_key),
        names.ADMIN_FUNCTION: ("admin_api.handler.lambda_handler", ARTIFACTS.admin_key),
    }
    for logical_id, (entry, key) in expected.items():
        properties = template["Resources"][logical_id]["Properties"]
        assert properties["Handler"] == entry
        assert properties["Code"] == {"S3Bucket": ARTIFACTS.bucket, "S3Key": key}
        assert (properties["Runtime"], properties["Architectures"]) == ("python3.11", ["x86_64"])
        assert properties["MemorySize"] == 256
    timeout = template["Resources"][names.FULFILLMENT_FUNCTION]["Properties"]["Timeout"]
    assert 21 < timeout < 30  # past the ops clients' worst case, before Lex (30 s) gives up


def test_every_function_has_its_log_group_created_first(template: Json) -> None:
    groups = of_type(template, "AWS::Logs::LogGroup")
    for function in of_type(template, "AWS::Lambda::Function").values():
        name = function["Properties"]["FunctionName"]
        assert name.startswith(f"{STACK}-")
        (group_id,) = function["DependsOn"]
        assert groups[group_id]["Properties"] == {
            "LogGroupName": f"/aws/lambda/{name}",
            "RetentionInDays": 30,
        }
    assert len(groups) == 3


def test_too_long_a_stack_name_is_refused(bot: Bot) -> None:
    with pytest.raises(ValueError, match="64"):
        template_core.fragment(context(bot, stack="s" * 60))


def resolved(variables: Json) -> dict[str, str]:
    """The environment as Lambda would see it, with the stack's references filled in."""
    values = {names.USER_POOL: "us-east-1_AbC123", names.USER_POOL_CLIENT: "4example5client"}

    def one(value: Any) -> str:
        if isinstance(value, str):
            return value
        if "Ref" in value:
            return values[value["Ref"]]
        return str(value["Fn::Sub"]).replace(f"${{{names.TABLE}}}", "meety-test-RequestsTable-ABC")

    return {key: one(value) for key, value in variables.items()}


def test_the_lambdas_accept_their_environment(template: Json) -> None:
    services = {
        names.FULFILLMENT_FUNCTION: handler.SERVICE,
        names.ADMIN_FUNCTION: "meety-admin-api",
        names.SWEEPER_FUNCTION: "meety-sweeper",
    }
    for logical_id, service in services.items():
        env = resolved(template["Resources"][logical_id]["Properties"]["Environment"]["Variables"])
        settings = load_fulfillment_settings(env)
        location = settings.store_location()
        assert (location.kind, location.table) == ("dynamodb", "meety-test-RequestsTable-ABC")
        assert settings.auth == "cognito"
        assert settings.cognito_user_pool_id == "us-east-1_AbC123"
        assert settings.client_ids() == ("4example5client",)
        assert settings.pipeline_names() == PIPELINES
        assert settings.targets() == TARGETS
        assert settings.host_timezone == "Europe/Madrid"
        assert settings.clock is None
        assert load_mail_settings(env).mailer == "ses"
        assert env["POWERTOOLS_SERVICE_NAME"] == service
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == handler.NAMESPACE


def test_the_sweeper_runs_every_five_minutes(template: Json) -> None:
    rule = template["Resources"][names.SWEEPER_SCHEDULE]["Properties"]
    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert rule["State"] == "ENABLED"
    assert rule["Targets"] == [{"Arn": {"Fn::GetAtt": [names.SWEEPER_FUNCTION, "Arn"]}, "Id": "sweeper"}]
    permission = template["Resources"][names.SWEEPER_PERMISSION]["Properties"]
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::GetAtt": [names.SWEEPER_SCHEDULE, "Arn"]}


# --- monitoring -------------------------------------------------------------------------------------------


def test_alarms_stay_green_when_idle_and_notify_the_topic(template: Json) -> None:
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) == 6  # errors x3, duration, fallback rate, pending queue age
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["TreatMissingData"] == "notBreaching"
        assert properties["AlarmActions"] == properties["OKActions"] == [{"Ref": names.ALARM_TOPIC}]
        assert properties["AlarmName"].startswith(f"{STACK}-")
    errors = [a["Properties"] for a in alarms.values() if a["Properties"].get("MetricName") == "Errors"]
    assert sorted(a["Dimensions"][0]["Value"]["Ref"] for a in errors) == sorted(
        [names.FULFILLMENT_FUNCTION, names.ADMIN_FUNCTION, names.SWEEPER_FUNCTION]
    )
    assert all((a["Threshold"], a["Period"]) == (1, 300) for a in errors)
    (duration,) = [
        a["Properties"] for a in alarms.values() if a["Properties"].get("MetricName") == "Duration"
    ]
    assert (duration["ExtendedStatistic"], duration["Threshold"]) == ("p99", 3000)


def test_the_fallback_rate_reads_the_metric_the_code_hook_writes(template: Json) -> None:
    (rate,) = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if "Metrics" in a["Properties"]
    ]
    metrics = {m["Id"]: m for m in rate["Metrics"]}
    fallbacks = metrics["fallbacks"]["MetricStat"]
    assert fallbacks["Metric"] == {
        "Namespace": handler.NAMESPACE,
        "MetricName": "Fallbacks",
        "Dimensions": [{"Name": "service", "Value": handler.SERVICE}],
    }
    assert 'record("Fallbacks"' in inspect.getsource(handler.route)
    assert fallbacks["Period"] == 900
    assert rate["Threshold"] == 30
    assert [m["Id"] for m in rate["Metrics"] if m["ReturnData"]] == ["rate"]


def test_the_topic_mails_only_a_configured_address(bot: Bot, template: Json) -> None:
    topic = template["Resources"][names.ALARM_TOPIC]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": "ops@example.com"}]
    silent = build(context(bot, alarm_email=None))["Resources"][names.ALARM_TOPIC]["Properties"]
    assert "Subscription" not in silent


def test_the_dashboard_shows_errors_duration_fallbacks_and_requests(template: Json) -> None:
    dashboard = template["Resources"][names.DASHBOARD]["Properties"]
    assert dashboard["DashboardName"] == STACK
    body = dashboard["DashboardBody"]["Fn::Sub"]
    referenced = set(re.findall(r"\$\{([^}]+)\}", body))
    assert referenced == {
        "AWS::Region",
        names.FULFILLMENT_FUNCTION,
        names.ADMIN_FUNCTION,
        names.SWEEPER_FUNCTION,
    }
    widgets = json.loads(body)["widgets"]
    shown = {m[1] for w in widgets for m in w["properties"]["metrics"] if len(m) > 1}
    ours = {"Fallbacks", "RequestsCreated", "BackupsRequested", "PendingQueueAge"}
    assert shown == {"Errors", "Duration", *ours}


# --- moto's CloudFormation --------------------------------------------------------------------------------


def references(value: Any) -> set[str]:
    """Logical ids ``value`` names through Ref, GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0])
            elif key == "Fn::Sub" and isinstance(inner, str):
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", inner)}
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def without_lex(template: Json) -> tuple[Json, set[str]]:
    """The template minus the AWS::Lex::* resources and everything that (transitively) refers to them."""
    resources = template["Resources"]
    gone = {k for k, r in resources.items() if r["Type"].startswith("AWS::Lex::")}
    while True:
        more = {
            k
            for k, r in resources.items()
            if k not in gone and (references(r) | set(as_list(r.get("DependsOn", [])))) & gone
        }
        if not more:
            break
        gone |= more
    kept = {k: r for k, r in resources.items() if k not in gone}
    outputs = {k: o for k, o in template["Outputs"].items() if not references(o) & gone}
    return {**template, "Resources": kept, "Outputs": outputs}, gone


def dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fulfillment/handler.py", "def lambda_handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def test_moto_creates_every_non_lex_resource(template: Json, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    body, gone = without_lex(template)
    (version_id,) = of_type(template, "AWS::Lex::BotVersion")
    assert gone == {names.BOT, version_id, names.BOT_ALIAS, names.LEX_PERMISSION}
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=ARTIFACTS.bucket)
        for key in (ARTIFACTS.fulfillment_key, ARTIFACTS.admin_key):
            s3.put_object(Bucket=ARTIFACTS.bucket, Key=key, Body=dummy_zip())
        cloudformation = boto3.client("cloudformation", region_name="us-east-1")
        cloudformation.create_stack(
            StackName=STACK, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_IAM"]
        )
        (stack,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        assert outputs[names.OUT_REGION] == "us-east-1"
        table = boto3.client("dynamodb", region_name="us-east-1").describe_table(
            TableName=outputs[names.OUT_TABLE]
        )
        assert {i["IndexName"] for i in table["Table"]["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2"}
        functions = boto3.client("lambda", region_name="us-east-1").list_functions()["Functions"]
        assert sorted(f["FunctionName"] for f in functions) == [
            f"{STACK}-admin-api",
            f"{STACK}-fulfillment",
            f"{STACK}-sweeper",
        ]
        for function in functions:
            assert (
                function["Environment"]["Variables"]["MEETY_STORE"]
                == f"dynamodb://{outputs[names.OUT_TABLE]}"
            )
        groups = boto3.client("logs", region_name="us-east-1").describe_log_groups(
            logGroupNamePrefix="/aws/lambda/"
        )
        assert {g["logGroupName"] for g in groups["logGroups"]} == {
            f"/aws/lambda/{f['FunctionName']}" for f in functions
        }
        created = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        assert {r["ResourceStatus"] for r in created} == {"CREATE_COMPLETE"}
