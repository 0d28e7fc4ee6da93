"""The LexJson loader on real console exports: every locale, intent, slot and type, as folders and zips.

Counts are checked against the files on disk; details against what the lex-helper and Bedrock samples hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.lexjson import load_package
from tests.lexjson_support import BEDROCK, LEX_HELPER, _export, _zip_folder


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


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
