"""The project's own bot: both locales complete, the product's names, and a package Lex and CFN accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.build import compile_project, output_files
from bot.lexjson import load_package
from bot.model import Bot
from bot.settings import BuildSettings
from tests.conftest import REPO

INTENT_SLOTS = {
    "Greeting": set(),
    "Help": set(),
    "FallbackIntent": set(),
    "ScheduleMeeting": {
        "AttendeeName",
        "MeetingDate",
        "MeetingTime",
        "MeetingDuration",
        "AttendeeEmail",
        "MeetingTopic",
    },
    "ListMyMeetings": set(),
    "CancelMeeting": {"RequestId", "MeetingDate"},
    "DeployStatus": {"PipelineName"},
    "RecentAlarms": {"TimeWindow"},
    "TriggerBackup": {"DatabaseName"},
    "BackupStatus": set(),
}
SLOT_TYPES = {
    ("ScheduleMeeting", "MeetingDate"): "AMAZON.Date",
    ("ScheduleMeeting", "MeetingTime"): "AMAZON.Time",
    ("ScheduleMeeting", "MeetingDuration"): "AMAZON.Duration",
    ("ScheduleMeeting", "AttendeeEmail"): "AMAZON.EmailAddress",
    ("RecentAlarms", "TimeWindow"): "AMAZON.Duration",
    ("DeployStatus", "PipelineName"): "PipelineName",
    ("TriggerBackup", "DatabaseName"): "DatabaseName",
}


@pytest.fixture(scope="module")
def meety() -> Bot:
    return compile_project(REPO, BuildSettings())


def test_both_locales_have_every_intent_and_slot(meety: Bot) -> None:
    assert [loc.locale_id for loc in meety.locales] == ["en_US", "es_US"]
    for locale in meety.locales:
        assert {i.name: {s.name for s in i.slots} for i in locale.intents} == INTENT_SLOTS
        for (intent, slot), slot_type in SLOT_TYPES.items():
            found = locale.intent(intent)
            assert found is not None
            assert found.slot(slot) is not None
            assert found.slot(slot).slot_type_name == slot_type  # type: ignore[union-attr]


def test_optional_slots_and_hooks(meety: Bot) -> None:
    locale = meety.locales[0]
    schedule = locale.intent("ScheduleMeeting")
    assert schedule is not None
    assert schedule.dialog_code_hook
    assert schedule.fulfillment_code_hook
    assert [s.name for s in schedule.slots if not s.required] == ["MeetingTopic"]
    assert schedule.confirmation is not None
    confirm = schedule.confirmation.prompt.message_groups[0].message.plain_text or ""
    for slot in ("AttendeeName", "MeetingDate", "MeetingTime", "MeetingDuration"):
        assert "{" + slot + "}" in confirm
    for name in ("DeployStatus", "RecentAlarms"):
        intent = locale.intent(name)
        assert intent is not None
        assert all(not s.required for s in intent.slots)
    backup = locale.intent("TriggerBackup")
    assert backup is not None
    assert backup.confirmation is not None
    fallback = locale.intent("FallbackIntent")
    assert fallback is not None
    assert fallback.parent_intent_signature == "AMAZON.FallbackIntent"


def test_at_least_15_utterances_per_intent_and_locale_that_carry_slots(meety: Bot) -> None:
    for locale in meety.locales:
        for intent in locale.intents:
            if intent.is_fallback:
                continue
            assert len(intent.sample_utterances) >= 15, (locale.locale_id, intent.name)
        schedule = locale.intent("ScheduleMeeting")
        assert schedule is not None
        with_slots = [u for u in schedule.sample_utterances if "{" in u]
        assert len(with_slots) >= 10
        assert any(
            "{AttendeeName}" in u and "{MeetingDate}" in u and "{MeetingTime}" in u for u in with_slots
        )


def test_configured_pipelines_and_backup_targets_become_slot_values() -> None:
    settings = BuildSettings(
        pipelines=("web-app", "billing_api"), backup_targets=({"kind": "rds", "name": "orders-db"},)
    )
    bot = compile_project(REPO, settings)
    pipeline = bot.locales[0].slot_type("PipelineName")
    assert pipeline is not None
    assert [(v.value, v.synonyms) for v in pipeline.values] == [
        ("web-app", ("web app",)),
        ("billing_api", ("billing api",)),
    ]
    assert pipeline.regex_filter is None
    database = bot.locales[1].slot_type("DatabaseName")
    assert database is not None
    assert [v.value for v in database.values] == ["orders-db"]


def test_unconfigured_pipelines_fall_back_to_a_regex_type(meety: Bot) -> None:
    pipeline = meety.locales[0].slot_type("PipelineName")
    assert pipeline is not None
    assert pipeline.values == ()
    assert pipeline.parent_slot_type_signature == "AMAZON.AlphaNumeric"
    assert pipeline.regex_filter


def test_build_load_build_is_identical_for_the_meety_bot(meety: Bot, tmp_path: Path) -> None:
    files = output_files(meety)
    folder = tmp_path / "pkg"
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    zip_name = next(p for p in files if p.endswith("-LexJson.zip"))
    assert output_files(load_package(folder / "lexjson")) == files
    assert output_files(load_package(folder / zip_name)) == files


def test_the_cloudformation_resource_has_both_locales(meety: Bot) -> None:
    resource = json.loads(output_files(meety)["cloudformation/bot-resource.json"])["MeetyBot"]
    assert resource["Type"] == "AWS::Lex::Bot"
    locales = resource["Properties"]["BotLocales"]
    assert [loc["LocaleId"] for loc in locales] == ["en_US", "es_US"]
    assert all(len(loc["Intents"]) == len(INTENT_SLOTS) for loc in locales)


def test_cfn_lint_accepts_the_meety_bot_in_a_minimal_template(meety: Bot, tmp_path: Path) -> None:
    # GIVEN the resource as `meety build` writes it, dropped into a minimal template with its role
    from cfnlint.api import lint_file  # type: ignore[import-untyped]

    files = output_files(meety)
    resource = json.loads(files["cloudformation/bot-resource.json"])
    template = json.loads(files["cloudformation/bot-template.json"])
    minimal = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"MeetyBotRole": template["Resources"]["MeetyBotRole"], **resource},
    }
    for name, document in (("minimal.json", minimal), ("bot-template.json", template)):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        # WHEN cfn-lint checks it THEN it reports nothing, not even a warning
        matches = [f"{m.rule.id} {m.message}" for m in lint_file(path)]
        assert matches == [], f"{name}: " + "\n".join(matches)
