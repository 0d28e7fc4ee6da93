"""What a LexJson package must not be: each way it can be wrong is a PackageError naming the file and field.

Covers missing or partial packages, malformed JSON, wrong shapes, unsupported composite and grammar features,
unsafe zip entries, and zips as macOS and wrapping folders make them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.errors import PackageError
from bot.lexjson import load_package
from tests.lexjson_support import INTENT_FILE, SLOT_FILE, TYPE_FILE, _tiny, _write, _zip_folder


def _load_error(tmp_path: Path, files: dict[str, Any]) -> PackageError:
    with pytest.raises(PackageError) as caught:
        load_package(_write(tmp_path / "pkg", files))
    return caught.value


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
