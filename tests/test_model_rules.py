"""Rules applied to definitions that did not come from our specs (loaded exports, hand-built models)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.build import output_files
from bot.lexjson import load_package
from bot.model import Bot, Intent, Locale, Slot
from bot.validate import validate


def bot_with(slot: Slot) -> Bot:
    intent = Intent(name="Ask", sample_utterances=("ask me",), slots=(slot,))
    fallback = Intent(name="FallbackIntent", parent_intent_signature="AMAZON.FallbackIntent")
    return Bot(name="B", locales=(Locale(locale_id="en_US", intents=(intent, fallback)),))


def test_a_required_slot_without_prompt_is_refused() -> None:
    problems = [
        str(p) for p in validate(bot_with(Slot(name="X", slot_type_name="AMAZON.Number", prompt=None)))
    ]
    assert problems == ["en_US > intent Ask > slot X > prompt: a required slot needs a prompt"]


def test_an_optional_slot_without_prompt_round_trips(tmp_path: Path) -> None:
    # GIVEN an optional slot with no prompt, as Lex allows
    bot = bot_with(Slot(name="X", slot_type_name="AMAZON.Number", prompt=None, required=False))
    assert validate(bot) == []
    files = output_files(bot)
    slot_file = "lexjson/B/BotLocales/en_US/Intents/Ask/Slots/X/Slot.json"
    assert json.loads(files[slot_file])["valueElicitationSetting"]["promptSpecification"] is None
    # WHEN it is written and loaded back THEN nothing changes
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    assert output_files(load_package(tmp_path / "lexjson")) == files


@pytest.mark.parametrize("export", ["lex-helper", "generative-ai-amazon-bedrock-langchain-agent-example"])
def test_real_exports_pass_our_rules_and_survive_a_rebuild(
    shared_dir: Path, export: str, tmp_path: Path
) -> None:
    loaded = load_package(shared_dir / "lex-exports" / export)
    assert validate(loaded) == []
    # our writer's package of a real bot keeps its ids and loads back to the same bot
    files = output_files(loaded)
    zip_name = next(p for p in files if p.endswith("-LexJson.zip"))
    assert zip_name == f"{loaded.name}-DRAFT-{loaded.identifier}-LexJson.zip"
    (tmp_path / zip_name).write_bytes(files[zip_name])
    assert load_package(tmp_path / zip_name) == loaded
