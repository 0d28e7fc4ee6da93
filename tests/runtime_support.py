"""Helpers for conversation tests: a runtime over the Meety bot or any export, and a chat driver."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.build import compile_project
from bot.model import Bot
from bot.runtime.api import SessionTarget
from bot.runtime.codehook import Handler
from bot.runtime.events import TEST_ALIAS_ID
from bot.runtime.service import Clock, LexRuntime
from bot.runtime.sessions import MemorySessionStore
from bot.settings import BuildSettings
from tests.conftest import REPO

Json = dict[str, Any]
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
"""A Wednesday morning."""


@cache
def meety_bot() -> Bot:
    return compile_project(REPO, BuildSettings())


def runtime_for(bot: Bot, handler: Handler | None = None, now: datetime = NOW) -> LexRuntime:
    return LexRuntime(
        bot, store=MemorySessionStore(), clock=Clock(zone=now.tzinfo, pinned=now), handler=handler
    )  # type: ignore[arg-type]


@dataclass
class Chat:
    runtime: LexRuntime
    locale: str = "en_US"
    session_id: str = field(default_factory=lambda: f"s-{uuid.uuid4().hex[:10]}")
    last: Json = field(default_factory=dict)

    @property
    def target(self) -> SessionTarget:
        return SessionTarget(self.runtime.bot_id, TEST_ALIAS_ID, self.locale, self.session_id)

    def say(self, text: str, **kwargs: Any) -> Json:
        self.last = self.runtime.recognize_text(
            self.target, text, kwargs.get("session_state"), kwargs.get("request_attributes")
        )
        return self.last

    @property
    def intent(self) -> Json:
        return self.last["sessionState"].get("intent") or {}

    @property
    def action(self) -> str | None:
        return (self.last["sessionState"].get("dialogAction") or {}).get("type")

    @property
    def eliciting(self) -> str | None:
        return (self.last["sessionState"].get("dialogAction") or {}).get("slotToElicit")

    def slot(self, name: str) -> str | None:
        slot = (self.intent.get("slots") or {}).get(name)
        return slot["value"].get("interpretedValue") if slot else None

    @property
    def texts(self) -> list[str]:
        return [
            m.get("content", "")
            for m in self.last.get("messages") or []
            if m["contentType"] != "ImageResponseCard"
        ]

    @property
    def cards(self) -> list[Json]:
        return [
            m["imageResponseCard"]
            for m in self.last.get("messages") or []
            if m["contentType"] == "ImageResponseCard"
        ]
