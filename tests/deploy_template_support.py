"""Shared pieces of the deploy-template tests: the two stand-in stacks, their fixtures, IAM and lint helpers.

The core side (``test_deploy_template_{lambdas,iam,lex}``) merges the core, Lex and monitoring fragments with
``AUTH_STUB``, a stand-in for the auth fragment, for the real Meety bot with two pipelines and three backup
targets. The edge side (``test_deploy_template_{auth,api,web}``) merges the auth, API and web fragments with
``stub``, a stand-in for what the core and Lex fragments provide, for the bot as built by default.

Each side has a ``bot`` and a ``template`` fixture (``core_bot``/``core_template`` and ``edge_bot``/
``edge_template``, registered under the short names) and a ``context``: a test module imports its side's
fixtures by name (``core_bot as core_bot``) so pytest finds them, and its context under the short name
(``core_context as context``).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.build import compile_project
from bot.cloudformation import bot_resource
from bot.deploy import (
    names,
    template_api,
    template_auth,
    template_core,
    template_lex,
    template_monitoring,
    template_web,
)
from bot.deploy.config import Artifacts, DeployConfig, TemplateContext
from bot.deploy.template import Fragment, Json, merge
from bot.model import Bot
from bot.settings import BuildSettings
from fulfillment.targets import parse_backup_targets
from tests.conftest import REPO

# --- the core side: core, Lex and monitoring fragments, a stand-in for the auth fragment -----------------

STACK = "meety-test"
PIPELINES = ("web-app", "billing_api")
TARGETS = parse_backup_targets("rds:Orders-DB,aurora:analytics,dynamodb:sessions")
ARTIFACTS = Artifacts(
    bucket="meety-artifacts", fulfillment_key="fulfillment-1a2b.zip", admin_key="admin-3c4d.zip"
)
OPERATOR_ENV = {
    "MEETY_HOST_TIMEZONE": "Europe/Madrid",
    "MEETY_STORE": "sqlite:///.meety/local.db",  # the operator's local store: the stack's table must win
    "MEETY_CLOCK": "2026-11-18T10:00:00+00:00",  # local-only: never reaches AWS
}
AUTH_STUB: Fragment = {
    # what template_auth (written elsewhere) provides and the Lambdas' environment references
    "Resources": {
        names.USER_POOL: {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": STACK}},
        names.USER_POOL_CLIENT: {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {"UserPoolId": {"Ref": names.USER_POOL}, "GenerateSecret": False},
        },
    }
}


def arn(service: str, resource: str) -> str:
    return f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"


@pytest.fixture(scope="module", name="bot")
def core_bot() -> Bot:
    return compile_project(REPO, BuildSettings(pipelines=PIPELINES, backup_targets=TARGETS))


def core_context(bot: Bot, **changes: Any) -> TemplateContext:
    config = DeployConfig(
        stack=STACK,
        region="us-east-1",
        pipelines=PIPELINES,
        backup_targets=TARGETS,
        alarm_prefix="meety-",
        mail_from="Meety <meety@example.com>",
        alarm_email="ops@example.com",
        lambda_environment=OPERATOR_ENV,
    )
    return TemplateContext(config=dataclasses.replace(config, **changes), bot=bot, artifacts=ARTIFACTS)


def build(ctx: TemplateContext) -> Json:
    fragments = [template_core.fragment(ctx), template_lex.fragment(ctx), template_monitoring.fragment(ctx)]
    return {"AWSTemplateFormatVersion": "2010-09-09", **merge([*fragments, AUTH_STUB])}


@pytest.fixture(scope="module", name="template")
def core_template(bot: Bot) -> Json:
    return build(core_context(bot))


def render(value: Any) -> str:
    """A Resource entry as one string: literals as is, ``Fn::Sub`` as its pattern, GetAtt as ``${X.Y}``."""
    if isinstance(value, str):
        return value
    if "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    logical_id, attribute = value["Fn::GetAtt"]
    return f"${{{logical_id}.{attribute}}}"


def statements(template: Json, role: str) -> list[Json]:
    policies = template["Resources"][role]["Properties"]["Policies"]
    return [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]


def grants(template: Json, role: str) -> dict[str, set[str]]:
    """Action -> the resources it is allowed on, for one role."""
    found: dict[str, set[str]] = {}
    for statement in statements(template, role):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            found.setdefault(action, set()).update(render(r) for r in as_list(statement["Resource"]))
    return found


# --- the edge side: auth, API and web fragments, a stand-in for the core and Lex fragments ----------------


REGION = "eu-west-1"
MAIL = "Meety <meety@example.com>"


@pytest.fixture(scope="module", name="bot")
def edge_bot() -> Bot:
    return compile_project(REPO, BuildSettings())


def edge_context(bot: Bot, mail_from: str | None = MAIL, stack: str = "meety-test") -> TemplateContext:
    config = DeployConfig(stack=stack, region=REGION, mail_from=mail_from)
    return TemplateContext(config=config, bot=bot, artifacts=Artifacts("artifacts", "f.zip", "a.zip"))


def role(service: str, description: str) -> Json:
    trust = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": description,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
        },
    }


def stub(bot: Bot) -> dict[str, Json]:
    """What template_core and template_lex will provide: the admin Lambda, the bot, its live alias."""
    code = "def handler(event, context):\n    return {'statusCode': 200}\n"
    resources = {
        names.ADMIN_ROLE: role("lambda.amazonaws.com", "stub admin Lambda role"),
        names.ADMIN_FUNCTION: {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": [names.ADMIN_ROLE, "Arn"]},
                "Code": {"ZipFile": code},
            },
        },
        names.BOT_ROLE: role("lexv2.amazonaws.com", "stub bot role"),
        names.BOT: bot_resource(bot, role_arn={"Fn::GetAtt": [names.BOT_ROLE, "Arn"]}),
        names.BOT_ALIAS: {
            "Type": "AWS::Lex::BotAlias",
            "Properties": {"BotId": {"Ref": names.BOT}, "BotAliasName": "live"},
        },
    }
    return {"Resources": resources}


def edge(ctx: TemplateContext) -> dict[str, Json]:
    return merge([template_auth.fragment(ctx), template_api.fragment(ctx), template_web.fragment(ctx)])


def stack_template(bot: Bot, ctx: TemplateContext) -> Json:
    body = merge([stub(bot), edge(ctx)])
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": "edge fragments + stub", **body}


@pytest.fixture(scope="module", name="template")
def edge_template(bot: Bot) -> Json:
    return stack_template(bot, edge_context(bot))


def props(template: Json, logical_id: str) -> Json:
    resource: Json = template["Resources"][logical_id]
    return resource["Properties"]  # type: ignore[no-any-return]


# --- both sides -------------------------------------------------------------------------------------------


def of_type(template: Json, kind: str) -> dict[str, Json]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def lint(template: Json, tmp_path: Path) -> list[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=1), encoding="utf-8")
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path)]
