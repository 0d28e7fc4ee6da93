"""Conversation flow that is wrong: packages the loader refuses, and flow the validator reports as problems.

Malformed next steps name their file and field; all-null flow holders load as absent; steps naming unknown
slots or intents, and flow responses referring to unknown slots, are validation problems.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import PackageError
from bot.lexjson import load_package
from bot.lexjson.export import package_files
from bot.model import Bot, Closing, FlowStep
from bot.validate import validate
from tests.lexjson_flow_support import _flow_bot, _intent, _say, _slot, _step, _write_tree

# --- bad packages ----------------------------------------------------------------------------------


def _package_with_initial(tmp_path: Path, next_step: Any) -> Path:
    files = package_files(_flow_bot())
    name = "Flow/BotLocales/en_US/Intents/Order/Intent.json"
    intent = json.loads(files[name])
    intent["initialResponseSetting"]["nextStep"] = next_step
    files[name] = json.dumps(intent).encode("utf-8")
    return _write_tree(tmp_path / "pkg", files)


def test_unknown_next_step_type_names_file_and_field(tmp_path: Path) -> None:
    step = {"sessionAttributes": None, "intent": None, "dialogAction": {"type": "Teleport"}}
    with pytest.raises(PackageError) as caught:
        load_package(_package_with_initial(tmp_path, step))
    assert caught.value.file == "Flow/BotLocales/en_US/Intents/Order/Intent.json"
    assert caught.value.field == "initialResponseSetting.nextStep.dialogAction.type"
    assert "Teleport" in str(caught.value)


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"intent": None}, "initialResponseSetting.nextStep.dialogAction"),
        ({"dialogAction": {"type": None}}, "initialResponseSetting.nextStep.dialogAction.type"),
        (
            {"sessionAttributes": {"a": 1}, "dialogAction": {"type": "FulfillIntent"}},
            "initialResponseSetting.nextStep.sessionAttributes.a",
        ),
        (
            {"sessionAttributes": {"a": None}, "dialogAction": {"type": "FulfillIntent"}},
            "initialResponseSetting.nextStep.sessionAttributes.a",
        ),
    ],
    ids=["no-dialog-action", "null-type", "number-attribute", "null-attribute"],
)
def test_malformed_next_steps_name_the_field(tmp_path: Path, step: dict[str, Any], field: str) -> None:
    with pytest.raises(PackageError) as caught:
        load_package(_package_with_initial(tmp_path, step))
    assert caught.value.field == field


def test_a_step_with_neither_response_nor_next_step_is_none(tmp_path: Path) -> None:
    # GIVEN flow holders whose every key is null (as the console writes for an unused point)
    files = package_files(_flow_bot())
    root = "Flow/BotLocales/en_US/Intents/Order"
    intent = json.loads(files[f"{root}/Intent.json"])
    intent["initialResponseSetting"] = {"conditional": None, "codeHook": None, "nextStep": None}
    intent["intentClosingSetting"] = {"isActive": True, "nextStep": None, "closingResponse": None}
    slot = json.loads(files[f"{root}/Slots/Size/Slot.json"])
    slot["valueElicitationSetting"]["slotCaptureSetting"] = {"captureNextStep": None, "failureResponse": None}
    files[f"{root}/Intent.json"] = json.dumps(intent).encode("utf-8")
    files[f"{root}/Slots/Size/Slot.json"] = json.dumps(slot).encode("utf-8")
    # WHEN loaded THEN they are absent, not empty steps
    order = _intent(load_package(_write_tree(tmp_path, files)), "en_US", "Order")
    assert order.initial is None
    assert order.closing is None
    assert _slot(order, "Size").captured is None
    assert _slot(order, "Size").capture_failed is None


# --- validation ------------------------------------------------------------------------------------


def _with_order(update: dict[str, Any]) -> Bot:
    bot = _flow_bot()
    order = _intent(bot, "en_US", "Order").model_copy(update=update)
    locale = bot.locales[0].model_copy(update={"intents": (order, bot.locales[0].intents[1])})
    return bot.model_copy(update={"locales": (locale,)})


def _problems(bot: Bot) -> list[tuple[tuple[str, ...], str]]:
    return [(p.where, p.message) for p in validate(bot)]


def test_elicit_slot_naming_an_unknown_slot_is_a_problem() -> None:
    slot = _slot(_intent(_flow_bot(), "en_US", "Order"), "Size")
    broken = slot.model_copy(
        update={"captured": FlowStep(next_step=_step("ElicitSlot", slot_to_elicit="Colour"))}
    )
    assert _problems(_with_order({"slots": (broken,)})) == [
        (
            ("en_US", "intent Order", "slot Size", "captured"),
            "ElicitSlot names slot 'Colour', which is not a slot of this intent",
        )
    ]


def test_elicit_slot_naming_no_slot_is_a_problem() -> None:
    problems = _problems(_with_order({"fulfilled": FlowStep(next_step=_step("ElicitSlot"))}))
    assert problems == [(("en_US", "intent Order", "fulfilled"), "ElicitSlot names no slot to elicit")]


def test_start_intent_naming_an_unknown_intent_is_a_problem() -> None:
    confirmation = _intent(_flow_bot(), "en_US", "Order").confirmation
    assert confirmation is not None
    broken = confirmation.model_copy(
        update={"declined_next_step": _step("StartIntent", intent_name="Cancel")}
    )
    assert _problems(_with_order({"confirmation": broken})) == [
        (
            ("en_US", "intent Order", "confirmation", "declined_next_step"),
            "StartIntent names intent 'Cancel', which is not in this locale",
        )
    ]


def test_start_intent_without_a_name_and_known_targets_are_fine() -> None:
    # GIVEN StartIntent with no intent (as in a real export) and steps naming existing slots and intents
    bot = _with_order({"closing": Closing(response=None, next_step=_step("StartIntent"))})
    assert _problems(bot) == []


def test_flow_responses_are_checked_like_other_responses() -> None:
    # GIVEN a flow response referring to a slot the intent does not have
    bot = _with_order({"fulfilled": FlowStep(response=_say("Done with {Colour}."))})
    assert _problems(bot) == [
        (
            ("en_US", "intent Order", "fulfilled", "message 1"),
            "'Done with {Colour}.' refers to {Colour}, which is not a slot of this intent",
        )
    ]
