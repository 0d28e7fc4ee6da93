"""The fulfillment app: settings, store, texts and clock, built once and shared by the intent handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fulfillment.domain import DynamoRequestStore, Request, RequestStore, SqliteRequestStore
from fulfillment.domain.decisions import NoNotifier, Notifier
from fulfillment.scheduling import SchedulingRules
from fulfillment.settings import FulfillmentSettings, StoreLocation
from fulfillment.texts import Texts

if TYPE_CHECKING:
    from fulfillment.ops_context import OpsContext

Clock = Callable[[], datetime]
Recorder = Callable[[str, Mapping[str, str]], None]
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
MESSAGES = "Fulfillment.messages"


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from(settings: FulfillmentSettings) -> Clock:
    """The pinned ``MEETY_CLOCK`` when set (reproducible local runs), else the system clock."""
    pinned = settings.clock
    return (lambda: pinned) if pinned is not None else system_clock


def ignore(metric: str, dimensions: Mapping[str, str]) -> None:
    """The default metric recorder: tests and tools that do not publish metrics."""


@dataclass(frozen=True)
class App:
    rules: SchedulingRules
    store: RequestStore
    texts: Texts
    clock: Clock
    pending_expiry: timedelta
    record: Recorder = ignore
    """Counts a business event (``RequestsCreated``, ``ValidationReprompt`` with ``Slot``...)."""
    notifier: Notifier = field(default_factory=NoNotifier)
    """Tells a requester by e-mail when their approved meeting is cancelled (the CANCEL invite)."""
    ops: OpsContext | None = None
    """AWS clients, token verification and the ops audit for the staff-only intents."""
    announce: Callable[[Request], None] = field(default=lambda request: None)
    """Tells the admins a request was filed (the Slack app's admins channel); never raises."""

    def now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the clock must return aware datetimes")
        return now.astimezone(UTC)

    def say(self, locale: str, key: str, **values: object) -> str:
        return self.texts.message(locale, f"{MESSAGES}.{key}", None, **values)

    def user_zone(self, attrs: dict[str, str]) -> ZoneInfo:
        """The session's ``timeZone`` when it names an IANA zone, else the host's zone."""
        name = attrs.get("timeZone", "").strip()
        if name and len(name) < 64 and ".." not in name and not name.startswith("/"):
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                pass
        return self.rules.host_zone


def build_app(
    settings: FulfillmentSettings, store: RequestStore, texts: Texts, clock: Clock = system_clock
) -> App:
    return App(
        rules=settings.rules(),
        store=store,
        texts=texts,
        clock=clock,
        pending_expiry=timedelta(days=settings.pending_expiry_days),
    )


def open_store(settings: FulfillmentSettings) -> RequestStore:
    """The store ``MEETY_STORE`` names: a SQLite file, or a DynamoDB table through a boto3 client."""
    location = settings.store_location()
    if location.kind == "sqlite":
        assert location.path is not None
        path = Path(location.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteRequestStore(path)
    client = dynamodb_client(location)
    assert location.table is not None
    return DynamoRequestStore(location.table, client)


def dynamodb_client(location: StoreLocation) -> Any:
    """The boto3 client for a ``dynamodb://`` store (its endpoint, e.g. DynamoDB Local, when given)."""
    import boto3  # only on AWS: keeps a SQLite cold start cheap

    kwargs: dict[str, Any] = {"endpoint_url": location.endpoint} if location.endpoint else {}
    return boto3.client("dynamodb", **kwargs)
