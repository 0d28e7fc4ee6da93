"""The Lex fragment: the bot, its version and its live alias, wired to the code hook.

GIVEN the real Meety bot (two pipelines, three backup targets) and a deploy config, WHEN the core, Lex and
monitoring fragments are merged, THEN Lex may call the code hook from the live alias only, the alias calls
it in every locale, the bot runs with a speech-only role, and a changed bot makes a new bot version.
"""

from __future__ import annotations

from bot.deploy import names, template_lex
from bot.deploy.template import Json
from bot.model import Bot
from tests.deploy_template_support import arn, build, grants, of_type, render
from tests.deploy_template_support import core_bot as core_bot
from tests.deploy_template_support import core_context as context
from tests.deploy_template_support import core_template as core_template

# --- Lex --------------------------------------------------------------------------------------------------


def test_lex_may_invoke_the_code_hook_from_the_live_alias_only(template: Json) -> None:
    permission = template["Resources"][names.LEX_PERMISSION]["Properties"]
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["FunctionName"] == {"Fn::GetAtt": [names.FULFILLMENT_FUNCTION, "Arn"]}
    assert permission["Principal"] == "lexv2.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    alias = f"bot-alias/${{{names.BOT}}}/${{{names.BOT_ALIAS}.BotAliasId}}"
    assert render(permission["SourceArn"]) == arn("lex", alias)
    assert len(of_type(template, "AWS::Lambda::Permission")) == 2  # this one and the sweeper's


def test_the_live_alias_calls_the_code_hook_in_every_locale(bot: Bot, template: Json) -> None:
    locales = sorted(loc.locale_id for loc in bot.locales)
    assert locales == ["en_US", "es_US"]
    (version_id,) = of_type(template, "AWS::Lex::BotVersion")
    alias = template["Resources"][names.BOT_ALIAS]["Properties"]
    assert alias["BotAliasName"] == "live"
    assert alias["BotVersion"] == {"Fn::GetAtt": [version_id, "BotVersion"]}
    hook = {
        "Enabled": True,
        "CodeHookSpecification": {
            "LambdaCodeHook": {
                "CodeHookInterfaceVersion": "1.0",
                "LambdaArn": {"Fn::GetAtt": [names.FULFILLMENT_FUNCTION, "Arn"]},
            }
        },
    }
    assert alias["BotAliasLocaleSettings"] == [
        {"LocaleId": loc, "BotAliasLocaleSetting": hook} for loc in locales
    ]
    version = template["Resources"][version_id]["Properties"]
    assert version["BotId"] == {"Ref": names.BOT}
    assert version["BotVersionLocaleSpecification"] == [
        {"LocaleId": loc, "BotVersionLocaleDetails": {"SourceBotVersion": "DRAFT"}} for loc in locales
    ]


def test_the_bot_runs_with_the_speech_only_role(bot: Bot, template: Json) -> None:
    assert template["Resources"][names.BOT]["Properties"]["RoleArn"] == {
        "Fn::GetAtt": [names.BOT_ROLE, "Arn"]
    }
    assert grants(template, names.BOT_ROLE) == {"polly:SynthesizeSpeech": {"*"}}
    trust = template["Resources"][names.BOT_ROLE]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [t["Principal"] for t in trust] == [{"Service": "lexv2.amazonaws.com"}]


def reworded(bot: Bot) -> Bot:
    """The same bot with one more sample utterance in one intent of the first locale."""
    locale = bot.locales[0]
    intent = locale.intents[0]
    changed = intent.model_copy(update={"sample_utterances": (*intent.sample_utterances, "one more way")})
    intents = (changed, *locale.intents[1:])
    return bot.model_copy(
        update={"locales": (locale.model_copy(update={"intents": intents}), *bot.locales[1:])}
    )


def reordered(bot: Bot) -> Bot:
    locales = tuple(loc.model_copy(update={"intents": loc.intents[::-1]}) for loc in reversed(bot.locales))
    return bot.model_copy(update={"locales": locales})


def test_a_changed_bot_makes_a_new_version_and_moves_the_alias(bot: Bot, template: Json) -> None:
    version_id = template_lex.bot_version_id(context(bot))
    assert version_id.startswith(names.BOT_VERSION)
    assert version_id in template["Resources"]
    assert template_lex.bot_version_id(context(reordered(bot))) == version_id  # same bot, other order
    changed = build(context(reworded(bot)))
    new_id = template_lex.bot_version_id(context(reworded(bot)))
    assert new_id != version_id
    assert new_id.isalnum()
    assert set(of_type(changed, "AWS::Lex::BotVersion")) == {new_id}
    assert changed["Resources"][names.BOT_ALIAS]["Properties"]["BotVersion"] == {
        "Fn::GetAtt": [new_id, "BotVersion"]
    }
    # nothing about the deployment (only the bot) makes a new version
    assert template_lex.bot_version_id(context(bot, stack="other", pipelines=())) == version_id
