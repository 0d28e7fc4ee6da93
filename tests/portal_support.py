"""Helpers for the admin portal's browser tests: seeded requests, accounts, and a Playwright page.

Requests are written straight into the server's SQLite store (``<data_dir>/meety.db``), so each test
knows exactly what the portal must show. Meeting times are placed relative to the real "now" in the
browser's zone (the portal's calendar starts at this week), never with an expiry, so the server's
sweeper leaves them alone whatever day the suite runs.

The fixtures live here too: ``portal`` (one real ``meety serve`` per test module, freshly seeded, with
the three accounts) and ``browser`` (module-scoped), and per test ``page`` with the ``problems`` it
records (CSP violations, uncaught errors, dialogs; any of them fails the test). Test modules import all
four by name (``page`` needs ``browser`` and ``problems``) so pytest finds them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, expect, sync_playwright
from ulid import ULID

from fulfillment.domain import AuditEvent, MeetingDetails, Request, Requester, SqliteRequestStore, Status
from tests.conftest import REPO
from tests.serve_support import MEETY, Server, start

BROWSER_ZONE = "America/New_York"
"""The zone the test browser runs in (Playwright ``timezone_id``) and meetings are planned in."""
NY = ZoneInfo(BROWSER_ZONE)
CHROMIUM = os.environ.get("MEETY_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium; Playwright's own browser downloads are not used."""
ADMIN_PASSWORD = "ada's long test password"  # noqa: S105 - test accounts
VIEWER_PASSWORD = "vic's long test password"  # noqa: S105
OPS_PASSWORD = "otto's long test password"  # noqa: S105
XSS = "<img src=x onerror=alert(1)>"
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff" * 4
"""One 140-letter word: must wrap, not widen a 360 px page."""
PAGER = "web:pager"
PAGER_COUNT = 23
"""More than two pages of 10: the paging test walks 10 + 10 + 3."""
ARTIFACTS = REPO / "tests" / "artifacts"
DASH = "\N{EN DASH}"
"""What separates the two ends of a time range in en-US."""
SPACES = re.compile(r"[\u2009\u202f\u00a0]")
"""ICU puts thin and narrow no-break spaces in times and ranges; tests compare with plain spaces."""


@dataclass
class Seeded:
    """Ids of the requests the tests look for, by the role each plays."""

    detail: str = ""
    approve: str = ""
    reject: str = ""
    xss: str = ""
    long: str = ""
    approved: str = ""
    pager: list[str] = dataclasses.field(default_factory=list)


