"""Shared setup for the fulfillment tests: an app over a temporary SQLite store with a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from fulfillment import handler
from fulfillment.app import LOCALES_DIR, App, build_app
from fulfillment.domain import SqliteRequestStore
from fulfillment.settings import FulfillmentSettings
from fulfillment.texts import Texts
from tests.runtime_support import NOW

HOST_ZONE = "America/New_York"


def make_app(db: Path, now: datetime = NOW) -> App:
    settings = FulfillmentSettings(store=f"sqlite:///{db}", host_timezone=HOST_ZONE)
    return build_app(settings, SqliteRequestStore(db), Texts.load(LOCALES_DIR), lambda: now)


def installed(app: App) -> Iterator[App]:
    handler.set_app(app)
    try:
        yield app
    finally:
        handler.set_app(None)
