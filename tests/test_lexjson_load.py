"""The LexJson loader: real console exports, zips, spelling variants, and every way a package can be wrong."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.errors import PackageError
from bot.lexjson import load_package
from bot.model import Bot
from tests.conftest import SHARED

EXPORTS = SHARED / "lex-exports"
LEX_HELPER = EXPORTS / "lex-helper"
BEDROCK = EXPORTS / "generative-ai-amazon-bedrock-langchain-agent-example"


def _export(folder: Path) -> Path:
    if not (folder / "Manifest.json").is_file():
        pytest.fail(f"real Lex export not found at {folder} (or set MEETY_SHARED_DIR)")
    return folder


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _zip_folder(folder: Path, target: Path, wrapper: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if wrapper:
            archive.writestr(f"{wrapper}/", "")
        for path in sorted(folder.rglob("*")):
            arcname = wrapper + "/" + path.relative_to(folder).as_posix() if wrapper else None
            archive.write(path, arcname or path.relative_to(folder).as_posix())
    return target


# --- a tiny package built in tmp_path -----------------------------------------------------------

INTENT_DIR = "TinyBot/BotLocales/en_US/Intents/Order"
SLOT_FILE = f"{INTENT_DIR}/Slots/Size/Slot.json"
INTENT_FILE = f"{INTENT_DIR}/Intent.json"
TYPE_FILE = "TinyBot/BotLocales/en_US/SlotTypes/SizeType/SlotType.json"


def _text(value: str) -> dict[str, Any]:
    return {
        "plainTextMessage": {"value": value},
        "ssmlMessage": None,
        "customPayload": None,
        "imageResponseCard": None,
    }


def _tiny() -> dict[str, Any]:
    prompt = {"messageGroupsList": [{"message": _text("What size?"), "variations": None}], "maxRetries": 2}
    return {
        "Manifest.json": {"metaData": {"schemaVersion": "1", "fileFormat": "LexJson", "resourceType": "BOT"}},
        "TinyBot/Bot.json": {
            "name": "TinyBot",
            "identifier": "TINYBOT001",
            "dataPrivacy": {"childDirected": True},
        },
        "TinyBot/BotLocales/en_US/BotLocale.json": {"identifier": "en_US", "voiceSettings": None},
        INTENT_FILE: {
            "name": "Order",
            "sampleUtterances": [{"utterance": "order"}, {"utterance": "buy"}, {"utterance": "a {Size} one"}],
            "slotPriorities": [{"priority": 0, "slotName": "Size"}],
            "intentClosingSetting": {"isActive": True, "closingResponse": None},
        },
        SLOT_FILE: {
            "name": "Size",
            "slotTypeName": "SizeType",
            "valueElicitationSetting": {"slotConstraint": "Optional", "promptSpecification": prompt},
        },
        TYPE_FILE: {
            "name": "SizeType",
            "slotTypeValues": [{"sampleValue": {"value": "large"}, "synonyms": [{"value": "big"}]}],
            "valueSelectionSetting": {"resolutionStrategy": "TopResolution", "regexFilter": None},
        },
    }


def _write(root: Path, files: dict[str, Any]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return root


def _load_error(tmp_path: Path, files: dict[str, Any]) -> PackageError:
    with pytest.raises(PackageError) as caught:
        load_package(_write(tmp_path / "pkg", files))
    return caught.value


# --- real exports -------------------------------------------------------------------------------


def _counts_from_files(bot_dir: Path) -> dict[str, dict[str, int]]:
    """What each locale of a real export holds, counted by walking the files (not via the loader)."""
    counts = {}
    for locale_dir in sorted((bot_dir / "BotLocales").iterdir()):
        intents = sorted(locale_dir.glob("Intents/*/Intent.json"))
        counts[locale_dir.name] = {
            "intents": len(intents),
            "utterances": sum(len(_json(f)["sampleUtterances"] or []) for f in intents),
            "slots": len(list(locale_dir.glob("Intents/*/Slots/*/Slot.json"))),
            "slot_types": len(list(locale_dir.glob("SlotTypes/*/SlotType.json"))),
        }
    return counts


def test_lex_helper_export_loads_with_every_locale_intent_slot_and_type() -> None:
    # GIVEN the lex-helper airline bot, exported by the console with en_US and it_IT
    folder = _export(LEX_HELPER)
    expected = _counts_from_files(folder / "LexBot")

    # WHEN it is loaded
    bot = load_package(folder)

    # THEN the bot carries its Bot.json settings and both locales, sorted by id
    assert (bot.name, bot.identifier, bot.idle_session_ttl_in_seconds) == ("LexBot", "47C8A1C439", 86400)
    assert bot.child_directed is False
    assert [loc.locale_id for loc in bot.locales] == ["en_US", "it_IT"]
    for locale in bot.locales:
        # AND every locale has the 10 intents, 82 utterances and the slots and types found on disk
        counts = expected[locale.locale_id]
        assert len(locale.intents) == counts["intents"] == 10
        assert sum(len(i.sample_utterances) for i in locale.intents) == counts["utterances"] == 82
        assert sum(len(i.slots) for i in locale.intents) == counts["slots"]
        assert len(locale.slot_types) == counts["slot_types"]
        assert [i.name for i in locale.intents] == sorted(i.name for i in locale.intents)
        fallback = locale.intent("FallbackIntent")
        assert fallback is not None
        assert fallback.is_fallback
        assert fallback.identifier == "FALLBCKINT"
        assert locale.nlu_confidence_threshold == 0.4
        assert locale.voice_settings is not None
        assert locale.voice_settings.engine == "neural"
    assert sum(counts["slots"] for counts in expected.values()) == 30


def test_lex_helper_slot_types_keep_regex_synonyms_and_resolution() -> None:
    # GIVEN the lex-helper export WHEN loaded
    locale = load_package(_export(LEX_HELPER)).locale("en_US")
    assert locale is not None

    # THEN Airport_Code is an AlphaNumeric narrowed by a regex
    airport = locale.slot_type("Airport_Code")
    assert airport is not None
    assert (airport.regex_filter, airport.parent_slot_type_signature) == ("[A-Z]{3}", "AMAZON.AlphaNumeric")
    assert (airport.values, airport.resolution_strategy) == ((), "ORIGINAL_VALUE")
    # AND TripType keeps its values with their synonyms, resolving to the top match
    trip = locale.slot_type("TripType")
    assert trip is not None
    assert trip.resolution_strategy == "TOP_RESOLUTION"
    assert {v.value: v.synonyms for v in trip.values} == {
        "Round Trip": ("Round", "two way"),
        "One way": ("one", "single"),
    }


def test_lex_helper_slots_sorted_by_name_and_priorities_in_file_order() -> None:
    # GIVEN BookFlight, whose 8 slots have priorities in Intent.json
    raw = _json(LEX_HELPER / "LexBot/BotLocales/en_US/Intents/BookFlight/Intent.json")

    # WHEN the export is loaded
    locale = load_package(_export(LEX_HELPER)).locale("en_US")
    assert locale is not None
    book = locale.intent("BookFlight")
    assert book is not None

    # THEN slots are sorted by name, priorities keep the file's order, and slots carry their prompts
    assert [s.name for s in book.slots] == sorted(s.name for s in book.slots)
    assert [(p.priority, p.slot_name) for p in book.slot_priorities] == [
        (p["priority"], p["slotName"]) for p in raw["slotPriorities"]
    ]
    trip = book.slot("TripType")
    assert trip is not None
    assert trip.slot_type_name == "TripType"
    assert trip.required
    assert trip.prompt.message_groups[0].message.plain_text == "Is this a one-way or round trip?"
    assert trip.prompt.max_retries == 3
    assert book.dialog_code_hook
    assert book.fulfillment_code_hook


def test_bedrock_export_loads_confirmation_closing_card_and_priorities() -> None:
    # GIVEN the Bedrock agent sample, exported with ConversationFlow.json files and a closing card
    folder = _export(BEDROCK)
    loan_raw = _json(folder / "FSI-Agent/BotLocales/en_US/Intents/LoanApplication/Intent.json")

    # WHEN it is loaded
    bot = load_package(folder)

    # THEN it has one locale with 4 intents
    assert (bot.name, bot.idle_session_ttl_in_seconds) == ("FSI-Agent", 900)
    assert [loc.locale_id for loc in bot.locales] == ["en_US"]
    locale = bot.locales[0]
    assert [i.name for i in locale.intents] == [
        "FallbackIntent",
        "LoanApplication",
        "LoanCalculator",
        "VerifyIdentity",
    ]
    assert sum(len(i.slots) for i in locale.intents) == 12
    assert [t.name for t in locale.slot_types] == ["planName", "userName"]

    # AND LoanApplication's confirmation prompt and declination are read, priorities kept in file order
    loan = locale.intent("LoanApplication")
    assert loan is not None
    assert loan.confirmation is not None
    prompt = loan.confirmation.prompt
    raw_prompt = loan_raw["intentConfirmationSetting"]["promptSpecification"]
    asked = prompt.message_groups[0].message.plain_text
    assert asked == raw_prompt["messageGroupsList"][0]["message"]["plainTextMessage"]["value"]
    assert asked is not None
    assert asked.startswith("To confirm, would you like me to submit a loan application")
    assert prompt.max_retries == 4
    assert loan.confirmation.active
    assert loan.confirmation.declination is not None
    declined = loan.confirmation.declination.message_groups[0].message.plain_text
    assert declined is not None
    assert declined.startswith("Okay. Your loan application will not be submitted.")
    assert [p.slot_name for p in loan.slot_priorities] == [p["slotName"] for p in loan_raw["slotPriorities"]]
    assert [s.name for s in loan.slots_in_priority_order()][:3] == ["UserName", "LoanValue", "MonthlyIncome"]

    # AND VerifyIdentity closes with an image response card and its two buttons (from buttonsList)
    verify = locale.intent("VerifyIdentity")
    assert verify is not None
    assert verify.closing is not None
    assert verify.closing.active
    card = verify.closing.response.message_groups[0].message.image_response_card
    assert card is not None
    assert (card.title, card.subtitle) == ("Lex Bot", "How else can I help?")
    assert card.image_url == "https://omni-lex-lambda-artifacts.s3.amazonaws.com/octank-logo.png"
    assert [(b.text, b.value) for b in card.buttons] == [
        ("Loan Application", "Apply for a loan"),
        ("Loan Calculator", "Loan Calculator"),
    ]
    # AND an inactive closing stays, marked inactive
    fallback = locale.intent("FallbackIntent")
    assert fallback is not None
    assert fallback.closing is not None
    assert not fallback.closing.active


@pytest.mark.parametrize("folder", [LEX_HELPER, BEDROCK], ids=["lex-helper", "bedrock"])
def test_zipped_export_loads_to_the_same_bot(tmp_path: Path, folder: Path) -> None:
    # GIVEN a real export as a folder, as a zip, and as a zip wrapping everything in one top-level folder
    source = _export(folder)
    plain = _zip_folder(source, tmp_path / "plain.zip")
    wrapped = _zip_folder(source, tmp_path / "wrapped.zip", wrapper="MyExport")

    # WHEN all three are loaded
    expected = load_package(source)

    # THEN they are equal bots
    assert load_package(plain) == expected
    assert load_package(str(wrapped)) == expected


# --- the tiny package: spellings and shapes ---------------------------------------------------


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


# --- what a package must not be -----------------------------------------------------------------


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    # GIVEN a package without its manifest WHEN loaded THEN the error names Manifest.json
    files = _tiny()
    del files["Manifest.json"]
    error = _load_error(tmp_path, files)
    assert error.file == "Manifest.json"
    assert "Manifest.json" in str(error)


@pytest.mark.parametrize("kind", ["BotLocale", "CustomVocabulary"])
def test_only_whole_bot_packages_are_supported(tmp_path: Path, kind: str) -> None:
    # GIVEN a locale-only or custom vocabulary package
    files = _tiny()
    files["Manifest.json"]["metaData"]["resourceType"] = kind

    # WHEN loaded THEN the manifest is refused for not being a whole bot
    error = _load_error(tmp_path, files)
    assert error.file == "Manifest.json"
    assert error.field == "metaData.resourceType"
    assert "only whole-bot packages" in str(error)


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    # GIVEN an Intent.json cut short
    files = _tiny()
    files[INTENT_FILE] = '{"name": "Order", "sampleUtterances": ['

    # WHEN loaded THEN the error names that file and says it is not JSON
    error = _load_error(tmp_path, files)
    assert error.file == INTENT_FILE
    assert INTENT_FILE in str(error)
    assert "malformed JSON" in str(error)


@pytest.mark.parametrize(
    ("path", "mutate", "field", "words"),
    [
        (INTENT_FILE, lambda d: d.update(sampleUtterances="order"), "sampleUtterances", "expected an array"),
        (
            INTENT_FILE,
            lambda d: d["sampleUtterances"][2].update(utterance=5),
            "sampleUtterances[2].utterance",
            "expected a string",
        ),
        (INTENT_FILE, lambda d: d.pop("name"), "name", "missing required field"),
        (
            INTENT_FILE,
            lambda d: d["sampleUtterances"].append("buy"),
            "sampleUtterances[3]",
            "expected an object",
        ),
        (
            INTENT_FILE,
            lambda d: d.update(outputContexts=[{"name": "x", "turnsToLive": 1}]),
            "outputContexts[0].timeToLiveInSeconds",
            "missing required field",
        ),
        (
            SLOT_FILE,
            lambda d: d["valueElicitationSetting"]["promptSpecification"].update(maxRetries=True),
            "valueElicitationSetting.promptSpecification.maxRetries",
            "expected an integer",
        ),
        (
            SLOT_FILE,
            lambda d: d["valueElicitationSetting"]["promptSpecification"]["messageGroupsList"][0].update(
                message={"plainTextMessage": None}
            ),
            "valueElicitationSetting.promptSpecification.messageGroupsList[0].message",
            "exactly one of",
        ),
        (
            SLOT_FILE,
            lambda d: d["valueElicitationSetting"].update(slotConstraint="Maybe"),
            "valueElicitationSetting.slotConstraint",
            "Required or Optional",
        ),
        (
            TYPE_FILE,
            lambda d: d["slotTypeValues"][0].update(synonyms=[{"value": None}]),
            "slotTypeValues[0].synonyms[0].value",
            "missing required field",
        ),
        (
            "TinyBot/Bot.json",
            lambda d: d.update(idleSessionTTLInSeconds="300"),
            "idleSessionTTLInSeconds",
            "integer",
        ),
    ],
    ids=[
        "utterances-not-a-list",
        "utterance-not-a-string",
        "intent-without-name",
        "utterance-not-an-object",
        "context-without-ttl",
        "retries-a-boolean",
        "message-without-kind",
        "unknown-constraint",
        "null-synonym",
        "ttl-a-string",
    ],
)
def test_wrong_shapes_name_file_and_field(
    tmp_path: Path, path: str, mutate: Any, field: str, words: str
) -> None:
    # GIVEN a package with one value of the wrong shape
    files = _tiny()
    mutate(files[path])

    # WHEN loaded THEN a PackageError names the file and the JSON path of the field
    error = _load_error(tmp_path, files)
    assert (error.file, error.field) == (path, field)
    assert path in str(error)
    assert field in str(error)
    assert words in str(error)


@pytest.mark.parametrize(
    ("path", "mutate", "field"),
    [
        (
            TYPE_FILE,
            lambda d: d.update(compositeSlotTypeSetting={"subSlots": [{"name": "a"}]}),
            "compositeSlotTypeSetting",
        ),
        (
            TYPE_FILE,
            lambda d: d.update(externalSourceSetting={"grammarSlotTypeSetting": {}}),
            "externalSourceSetting",
        ),
        (
            TYPE_FILE,
            lambda d: d["valueSelectionSetting"].update(resolutionStrategy="CONCATENATION"),
            "valueSelectionSetting.resolutionStrategy",
        ),
        (SLOT_FILE, lambda d: d.update(subSlotSetting={"expression": "(a OR b)"}), "subSlotSetting"),
    ],
    ids=["composite-type", "grammar-type", "concatenation", "composite-slot"],
)
def test_composite_and_grammar_features_are_refused(
    tmp_path: Path, path: str, mutate: Any, field: str
) -> None:
    # GIVEN a composite or grammar slot type, or a composite slot
    files = _tiny()
    mutate(files[path])

    # WHEN loaded THEN the error names the file and says it is not supported
    error = _load_error(tmp_path, files)
    assert (error.file, error.field) == (path, field)
    assert "not supported" in str(error)
    assert path in str(error)


@pytest.mark.parametrize("entry", ["../evil.json", "/etc/evil.json", "TinyBot/../../evil.json"])
def test_zip_slip_entries_are_refused(tmp_path: Path, entry: str) -> None:
    # GIVEN a zip of a valid package plus one entry escaping the package root
    target = _zip_folder(_write(tmp_path / "pkg", _tiny()), tmp_path / "evil.zip")
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr(zipfile.ZipInfo(entry), "{}")

    # WHEN loaded THEN the zip is refused, naming the entry, and nothing is written
    with pytest.raises(PackageError) as caught:
        load_package(target)
    assert caught.value.file == entry
    assert "unsafe" in str(caught.value)
    assert not (tmp_path / "evil.json").exists()


def test_not_a_package_at_all(tmp_path: Path) -> None:
    # GIVEN a path that does not exist and a file that is not a zip
    not_zip = tmp_path / "bot.zip"
    not_zip.write_text("hello", encoding="utf-8")

    # WHEN loaded THEN each is a PackageError naming the path
    for path in (tmp_path / "missing", not_zip):
        with pytest.raises(PackageError) as caught:
            load_package(path)
        assert str(path) in str(caught.value)


def test_locale_without_bot_locale_json_and_package_without_bot(tmp_path: Path) -> None:
    # GIVEN a locale folder with intents but no BotLocale.json
    files = _tiny()
    del files["TinyBot/BotLocales/en_US/BotLocale.json"]
    error = _load_error(tmp_path / "a", files)
    # THEN the missing file is named
    assert error.file == "TinyBot/BotLocales/en_US/BotLocale.json"

    # GIVEN a manifest with no Bot.json beside it THEN the manifest says so
    files = _tiny()
    del files["TinyBot/Bot.json"]
    error = _load_error(tmp_path / "b", files)
    assert error.file == "Manifest.json"
    assert "Bot.json" in str(error)


def test_validation_errors_from_models_become_package_errors() -> None:
    # GIVEN a Node over a file WHEN building a model with a bad value inside it
    from bot.lexjson.read_messages import Node
    from bot.model import Button

    node = Node({"text": "x"}, "Some/Intent.json", "closingResponse.buttonsList[0]")
    with pytest.raises(PackageError) as caught, node.building():
        Button.model_validate({"text": "x"})

    # THEN the pydantic error is a PackageError with the file and the pydantic location under the node's path
    assert caught.value.file == "Some/Intent.json"
    assert caught.value.field == "closingResponse.buttonsList[0].value"


def test_slot_folder_without_its_intent_is_reported(tmp_path: Path) -> None:
    # GIVEN a slot whose intent folder has no Intent.json
    files = _tiny()
    del files[INTENT_FILE]

    # WHEN loaded THEN the error names the stray Slot.json
    error = _load_error(tmp_path, files)
    assert error.file == SLOT_FILE
    assert "no Intent.json" in str(error)


def test_wrapped_zip_with_macos_metadata_still_loads(tmp_path: Path) -> None:
    # GIVEN a zip made by macOS: one wrapping folder plus a __MACOSX/ sibling with resource forks
    folder = _write(tmp_path / "pkg", _tiny())
    target = _zip_folder(folder, tmp_path / "mac.zip", wrapper="TinyBot-DRAFT")
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("__MACOSX/TinyBot-DRAFT/._Manifest.json", b"\x00\x05\x16\x07")

    # WHEN loaded THEN it equals the folder
    assert load_package(target) == load_package(folder)


def test_errors_in_a_wrapped_zip_name_the_entry_as_stored(tmp_path: Path) -> None:
    # GIVEN a zip wrapping a package whose Intent.json is broken
    files = _tiny()
    files[INTENT_FILE] = "{not json"
    target = _zip_folder(_write(tmp_path / "pkg", files), tmp_path / "w.zip", wrapper="Export")

    # WHEN loaded THEN the error names the entry with its wrapping folder, as a user sees it in the zip
    with pytest.raises(PackageError) as caught:
        load_package(target)
    assert caught.value.file == f"Export/{INTENT_FILE}"
