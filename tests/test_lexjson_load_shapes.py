"""The LexJson loader on a tiny hand-made package: every field, Lex's defaults, and the spellings it accepts.

Covers the documented manifest spelling beside the console's, API spellings (``buttons``, ``slotTypeId``),
every message kind, contexts, and sorting of locales and intents regardless of folder names.
"""

from __future__ import annotations

from pathlib import Path

from bot.lexjson import load_package
from bot.model import Bot
from tests.lexjson_support import INTENT_FILE, SLOT_FILE, _text, _tiny, _write


def test_tiny_package_reads_every_field(tmp_path: Path) -> None:
    # GIVEN a minimal hand-made package
    bot = load_package(_write(tmp_path / "pkg", _tiny()))

    # THEN its fields land in the model with Lex's defaults where the file says nothing
    assert bot == Bot.model_validate(
        {
            "name": "TinyBot",
            "identifier": "TINYBOT001",
            "child_directed": True,
            "locales": [
                {
                    "locale_id": "en_US",
                    "intents": [
                        {
                            "name": "Order",
                            "sample_utterances": ["order", "buy", "a {Size} one"],
                            "slot_priorities": [{"priority": 0, "slot_name": "Size"}],
                            "slots": [
                                {
                                    "name": "Size",
                                    "slot_type_name": "SizeType",
                                    "required": False,
                                    "prompt": {
                                        "message_groups": [{"message": {"plain_text": "What size?"}}],
                                        "max_retries": 2,
                                    },
                                }
                            ],
                        }
                    ],
                    "slot_types": [
                        {
                            "name": "SizeType",
                            "values": [{"value": "large", "synonyms": ["big"]}],
                            "resolution_strategy": "TOP_RESOLUTION",
                        }
                    ],
                }
            ],
        }
    )


def test_documented_manifest_spelling_is_accepted(tmp_path: Path) -> None:
    # GIVEN the manifest as the developer guide spells it: manifest.json, metadata, "1.0", "Bot"
    files = _tiny()
    del files["Manifest.json"]
    files["manifest.json"] = {
        "metadata": {"schemaVersion": "1.0", "fileFormat": "LexJson", "resourceType": "Bot"}
    }

    # WHEN loaded THEN it reads like the real spelling
    assert load_package(_write(tmp_path / "doc", files)) == load_package(_write(tmp_path / "real", _tiny()))


def test_api_spellings_and_message_kinds_are_read(tmp_path: Path) -> None:
    # GIVEN messages of every kind, variations, `buttons` instead of `buttonsList`, slotTypeId, contexts
    files = _tiny()
    card = {"title": "Pick", "buttons": [{"text": "S", "value": "small"}]}
    files[INTENT_FILE]["intentConfirmationSetting"] = {
        "promptSpecification": {
            "messageGroupsList": [
                {
                    "message": {"ssmlMessage": {"value": "<speak>Sure?</speak>"}},
                    "variations": [_text("Sure?")],
                },
                {"message": {"customPayload": {"value": "{}"}}},
                {"message": {"imageResponseCard": card}},
            ],
            "messageSelectionStrategy": "Ordered",
        },
    }
    files[INTENT_FILE]["outputContexts"] = [{"name": "ordered", "timeToLiveInSeconds": 90, "turnsToLive": 3}]
    files[INTENT_FILE]["inputContexts"] = [{"name": "browsing", "timeToLiveInSeconds": None}]
    slot = files[SLOT_FILE]
    slot["slotTypeId"] = slot.pop("slotTypeName")
    slot["obfuscationSetting"] = {"obfuscationSettingType": "DefaultObfuscation"}
    slot["multipleValuesSetting"] = {"allowMultipleValues": True}
    slot["valueElicitationSetting"]["defaultValueSpecification"] = {
        "defaultValueList": [{"defaultValue": "M"}]
    }
    slot["valueElicitationSetting"]["sampleUtterances"] = [{"utterance": "{Size} please"}]

    # WHEN loaded
    intent = load_package(_write(tmp_path / "pkg", files)).locales[0].intents[0]

    # THEN every kind lands in its own field, and an unset isActive means active
    assert intent.confirmation is not None
    assert intent.confirmation.active
    groups = intent.confirmation.prompt.message_groups
    assert groups[0].message.ssml == "<speak>Sure?</speak>"
    assert groups[0].variations[0].plain_text == "Sure?"
    assert groups[1].message.custom_payload == "{}"
    assert groups[1].variations == ()
    assert groups[2].message.image_response_card is not None
    assert groups[2].message.image_response_card.buttons[0].value == "small"
    assert intent.confirmation.prompt.message_selection_strategy == "Ordered"
    assert intent.confirmation.declination is None
    assert [(c.name, c.time_to_live_in_seconds, c.turns_to_live) for c in intent.output_contexts] == [
        ("ordered", 90, 3)
    ]
    assert [c.name for c in intent.input_contexts] == ["browsing"]
    # AND a closing with a null closingResponse is no closing
    assert intent.closing is None
    size = intent.slots[0]
    assert size.slot_type_name == "SizeType"
    assert size.obfuscate
    assert size.allow_multiple_values
    assert (size.default_values, size.sample_utterances) == (("M",), ("{Size} please",))


def test_locales_and_names_are_sorted_regardless_of_folders(tmp_path: Path) -> None:
    # GIVEN a second locale whose id comes from its BotLocale.json, intents named unlike their folders
    files = _tiny()
    files["TinyBot/BotLocales/de_DE/BotLocale.json"] = {
        "name": "German (Germany)",
        "nluConfidenceThreshold": 0.55,
    }
    files["TinyBot/BotLocales/de_DE/Intents/zz/Intent.json"] = {"name": "Alpha"}
    files["TinyBot/BotLocales/de_DE/Intents/aa/Intent.json"] = {"name": "Zulu"}
    files["TinyBot/BotLocales/de_DE/Intents/aa/ConversationFlow.json"] = {"intentName": "Zulu"}

    # WHEN loaded
    bot = load_package(_write(tmp_path / "pkg", files))

    # THEN locales come by id (folder name when the file has none) and intents by name
    assert [loc.locale_id for loc in bot.locales] == ["de_DE", "en_US"]
    german = bot.locales[0]
    assert [i.name for i in german.intents] == ["Alpha", "Zulu"]
    assert german.nlu_confidence_threshold == 0.55
    assert german.name == "German (Germany)"
