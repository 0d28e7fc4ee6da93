"""The stack's data and compute: the requests table, the three Lambdas, their roles, logs and schedule.

Its helpers (``lambda_role``, ``log_group``, ``lambda_function``, the statement builders) also make the
Slack app's function in ``template_slack``.

- ``TABLE``: exactly ``dynamodb_store.create_table``'s layout, on demand, with PITR, TTL and encryption.
  ``DeletionPolicy``/``UpdateReplacePolicy`` ``Retain``: requests and their audit trail outlive the stack;
  ``meety destroy`` (or a change replacing the table) leaves it behind, and deleting it is a manual act.
- The code hook, the admin API and the sweeper (the code hook's zip, every 5 minutes): x86_64 (the vendored
  wheels are manylinux x86_64), 256 MB. Timeouts: Lex waits at most 30 s for a code hook; the ops clients
  give up after 2 s connect + 5 s read, 3 attempts, so a hung AWS call becomes an ``OpsError`` (a polite
  answer) within about 21 s. 25 s leaves that time and still ends the function before Lex stops waiting.
  The admin API gets 25 s too (API Gateway allows 30; approving a backup calls AWS), the sweeper 120 s.
- Explicit names (``<stack>-fulfillment``...): each ``/aws/lambda/<name>`` group (30 days) exists before
  its function (``DependsOn``), and each role may write to its own group only.

IAM: a role per function, trusted by ``lambda.amazonaws.com`` only, inline policies, no wildcard in any
action. Resource ``*`` only for ``dynamodb:ListBackups`` (it has no resource-level permission) and
``cloudwatch:DescribeAlarms`` (the ops intent asks for composite alarms, which AWS returns only to a
permission scoped to ``*``).
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json
from fulfillment.targets import BackupTarget

MEMORY_MB = 256
LOG_RETENTION_DAYS = 30
SWEEP_SCHEDULE = "rate(5 minutes)"
METRICS_NAMESPACE = "Meety"
"""``fulfillment.handler.NAMESPACE``: where the code hook's EMF metrics land."""
SERVICES = {
    "fulfillment": "meety-fulfillment",
    "admin-api": "meety-admin-api",
    "sweeper": "meety-sweeper",
    "slack": "meety-slack",  # template_slack's function, when the Slack app is deployed
}
"""``POWERTOOLS_SERVICE_NAME`` per function, as each one's logger names itself (the metrics' dimension)."""
SNAPSHOT_PREFIX = "meety-"
"""``fulfillment.ops.backups.snapshot_name``: every snapshot and backup Meety makes starts with this."""
LOCAL_ONLY = frozenset({"MEETY_CLOCK"})
"""Settings never passed to AWS: a pinned clock would freeze expiry and scheduling."""
TABLE_ACTIONS = tuple(
    f"dynamodb:{a}" for a in ("BatchGetItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem")
)
"""TransactWriteItems has no IAM action: each item is authorised as its Put, Update or Delete. No
ConditionCheckItem (the store conditions Puts and Updates, it never writes a ConditionCheck item), no Scan."""
ADMIN_ZIP = frozenset({"admin-api", "slack"})
"""The functions that run from the admin zip (``bot.deploy.package.ADMIN``); the others from fulfillment's."""
_FUNCTIONS = (  # (suffix, logical id, role, log group, handler, timeout s)
    ("fulfillment", names.FULFILLMENT_FUNCTION, names.FULFILLMENT_ROLE, names.FULFILLMENT_LOGS,
     "fulfillment.handler.lambda_handler", 25),
    ("admin-api", names.ADMIN_FUNCTION, names.ADMIN_ROLE, names.ADMIN_LOGS,
     "admin_api.handler.lambda_handler", 25),
    ("sweeper", names.SWEEPER_FUNCTION, names.SWEEPER_ROLE, names.SWEEPER_LOGS,
     "fulfillment.sweeper.lambda_handler", 120),
)  # fmt: skip


