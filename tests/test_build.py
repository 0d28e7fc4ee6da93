"""`meety build` on the tiny fixture project: golden output, determinism, zip layout, round trip."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from bot.build import compile_project, output_files, write_build
from bot.lexjson import load_package
from bot.settings import BuildSettings
from tests.conftest import ProjectFactory

GOLDEN = Path(__file__).parent / "golden" / "tiny"


def tiny_files(make_project: ProjectFactory) -> dict[str, bytes]:
    return output_files(compile_project(make_project(), BuildSettings()))


def test_output_matches_the_golden_files(make_project: ProjectFactory) -> None:
    # GIVEN the tiny project WHEN it is built THEN every file is byte-for-byte the reviewed golden copy
    files = tiny_files(make_project)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for path, data in files.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(golden)
    for path, data in files.items():
        # zlib versions may compress differently, so a zip is compared by its entries
        same = (
            zip_entries(data) == zip_entries(golden[path]) if path.endswith(".zip") else data == golden[path]
        )
        assert same, f"{path} differs from the golden copy (UPDATE_GOLDEN=1 to regenerate)"


def zip_entries(data: bytes) -> list[tuple[str, tuple[int, ...], bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(i.filename, i.date_time, archive.read(i)) for i in archive.infolist()]


def test_export_spelling_of_the_intent_file(make_project: ProjectFactory) -> None:
    intent = json.loads(tiny_files(make_project)["lexjson/Tiny/BotLocales/en_US/Intents/Greet/Intent.json"])
    card = intent["intentClosingSetting"]["closingResponse"]["messageGroupsList"][1]["message"][
        "imageResponseCard"
    ]
    assert card["buttonsList"] == [{"text": "Book a meeting", "value": "Book a meeting"}]
    assert intent["intentClosingSetting"]["isActive"] is True
    fallback = json.loads(
        tiny_files(make_project)["lexjson/Tiny/BotLocales/en_US/Intents/FallbackIntent/Intent.json"]
    )
    assert fallback["identifier"] == "FALLBCKINT"
    assert fallback["parentIntentSignature"] == "AMAZON.FallbackIntent"


def test_two_builds_are_byte_identical(make_project: ProjectFactory, tmp_path: Path) -> None:
    bot = compile_project(make_project(), BuildSettings())
    first, second = write_build(bot, tmp_path / "a"), write_build(bot, tmp_path / "b")

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert tree(first.folder.parent) == tree(second.folder.parent)
    assert first.zip_file.read_bytes() == second.zip_file.read_bytes()


def test_rebuilding_into_the_same_folder_drops_stale_files(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write_build(compile_project(make_project(), BuildSettings()), out)
    stale = out / "lexjson" / "Tiny" / "BotLocales" / "en_US" / "Intents" / "Old" / "Intent.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    write_build(compile_project(make_project(), BuildSettings()), out)
    assert not stale.exists()
    assert not any(p.name.startswith(".meety-build-") for p in tmp_path.iterdir())


def test_zip_layout(make_project: ProjectFactory) -> None:
    files = tiny_files(make_project)
    zip_name = next(p for p in files if p.endswith("-LexJson.zip"))
    assert zip_name.startswith("Tiny-DRAFT-")
    assert len(zip_name) == len("Tiny-DRAFT-XXXXXXXXXX-LexJson.zip")
    with zipfile.ZipFile(io.BytesIO(files[zip_name])) as archive:
        names = archive.namelist()
        infos = archive.infolist()
    assert names == sorted(names)
    assert names[0] == "Manifest.json"
    assert "Tiny/Bot.json" in names
    assert "Tiny/BotLocales/es_US/BotLocale.json" in names
    assert "Tiny/BotLocales/es_US/Intents/Book/Intent.json" in names
    assert "Tiny/BotLocales/es_US/Intents/Book/Slots/Who/Slot.json" in names
    assert "Tiny/BotLocales/es_US/SlotTypes/Person/SlotType.json" in names
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
    assert {n.removeprefix("lexjson/") for n in files if n.startswith("lexjson/")} == set(names)


@pytest.mark.parametrize("form", ["folder", "zip"])
def test_build_load_build_is_identical(make_project: ProjectFactory, tmp_path: Path, form: str) -> None:
    # GIVEN a built package WHEN it is loaded back and rebuilt THEN every output file is identical
    built = write_build(compile_project(make_project(), BuildSettings()), tmp_path / "out")
    loaded = load_package(built.folder if form == "folder" else built.zip_file)
    original = output_files(compile_project(make_project(), BuildSettings()))
    assert output_files(loaded) == original
