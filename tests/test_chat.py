"""`meety chat`: a terminal conversation with the server's engine."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chat import chat
from bot.errors import MeetyError
from tests.conftest import REPO
from tests.runtime_support import meety_bot, runtime_for


def scripted(lines: list[str]) -> Iterator[str]:
    yield from lines


def run_chat(lines: list[str], locale: str = "en_US", debug: bool = False) -> str:
    feed = scripted(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    assert chat(runtime_for(meety_bot()), locale, debug=debug, read=read, out=out) == 0
    return out.getvalue()


def test_a_number_picks_a_button() -> None:
    out = run_chat(["book a meeting with Jane Doe tomorrow at 3pm", "2", "jane@example.com"], debug=True)
    assert "1) 15 minutes" in out
    assert "2) 30 minutes" in out
    assert "intent=ScheduleMeeting" in out
    assert "'MeetingDuration': 'PT30M'" in out
    assert "action=ConfirmIntent" in out


def test_spanish_chat() -> None:
    out = run_chat(["hola"], locale="es_US")
    assert "bot> " in out


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(MeetyError, match="no locale fr_FR"):
        run_chat([], locale="fr_FR")


def test_the_chat_command_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "meety"), "chat", "--clock", "2026-11-18T10:00:00-05:00"],
        cwd=REPO,
        env={**os.environ, "MEETY_DATA_DIR": str(tmp_path)},
        input="hello\nbook a meeting with Jane Doe\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("bot> ") >= 2


def test_chat_with_the_fulfillment_hook_uses_the_pinned_clock(tmp_path: Path) -> None:
    # GIVEN a pinned Wednesday and the real fulfillment hook WHEN Friday is requested THEN it is not "past"
    env = {
        **os.environ,
        "MEETY_STORE": f"sqlite:///{tmp_path}/meety.db",
        "MEETY_HOST_TIMEZONE": "America/New_York",
    }
    env.pop("MEETY_CLOCK", None)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "meety"),
            "chat",
            "--code-hook",
            "fulfillment.handler:lambda_handler",
            "--clock",
            "2026-11-18T10:00:00-05:00",
            "--timezone",
            "America/New_York",
        ],
        cwd=REPO,
        env=env,
        input="book 30 minutes with Jane Doe on friday at 3pm\njane@example.com\nyes\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "already passed" not in result.stdout
    assert "pending approval" in result.stdout
    assert '"level"' not in result.stdout  # the hook's JSON logs stay off the terminal