def function_name(ctx: TemplateContext, suffix: str) -> str:
    name = f"{ctx.config.stack}-{suffix}"
    if len(name) > 64:
        raise ValueError(f"stack name '{ctx.config.stack}' too long: Lambda names have at most 64 characters")
    return name


def arn(service: str, resource: str) -> Json:
    """``arn:<partition>:<service>:<region>:<account>:<resource>`` in this stack's partition and region."""
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def allow(sid: str, actions: list[str], resources: list[Any]) -> Json:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def parameter_arn(name: str) -> Json:
    """An SSM parameter's ARN: ``/meety/x`` and ``meety/x`` are both ``...:parameter/meety/x``."""
    return arn("ssm", f"parameter/{name.removeprefix('/')}")


def gateway_key_statements(ctx: TemplateContext) -> list[Json]:
    """Reading the gateway key (the code hook verifies, the Slack app signs): that one parameter only.

    No ``kms:Decrypt``: a SecureString under the AWS managed key ``aws/ssm`` is decrypted for any principal
    of the account that SSM serves (its key policy says so); a customer managed key would need a grant.
    """
    if ctx.config.slack is None:
        return []
    key = parameter_arn(ctx.config.slack.gateway_key_parameter)
    return [allow("ReadGatewayKey", ["ssm:GetParameter"], [key])]


def _keys(prefix: str) -> list[Json]:
    return [
        {"AttributeName": f"{prefix}pk", "KeyType": "HASH"},
        {"AttributeName": f"{prefix}sk", "KeyType": "RANGE"},
    ]


def _table() -> Json:
    keys = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"]
    indexes = [
        {"IndexName": i, "KeySchema": _keys(i), "Projection": {"ProjectionType": "ALL"}}
        for i in ("gsi1", "gsi2")
    ]
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
            "KeySchema": _keys(""),
            "GlobalSecondaryIndexes": indexes,
            "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    }


def environment(ctx: TemplateContext, service: str) -> dict[str, Any]:
    """The ``MEETY_*`` settings every function reads; the stack's own wiring wins over the operator's."""
    config = ctx.config
    owned: dict[str, Any] = {
        "MEETY_STORE": {"Fn::Sub": f"dynamodb://${{{names.TABLE}}}"},
        "MEETY_AUTH": "cognito",
        "MEETY_COGNITO_USER_POOL_ID": {"Ref": names.USER_POOL},
        "MEETY_COGNITO_CLIENT_IDS": {"Ref": names.USER_POOL_CLIENT},
        "POWERTOOLS_SERVICE_NAME": service,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    }
    if config.pipelines:
        owned["MEETY_PIPELINES"] = ",".join(config.pipelines)
    if config.alarm_prefix:
        owned["MEETY_ALARM_PREFIX"] = config.alarm_prefix
    if config.backup_targets:
        owned["MEETY_BACKUP_TARGETS"] = ",".join(str(t) for t in config.backup_targets)
    if config.mail_from:
        owned.update({"MEETY_MAILER": "ses", "MEETY_MAIL_FROM": config.mail_from})
    if config.slack and service in (SERVICES["fulfillment"], SERVICES["slack"]):
        owned["MEETY_GATEWAY_KEY_PARAMETER"] = config.slack.gateway_key_parameter
    extra = {k: v for k, v in config.lambda_environment.items() if k not in owned and k not in LOCAL_ONLY}
    return dict(sorted({**extra, **owned}.items()))


def table_statements() -> list[Json]:
    table = {"Fn::GetAtt": [names.TABLE, "Arn"]}
    indexes = {"Fn::Sub": f"${{{names.TABLE}.Arn}}/index/*"}
    return [allow("RequestsTable", list(TABLE_ACTIONS), [table, indexes])]


