"""The CloudFormation writer: CFN spelling, deterministic order, and a template cfn-lint accepts."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file  # type: ignore[import-untyped]

from bot.cloudformation import bot_resource, bot_template
from bot.model import (
    Bot,
    Button,
    Closing,
    Confirmation,
    ImageResponseCard,
    InputContext,
    Intent,
    Locale,
    Message,
    MessageGroup,
    OutputContext,
    Prompt,
    Response,
    Slot,
    SlotPriority,
    SlotType,
    SlotTypeValue,
    VoiceSettings,
)

ROLE = {"Fn::GetAtt": ["MeetyBotRole", "Arn"]}


def text(value: str) -> MessageGroup:
    return MessageGroup(message=Message(plain_text=value))


def prompt(value: str, **kwargs: Any) -> Prompt:
    return Prompt(message_groups=(text(value),), **kwargs)


def fallback(closing: str) -> Intent:
    return Intent(
        name="FallbackIntent",
        description="Default intent when no other intent matches",
        parent_intent_signature="AMAZON.FallbackIntent",
        fulfillment_code_hook=True,
        closing=Closing(response=Response(message_groups=(text(closing),))),
    )


SLOT_TYPES = (
    # Listed out of name order on purpose: the writer sorts by Name.
    SlotType(
        name="TicketCode",
        description="A ticket id like AB1234.",
        parent_slot_type_signature="AMAZON.AlphaNumeric",
        regex_filter="[A-Z]{2}[0-9]{4}",
    ),
    SlotType(
        name="RoomName",
        values=(
            SlotTypeValue(value="Everest", synonyms=("big room", "the large one")),
            SlotTypeValue(value="Kilimanjaro"),
        ),
        resolution_strategy="TOP_RESOLUTION",
    ),
)

SCHEDULE_SLOTS = (
    Slot(
        name="When",
        slot_type_name="AMAZON.Date",
        prompt=prompt("For which day?", max_retries=3, message_selection_strategy="Ordered"),
        sample_utterances=("on {When}",),
        default_values=("[PreferredDay]", "tomorrow"),
    ),
    Slot(
        name="Attendee",
        slot_type_name="AMAZON.FirstName",
        description="Who to meet.",
        prompt=prompt("Who should I invite?", allow_interrupt=False),
    ),
    Slot(
        name="Room",
        slot_type_name="RoomName",
        prompt=prompt("Which room?"),
        required=False,
        allow_multiple_values=True,
    ),
    Slot(name="Ticket", slot_type_name="TicketCode", prompt=prompt("Ticket id?"), obfuscate=True),
)

SCHEDULE = Intent(
    name="ScheduleMeeting",
    description="Book a meeting.",
    sample_utterances=("Schedule a meeting with {Attendee}", "Book {Room} on {When}"),
    slots=SCHEDULE_SLOTS,
    # Not in priority order on purpose: the writer keeps the given order.
    slot_priorities=(
        SlotPriority(priority=2, slot_name="When"),
        SlotPriority(priority=1, slot_name="Attendee"),
        SlotPriority(priority=3, slot_name="Room"),
        SlotPriority(priority=4, slot_name="Ticket"),
    ),
    dialog_code_hook=True,
    fulfillment_code_hook=True,
    confirmation=Confirmation(
        prompt=Prompt(
            message_groups=(
                MessageGroup(
                    message=Message(ssml="<speak>Book it for {When}?</speak>"),
                    variations=(
                        Message(plain_text="Shall I book it for {When}?"),
                        Message(custom_payload='{"ask": "confirm"}'),
                    ),
                ),
            ),
            max_retries=1,
        ),
        declination=Response(message_groups=(text("Okay, I won't book it."),), allow_interrupt=False),
    ),
    closing=Closing(
        response=Response(
            message_groups=(
                MessageGroup(
                    message=Message(
                        image_response_card=ImageResponseCard(
                            title="Booked",
                            subtitle="Anything else?",
                            image_url="https://example.org/meety.png",
                            buttons=(
                                Button(text="Invite more", value="Add attendees"),
                                Button(text="Done", value="No thanks"),
                            ),
                        )
                    )
                ),
                text("See you there, [FirstName]."),
            )
        )
    ),
    output_contexts=(OutputContext(name="MeetingBooked", time_to_live_in_seconds=300, turns_to_live=5),),
)

CANCEL = Intent(
    name="CancelMeeting",
    sample_utterances=("Cancel it", "Cancel my meeting"),
    input_contexts=(InputContext(name="MeetingBooked"),),
)

EN_US = Locale(
    locale_id="en_US",
    description="English (US)",
    nlu_confidence_threshold=0.4,
    voice_settings=VoiceSettings(voice_id="Joanna", engine="neural"),
    intents=(SCHEDULE, fallback("Sorry, I didn't get that."), CANCEL),
    slot_types=SLOT_TYPES,
)

DE_DE = Locale(
    locale_id="de_DE",
    nlu_confidence_threshold=0.55,
    voice_settings=VoiceSettings(voice_id="Vicki"),
    intents=(
        Intent(
            name="TerminPlanen",
            sample_utterances=("Termin mit {Teilnehmer}",),
            slots=(Slot(name="Teilnehmer", slot_type_name="AMAZON.FirstName", prompt=prompt("Mit wem?")),),
            slot_priorities=(SlotPriority(priority=0, slot_name="Teilnehmer"),),
        ),
        fallback("Das habe ich nicht verstanden."),
    ),
)

BOT = Bot(
    name="Meety",
    description="Meeting requests, ChatOps and approvals.",
    idle_session_ttl_in_seconds=600,
    locales=(EN_US, DE_DE),  # en_US first on purpose: sorted output puts de_DE first
)


def reordered(bot: Bot) -> Bot:
    """The same bot with every tuple the writer sorts given in reverse order."""

    def locale(loc: Locale) -> Locale:
        intents = tuple(i.model_copy(update={"slots": i.slots[::-1]}) for i in reversed(loc.intents))
        return loc.model_copy(update={"intents": intents, "slot_types": loc.slot_types[::-1]})

    return bot.model_copy(update={"locales": tuple(locale(loc) for loc in reversed(bot.locales))})


def props() -> dict[str, Any]:
    resource = bot_resource(BOT, role_arn=ROLE)
    assert resource["Type"] == "AWS::Lex::Bot"
    result: dict[str, Any] = resource["Properties"]
    return result


def locale(locale_id: str) -> dict[str, Any]:
    return next(loc for loc in props()["BotLocales"] if loc["LocaleId"] == locale_id)


def named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(item for item in items if item["Name"] == name)


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every (path, key, value) of every dict inside ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk(item, f"{path}[{index}]")


def lint(template: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path)]


# --- structure and spelling ------------------------------------------------------------------------


def test_bot_properties() -> None:
    p = props()
    assert list(p) == [
        "Name",
        "Description",
        "RoleArn",
        "DataPrivacy",
        "IdleSessionTTLInSeconds",
        "AutoBuildBotLocales",
        "BotLocales",
    ]
    assert p["RoleArn"] == ROLE
    assert p["DataPrivacy"] == {"ChildDirected": False}
    assert p["IdleSessionTTLInSeconds"] == 600
    assert p["AutoBuildBotLocales"] is True


def test_optional_bot_keys_are_omitted_not_null() -> None:
    p = bot_resource(Bot(name="Bare"), role_arn="arn:aws:iam::123456789012:role/r")["Properties"]
    assert "Description" not in p
    assert "BotLocales" not in p
    assert p["RoleArn"] == "arn:aws:iam::123456789012:role/r"


def test_nothing_null_or_empty_anywhere_and_every_key_is_cfn_cased() -> None:
    for path, key, value in walk(props()):
        assert value is not None, f"{path}.{key} is None"
        assert value != [], f"{path}.{key} is an empty list"
        assert key[:1].isupper(), f"{path}.{key} is not CloudFormation spelling"
    assert "buttonsList" not in json.dumps(props())


def test_locales_sorted_with_cfn_names() -> None:
    locales = props()["BotLocales"]
    assert [loc["LocaleId"] for loc in locales] == ["de_DE", "en_US"]
    en = locales[1]
    assert en["NluConfidenceThreshold"] == 0.4
    assert en["Description"] == "English (US)"
    assert en["VoiceSettings"] == {"VoiceId": "Joanna", "Engine": "neural"}
    de = locales[0]
    assert de["VoiceSettings"] == {"VoiceId": "Vicki"}
    assert "Description" not in de
    assert "SlotTypes" not in de


def test_intents_slots_and_slot_types_sorted_by_name() -> None:
    en = locale("en_US")
    assert [i["Name"] for i in en["Intents"]] == ["CancelMeeting", "FallbackIntent", "ScheduleMeeting"]
    assert [t["Name"] for t in en["SlotTypes"]] == ["RoomName", "TicketCode"]
    schedule = named(en["Intents"], "ScheduleMeeting")
    assert [s["Name"] for s in schedule["Slots"]] == ["Attendee", "Room", "Ticket", "When"]


def test_slot_priorities_keep_given_order() -> None:
    schedule = named(locale("en_US")["Intents"], "ScheduleMeeting")
    assert schedule["SlotPriorities"] == [
        {"Priority": 2, "SlotName": "When"},
        {"Priority": 1, "SlotName": "Attendee"},
        {"Priority": 3, "SlotName": "Room"},
        {"Priority": 4, "SlotName": "Ticket"},
    ]


def test_custom_intent_shape() -> None:
    schedule = named(locale("en_US")["Intents"], "ScheduleMeeting")
    assert schedule["SampleUtterances"] == [
        {"Utterance": "Schedule a meeting with {Attendee}"},
        {"Utterance": "Book {Room} on {When}"},
    ]
    assert schedule["DialogCodeHook"] == {"Enabled": True}
    assert schedule["FulfillmentCodeHook"] == {"Enabled": True}
    assert schedule["OutputContexts"] == [
        {"Name": "MeetingBooked", "TimeToLiveInSeconds": 300, "TurnsToLive": 5}
    ]
    assert "InputContexts" not in schedule
    assert "ParentIntentSignature" not in schedule
    cancel = named(locale("en_US")["Intents"], "CancelMeeting")
    assert cancel["InputContexts"] == [{"Name": "MeetingBooked"}]
    # Hooks are written even when disabled, so the template says so explicitly.
    assert cancel["DialogCodeHook"] == {"Enabled": False}
    assert cancel["FulfillmentCodeHook"] == {"Enabled": False}
    assert "Slots" not in cancel
    assert "SlotPriorities" not in cancel


def test_fallback_intent() -> None:
    intent = named(locale("en_US")["Intents"], "FallbackIntent")
    assert intent == {
        "Name": "FallbackIntent",
        "Description": "Default intent when no other intent matches",
        "ParentIntentSignature": "AMAZON.FallbackIntent",
        "DialogCodeHook": {"Enabled": False},
        "FulfillmentCodeHook": {"Enabled": True},
        "IntentClosingSetting": {
            "ClosingResponse": {
                "MessageGroupsList": [
                    {"Message": {"PlainTextMessage": {"Value": "Sorry, I didn't get that."}}}
                ],
                "AllowInterrupt": True,
            },
            "IsActive": True,
        },
    }


def test_slots() -> None:
    slots = named(locale("en_US")["Intents"], "ScheduleMeeting")["Slots"]
    attendee = named(slots, "Attendee")
    assert attendee == {
        "Name": "Attendee",
        "Description": "Who to meet.",
        "SlotTypeName": "AMAZON.FirstName",
        "ValueElicitationSetting": {
            "SlotConstraint": "Required",
            "PromptSpecification": {
                "MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": "Who should I invite?"}}}],
                "MaxRetries": 2,
                "AllowInterrupt": False,
                "MessageSelectionStrategy": "Random",
            },
        },
    }
    when = named(slots, "When")["ValueElicitationSetting"]
    assert when["SampleUtterances"] == [{"Utterance": "on {When}"}]
    assert when["DefaultValueSpecification"] == {
        "DefaultValueList": [{"DefaultValue": "[PreferredDay]"}, {"DefaultValue": "tomorrow"}]
    }
    assert when["PromptSpecification"]["MaxRetries"] == 3
    assert when["PromptSpecification"]["MessageSelectionStrategy"] == "Ordered"
    room = named(slots, "Room")
    assert room["SlotTypeName"] == "RoomName"
    assert room["ValueElicitationSetting"]["SlotConstraint"] == "Optional"
    assert room["MultipleValuesSetting"] == {"AllowMultipleValues": True}
    assert "ObfuscationSetting" not in room
    ticket = named(slots, "Ticket")
    assert ticket["ObfuscationSetting"] == {"ObfuscationSettingType": "DefaultObfuscation"}
    assert "MultipleValuesSetting" not in ticket


def test_slot_types() -> None:
    room, ticket = locale("en_US")["SlotTypes"]
    assert room == {
        "Name": "RoomName",
        "SlotTypeValues": [
            {
                "SampleValue": {"Value": "Everest"},
                "Synonyms": [{"Value": "big room"}, {"Value": "the large one"}],
            },
            {"SampleValue": {"Value": "Kilimanjaro"}},
        ],
        "ValueSelectionSetting": {"ResolutionStrategy": "TOP_RESOLUTION"},
    }
    assert ticket == {
        "Name": "TicketCode",
        "Description": "A ticket id like AB1234.",
        "ParentSlotTypeSignature": "AMAZON.AlphaNumeric",
        "ValueSelectionSetting": {
            "ResolutionStrategy": "ORIGINAL_VALUE",
            "RegexFilter": {"Pattern": "[A-Z]{2}[0-9]{4}"},
        },
    }


def test_confirmation_with_ssml_variations_and_declination() -> None:
    confirmation = named(locale("en_US")["Intents"], "ScheduleMeeting")["IntentConfirmationSetting"]
    assert confirmation == {
        "PromptSpecification": {
            "MessageGroupsList": [
                {
                    "Message": {"SSMLMessage": {"Value": "<speak>Book it for {When}?</speak>"}},
                    "Variations": [
                        {"PlainTextMessage": {"Value": "Shall I book it for {When}?"}},
                        {"CustomPayload": {"Value": '{"ask": "confirm"}'}},
                    ],
                }
            ],
            "MaxRetries": 1,
            "AllowInterrupt": True,
            "MessageSelectionStrategy": "Random",
        },
        "DeclinationResponse": {
            "MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": "Okay, I won't book it."}}}],
            "AllowInterrupt": False,
        },
        "IsActive": True,
    }


def test_closing_with_image_response_card() -> None:
    closing = named(locale("en_US")["Intents"], "ScheduleMeeting")["IntentClosingSetting"]
    assert closing["IsActive"] is True
    card_group, text_group = closing["ClosingResponse"]["MessageGroupsList"]
    assert card_group == {
        "Message": {
            "ImageResponseCard": {
                "Title": "Booked",
                "Subtitle": "Anything else?",
                "ImageUrl": "https://example.org/meety.png",
                "Buttons": [
                    {"Text": "Invite more", "Value": "Add attendees"},
                    {"Text": "Done", "Value": "No thanks"},
                ],
            }
        }
    }
    assert text_group == {"Message": {"PlainTextMessage": {"Value": "See you there, [FirstName]."}}}


def test_nothing_is_truncated_or_fixed() -> None:
    """Out-of-range values pass through: bot.validate reports them, the writer does not hide them."""
    loc = Locale(locale_id="en_US", nlu_confidence_threshold=2.0, intents=(Intent(name="X" * 150),))
    p = bot_resource(Bot(name="Meety", idle_session_ttl_in_seconds=5, locales=(loc,)), role_arn=ROLE)
    assert p["Properties"]["IdleSessionTTLInSeconds"] == 5
    assert p["Properties"]["BotLocales"][0]["NluConfidenceThreshold"] == 2.0
    assert p["Properties"]["BotLocales"][0]["Intents"][0]["Name"] == "X" * 150


def test_required_lists_are_written_even_when_empty() -> None:
    slot = Slot(name="S", slot_type_name="AMAZON.Number", prompt=Prompt(message_groups=()))
    loc = Locale(locale_id="en_US", intents=(Intent(name="I", slots=(slot,)),))
    p = bot_resource(Bot(name="Meety", locales=(loc,)), role_arn=ROLE)["Properties"]
    elicitation = p["BotLocales"][0]["Intents"][0]["Slots"][0]["ValueElicitationSetting"]
    assert elicitation["PromptSpecification"]["MessageGroupsList"] == []


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