def next_monday(today: date | None = None) -> date:
    today = today or datetime.now(NY).date()
    return today - timedelta(days=today.weekday()) + timedelta(days=7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the browser's zone, as aware UTC (what the store keeps)."""
    return datetime.combine(day, time(hour, minute), NY).astimezone(UTC)


def meeting(
    attendee: str,
    start: datetime,
    *,
    requester: Requester,
    created: datetime,
    minutes: int = 30,
    topic: str | None = None,
    zone: str = "Europe/Madrid",
) -> Request:
    return Request(
        id=str(ULID.from_datetime(created)),
        kind="meeting",
        status="pending",
        requester=requester,
        locale="en_US",
        created_at=created,
        updated_at=created,
        meeting=MeetingDetails(
            attendee_name=attendee,
            attendee_email="guest@example.com",
            start_utc=start,
            user_zone=zone,
            duration_minutes=minutes,
            topic=topic,
        ),
    )


def file(store: SqliteRequestStore, request: Request) -> str:
    """Store ``request`` with the audit event the bot writes when it files one."""
    actor = f"{request.requester.channel}:{request.requester.user_id}"
    audit = AuditEvent(
        request_id=request.id,
        at=request.created_at,
        actor=actor,
        action="requested",
        to_status="pending",
        channel=request.requester.channel,
    )
    return store.create(request, audit).id


def decide(store: SqliteRequestStore, request_id: str, to: Status, actor: str, reason: str | None) -> None:
    audit = AuditEvent(
        request_id=request_id,
        at=datetime.now(UTC),
        actor=actor,
        action=to,
        to_status=to,
        reason=reason,
        channel="slack",
    )
    store.transition(request_id, to, audit, expected="pending")


def seed(db: Path, now: datetime | None = None) -> Seeded:
    """The requests: six with a role each (newest first), and ``PAGER_COUNT`` older ones to page."""
    now = now or datetime.now(UTC)
    monday = next_monday()
    alice = Requester(channel="slack", user_id="U1", display_name="Alice", email="alice@example.com")
    bob = Requester(channel="web", user_id="bob", display_name="Bob")
    dorothy = Requester(channel="slack", user_id="U7", display_name="Dorothy", email="dorothy@example.com")
    evil = Requester(channel="web", user_id="xss", display_name=XSS)
    charles = Requester(channel="web", user_id="charles", display_name="Charles")
    pager = Requester(channel="web", user_id="pager", display_name="Pat Pager")
    store = SqliteRequestStore(db)
    try:
        seeded = Seeded()
        for i in range(PAGER_COUNT):
            day, slot = monday + timedelta(days=7 + i // 6), i % 6
            guest = meeting(
                f"Pager guest {i:02d}",
                at(day, 9 + slot),
                requester=pager,
                created=now - timedelta(days=1, minutes=i),
            )
            seeded.pager.append(file(store, guest))
        approved = meeting(
            "Ada Lovelace",
            at(monday + timedelta(days=1), 10),
            requester=charles,
            created=now - timedelta(minutes=50),
            topic="Engine design review",
        )
        seeded.approved = file(store, approved)
        decide(store, seeded.approved, "approved", "grace", "looks good")
        seeded.xss = file(
            store,
            meeting(
                XSS,
                at(monday + timedelta(days=4), 10),
                requester=evil,
                created=now - timedelta(minutes=40),
                topic=XSS,
            ),
        )
        seeded.long = file(
            store,
            meeting(
                LONG_NAME,
                at(monday + timedelta(days=4), 12),
                requester=Requester(channel="web", user_id=LONG_NAME, display_name=LONG_NAME),
                created=now - timedelta(minutes=35),
                topic=LONG_NAME,
            ),
        )
        seeded.reject = file(
            store,
            meeting(
                "Alan Turing",
                at(monday + timedelta(days=3), 11),
                requester=bob,
                created=now - timedelta(minutes=30),
            ),
        )
        seeded.detail = file(
            store,
            meeting(
                "Katherine Johnson",
                at(monday + timedelta(days=3), 15),
                requester=dorothy,
                created=now - timedelta(minutes=20),
                topic="Orbit maths",
                zone="Asia/Tokyo",
            ),
        )
        seeded.approve = file(
            store,
            meeting(
                "Grace Hopper",
                at(monday + timedelta(days=2), 14),
                requester=alice,
                created=now - timedelta(minutes=10),
                minutes=45,
                topic="Compiler roadmap",
            ),
        )
        return seeded
    finally:
        store.close()


def add_pending(db: Path, attendee: str, start: datetime) -> str:
    """One more pending request, filed while the server runs (for the refresh tests)."""
    store = SqliteRequestStore(db)
    try:
        requester = Requester(channel="web", user_id="late", display_name="Late Larry")
        return file(store, meeting(attendee, start, requester=requester, created=datetime.now(UTC)))
    finally:
        store.close()


def create_user(data_dir: Path, username: str, role: str, password: str) -> None:
    command = [MEETY, "admin", "create-user", "--username", username, "--role", role, "--password-stdin"]
    created = subprocess.run(
        [*command, "--data-dir", str(data_dir)],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    """Through the form, as a person would; waits until the requests view is on screen."""
    page.goto(f"{base}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Requests", level=1)).to_be_visible()


def no_horizontal_scroll(page: Page) -> bool:
    overflow: Any = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    return bool(overflow)


def text(locator: Locator) -> str:
    return SPACES.sub(" ", locator.inner_text())


def row(page: Page, containing: str) -> Locator:
    return page.get_by_role("row").filter(has_text=containing)


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def field(page: Page, term: str) -> Locator:
    """The value (dd) of a detail field by its term (dt)."""
    return page.locator(".fields > div").filter(has=page.get_by_text(term, exact=True)).locator("dd")


def clock(value: datetime, zone: ZoneInfo = NY) -> str:
    """``3:00`` style, as en-US writes the start of a time range."""
    local = value.astimezone(zone)
    return f"{local.hour % 12 or 12}:{local.minute:02d}"


# ---------------------------------------------------------------- fixtures


@dataclass
class Portal:
    base: str
    data: Path
    seeded: Seeded
    server: Server

    @property
    def db(self) -> Path:
        return self.data / "meety.db"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    data = tmp_path_factory.mktemp("portal") / "data"
    data.mkdir()
    seeded = seed(data / "meety.db")
    create_user(data, "ada", "admin", ADMIN_PASSWORD)
    create_user(data, "vic", "viewer", VIEWER_PASSWORD)
    create_user(data, "otto", "ops", OPS_PASSWORD)
    server = start(data, env={"MEETY_HOST_TIMEZONE": BROWSER_ZONE})
    try:
        yield Portal(f"http://127.0.0.1:{server.port}", data, seeded, server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """What the page did wrong: CSP violations, uncaught errors, any alert()/confirm() dialog."""
    return []


@pytest.fixture
def page(browser: Browser, problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(
        timezone_id=BROWSER_ZONE, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    tab.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))

    def refuse_dialog(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    tab.on("dialog", refuse_dialog)
    try:
        yield tab
    finally:
        context.close()
    assert problems == []
