"""The CloudFormation writer's standalone template: its role, a template cfn-lint accepts, determinism.

cfn-lint checks the template (with negative controls showing the check can fail); the output is the same
whatever the order of the bot's tuples, and no result is shared between calls.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.cloudformation import bot_resource, bot_template
from bot.model import Bot, Locale
from tests.cloudformation_support import BOT, ROLE


def reordered(bot: Bot) -> Bot:
    """The same bot with every tuple the writer sorts given in reverse order."""

    def locale(loc: Locale) -> Locale:
        intents = tuple(i.model_copy(update={"slots": i.slots[::-1]}) for i in reversed(loc.intents))
        return loc.model_copy(update={"intents": intents, "slot_types": loc.slot_types[::-1]})

    return bot.model_copy(update={"locales": tuple(locale(loc) for loc in reversed(bot.locales))})


def lint(template: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path)]


# --- the standalone template -----------------------------------------------------------------------


def test_template_shape_and_least_privilege_role() -> None:
    template = bot_template(BOT)
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert set(template["Resources"]) == {"MeetyBot", "MeetyBotRole"}
    assert template["Resources"]["MeetyBot"] == bot_resource(BOT, role_arn=ROLE)
    role = template["Resources"]["MeetyBotRole"]
    assert role["Type"] == "AWS::IAM::Role"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"Service": "lexv2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    statements = [
        s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]
    ]
    assert [s["Action"] for s in statements] == ["polly:SynthesizeSpeech"]
    assert "ManagedPolicyArns" not in role["Properties"]
    assert template["Outputs"]["BotId"]["Value"] == {"Ref": "MeetyBot"}
    assert template["Outputs"]["BotArn"]["Value"] == {"Fn::GetAtt": ["MeetyBot", "Arn"]}


def test_template_logical_id() -> None:
    template = bot_template(BOT, logical_id="Assistant")
    assert set(template["Resources"]) == {"Assistant", "AssistantRole"}
    assert template["Resources"]["Assistant"]["Properties"]["RoleArn"] == {
        "Fn::GetAtt": ["AssistantRole", "Arn"]
    }
    assert template["Outputs"]["BotId"]["Value"] == {"Ref": "Assistant"}


def test_cfn_lint_accepts_template(tmp_path: Path) -> None:
    matches = lint(bot_template(BOT), tmp_path)
    assert matches == [], "cfn-lint reported:\n" + "\n".join(matches)


@pytest.mark.parametrize(
    ("where", "key", "value", "rule"),
    [
        ((), "NluConfidenceThreshold", 2, "E3034"),
        (("Intents", 2, "Slots", 0, "ValueElicitationSetting"), "SlotConstraint", "Mandatory", "E3030"),
        (("Intents", 2, "IntentClosingSetting", "ClosingResponse"), "buttonsList", [], "E3002"),
    ],
    ids=["threshold-2", "slot-constraint-mandatory", "export-spelling"],
)
def test_cfn_lint_catches_a_broken_copy(
    tmp_path: Path, where: tuple[str | int, ...], key: str, value: Any, rule: str
) -> None:
    """Negative control: the lint check above can fail."""
    template = copy.deepcopy(bot_template(BOT))
    node = template["Resources"]["MeetyBot"]["Properties"]["BotLocales"][1]
    assert node["LocaleId"] == "en_US"
    assert node["Intents"][2]["Name"] == "ScheduleMeeting"
    for step in where:
        node = node[step]
    node[key] = value
    matches = lint(template, tmp_path)
    assert any(m.startswith(rule) for m in matches), matches


# --- determinism -----------------------------------------------------------------------------------


def test_output_is_deterministic() -> None:
    first = json.dumps(bot_template(BOT), sort_keys=False)
    assert json.dumps(bot_template(BOT), sort_keys=False) == first


def test_tuple_order_does_not_change_output() -> None:
    shuffled = reordered(BOT)
    assert shuffled != BOT
    assert [loc.locale_id for loc in shuffled.locales] == ["de_DE", "en_US"]
    assert [i.name for i in shuffled.locales[1].intents] == [
        "CancelMeeting",
        "FallbackIntent",
        "ScheduleMeeting",
    ]
    assert json.dumps(bot_template(shuffled), sort_keys=False) == json.dumps(
        bot_template(BOT), sort_keys=False
    )


def test_result_is_not_shared_between_calls() -> None:
    first = bot_template(BOT)
    first["Resources"]["MeetyBot"]["Properties"]["BotLocales"][0]["Intents"].clear()
    assert bot_template(BOT)["Resources"]["MeetyBot"]["Properties"]["BotLocales"][0]["Intents"]
