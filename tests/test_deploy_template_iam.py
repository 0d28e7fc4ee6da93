"""IAM in the core fragments: every role may do exactly what the code calls, on the configured resources.

GIVEN the real Meety bot (two pipelines, three backup targets), a deploy config with mail and alarm e-mail,
WHEN the core, Lex and monitoring fragments are merged, THEN no role has a wildcard action or a managed
policy, ``Resource: "*"`` appears only where AWS offers nothing narrower, and the pipelines, alarms, backup
targets and mail identity each role reaches are exactly the configured ones.
"""

from __future__ import annotations

import pytest

from bot.deploy import names, template_core
from bot.deploy.template import Json
from bot.model import Bot
from fulfillment.targets import parse_backup_targets
from tests.deploy_template_support import (
    PIPELINES,
    arn,
    as_list,
    build,
    grants,
    of_type,
    statements,
)
from tests.deploy_template_support import core_bot as core_bot
from tests.deploy_template_support import core_context as context
from tests.deploy_template_support import core_template as core_template

ROLES = {"fulfillment": names.FULFILLMENT_ROLE, "admin": names.ADMIN_ROLE, "sweeper": names.SWEEPER_ROLE}
RESOURCE_STAR_EXCEPTIONS = {
    "dynamodb:ListBackups": "ListBackups supports no resource-level permission",
    "cloudwatch:DescribeAlarms": "composite alarms are returned only to a permission scoped to *",
    "polly:SynthesizeSpeech": "the bot's role: Lex names no lexicon (see bot/cloudformation.py)",
}


# --- IAM --------------------------------------------------------------------------------------------------