def backup_statements(targets: tuple[BackupTarget, ...], *, start: bool) -> list[Json]:
    """What ``fulfillment.ops.backups`` calls for the allow-listed targets; ``start``: create, not just read.

    RDS identifiers are stored lowercased, so their ARNs are too. The Describe calls also name the
    instances and clusters: the service reference lists them as resource types of those actions.
    """
    rds = [t.name.lower() for t in targets if t.kind == "rds"]
    aurora = [t.name.lower() for t in targets if t.kind == "aurora"]
    tables = [t.name for t in targets if t.kind == "dynamodb"]
    out: list[Json] = []
    if rds:
        dbs, snaps = [arn("rds", f"db:{n}") for n in rds], arn("rds", f"snapshot:{SNAPSHOT_PREFIX}*")
        if start:
            out.append(allow("CreateDbSnapshot", ["rds:CreateDBSnapshot"], [*dbs, snaps]))
            out.append(allow("TagDbSnapshot", ["rds:AddTagsToResource"], [snaps]))  # created with Tags
        out.append(allow("ReadDbSnapshot", ["rds:DescribeDBSnapshots"], [*dbs, snaps]))
    if aurora:
        clusters = [arn("rds", f"cluster:{n}") for n in aurora]
        snaps = arn("rds", f"cluster-snapshot:{SNAPSHOT_PREFIX}*")
        if start:
            out.append(allow("CreateClusterSnapshot", ["rds:CreateDBClusterSnapshot"], [*clusters, snaps]))
            out.append(allow("TagClusterSnapshot", ["rds:AddTagsToResource"], [snaps]))
        out.append(allow("ReadClusterSnapshot", ["rds:DescribeDBClusterSnapshots"], [*clusters, snaps]))
    if tables:
        if start:
            made = [arn("dynamodb", f"table/{n}") for n in tables]
            out.append(allow("CreateTableBackup", ["dynamodb:CreateBackup"], made))
        backups = [arn("dynamodb", f"table/{n}/backup/*") for n in tables]
        out.append(allow("ReadTableBackup", ["dynamodb:DescribeBackup"], backups))
        # ListBackups supports no resource-level permission: "*" is the only Resource IAM accepts for it.
        out.append(allow("ListTableBackups", ["dynamodb:ListBackups"], ["*"]))
    return out


def mail_statements(mail_from: str | None) -> list[Json]:
    """SES v2 ``SendEmail`` with raw content, from ``mail_from``'s address or domain identity."""
    if not mail_from:
        return []
    address = parseaddr(mail_from)[1]
    if "@" not in address:
        raise ValueError(f"mail_from '{mail_from}' holds no e-mail address")
    identities = [arn("ses", f"identity/{address}"), arn("ses", f"identity/{address.rpartition('@')[2]}")]
    # SES v2 SendEmail with Content.Raw is authorised as ses:SendRawEmail; SendEmail covers the rest.
    return [allow("SendMail", ["ses:SendEmail", "ses:SendRawEmail"], identities)]


def ops_read_statements(ctx: TemplateContext) -> list[Json]:
    """The code hook's staff intents: deploy status, recent alarms, backup progress."""
    config = ctx.config
    out: list[Json] = []
    if config.pipelines:
        actions = [
            f"codepipeline:{a}"
            for a in ("GetPipelineExecution", "GetPipelineState", "ListPipelineExecutions")
        ]
        out.append(allow("ReadPipelines", actions, [arn("codepipeline", p) for p in config.pipelines]))
    # See the module docstring: composite alarms are returned only to a DescribeAlarms scoped to "*".
    out.append(allow("ReadAlarms", ["cloudwatch:DescribeAlarms"], ["*"]))
    history = arn("cloudwatch", f"alarm:{config.alarm_prefix}*")
    out.append(allow("ReadAlarmHistory", ["cloudwatch:DescribeAlarmHistory"], [history]))
    return out + backup_statements(config.backup_targets, start=False)


