"""Conversation flow written back: round trips, the console's export spelling and key order, CloudFormation.

Real exports and a hand-built bot using every flow field round-trip through our writer as folders and zips;
the CloudFormation spelling of the flow is checked, and cfn-lint accepts it (with a negative control).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.build import zip_bytes
from bot.cloudformation import bot_resource, bot_template
from bot.lexjson import load_package
from bot.lexjson.export import package_files
from bot.validate import validate
from tests.lexjson_flow_support import _flow_bot, _intent, _write_tree
from tests.lexjson_support import REAL_EXPORTS, _export


def _lint(template: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path)]


@pytest.mark.parametrize("export", REAL_EXPORTS, ids=["lex-helper", "bedrock"])
def test_real_exports_round_trip_as_folder_and_zip(export: Path, tmp_path: Path) -> None:
    # GIVEN a real export, loaded from its folder and from a zip of it
    source_zip = tmp_path / "source.zip"
    with zipfile.ZipFile(source_zip, "w") as archive:
        for path in sorted(_export(export).rglob("*")):
            archive.write(path, path.relative_to(export).as_posix())
    loaded = load_package(export)
    assert load_package(source_zip) == loaded
    # WHEN our writer writes it, as a folder and as a zip
    files = package_files(loaded)
    folder = _write_tree(tmp_path / "out", files)
    written_zip = tmp_path / "out.zip"
    written_zip.write_bytes(zip_bytes(files))
    # THEN both load back to the same bot, flow included
    assert load_package(folder) == loaded
    assert load_package(written_zip) == loaded
    # AND writing that again gives the same bytes
    assert package_files(load_package(folder)) == files


def test_hand_built_flow_round_trips_and_keeps_attribute_order(tmp_path: Path) -> None:
    # GIVEN a bot using every flow field, session attributes out of alphabetical order
    bot = _flow_bot()
    assert validate(bot) == []
    # WHEN written and loaded back THEN the intent is the same but for the identifiers the writer derives
    loaded = load_package(_write_tree(tmp_path, package_files(bot)))
    order = _intent(loaded, "en_US", "Order")
    slots = tuple(s.model_copy(update={"identifier": None}) for s in order.slots)
    assert order.model_copy(update={"identifier": None, "slots": slots}) == _intent(bot, "en_US", "Order")
    initial = order.initial
    assert initial is not None
    assert initial.next_step is not None
    assert initial.next_step.session_attributes == (("zeta", "1"), ("alpha", ""))


def test_flow_is_written_in_export_spelling_and_order() -> None:
    files = package_files(_flow_bot())
    root = "Flow/BotLocales/en_US/Intents/Order"
    intent = json.loads(files[f"{root}/Intent.json"])
    slot = json.loads(files[f"{root}/Slots/Size/Slot.json"])
    # THEN initialResponseSetting follows intentClosingSetting, as in console exports
    keys = list(intent)
    assert keys.index("initialResponseSetting") == keys.index("intentClosingSetting") + 1
    assert intent["initialResponseSetting"] == {
        "nextStep": {
            "sessionAttributes": {"zeta": "1", "alpha": ""},
            "intent": {"name": None, "slots": None},
            "dialogAction": {
                "type": "ElicitSlot",
                "slotToElicit": "Size",
                "suppressNextMessage": True,
                "intentsInScope": None,
            },
        },
        "initialResponse": intent["initialResponseSetting"]["initialResponse"],
    }
    assert intent["initialResponseSetting"]["initialResponse"]["messageGroupsList"][0]["message"][
        "plainTextMessage"
    ] == {"value": "Let us order."}
    # AND slotCaptureSetting comes first in valueElicitationSetting, with null halves written out
    elicitation = slot["valueElicitationSetting"]
    assert next(iter(elicitation)) == "slotCaptureSetting"
    capture = elicitation["slotCaptureSetting"]
    assert list(capture) == ["captureResponse", "captureNextStep", "failureResponse", "failureNextStep"]
    assert capture["failureResponse"] is None
    assert capture["failureNextStep"]["intent"] == {"name": "FallbackIntent", "slots": None}
    # AND the confirmation, fulfilment and closing carry their steps
    confirmation = intent["intentConfirmationSetting"]
    assert confirmation["declinationNextStep"]["dialogAction"]["type"] == "EndConversation"
    assert "failureNextStep" not in confirmation  # unset flow keys of a confirmation are left out
    post = intent["fulfillmentCodeHook"]["postFulfillmentStatusSpecification"]
    assert list(post) == ["failureResponse", "failureNextStep", "successResponse", "successNextStep"]
    assert intent["intentClosingSetting"] == {
        "isActive": True,
        "nextStep": intent["intentClosingSetting"]["nextStep"],
        "closingResponse": None,
    }


def test_no_flow_writes_no_flow_keys() -> None:
    # GIVEN a bot without any flow field WHEN written THEN no holder key appears and nothing new is null
    bot = _flow_bot()
    order = _intent(bot, "en_US", "Order")
    plain = order.model_copy(
        update={
            "initial": None,
            "fulfilled": None,
            "fulfillment_failed": None,
            "confirmation": None,
            "closing": None,
            "slots": tuple(
                s.model_copy(update={"captured": None, "capture_failed": None}) for s in order.slots
            ),
        }
    )
    locale = bot.locales[0].model_copy(update={"intents": (plain, bot.locales[0].intents[1])})
    files = package_files(bot.model_copy(update={"locales": (locale,)}))
    intent = json.loads(files["Flow/BotLocales/en_US/Intents/Order/Intent.json"])
    slot = json.loads(files["Flow/BotLocales/en_US/Intents/Order/Slots/Size/Slot.json"])
    assert "initialResponseSetting" not in intent
    assert intent["fulfillmentCodeHook"]["postFulfillmentStatusSpecification"] is None
    assert "slotCaptureSetting" not in slot["valueElicitationSetting"]


def test_cloudformation_spelling_of_the_flow() -> None:
    resource = bot_resource(_flow_bot(), role_arn="arn:aws:iam::123456789012:role/x")
    order = next(i for i in resource["Properties"]["BotLocales"][0]["Intents"] if i["Name"] == "Order")
    assert order["InitialResponseSetting"]["NextStep"] == {
        "DialogAction": {"Type": "ElicitSlot", "SlotToElicit": "Size", "SuppressNextMessage": True},
        "SessionAttributes": [{"Key": "zeta", "Value": "1"}, {"Key": "alpha", "Value": ""}],
    }
    assert "InitialResponse" in order["InitialResponseSetting"]
    capture = order["Slots"][0]["ValueElicitationSetting"]["SlotCaptureSetting"]
    assert sorted(capture) == ["CaptureNextStep", "CaptureResponse", "FailureNextStep"]
    assert capture["FailureNextStep"] == {
        "DialogAction": {"Type": "StartIntent"},
        "Intent": {"Name": "FallbackIntent"},
    }
    confirmation = order["IntentConfirmationSetting"]
    assert confirmation["ConfirmationNextStep"] == {"DialogAction": {"Type": "FulfillIntent"}}
    assert confirmation["DeclinationNextStep"] == {"DialogAction": {"Type": "EndConversation"}}
    assert "FailureResponse" in confirmation
    assert "FailureNextStep" not in confirmation
    post = order["FulfillmentCodeHook"]["PostFulfillmentStatusSpecification"]
    assert sorted(post) == ["FailureNextStep", "SuccessNextStep", "SuccessResponse"]
    # AND a closing with only a next step has no ClosingResponse (never a null one)
    assert order["IntentClosingSetting"] == {
        "IsActive": True,
        "NextStep": {"DialogAction": {"Type": "ElicitIntent"}},
    }


@pytest.mark.parametrize("export", REAL_EXPORTS, ids=["lex-helper", "bedrock"])
def test_cfn_lint_accepts_real_exports(export: Path, tmp_path: Path) -> None:
    matches = _lint(bot_template(load_package(_export(export))), tmp_path)
    assert matches == [], "cfn-lint reported:\n" + "\n".join(matches)


def test_cfn_lint_accepts_every_flow_field(tmp_path: Path) -> None:
    matches = _lint(bot_template(_flow_bot()), tmp_path)
    assert matches == [], "cfn-lint reported:\n" + "\n".join(matches)


def test_cfn_lint_catches_a_wrong_next_step_type(tmp_path: Path) -> None:
    """Negative control: the schema does check next steps."""
    template = bot_template(_flow_bot())
    order = template["Resources"]["MeetyBot"]["Properties"]["BotLocales"][0]["Intents"][1]
    assert order["Name"] == "Order"
    order["InitialResponseSetting"]["NextStep"]["DialogAction"]["Type"] = "GoSomewhere"
    assert any(m.startswith("E3030") for m in _lint(template, tmp_path))