def test_no_wildcard_actions_and_resource_star_only_for_documented_exceptions(template: Json) -> None:
    starred: set[str] = set()
    for role_id, role in of_type(template, "AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], role_id
        for statement in statements(template, role_id):
            actions = as_list(statement["Action"])
            assert not [a for a in actions if "*" in a], (role_id, actions)
            if "*" in as_list(statement["Resource"]):
                assert statement["Resource"] == ["*"] or statement["Resource"] == "*", role_id
                (action,) = actions  # one action per "*" statement, so each exception stands alone
                assert action in RESOURCE_STAR_EXCEPTIONS, (role_id, action)
                starred.add(action)
    assert starred == set(RESOURCE_STAR_EXCEPTIONS)


def test_function_roles_trust_lambda_only_and_write_their_own_log_group(template: Json) -> None:
    functions = of_type(template, "AWS::Lambda::Function")
    assert len(functions) == 3
    for function in functions.values():
        role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
        trust = template["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
        own = f"log-group:/aws/lambda/{function['Properties']['FunctionName']}:log-stream:*"
        logs = {a: r for a, r in grants(template, role_id).items() if a.startswith("logs:")}
        assert logs == {"logs:CreateLogStream": {arn("logs", own)}, "logs:PutLogEvents": {arn("logs", own)}}


def test_every_role_reaches_the_table_and_its_indexes_with_what_the_store_calls(template: Json) -> None:
    table = {f"${{{names.TABLE}.Arn}}", f"${{{names.TABLE}.Arn}}/index/*"}
    calls = {"BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"}
    for role in ROLES.values():
        dynamodb = {a: r for a, r in grants(template, role).items() if r == table}
        assert dynamodb == {f"dynamodb:{c}": table for c in calls}, role
        assert "dynamodb:Scan" not in grants(template, role)


def test_pipelines_are_exactly_the_configured_ones(bot: Bot, template: Json) -> None:
    expected = {arn("codepipeline", p) for p in PIPELINES}
    actions = ["GetPipelineExecution", "GetPipelineState", "ListPipelineExecutions"]
    fulfillment = grants(template, names.FULFILLMENT_ROLE)
    assert {a: fulfillment[f"codepipeline:{a}"] for a in actions} == dict.fromkeys(actions, expected)
    for role in (names.ADMIN_ROLE, names.SWEEPER_ROLE):
        assert not [a for a in grants(template, role) if a.startswith("codepipeline:")]
    without = build(context(bot, pipelines=()))
    assert not [a for a in grants(without, names.FULFILLMENT_ROLE) if a.startswith("codepipeline:")]


def test_alarms_are_read_by_the_code_hook_only(template: Json) -> None:
    fulfillment = grants(template, names.FULFILLMENT_ROLE)
    assert fulfillment["cloudwatch:DescribeAlarms"] == {"*"}
    assert fulfillment["cloudwatch:DescribeAlarmHistory"] == {arn("cloudwatch", "alarm:meety-*")}
    assert "cloudwatch:PutMetricData" not in fulfillment  # metrics go out as EMF log lines
    for role in (names.ADMIN_ROLE, names.SWEEPER_ROLE):
        assert not [a for a in grants(template, role) if a.startswith("cloudwatch:")]


RUNNER = {
    "rds:CreateDBSnapshot": {arn("rds", "db:orders-db"), arn("rds", "snapshot:meety-*")},
    "rds:CreateDBClusterSnapshot": {arn("rds", "cluster:analytics"), arn("rds", "cluster-snapshot:meety-*")},
    "rds:AddTagsToResource": {arn("rds", "snapshot:meety-*"), arn("rds", "cluster-snapshot:meety-*")},
    "rds:DescribeDBSnapshots": {arn("rds", "db:orders-db"), arn("rds", "snapshot:meety-*")},
    "rds:DescribeDBClusterSnapshots": {
        arn("rds", "cluster:analytics"),
        arn("rds", "cluster-snapshot:meety-*"),
    },
    "dynamodb:CreateBackup": {arn("dynamodb", "table/sessions")},
    "dynamodb:DescribeBackup": {arn("dynamodb", "table/sessions/backup/*")},
    "dynamodb:ListBackups": {"*"},
}
READ_ONLY = {
    "rds:CreateDBSnapshot",
    "rds:CreateDBClusterSnapshot",
    "rds:AddTagsToResource",
    "dynamodb:CreateBackup",
}


def backup_grants(template: Json, role: str) -> dict[str, set[str]]:
    return {a: r for a, r in grants(template, role).items() if a in RUNNER}


def test_backups_reach_exactly_the_configured_targets(template: Json) -> None:
    # RDS ARNs are lowercase (RDS stores identifiers so): "Orders-DB" is db:orders-db
    assert backup_grants(template, names.ADMIN_ROLE) == RUNNER  # approving starts the backup
    assert backup_grants(template, names.SWEEPER_ROLE) == RUNNER  # it starts what nobody started
    reads = {a: r for a, r in RUNNER.items() if a not in READ_ONLY}
    assert backup_grants(template, names.FULFILLMENT_ROLE) == reads  # BackupStatus only reads progress


def test_only_configured_kinds_are_granted(bot: Bot) -> None:
    only_tables = build(context(bot, backup_targets=parse_backup_targets("dynamodb:sessions")))
    assert set(backup_grants(only_tables, names.SWEEPER_ROLE)) == {
        "dynamodb:CreateBackup",
        "dynamodb:DescribeBackup",
        "dynamodb:ListBackups",
    }
    none = build(context(bot, backup_targets=()))
    assert all(backup_grants(none, role) == {} for role in ROLES.values())


def test_mail_is_sent_from_the_configured_identity_only(bot: Bot, template: Json) -> None:
    identities = {arn("ses", "identity/meety@example.com"), arn("ses", "identity/example.com")}
    mail = {"ses:SendEmail": identities, "ses:SendRawEmail": identities}
    for role, expected in (
        (names.FULFILLMENT_ROLE, mail),
        (names.ADMIN_ROLE, mail),
        (names.SWEEPER_ROLE, {}),
    ):
        assert {a: r for a, r in grants(template, role).items() if a.startswith("ses:")} == expected, role
    quiet = build(context(bot, mail_from=None))
    assert not [a for role in ROLES.values() for a in grants(quiet, role) if a.startswith("ses:")]
    env = quiet["Resources"][names.ADMIN_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert "MEETY_MAILER" not in env
    assert "MEETY_MAIL_FROM" not in env


def test_a_mail_from_without_an_address_is_refused(bot: Bot) -> None:
    with pytest.raises(ValueError, match="no e-mail address"):
        template_core.fragment(context(bot, mail_from="Meety"))
