"""The Lex V2 side of the stack: the bot, an immutable version of it, the ``live`` alias, and Lex's right
to call the code hook.

- ``BOT``: ``bot.cloudformation.bot_resource`` (the whole bot inline, locales built on every change), run
  with ``BOT_ROLE``: the role ``bot_template`` gives a bot, trusted by ``lexv2.amazonaws.com`` and allowed
  ``polly:SynthesizeSpeech`` only.
- ``AWS::Lex::BotVersion``: a numbered snapshot of DRAFT for every locale. A version is immutable, and
  CloudFormation only makes a new one when the resource is new. So its logical id is ``BOT_VERSION``
  followed by a hash of the rendered bot (``bot_version_id``): a changed bot gets a new logical id, hence
  a new version; the alias moves to it; the old version is deleted in the update's cleanup. An unchanged
  bot keeps its id, and an update makes no new version. The rendering is sorted, so the same bot
  read in another order hashes the same.
- ``BOT_ALIAS`` ("live"): the version clients talk to, with the fulfillment Lambda (interface "1.0") as the
  code hook of every locale.
- ``LEX_PERMISSION``: ``lambda:InvokeFunction`` for ``lexv2.amazonaws.com`` from this account, from this
  alias's ARN only (``bot-alias/<BotId>/<BotAliasId>``), so neither another bot or alias nor the test
  alias can call the code hook.
"""

from __future__ import annotations

import hashlib
import json

from bot.cloudformation import bot_resource, bot_template
from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json

ALIAS_NAME = "live"
CODE_HOOK_INTERFACE = "1.0"
"""The only Lex V2 code hook interface version (``messageVersion`` "1.0" of the Lambda event)."""
_HASH_LENGTH = 16


def _role_arn() -> Json:
    return {"Fn::GetAtt": [names.BOT_ROLE, "Arn"]}


def bot_version_id(ctx: TemplateContext) -> str:
    """``BOT_VERSION`` + the first 16 hex digits of the SHA-256 of the rendered bot (canonical JSON)."""
    rendered = json.dumps(bot_resource(ctx.bot, role_arn=_role_arn()), sort_keys=True, separators=(",", ":"))
    return names.BOT_VERSION + hashlib.sha256(rendered.encode("utf-8")).hexdigest()[:_HASH_LENGTH]


def _bot_role(ctx: TemplateContext) -> Json:
    """The role ``bot_template`` writes for a bot, so the standalone and stack templates cannot differ."""
    resources: Json = bot_template(ctx.bot, logical_id=names.BOT)["Resources"]
    if names.BOT_ROLE not in resources:
        raise ValueError(f"bot_template no longer names the bot's role {names.BOT_ROLE}")
    role: Json = resources[names.BOT_ROLE]
    return role


def fragment(ctx: TemplateContext) -> Fragment:
    locales = sorted(locale.locale_id for locale in ctx.bot.locales)
    version_id = bot_version_id(ctx)
    code_hook = {
        "LambdaCodeHook": {
            "CodeHookInterfaceVersion": CODE_HOOK_INTERFACE,
            "LambdaArn": {"Fn::GetAtt": [names.FULFILLMENT_FUNCTION, "Arn"]},
        }
    }
    version = {
        "Type": "AWS::Lex::BotVersion",
        "Properties": {
            "BotId": {"Ref": names.BOT},
            "Description": f"{ctx.bot.name}, content {version_id.removeprefix(names.BOT_VERSION)}",
            "BotVersionLocaleSpecification": [
                {"LocaleId": locale, "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}}
                for locale in locales
            ],
        },
    }
    alias = {
        "Type": "AWS::Lex::BotAlias",
        "Properties": {
            "BotId": {"Ref": names.BOT},
            "BotAliasName": ALIAS_NAME,
            "Description": f"What clients of {ctx.config.stack} talk to.",
            "BotVersion": {"Fn::GetAtt": [version_id, "BotVersion"]},
            "BotAliasLocaleSettings": [
                {
                    "LocaleId": locale,
                    "BotAliasLocaleSetting": {"Enabled": True, "CodeHookSpecification": code_hook},
                }
                for locale in locales
            ],
        },
    }
    alias_arn = (
        "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/"
        f"${{{names.BOT}}}/${{{names.BOT_ALIAS}.BotAliasId}}"
    )
    permission = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [names.FULFILLMENT_FUNCTION, "Arn"]},
            "Principal": "lexv2.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": alias_arn},
        },
    }
    resources = {
        names.BOT_ROLE: _bot_role(ctx),
        names.BOT: bot_resource(ctx.bot, role_arn=_role_arn()),
        version_id: version,
        names.BOT_ALIAS: alias,
        names.LEX_PERMISSION: permission,
    }
    outputs = {
        names.OUT_BOT_ID: {"Description": "The Lex V2 bot's id.", "Value": {"Ref": names.BOT}},
        names.OUT_BOT_ALIAS_ID: {
            "Description": f"The '{ALIAS_NAME}' alias's id.",
            "Value": {"Fn::GetAtt": [names.BOT_ALIAS, "BotAliasId"]},
        },
    }
    return {"Resources": resources, "Outputs": outputs}
