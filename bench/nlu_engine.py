"""The benchmark's view of the engine: a ``LexRuntime``, exactly as ``meety serve`` builds one.

Training is the runtime's own (``LexRuntime`` trains every locale when it is built).
Intent confidences come from the runtime's trained NLU, unrounded (the RecognizeText
response rounds them to two decimals, as Lex does, which would tie thousands of
utterances); everything else goes through ``recognize_text``, the handler behind
``POST .../sessions/{id}/text``: the intent chosen with the locale's threshold and
the slots the dialog engine filled, as a client of ``meety serve`` would read them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from bench.nlu_data import LOCALE_ID
from bot.model import Bot
from bot.runtime.api import SessionTarget
from bot.runtime.events import TEST_ALIAS_ID
from bot.runtime.service import Clock, LexRuntime
from bot.runtime.sessions import MemorySessionStore


@dataclass(frozen=True)
class Trained:
    runtime: LexRuntime
    seconds: float
    peak_rss_mb: float
    """The process's peak resident memory so far (VmHWM), read right after training."""


@dataclass(frozen=True)
class Turn:
    intent: str
    slots: list[tuple[str, str]]
    seconds: float


def train(bot: Bot) -> Trained:
    gc.collect()
    start = time.perf_counter()
    runtime = LexRuntime(bot, store=MemorySessionStore(), clock=Clock(zone=UTC))
    seconds = time.perf_counter() - start
    return Trained(runtime, seconds, peak_rss_mb())


def peak_rss_mb() -> float:
    """VmHWM: unlike ``ru_maxrss`` it is this process's own peak (Linux only; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def confidences(runtime: LexRuntime, texts: Sequence[str]) -> tuple[list[str], list[float], list[float]]:
    """Top intent, its confidence, and the seconds each ``interpret`` call took."""
    nlu = runtime.nlus[LOCALE_ID]
    intents: list[str] = []
    scores: list[float] = []
    seconds: list[float] = []
    for text in texts:
        start = time.perf_counter()
        best = nlu.interpret(text, limit=1)
        seconds.append(time.perf_counter() - start)
        intents.append(best[0].intent if best else "")
        scores.append(best[0].score if best else 0.0)
    return intents, scores, seconds


def recognize(runtime: LexRuntime, texts: Sequence[str]) -> list[Turn]:
    """One fresh session per utterance, as the first turn of a conversation."""
    turns: list[Turn] = []
    for index, text in enumerate(texts):
        target = SessionTarget(runtime.bot_id, TEST_ALIAS_ID, LOCALE_ID, f"bench-{index}")
        start = time.perf_counter()
        body = runtime.recognize_text(target, text, None, None)
        seconds = time.perf_counter() - start
        runtime.delete_session(target)
        intent: dict[str, Any] = body["sessionState"].get("intent") or {}
        slots = [
            (name, (slot.get("value") or {}).get("originalValue", ""))
            for name, slot in (intent.get("slots") or {}).items()
            if slot
        ]
        turns.append(Turn(intent.get("name", ""), slots, seconds))
    return turns
