"""The `meety` command as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import SPECS, ProjectFactory


def test_build_writes_the_package_and_exits_0(
    make_project: ProjectFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["build", "--project", str(make_project()), "--out", str(out)]) == 0
    assert (out / "lexjson" / "Manifest.json").is_file()
    assert (out / "cloudformation" / "bot-template.json").is_file()
    assert "Bot Tiny (2 locale(s)" in capsys.readouterr().out


def test_build_of_a_broken_project_lists_all_problems_and_writes_nothing(
    make_project: ProjectFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = SPECS.replace('name="Greet"', 'name="Greet me"').replace(
        'slot_type="Person"', 'slot_type="Human"'
    )
    out = tmp_path / "out"
    assert main(["build", "--project", str(make_project(specs=specs)), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "meety build: 2 problem(s):" in err
    assert "intents/tiny.py: en_US, es_US > intent Greet me" in err
    assert "'Human'" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_invalid_setting_is_a_clear_error(
    make_project: ProjectFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MEETY_BACKUP_TARGETS", "oracle:db1")
    assert main(["build", "--project", str(make_project()), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "MEETY_BACKUP_TARGETS" in err
    assert "rds" in err


def test_inspect_reads_a_real_export(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(shared_dir / "lex-exports" / "lex-helper")]) == 0
    out = capsys.readouterr().out
    assert "Bot LexBot (2 locale(s)" in out
    assert "it_IT: 10 intents" in out


def test_inspect_of_a_missing_package_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("meety inspect: ")
    assert "Traceback" not in err


def test_the_console_script_is_installed(make_project: ProjectFactory, tmp_path: Path) -> None:
    meety = Path(sys.executable).parent / "meety"
    result = subprocess.run(
        [str(meety), "build", "--project", str(make_project()), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
