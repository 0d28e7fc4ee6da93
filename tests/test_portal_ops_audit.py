"""The admin portal's ops audit view in a real browser (headless Chromium) against the real `meety serve`.

Entries are written straight into the server's SQLite file (``<data_dir>/meety.db``, where the bot's
``SqliteOpsAudit`` keeps them) while it runs, timed relative to the server's pinned clock, since the API's
default window is the week up to it. One of them carries markup in its detail, which must stay text.
Every page records CSP violations, uncaught errors and JavaScript dialogs; any of them fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from fulfillment.domain.ops_audit import ANONYMOUS, OpsAuditEntry
from fulfillment.domain.sqlite_ops_audit import SqliteOpsAudit
from tests.portal_support import (
    ADMIN_PASSWORD,
    NY,
    VIEWER_PASSWORD,
    XSS,
    Portal,
    no_horizontal_scroll,
    shot,
    sign_in,
    text,
)

# Fixtures, imported by name so pytest finds them here (the redundant alias marks a deliberate re-export).
from tests.portal_support import browser as browser
from tests.portal_support import page as page
from tests.portal_support import portal as portal
from tests.portal_support import problems as problems
from tests.test_admin_api_ops_audit import SESSION
from tests.test_admin_api_ops_audit import entry as audit_entry

SERVER_NOW = datetime.fromisoformat("2026-11-18T10:00:00-05:00")
"""``meety serve``'s pinned clock in ``tests.serve_support.start``: the API's default 'to'."""
COLUMNS = ["Time", "Intent", "Outcome", "Actor", "Channel", "Detail", "Request"]


@dataclass
class Trail:
    """What was seeded, newest first as the portal must list it."""

    entries: list[OpsAuditEntry]
    too_old: OpsAuditEntry


@pytest.fixture(scope="module")
def trail(portal: Portal) -> Trail:
    """Five entries in the default window (one linked to a seeded request) and one a day too old."""
    linked = portal.seeded.approved
    newest_first = [
        audit_entry(
            SERVER_NOW - timedelta(minutes=5),
            "DeployStatus",
            outcome="answered",
            actor="ada",
            detail="pipeline=web",
        ),
        audit_entry(
            SERVER_NOW - timedelta(minutes=30), "AlarmStatus", outcome="refused", actor=ANONYMOUS, detail=XSS
        ),
        audit_entry(
            SERVER_NOW - timedelta(hours=3),
            "RequestBackup",
            outcome="filed",
            actor="grace",
            request_id=linked,
        ),
        audit_entry(
            SERVER_NOW - timedelta(days=2),
            "BackupStatus",
            outcome="failed",
            actor="ada",
            detail="error=timeout",
        ),
        audit_entry(SERVER_NOW - timedelta(days=6), "DeployStatus", outcome="answered", actor="vic"),
    ]
    too_old = audit_entry(
        SERVER_NOW - timedelta(days=8), "AlarmStatus", outcome="answered", actor="ada", detail="too old"
    )
    record(portal.db, [*newest_first, too_old])
    return Trail(newest_first, too_old)


def record(db: Path, entries: list[OpsAuditEntry]) -> None:
    audit = SqliteOpsAudit(db)  # the file `meety serve` uses, as the bot writes it
    try:
        for entry in entries:
            audit.record(entry)
    finally:
        audit.close()


def body_rows(page: Page) -> list[str]:
    return [text(r) for r in page.locator("#ops-audit-rows > tr").all()]


def local(at: datetime) -> str:
    """``Nov 18, 2026, 9:55 AM`` style: en-US in the browser's zone, as the table writes it."""
    value = at.astimezone(NY)
    hour = f"{value.hour % 12 or 12}:{value:%M} {'AM' if value.hour < 12 else 'PM'}"
    return f"{value:%b} {value.day}, {value.year}, {hour}"


def open_view(page: Page, portal: Portal, *, limit: int | None = None) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    if limit is None:
        page.get_by_role("navigation", name="Portal").get_by_role("link", name="Ops audit").click()
    else:
        page.goto(f"{portal.base}/admin/#/ops-audit?limit={limit}")
    expect(page.get_by_role("heading", name="Ops audit", level=1)).to_be_visible()


