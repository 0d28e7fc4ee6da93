"""The admin portal's request queue in a real browser (headless Chromium) against the real `meety serve`.

The pending queue, paging and filters, and decisions: reject with a reason, approve (recorded on the
portal and shown in the calendar), and a decision taken elsewhere meanwhile. One server per module,
seeded through the SQLite store with requests that each play one role (see
``tests.portal_support.seed``), so tests do not depend on each other's decisions. Every page records
CSP violations, uncaught errors and JavaScript dialogs; any of them fails the test that caused it.
Screenshots land in ``tests/artifacts/portal-*.png`` for a human look.
"""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from fulfillment.domain import SqliteRequestStore
from tests.portal_support import (
    ADMIN_PASSWORD,
    DASH,
    PAGER,
    Portal,
    add_pending,
    at,
    clock,
    decide,
    field,
    next_monday,
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

# ---------------------------------------------------------------- the queue


def test_admin_sees_the_pending_queue_newest_first(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    expect(page.locator("#account")).to_contain_text("Signed in as ada (admin)")
    body_rows = page.locator("#queue-rows > tr")
    expect(body_rows.first).to_contain_text("Grace Hopper")  # the newest pending request
    grace = row(page, "Grace Hopper")
    expect(grace).to_contain_text("Alice")
    expect(grace).to_contain_text("slack:U1")
    expect(grace).to_contain_text("pending")
    approve = grace.get_by_role("button", name="Approve", exact=True)
    expect(approve).to_be_visible()
    expect(grace.get_by_role("button", name="Reject", exact=True)).to_be_visible()
    # each row's buttons are described by that row's summary, so the names can stay "Approve"/"Reject"
    expect(approve).to_have_accessible_description(re.compile("Grace Hopper"))
    shot(page, "queue")


def test_paging_walks_forward_and_back(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    page.get_by_label("Requester").fill(PAGER)
    page.get_by_label("Per page").select_option("10")
    rows = page.locator("#queue-rows > tr")
    label = page.locator("#page-label")
    previous = page.get_by_role("button", name="Previous", exact=True)
    following = page.get_by_role("button", name="Next", exact=True)

    expect(rows.first).to_contain_text("Pager guest 00")
    expect(rows).to_have_count(10)
    expect(previous).to_be_disabled()
    following.click()
    expect(label).to_have_text("Page 2")
    expect(rows.first).to_contain_text("Pager guest 10")
    expect(rows).to_have_count(10)
    following.click()
    expect(label).to_have_text("Page 3")
    expect(rows).to_have_count(3)
    expect(rows.last).to_contain_text("Pager guest 22")
    expect(following).to_be_disabled()
    expect(previous).to_be_focused()  # not lost with the disabled button
    previous.click()
    expect(label).to_have_text("Page 2")
    expect(rows.first).to_contain_text("Pager guest 10")
    previous.click()
    expect(label).to_have_text("Page 1")
    expect(rows.first).to_contain_text("Pager guest 00")
    assert "requester=web%3Apager" in page.url
    shot(page, "paging")


def test_invalid_requester_filter_is_explained(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    page.get_by_label("Requester").fill("not a requester")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#filter-requester-error")).to_have_text(re.compile("channel:id"))
    expect(page.get_by_label("Requester")).to_have_attribute("aria-invalid", "true")


# ---------------------------------------------------------------- decisions


def test_reject_needs_a_reason_then_records_it(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/reject") else None)
    row(page, "Alan Turing").get_by_role("button", name="Reject", exact=True).click()
    dialog = page.get_by_role("dialog", name="Reject request")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Reject request").click()
    expect(page.locator("#decide-error")).to_have_text(re.compile("Please give a reason"))
    expect(page.get_by_label("Reason (required)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Reason (required)")).to_be_focused()
    expect(dialog).to_be_visible()
    assert sent == []  # refused in the browser: nothing reached the API
    shot(page, "reject-refused")

    page.get_by_label("Reason (required)").fill("No free slot that week")
    dialog.get_by_role("button", name="Reject request").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_have_text(re.compile("Rejected the request from Bob"))
    expect(row(page, "Alan Turing")).to_have_count(0)
    assert len(sent) == 1
    page.goto(f"{portal.base}/admin/#/requests/{portal.seeded.reject}")
    expect(field(page, "Status")).to_have_text("rejected")
    expect(field(page, "Reason")).to_have_text("No free slot that week")


def test_approve_records_ada_on_the_portal_and_fills_the_calendar(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    row(page, "Grace Hopper").get_by_role("button", name="Approve", exact=True).click()
    page.get_by_label("Note (optional)").fill("See you there")
    page.get_by_role("dialog").get_by_role("button", name="Approve request").click()
    expect(page.locator("#status")).to_have_text(re.compile("Approved the request from Alice"))
    expect(row(page, "Grace Hopper")).to_have_count(0)  # no longer pending

    page.goto(f"{portal.base}/admin/#/requests/{portal.seeded.approve}")
    expect(field(page, "Status")).to_have_text("approved")
    expect(field(page, "By")).to_have_text("ada")
    last = page.get_by_role("table", name="History of this request, oldest first").locator("tbody tr").last
    for value in ("ada", "approved", "See you there", "portal"):
        expect(last).to_contain_text(value)
    assert "pending → approved" in text(last)
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    shot(page, "approved")

    page.get_by_role("link", name="Calendar").click()
    this_monday = next_monday() - timedelta(days=7)
    title = f"Week of {this_monday:%a, %b} {this_monday.day}, {this_monday.year}"
    expect(page.locator("#calendar-title")).to_have_text(title)  # this week shown before moving on
    page.get_by_role("button", name="Next week").click()
    wednesday = page.locator("#calendar-days > li").nth(2)
    expect(wednesday).to_contain_text("Grace Hopper")
    start = at(next_monday() + timedelta(days=2), 14)
    assert f"{clock(start)} {DASH} {clock(start + timedelta(minutes=45))}" in text(wednesday)


def test_a_decision_taken_elsewhere_is_a_polite_conflict(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    late = add_pending(portal.db, "Conflict Connie", at(next_monday() + timedelta(days=21), 9))
    page.reload()
    expect(row(page, "Conflict Connie")).to_be_visible()
    decide_elsewhere(portal, late)
    row(page, "Conflict Connie").get_by_role("button", name="Approve", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Approve request").click()
    expect(page.locator("#problem")).to_have_text("This request is already rejected.")
    expect(row(page, "Conflict Connie")).to_have_count(0)  # refreshed


def decide_elsewhere(portal: Portal, request_id: str) -> None:
    store = SqliteRequestStore(portal.db)
    try:
        decide(store, request_id, "rejected", "slack-admin", "decided in Slack")
    finally:
        store.close()
