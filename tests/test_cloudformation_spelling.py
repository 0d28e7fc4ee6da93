"""The CloudFormation writer's AWS::Lex::Bot resource: CFN spelling and key order, sorting, nothing null.

Each part of the sample bot (locales, intents, slots, slot types, confirmation, closing) is checked in its
CloudFormation spelling; values are passed through unfixed, and lists CloudFormation requires are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bot.cloudformation import bot_resource
from bot.model import Bot, Intent, Locale, Prompt, Slot
from tests.cloudformation_support import BOT, ROLE


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
