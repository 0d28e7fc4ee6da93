"""``meety chat``: a terminal conversation with the same engine the server runs."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from typing import Any, TextIO

from bot.errors import MeetyError
from bot.runtime.api import SessionTarget
from bot.runtime.events import TEST_ALIAS_ID
from bot.runtime.service import LexRuntime

Json = dict[str, Any]


def render(body: Json, debug: bool) -> tuple[list[str], list[str]]:
    """Lines to print and the button values a number can pick."""
    lines, buttons = [], []
    for message in body.get("messages") or []:
        if message.get("contentType") == "ImageResponseCard":
            card = message.get("imageResponseCard") or {}
            lines.append(f"bot> [{card.get('title', '')}]")
            for button in card.get("buttons") or []:
                buttons.append(button["value"])
                lines.append(f"       {len(buttons)}) {button['text']}")
        else:
            lines.append(f"bot> {message.get('content', '')}")
    if debug:
        state = body.get("sessionState") or {}
        intent = state.get("intent") or {}
        scores = [
            f"{i['intent']['name']}:{i['nluConfidence']['score']:.2f}"
            for i in body.get("interpretations") or []
            if "nluConfidence" in i
        ]
        slots = {
            k: (v or {}).get("value", {}).get("interpretedValue")
            for k, v in (intent.get("slots") or {}).items()
        }
        lines.append(
            f"  [debug] intent={intent.get('name')} state={intent.get('state')} "
            f"action={(state.get('dialogAction') or {}).get('type')} scores={' '.join(scores[:3])}"
        )
        lines.append(f"  [debug] slots={slots}")
    return lines, buttons


def chat(
    runtime: LexRuntime,
    locale_id: str,
    *,
    debug: bool = False,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> int:
    if runtime.bot.locale(locale_id) is None:
        known = ", ".join(loc.locale_id for loc in runtime.bot.locales)
        raise MeetyError(f"the bot has no locale {locale_id}; it has {known}")
    target = SessionTarget(runtime.bot_id, TEST_ALIAS_ID, locale_id, f"chat-{uuid.uuid4().hex[:12]}")
    print(
        f"Chatting with {runtime.bot.name} ({locale_id}). Ctrl-D to quit; a number picks a button.", file=out
    )
    buttons: list[str] = []
    while True:
        try:
            text = read("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return 0
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]
        body = runtime.recognize_text(target, text[:1024], None, None)
        lines, buttons = render(body, debug)
        for line in lines:
            print(line, file=out)
