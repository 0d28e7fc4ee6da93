"""Conversation flow (next steps, flow responses): loaded from exports, written back, linted, validated."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.build import zip_bytes
from bot.cloudformation import bot_resource, bot_template
from bot.errors import PackageError
from bot.lexjson import load_package
from bot.lexjson.export import package_files
from bot.model import (
    Bot,
    Closing,
    Confirmation,
    FlowStep,
    Intent,
    Locale,
    Message,
    MessageGroup,
    NextStep,
    Prompt,
    Response,
    Slot,
)
from bot.validate import validate
from tests.conftest import SHARED

EXPORTS = SHARED / "lex-exports"
LEX_HELPER = EXPORTS / "lex-helper"
BEDROCK = EXPORTS / "generative-ai-amazon-bedrock-langchain-agent-example"
REAL_EXPORTS = [LEX_HELPER, BEDROCK]


def _export(folder: Path) -> Path:
    if not (folder / "Manifest.json").is_file():
        pytest.fail(f"real Lex export not found at {folder} (or set MEETY_SHARED_DIR)")
    return folder


def _intent(bot: Bot, locale_id: str, name: str) -> Intent:
    locale = bot.locale(locale_id)
    assert locale is not None
    intent = locale.intent(name)
    assert intent is not None
    return intent


def _slot(intent: Intent, name: str) -> Slot:
    slot = intent.slot(name)
    assert slot is not None
    return slot


def _step(action: str, **fields: Any) -> NextStep:
    return NextStep.model_validate({"action": action, **fields})


def _say(text: str) -> Response:
    return Response(message_groups=(MessageGroup(message=Message(plain_text=text)),))


def _write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _lint(template: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path)]


# --- a bot using every flow field, built by hand --------------------------------------------------


def _flow_bot() -> Bot:
    ask = Prompt(message_groups=(MessageGroup(message=Message(plain_text="Which size?")),))
    size = Slot(
        name="Size",
        slot_type_name="AMAZON.AlphaNumeric",
        prompt=ask,
        captured=FlowStep(response=_say("Got {Size}."), next_step=_step("ConfirmIntent")),
        capture_failed=FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent")),
    )
    order = Intent(
        name="Order",
        sample_utterances=("order",),
        slots=(size,),
        initial=FlowStep(
            response=_say("Let us order."),
            next_step=_step(
                "ElicitSlot",
                slot_to_elicit="Size",
                suppress_next_message=True,
                session_attributes=(("zeta", "1"), ("alpha", "")),
            ),
        ),
        confirmation=Confirmation(
            prompt=Prompt(message_groups=(MessageGroup(message=Message(plain_text="Order {Size}?")),)),
            confirmed=FlowStep(response=_say("Ordering."), next_step=_step("FulfillIntent")),
            declined_next_step=_step("EndConversation"),
            failed=FlowStep(response=_say("Sorry.")),
        ),
        fulfillment_code_hook=True,
        fulfilled=FlowStep(response=_say("Done."), next_step=_step("CloseIntent")),
        fulfillment_failed=FlowStep(next_step=_step("EndConversation")),
        closing=Closing(response=None, next_step=_step("ElicitIntent")),
    )
    fallback = Intent(name="FallbackIntent", parent_intent_signature="AMAZON.FallbackIntent")
    return Bot(name="Flow", locales=(Locale(locale_id="en_US", intents=(order, fallback)),))


# --- loading the real exports ----------------------------------------------------------------------


@pytest.mark.parametrize("locale_id", ["en_US", "it_IT"])
def test_lex_helper_authenticate_flow_is_read(locale_id: str) -> None:
    # GIVEN the lex-helper airline bot WHEN it is loaded
    bot = load_package(_export(LEX_HELPER))
    authenticate = _intent(bot, locale_id, "Authenticate")
    # THEN the initial response setting goes to the dialog code hook, with nothing said
    assert authenticate.initial == FlowStep(next_step=_step("InvokeDialogCodeHook"))
    # AND the AccountId slot fulfils when captured, and starts FallbackIntent when it is not
    account = _slot(authenticate, "AccountId")
    assert account.captured == FlowStep(next_step=_step("FulfillIntent"))
    assert account.capture_failed == FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent"))
    # AND fulfilment ends the conversation either way; there is no confirmation or closing
    assert authenticate.fulfilled == FlowStep(next_step=_step("EndConversation"))
    assert authenticate.fulfillment_failed == FlowStep(next_step=_step("EndConversation"))
    assert authenticate.confirmation is None
    assert authenticate.closing is None


def test_lex_helper_slot_chains_with_empty_attributes_and_null_intent() -> None:
    bot = load_package(_export(LEX_HELPER))
    # GIVEN BookFlight, whose steps carry "sessionAttributes": {} and "intent": {"slots": {}}
    book = _intent(bot, "en_US", "BookFlight")
    trip = _slot(book, "TripType")
    assert trip.captured == FlowStep(next_step=_step("ElicitSlot", slot_to_elicit="OriginCity"))
    assert _slot(book, "NumberOfPassengers").captured == FlowStep(next_step=_step("FulfillIntent"))
    # AND ChangeFlight, whose capture steps have "intent": null
    change = _intent(bot, "en_US", "ChangeFlight")
    reservation = _slot(change, "ReservationNumber")
    assert reservation.captured == FlowStep(next_step=_step("ElicitSlot", slot_to_elicit="NewDepartureDate"))


def test_bedrock_loan_application_flow_is_read() -> None:
    # GIVEN the Bedrock agent sample WHEN it is loaded
    bot = load_package(_export(BEDROCK))
    loan = _intent(bot, "en_US", "LoanApplication")
    # THEN following each slot's capture next step from UserName walks every slot, then confirms
    chain = ["UserName"]
    step = _slot(loan, "UserName").captured
    while step is not None and step.next_step is not None and step.next_step.action == "ElicitSlot":
        name = step.next_step.slot_to_elicit
        assert name is not None
        chain.append(name)
        step = _slot(loan, name).captured
    assert chain == [
        "UserName",
        "LoanValue",
        "MonthlyIncome",
        "WorkHistory",
        "CreditScore",
        "HousingExpense",
        "DebtAmount",
        "DownPayment",
        "Coborrow",
        "ClosingDate",
    ]
    assert step == FlowStep(next_step=_step("ConfirmIntent"))
    assert sorted(chain) == sorted(s.name for s in loan.slots)
    # AND ClosingDate's failure says something before starting FallbackIntent
    failed = _slot(loan, "ClosingDate").capture_failed
    assert failed is not None
    assert failed.response == _say("Give me one second...")
    assert failed.next_step == _step("StartIntent", intent_name="FallbackIntent")
    # AND the confirmation's next steps are kept (the declination's StartIntent names no intent)
    confirmation = loan.confirmation
    assert confirmation is not None
    assert confirmation.confirmed == FlowStep(next_step=_step("FulfillIntent"))
    assert confirmation.declined_next_step == _step("StartIntent")
    assert confirmation.failed == FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent"))
    # AND fulfilment succeeds into EndConversation, after the initial hook
    assert loan.initial == FlowStep(next_step=_step("InvokeDialogCodeHook"))
    assert loan.fulfilled == FlowStep(next_step=_step("EndConversation"))


def test_bedrock_post_fulfillment_responses_and_closing_next_steps() -> None:
    bot = load_package(_export(BEDROCK))
    # GIVEN FallbackIntent, with success and failure responses after fulfilment and an inactive closing
    fallback = _intent(bot, "en_US", "FallbackIntent")
    assert fallback.fulfilled is not None
    assert fallback.fulfilled.response is not None
    assert fallback.fulfilled.next_step == _step("EndConversation")
    assert fallback.fulfillment_failed == FlowStep(
        response=_say("Failure message"), next_step=_step("EndConversation")
    )
    assert fallback.closing is not None
    assert not fallback.closing.active
    assert fallback.closing.next_step == _step("EndConversation")
    # AND VerifyIdentity closes the intent after fulfilment and ends the conversation after closing
    verify = _intent(bot, "en_US", "VerifyIdentity")
    assert verify.fulfilled is not None
    assert verify.fulfilled.next_step == _step("CloseIntent")
    assert verify.closing is not None
    assert verify.closing.response is not None
    assert verify.closing.next_step == _step("EndConversation")


# --- writing: round trips, export spelling, CloudFormation -----------------------------------------


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
