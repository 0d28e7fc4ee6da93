"""Shared helpers of the LexJson tests: where the real console exports live, and a tiny hand-made package.

The real exports sit in the team's shared folder (see ``tests.conftest.SHARED``); ``_export`` fails a test
clearly when one is missing. ``_tiny`` is a minimal valid package as a ``{path: JSON}`` dict that tests copy
and break one field at a time, then write with ``_write`` (or zip with ``_zip_folder``).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED

EXPORTS = SHARED / "lex-exports"
LEX_HELPER = EXPORTS / "lex-helper"
BEDROCK = EXPORTS / "generative-ai-amazon-bedrock-langchain-agent-example"
REAL_EXPORTS = [LEX_HELPER, BEDROCK]


def _export(folder: Path) -> Path:
    if not (folder / "Manifest.json").is_file():
        pytest.fail(f"real Lex export not found at {folder} (or set MEETY_SHARED_DIR)")
    return folder


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
