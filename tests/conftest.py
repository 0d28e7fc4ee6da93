"""Shared fixtures: a small, valid bot project that tests copy and break one rule at a time."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MEETY_SHARED_DIR") or REPO.parent / "shared")
"""The team's read-only shared folder (real Lex exports, datasets) beside the repository."""

SPECS = textwrap.dedent(
    """
    from bot.spec import (
        BotSpec, ButtonSpec, CardSpec, ConfirmationSpec, IntentSpec, LocaleSpec, MessageSpec,
        ResponseSpec, SlotSpec, SlotTypeSpec, ask, say,
    )

    BOT = BotSpec(name="Tiny", locales=(LocaleSpec(locale_id="en_US"), LocaleSpec(locale_id="es_US")))

    CARD = CardSpec(title="Greet.card", buttons=(ButtonSpec(text="Greet.book", value="Greet.book"),))

    INTENTS = (
        IntentSpec(name="Greet", utterances="Greet.utterances",
                   closing=ResponseSpec(messages=(MessageSpec(text="Greet.reply", card=CARD),))),
        IntentSpec(
            name="Book",
            utterances="Book.utterances",
            slots=(
                SlotSpec(name="Who", slot_type="Person", prompt=ask("Book.who")),
                SlotSpec(name="When", slot_type="AMAZON.Date", prompt=ask("Book.when")),
            ),
            confirmation=ConfirmationSpec(prompt=ask("Book.confirm"), declination=say("Book.declined")),
            dialog_code_hook=True,
            fulfillment_code_hook=True,
        ),
        IntentSpec(name="FallbackIntent", parent="AMAZON.FallbackIntent", closing=say("Fallback.reply")),
    )

    SLOT_TYPES = (SlotTypeSpec(name="Person", values="Person.values", resolution="ORIGINAL_VALUE"),)
    """
)

EN = textwrap.dedent(
    """
    [Greet]
    utterances = ["hello", "hi there"]
    reply = ["Hello!", "Hi!"]
    card = "What next?"
    book = "Book a meeting"

    [Book]
    utterances = ["book a meeting with {Who}", "book a meeting on {When}"]
    who = "With whom?"
    when = "Which day?"
    confirm = "Book with {Who} on {When}?"
    declined = "Okay, I won't."

    [Fallback]
    reply = "Sorry, I did not get that."

    [Person.values]
    "Jane Doe" = ["Jane"]
    "John Smith" = []
    """
)

ES = textwrap.dedent(
    """
    [Greet]
    utterances = ["hola", "buenas"]
    reply = ["¡Hola!"]
    card = "¿Y ahora?"
    book = "Reservar una reunión"

    [Book]
    utterances = ["reservar una reunión con {Who}", "reservar una reunión el {When}"]
    who = "¿Con quién?"
    when = "¿Qué día?"
    confirm = "¿Reservo con {Who} el {When}?"
    declined = "De acuerdo, no la reservo."

    [Fallback]
    reply = "Perdón, no entendí."

    [Person.values]
    "Ana López" = ["Ana"]
    """
)

ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """Write the tiny project, with optional edits: ``specs``/``en``/``es`` as (old, new) pairs or text."""

    def make(
        specs: str = SPECS,
        en: str = EN,
        es: str | None = ES,
        extra: dict[str, str] | None = None,
    ) -> Path:
        root = tmp_path / "project"
        if root.exists():
            shutil.rmtree(root)
        (root / "intents").mkdir(parents=True)
        (root / "locales").mkdir()
        (root / "intents" / "tiny.py").write_text(specs, encoding="utf-8")
        (root / "locales" / "en_US.toml").write_text(en, encoding="utf-8")
        if es is not None:
            (root / "locales" / "es_US.toml").write_text(es, encoding="utf-8")
        for name, text in (extra or {}).items():
            (root / name).write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared folder is missing: expected {SHARED} (or set MEETY_SHARED_DIR)")
    return SHARED