def lambda_role(ctx: TemplateContext, suffix: str, statements: list[Json]) -> Json:
    """The function ``<stack>-<suffix>``'s role: trusted by Lambda, writing its own log group, and
    ``statements``."""
    logs = arn("logs", f"log-group:/aws/lambda/{function_name(ctx, suffix)}:log-stream:*")
    own_logs = allow("OwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], [logs])
    trust = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    document = {"Version": "2012-10-17", "Statement": [own_logs, *statements]}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Meety {suffix} Lambda ({ctx.config.stack}): least privilege.",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
            "Policies": [{"PolicyName": f"meety-{suffix}", "PolicyDocument": document}],
        },
    }


def log_group(ctx: TemplateContext, suffix: str) -> Json:
    return {
        "Type": "AWS::Logs::LogGroup",
        # Delete, explicitly: a retained group would block re-creating the stack (same function name)
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "LogGroupName": f"/aws/lambda/{function_name(ctx, suffix)}",
            "RetentionInDays": LOG_RETENTION_DAYS,
        },
    }


def lambda_function(
    ctx: TemplateContext,
    suffix: str,
    role: str,
    logs: str,
    handler: str,
    timeout: int,
    environment_extra: dict[str, Any] | None = None,
) -> Json:
    """The function ``<stack>-<suffix>`` (its zip by ``ADMIN_ZIP``), after its log group, with ``role``."""
    artifacts = ctx.artifacts
    key = artifacts.admin_key if suffix in ADMIN_ZIP else artifacts.fulfillment_key
    variables = environment(ctx, SERVICES[suffix])
    if environment_extra:
        variables = dict(sorted({**variables, **environment_extra}.items()))
    return {
        "Type": "AWS::Lambda::Function",
        "DependsOn": [logs],  # the log group exists before the function can write its first line
        "Properties": {
            "FunctionName": function_name(ctx, suffix),
            "Description": f"Meety {suffix} ({ctx.config.stack})",
            "Handler": handler,
            "Runtime": ctx.config.runtime,
            "Architectures": ["x86_64"],
            "MemorySize": MEMORY_MB,
            "Timeout": timeout,
            "Code": {"S3Bucket": artifacts.bucket, "S3Key": key},
            "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Environment": {"Variables": variables},
        },
    }


def fragment(ctx: TemplateContext) -> Fragment:
    config = ctx.config
    runner = backup_statements(config.backup_targets, start=True)
    mail = mail_statements(config.mail_from)
    policies = {
        # the code hook mails when an approved meeting is cancelled (the invite is withdrawn)
        "fulfillment": table_statements() + ops_read_statements(ctx) + mail + gateway_key_statements(ctx),
        "admin-api": table_statements() + runner + mail,  # approving a backup starts it at once
        "sweeper": table_statements() + runner,  # starts approved backups nobody started, settles others
    }
    resources: Json = {names.TABLE: _table()}
    for suffix, function, role, logs, handler, timeout in _FUNCTIONS:
        resources[role] = lambda_role(ctx, suffix, policies[suffix])
        resources[logs] = log_group(ctx, suffix)
        resources[function] = lambda_function(ctx, suffix, role, logs, handler, timeout)
    resources[names.SWEEPER_SCHEDULE] = {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "Description": f"Meety ({config.stack}): expire undecided requests, run and settle backups.",
            "ScheduleExpression": SWEEP_SCHEDULE,
            "State": "ENABLED",
            "Targets": [{"Arn": {"Fn::GetAtt": [names.SWEEPER_FUNCTION, "Arn"]}, "Id": "sweeper"}],
        },
    }
    resources[names.SWEEPER_PERMISSION] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [names.SWEEPER_FUNCTION, "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [names.SWEEPER_SCHEDULE, "Arn"]},
        },
    }
    outputs = {
        names.OUT_TABLE: {"Description": "The requests table (retained).", "Value": {"Ref": names.TABLE}},
        names.OUT_REGION: {"Description": "The stack's region.", "Value": {"Ref": "AWS::Region"}},
    }
    return {"Resources": resources, "Outputs": outputs}