def test_the_trail_newest_first_in_the_browser_zone(portal: Portal, trail: Trail, page: Page) -> None:
    open_view(page, portal)
    expect(page.locator("#nav a[data-view=ops-audit]")).to_have_attribute("aria-current", "page")
    expect(page.locator("#ops-audit-rows > tr")).to_have_count(len(trail.entries))
    table = page.get_by_role("table", name="Ops questions answered and refused, newest first")
    expect(table.locator("thead th")).to_have_text(COLUMNS)

    rows = body_rows(page)
    for shown, entry in zip(rows, trail.entries, strict=True):
        when, *cells = shown.split("\t")
        assert local(entry.at) in when, (when, entry.at)
        assert re.search(r"E[SD]T", when), when
        expected = [
            entry.intent,
            entry.outcome,
            entry.actor,
            "web",
            entry.detail or "—",
            entry.request_id or "—",
        ]
        assert cells == expected
    assert [r.split("\t")[1] for r in rows] == [e.intent for e in trail.entries]
    assert "too old" not in " ".join(rows)  # the default window is the week up to the server's now
    for hidden in (SESSION, "subject-"):
        assert hidden not in page.content()
    expect(page.locator("#ops-audit-range")).to_contain_text("newest first, in America/New_York")
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
    shot(page, "ops-audit")

    # the filed entry links to its request's detail view
    filed = page.locator("#ops-audit-rows > tr").nth(2)
    expect(filed).to_contain_text("RequestBackup")
    link = filed.get_by_role("link", name=f"Request {portal.seeded.approved}")
    expect(link).to_have_attribute("href", f"#/requests/{portal.seeded.approved}")
    link.click()
    expect(page.get_by_role("heading", name="Meeting with Ada Lovelace")).to_be_visible()
    page.go_back()
    expect(page.locator("#ops-audit-rows > tr")).to_have_count(len(trail.entries))


def test_markup_in_a_detail_stays_text(portal: Portal, trail: Trail, page: Page, problems: list[str]) -> None:
    open_view(page, portal)
    refused = page.locator("#ops-audit-rows > tr").nth(1)
    expect(refused.locator("td[data-label=Detail]")).to_have_text(XSS)
    expect(refused.locator("td[data-label=Actor]")).to_have_text(ANONYMOUS)
    assert page.locator("img").count() == 0
    assert refused.locator("td[data-label=Detail] *").count() == 0  # a text node, no element
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert problems == []


def test_load_more_pages_through_everything_once(portal: Portal, trail: Trail, page: Page) -> None:
    open_view(page, portal, limit=2)
    more = page.get_by_role("button", name="Load more")
    rows = page.locator("#ops-audit-rows > tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#ops-audit-range")).to_contain_text("Showing 2 entries; there are more")
    more.click()
    expect(rows).to_have_count(4)
    more.focus()
    page.keyboard.press("Enter")  # the keyboard works as well as the mouse
    expect(rows).to_have_count(5)
    expect(more).to_be_hidden()
    expect(page.locator("#ops-audit-range")).to_contain_text("Showing 5 entries.")
    assert [r.split("\t")[1] for r in body_rows(page)] == [e.intent for e in trail.entries]
    assert len({r.split("\t")[0] for r in body_rows(page)}) == 5  # no entry twice
    expect(page.get_by_role("heading", name="Ops audit", level=1)).to_be_focused()  # not lost to <body>


def test_a_viewer_reads_it_too_on_a_narrow_screen(portal: Portal, trail: Trail, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, portal.base, "vic", VIEWER_PASSWORD)
    page.get_by_role("link", name="Ops audit").click()
    expect(page.locator("#ops-audit-rows > tr")).to_have_count(len(trail.entries))
    assert no_horizontal_scroll(page)
    shot(page, "mobile-ops-audit")


def test_an_empty_window_says_so(portal: Portal, trail: Trail, page: Page) -> None:
    # an API answer with nothing in it (as on a quiet week), through the page's real code path
    page.route("**/admin/api/ops-audit?*", lambda route: route.fulfill(json={"items": [], "cursor": None}))
    open_view(page, portal)
    expect(page.get_by_text("No ops questions were answered or refused in the last 7 days.")).to_be_visible()
    expect(page.get_by_role("table", name="Ops questions answered and refused, newest first")).to_be_hidden()
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
