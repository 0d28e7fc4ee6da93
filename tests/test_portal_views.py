"""The admin portal's read-only views in a real browser (headless Chromium) against the real `meety serve`.

A request's detail, the week calendar, the viewer role, markup kept as text, a 360 px screen, and the
30-second refresh. One server per module, seeded through the SQLite store (see
``tests.portal_support.seed``); every page records CSP violations, uncaught errors and JavaScript
dialogs, and any of them fails the test that caused it. Screenshots land in
``tests/artifacts/portal-*.png`` for a human look.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.portal_support import (
    ADMIN_PASSWORD,
    BROWSER_ZONE,
    DASH,
    LONG_NAME,
    VIEWER_PASSWORD,
    XSS,
    Portal,
    add_pending,
    at,
    clock,
    field,
    next_monday,
    no_horizontal_scroll,
    row,
    shot,
    sign_in,
    text,
)

# Fixtures, imported by name so pytest finds them here (the redundant alias marks a deliberate re-export).
from tests.portal_support import browser as browser
from tests.portal_support import page as page
from tests.portal_support import portal as portal
from tests.portal_support import problems as problems

# ---------------------------------------------------------------- detail


def test_detail_shows_both_zones_and_the_audit_trail(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    row(page, "Katherine Johnson").get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="Meeting with Katherine Johnson")).to_be_visible()
    start = at(next_monday() + timedelta(days=3), 15)
    expect(field(page, "Topic")).to_have_text("Orbit maths")
    expect(field(page, "Requester")).to_have_text("Dorothy (slack:U7)")
    ours = text(field(page, f"When, your time ({BROWSER_ZONE})"))
    theirs = text(field(page, "When, requester's time (Asia/Tokyo)"))
    assert f"{clock(start)} {DASH} " in ours, ours
    assert re.search(r"E[SD]T", ours), ours
    assert f"{clock(start, ZoneInfo('Asia/Tokyo'))} {DASH} " in theirs, theirs
    assert "GMT+9" in theirs, theirs
    expect(page.get_by_text("Not decided yet.")).to_be_visible()
    trail = page.get_by_role("table", name="History of this request, oldest first")
    entries = trail.locator("tbody tr")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("slack:U7")
    expect(entries.first).to_contain_text("requested")
    assert "new → pending" in text(entries.first)
    shot(page, "detail")


# ---------------------------------------------------------------- calendar, viewer, safety


def test_calendar_moves_by_week(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    page.get_by_role("link", name="Calendar").click()
    this_monday = next_monday() - timedelta(days=7)
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(re.compile(rf"Week of Mon, {this_monday:%b} {this_monday.day}, "))
    expect(page.locator("#calendar-days > li")).to_have_count(7)
    expect(page.locator("#calendar-days > li[aria-current=date]")).to_have_count(1)

    page.get_by_role("button", name="Next week").click()
    monday = next_monday()
    expect(title).to_have_text(re.compile(rf"Week of Mon, {monday:%b} {monday.day}, "))
    tuesday = page.locator("#calendar-days > li").nth(1)
    expect(tuesday).to_contain_text("Ada Lovelace")
    expect(tuesday).to_contain_text("Engine design review")
    assert f"10:00 {DASH} 10:30 AM" in text(tuesday)
    shot(page, "calendar")

    page.get_by_role("button", name="Previous week").click()
    expect(title).to_have_text(re.compile(rf"Week of Mon, {this_monday:%b} {this_monday.day}, "))
    page.get_by_role("button", name="Next week").click()
    page.get_by_role("button", name="Today").click()
    expect(title).to_have_text(re.compile(rf"Week of Mon, {this_monday:%b} {this_monday.day}, "))


def test_viewer_reads_without_decision_buttons(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "vic", VIEWER_PASSWORD)
    expect(page.locator("#account")).to_contain_text("viewer, read only")
    expect(row(page, "Katherine Johnson")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)
    shot(page, "viewer")
    row(page, "Katherine Johnson").get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="Meeting with Katherine Johnson")).to_be_visible()
    expect(page.get_by_role("table", name="History of this request, oldest first")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)


def test_markup_in_request_fields_stays_text(portal: Portal, page: Page, problems: list[str]) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    evil = row(page, "web:xss")
    expect(evil.locator(".attendee")).to_have_text(XSS)
    expect(evil.locator(".topic")).to_have_text(XSS)
    expect(evil.locator(".requester")).to_contain_text(XSS)
    assert page.locator("img").count() == 0
    evil.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name=f"Meeting with {XSS}")).to_be_visible()
    expect(field(page, "Topic")).to_have_text(XSS)
    assert page.locator("img").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert problems == []


def test_narrow_screen_has_no_horizontal_scroll(portal: Portal, page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    expect(row(page, "Katherine Johnson")).to_be_visible()
    assert no_horizontal_scroll(page), "queue"
    shot(page, "mobile-queue")
    row(page, "web:xss").get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting with")
    assert no_horizontal_scroll(page), "detail"
    page.goto(f"{portal.base}/admin/#/requests/{portal.seeded.long}")
    expect(field(page, "Topic")).to_have_text(LONG_NAME)
    assert no_horizontal_scroll(page), "detail with a 140-letter word"
    shot(page, "mobile-detail")
    page.get_by_role("button", name="Reject", exact=True).click()
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Calendar").click()
    expect(page.locator("#calendar-days > li")).to_have_count(7)
    assert no_horizontal_scroll(page), "calendar"
    shot(page, "mobile-calendar")


# ---------------------------------------------------------------- refresh


def test_refresh_runs_every_30s_but_not_while_hidden_or_in_a_dialog(portal: Portal, page: Page) -> None:
    page.clock.install()
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    expect(row(page, "Katherine Johnson")).to_be_visible()
    week = next_monday() + timedelta(days=28)

    row(page, "Katherine Johnson").get_by_role("button", name="Approve", exact=True).click()
    add_pending(portal.db, "Dialog Dora", at(week, 9))
    page.clock.fast_forward("00:35")
    page.wait_for_timeout(500)
    expect(row(page, "Dialog Dora")).to_have_count(0)  # a dialog is open: nothing moves under it
    page.get_by_role("button", name="Cancel").click()
    page.clock.fast_forward("00:35")
    expect(row(page, "Dialog Dora")).to_be_visible()

    page.evaluate("Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    add_pending(portal.db, "Hidden Hal", at(week, 10))
    page.clock.fast_forward("00:35")
    page.wait_for_timeout(500)
    expect(row(page, "Hidden Hal")).to_have_count(0)  # the tab is hidden: no polling
    page.evaluate(
        """() => {
            Object.defineProperty(document, 'hidden', {value: false, configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )
    expect(row(page, "Hidden Hal")).to_be_visible()  # coming back refreshes at once
