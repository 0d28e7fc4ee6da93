"""Meety's own Slack app (``admin_api.slack``): its Lambda, role and log group, and two public routes on the
admin HTTP API. Only when ``DeployConfig.slack`` is set; otherwise this fragment is empty.

- The function ``<stack>-slack`` runs ``admin_api.slack.handler.lambda_handler`` from the admin zip, 256 MB,
  30 s (Slack wants an answer in 3 s: slow work is deferred to an asynchronous invocation of itself).
- Secrets never sit in its environment: it gets the *names* of the SSM SecureStrings holding the signing
  secret and the bot token (``MEETY_SLACK_*_PARAMETER``) and of the gateway key, and reads them at start.
- Routes ``POST /slack/events`` and ``POST /slack/interactions`` have no authorizer: Slack cannot send a
  Cognito token; it signs every request, and the Lambda verifies the signature and the timestamp first.
  The stage's throttling and access logs (``template_api``) apply to them as to the admin routes.
- ``SlackRequestUrl`` (the API's own endpoint + ``/slack``): the request URLs pasted into Slack's app
  settings are ``<SlackRequestUrl>/events`` and ``<SlackRequestUrl>/interactions``.

IAM (``template_core``'s helpers, as the other functions): its own log group; the requests table; the
backup runner's statements (approving a backup in Slack starts it, as the admin API does); SES when mail
is on; ``ssm:GetParameter`` on exactly the three parameters; ``lex:RecognizeText`` on exactly the live alias
(direct messages are Lex turns); ``lambda:InvokeFunction`` on itself, by an ARN built from its name (a
``GetAtt`` of the function would make role -> function -> role a cycle). No ``kms:Decrypt``: SecureStrings
under the AWS managed key ``aws/ssm`` are decrypted for the account's principals that SSM serves (its key
policy); with a customer managed key, that key's policy must allow this role.
"""

from __future__ import annotations

from typing import Any

from bot.deploy import names
from bot.deploy.config import SlackDeploy, TemplateContext
from bot.deploy.template import Fragment, Json
from bot.deploy.template_api import integration, invoke_permission, route
from bot.deploy.template_core import (
    allow,
    arn,
    backup_statements,
    function_name,
    lambda_function,
    lambda_role,
    log_group,
    mail_statements,
    parameter_arn,
    table_statements,
)

SUFFIX = "slack"
HANDLER = "admin_api.slack.handler.lambda_handler"
TIMEOUT_S = 30
PREFIX = "/slack"
"""``admin_api.slack.handler``'s ``EVENTS`` and ``INTERACTIONS`` live under it."""
ROUTES = {
    names.SLACK_EVENTS_ROUTE: f"POST {PREFIX}/events",
    names.SLACK_INTERACTIONS_ROUTE: f"POST {PREFIX}/interactions",
}
LOCALE = "en_US"
ALIAS_ARN = (
    "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/"
    f"${{{names.BOT}}}/${{{names.BOT_ALIAS}.BotAliasId}}"
)


def slack_environment(slack: SlackDeploy) -> dict[str, Any]:
    """What the Slack app reads beyond ``template_core.environment`` (which adds the gateway key's name)."""
    return {
        "MEETY_SLACK_SIGNING_SECRET_PARAMETER": slack.signing_secret_parameter,
        "MEETY_SLACK_BOT_TOKEN_PARAMETER": slack.bot_token_parameter,
        "MEETY_SLACK_ADMIN_CHANNEL": slack.admin_channel,
        "MEETY_SLACK_ROLES": slack.roles,
        "MEETY_SLACK_BOT_ID": {"Ref": names.BOT},
        "MEETY_SLACK_BOT_ALIAS_ID": {"Fn::GetAtt": [names.BOT_ALIAS, "BotAliasId"]},
        "MEETY_SLACK_LOCALE": LOCALE,
    }


def slack_statements(ctx: TemplateContext, slack: SlackDeploy) -> list[Json]:
    parameters = [
        parameter_arn(p)
        for p in (slack.signing_secret_parameter, slack.bot_token_parameter, slack.gateway_key_parameter)
    ]
    itself = arn("lambda", f"function:{function_name(ctx, SUFFIX)}")
    return [
        *table_statements(),
        allow("ReadSlackParameters", ["ssm:GetParameter"], parameters),
        allow("TalkToTheBot", ["lex:RecognizeText"], [{"Fn::Sub": ALIAS_ARN}]),
        allow("DeferToItself", ["lambda:InvokeFunction"], [itself]),
        *backup_statements(ctx.config.backup_targets, start=True),
        *mail_statements(ctx.config.mail_from),
    ]


def fragment(ctx: TemplateContext) -> Fragment:
    slack = ctx.config.slack
    if slack is None:
        return {}
    resources: Json = {
        names.SLACK_ROLE: lambda_role(ctx, SUFFIX, slack_statements(ctx, slack)),
        names.SLACK_LOGS: log_group(ctx, SUFFIX),
        names.SLACK_FUNCTION: lambda_function(
            ctx,
            SUFFIX,
            names.SLACK_ROLE,
            names.SLACK_LOGS,
            HANDLER,
            TIMEOUT_S,
            environment_extra=slack_environment(slack),
        ),
        names.SLACK_INTEGRATION: integration(names.SLACK_FUNCTION),
        **{
            logical_id: route(key, protected=False, target=names.SLACK_INTEGRATION)
            for logical_id, key in ROUTES.items()
        },
        names.SLACK_PERMISSION: invoke_permission(names.SLACK_FUNCTION, PREFIX),
    }
    outputs: Json = {
        names.OUT_SLACK_REQUEST_URL: {
            "Description": "Slack's request URLs: this + /events (Event Subscriptions), + /interactions",
            "Value": {"Fn::Sub": f"${{{names.HTTP_API}.ApiEndpoint}}{PREFIX}"},
        }
    }
    return {"Resources": resources, "Outputs": outputs}
