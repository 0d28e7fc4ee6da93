"""Meety's Slack app in the stack (``template_slack``), and nothing of it without ``DeployConfig.slack``.

GIVEN the real Meety bot, a full deploy config and a ``SlackDeploy``, WHEN ``build_template`` merges every
fragment, THEN cfn-lint finds nothing; the Slack function runs the Slack handler from the admin zip with
parameter names (never secrets) in its environment; its two routes have no authorizer while the admin
routes keep theirs; its role reads exactly the three parameters, talks to exactly the live alias and
invokes exactly itself, with no wildcard action; the code hook may read the gateway key. Without Slack, no
Slack resource, output, variable or grant appears.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from admin_api.slack.handler import EVENTS, INTERACTIONS
from bot.deploy import names, template_slack
from bot.deploy.config import SlackDeploy, TemplateContext
from bot.deploy.deployer import deploy_config
from bot.deploy.template import Json, build_template
from bot.model import Bot
from bot.settings import BuildSettings
from tests.deploy_template_support import (
    ARTIFACTS,
    STACK,
    arn,
    as_list,
    grants,
    lint,
    of_type,
    statements,
)
from tests.deploy_template_support import core_bot as core_bot
from tests.deploy_template_support import core_context as context

SLACK = SlackDeploy(
    signing_secret_parameter=f"/meety/{STACK}/slack-signing-secret",
    bot_token_parameter=f"/meety/{STACK}/slack-bot-token",
    admin_channel="C0123ADMIN",
    roles="U012AB3CD:admin,U045ABCDE:ops+viewer",
    gateway_key_parameter=f"/meety/{STACK}/gateway-key",
)
PARAMETERS = {
    arn("ssm", f"parameter/meety/{STACK}/{name}")
    for name in ("slack-signing-secret", "slack-bot-token", "gateway-key")
}
GATEWAY_KEY = arn("ssm", f"parameter/meety/{STACK}/gateway-key")
LIVE_ALIAS = arn("lex", f"bot-alias/${{{names.BOT}}}/${{{names.BOT_ALIAS}.BotAliasId}}")
SLACK_IDS = {
    names.SLACK_FUNCTION,
    names.SLACK_ROLE,
    names.SLACK_LOGS,
    names.SLACK_INTEGRATION,
    names.SLACK_EVENTS_ROUTE,
    names.SLACK_INTERACTIONS_ROUTE,
    names.SLACK_PERMISSION,
}


@pytest.fixture(scope="module")
def with_slack(bot: Bot) -> Json:
    return build_template(context(bot, slack=SLACK))


@pytest.fixture(scope="module")
def without_slack(bot: Bot) -> Json:
    return build_template(context(bot))


def props(template: Json, logical_id: str) -> Json:
    properties: Json = template["Resources"][logical_id]["Properties"]
    return properties


def variables(template: Json, function: str) -> dict[str, Any]:
    found: dict[str, Any] = props(template, function)["Environment"]["Variables"]
    return found


# --- with Slack -------------------------------------------------------------------------------------------


def test_the_whole_template_with_slack_passes_cfn_lint(with_slack: Json, tmp_path: Path) -> None:
    assert lint(with_slack, tmp_path) == []


def test_the_slack_function_runs_the_slack_handler_from_the_admin_zip(with_slack: Json) -> None:
    function = with_slack["Resources"][names.SLACK_FUNCTION]
    assert function["DependsOn"] == [names.SLACK_LOGS]
    p = function["Properties"]
    assert p["Handler"] == "admin_api.slack.handler.lambda_handler"
    assert p["Code"] == {"S3Bucket": ARTIFACTS.bucket, "S3Key": ARTIFACTS.admin_key}
    assert (p["MemorySize"], p["Timeout"], p["FunctionName"]) == (256, 30, f"{STACK}-slack")
    assert p["Role"] == {"Fn::GetAtt": [names.SLACK_ROLE, "Arn"]}
    logs = props(with_slack, names.SLACK_LOGS)
    assert logs["LogGroupName"] == f"/aws/lambda/{STACK}-slack"


def test_the_slack_environment_names_parameters_and_holds_no_secret(with_slack: Json) -> None:
    env = variables(with_slack, names.SLACK_FUNCTION)
    assert env["MEETY_STORE"] == {"Fn::Sub": f"dynamodb://${{{names.TABLE}}}"}
    assert env["MEETY_SLACK_SIGNING_SECRET_PARAMETER"] == SLACK.signing_secret_parameter
    assert env["MEETY_SLACK_BOT_TOKEN_PARAMETER"] == SLACK.bot_token_parameter
    assert env["MEETY_GATEWAY_KEY_PARAMETER"] == SLACK.gateway_key_parameter
    assert env["MEETY_SLACK_ADMIN_CHANNEL"] == "C0123ADMIN"
    assert env["MEETY_SLACK_ROLES"] == SLACK.roles
    assert env["MEETY_SLACK_BOT_ID"] == {"Ref": names.BOT}
    assert env["MEETY_SLACK_BOT_ALIAS_ID"] == {"Fn::GetAtt": [names.BOT_ALIAS, "BotAliasId"]}
    assert env["MEETY_SLACK_LOCALE"] == "en_US"
    assert env["POWERTOOLS_SERVICE_NAME"] == "meety-slack"
    for plain in (
        "MEETY_SLACK_SIGNING_SECRET",
        "MEETY_SLACK_BOT_TOKEN",
        "MEETY_CLOCK",
        "MEETY_SLACK_LEX_ENDPOINT",
    ):
        assert plain not in env
    assert list(env) == sorted(env)


def test_the_slack_routes_are_public_and_the_admin_routes_keep_their_authorizer(with_slack: Json) -> None:
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in of_type(with_slack, "AWS::ApiGatewayV2::Route").values()
    }
    assert {f"POST {EVENTS}", f"POST {INTERACTIONS}"} <= set(routes)
    slack_target = {"Fn::Sub": f"integrations/${{{names.SLACK_INTEGRATION}}}"}
    for key in (f"POST {EVENTS}", f"POST {INTERACTIONS}"):
        assert routes[key]["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in routes[key]
        assert routes[key]["Target"] == slack_target
    protected = routes["ANY /admin/api/{proxy+}"]
    assert protected["AuthorizationType"] == "JWT"
    assert protected["AuthorizerId"] == {"Ref": names.HTTP_API_AUTHORIZER}
    assert protected["Target"] == {"Fn::Sub": f"integrations/${{{names.HTTP_API_INTEGRATION}}}"}
    integration = props(with_slack, names.SLACK_INTEGRATION)
    assert integration["IntegrationUri"] == {"Fn::GetAtt": [names.SLACK_FUNCTION, "Arn"]}
    assert integration["PayloadFormatVersion"] == "2.0"


def test_api_gateway_may_invoke_the_slack_function_for_slack_paths_only(with_slack: Json) -> None:
    permission = props(with_slack, names.SLACK_PERMISSION)
    assert permission["FunctionName"] == {"Fn::GetAtt": [names.SLACK_FUNCTION, "Arn"]}
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"]["Fn::Sub"].endswith(f"${{{names.HTTP_API}}}/*/*/slack/*")


def test_the_request_url_output_is_the_api_endpoint_under_slack(with_slack: Json) -> None:
    output = with_slack["Outputs"][names.OUT_SLACK_REQUEST_URL]
    assert output["Value"] == {"Fn::Sub": f"${{{names.HTTP_API}.ApiEndpoint}}/slack"}
    assert EVENTS.startswith(template_slack.PREFIX)
    assert INTERACTIONS.startswith(template_slack.PREFIX)


def test_the_slack_role_is_exactly_scoped(with_slack: Json) -> None:
    found = grants(with_slack, names.SLACK_ROLE)
    assert found["ssm:GetParameter"] == PARAMETERS
    assert found["lex:RecognizeText"] == {LIVE_ALIAS}
    assert found["lambda:InvokeFunction"] == {arn("lambda", f"function:{STACK}-slack")}
    assert found["logs:PutLogEvents"] == {arn("logs", f"log-group:/aws/lambda/{STACK}-slack:log-stream:*")}
    # the table, the backup runner (approving in Slack starts a backup), mail: as the admin API's role
    admin = grants(with_slack, names.ADMIN_ROLE)
    shared = {a: r for a, r in admin.items() if not a.startswith("logs:")}
    assert {a: r for a, r in found.items() if a in shared} == shared
    assert set(found) - set(admin) == {"ssm:GetParameter", "lex:RecognizeText", "lambda:InvokeFunction"}
    assert not [s for s in statements(with_slack, names.SLACK_ROLE) if "Condition" in s]


def test_no_role_has_a_wildcard_action(with_slack: Json) -> None:
    for role_id in of_type(with_slack, "AWS::IAM::Role"):
        for statement in statements(with_slack, role_id):
            assert not [a for a in as_list(statement["Action"]) if "*" in a], role_id


def test_the_code_hook_gets_the_gateway_key_parameter(with_slack: Json) -> None:
    env = variables(with_slack, names.FULFILLMENT_FUNCTION)
    assert env["MEETY_GATEWAY_KEY_PARAMETER"] == SLACK.gateway_key_parameter
    assert grants(with_slack, names.FULFILLMENT_ROLE)["ssm:GetParameter"] == {GATEWAY_KEY}
    for function, role in (
        (names.ADMIN_FUNCTION, names.ADMIN_ROLE),
        (names.SWEEPER_FUNCTION, names.SWEEPER_ROLE),
    ):
        assert "MEETY_GATEWAY_KEY_PARAMETER" not in variables(with_slack, function)
        assert "ssm:GetParameter" not in grants(with_slack, role)


# --- without Slack ----------------------------------------------------------------------------------------


def test_without_slack_nothing_slack_related_appears(without_slack: Json) -> None:
    assert not SLACK_IDS & set(without_slack["Resources"])
    assert names.OUT_SLACK_REQUEST_URL not in without_slack["Outputs"]
    text = json.dumps(without_slack)
    # the bot's texts mention Slack (Lex's channel) and the widget talks to Lex: look for the wiring only
    for needle in ("MEETY_SLACK", "/slack", "-slack", "GATEWAY_KEY", "ssm:"):
        assert needle not in text, needle


def test_slack_adds_to_the_template_and_changes_nothing_else(with_slack: Json, without_slack: Json) -> None:
    assert set(with_slack["Resources"]) - set(without_slack["Resources"]) == SLACK_IDS
    changed = {k for k, r in without_slack["Resources"].items() if with_slack["Resources"][k] != r}
    assert changed == {names.FULFILLMENT_FUNCTION, names.FULFILLMENT_ROLE}


# --- the deployer -----------------------------------------------------------------------------------------


def test_the_deployer_configures_slack_from_the_admin_channel() -> None:
    settings = BuildSettings()
    assert deploy_config("meety-prod", "eu-west-1", settings, {}).slack is None
    env = {"MEETY_SLACK_ADMIN_CHANNEL": "C0123ADMIN", "MEETY_SLACK_ROLES": "U012AB3CD:admin"}
    slack = deploy_config("meety-prod", "eu-west-1", settings, env).slack
    assert slack is not None
    assert dataclasses.asdict(slack) == {
        "signing_secret_parameter": "/meety/meety-prod/slack-signing-secret",
        "bot_token_parameter": "/meety/meety-prod/slack-bot-token",
        "admin_channel": "C0123ADMIN",
        "roles": "U012AB3CD:admin",
        "gateway_key_parameter": "/meety/meety-prod/gateway-key",
    }
    named = {**env, "MEETY_GATEWAY_KEY_PARAMETER": "/shared/gateway-key"}
    other = deploy_config("meety-prod", "eu-west-1", settings, named).slack
    assert other is not None
    assert other.gateway_key_parameter == "/shared/gateway-key"


def test_a_context_without_slack_is_the_default(bot: Bot) -> None:
    ctx: TemplateContext = context(bot)
    assert ctx.config.slack is None
    assert template_slack.fragment(dataclasses.replace(ctx)) == {}
