"""The admin portal in a real browser (headless Debian Chromium) against the real `meety serve`.

One server per module, seeded through the SQLite store with requests that each play one role (see
``tests.portal_support.seed``), so tests do not depend on each other's decisions. Every page records
CSP violations, uncaught errors and JavaScript dialogs; any of them fails the test that caused it.
Screenshots land in ``tests/artifacts/portal-*.png`` for a human look.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, Route, expect, sync_playwright

from fulfillment.domain import SqliteRequestStore
from fulfillment.identity import issue_token, load_or_create_key
from tests.conftest import REPO
from tests.portal_support import (
    ADMIN_PASSWORD,
    BROWSER_ZONE,
    CHROMIUM,
    LONG_NAME,
    NY,
    OPS_PASSWORD,
    PAGER,
    VIEWER_PASSWORD,
    XSS,
    Seeded,
    add_pending,
    at,
    create_user,
    decide,
    next_monday,
    no_horizontal_scroll,
    seed,
    sign_in,
)
from tests.serve_support import Server, start

ARTIFACTS = REPO / "tests" / "artifacts"
DASH = "\N{EN DASH}"
"""What separates the two ends of a time range in en-US."""
COGNITO_PASSWORD = "cora's password"  # noqa: S105 - the fake Cognito's test account
SPACES = re.compile(r"[\u2009\u202f\u00a0]")
"""ICU puts thin and narrow no-break spaces in times and ranges; tests compare with plain spaces."""


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


def post(base: str, path: str, body: Any) -> int:
    url = f"{base}{path}"
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - localhost
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


# ---------------------------------------------------------------- signing in


def test_wrong_password_is_refused_politely(portal: Portal, page: Page) -> None:
    page.goto(f"{portal.base}/admin/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-error")).to_have_text(re.compile("Wrong username or password"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    shot(page, "signin-error")


def test_repeated_failures_ask_to_wait(portal: Portal, page: Page) -> None:
    for _ in range(5):
        assert post(portal.base, "/admin/api/login", {"username": "mallory", "password": "guess"}) == 401
    page.goto(f"{portal.base}/admin/")
    page.get_by_label("Username").fill("mallory")
    page.get_by_label("Password", exact=True).fill("one more guess")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-error")).to_have_text(
        re.compile(r"Too many failed sign-ins\. Please wait about \d+ minutes")
    )


def test_keyboard_only_sign_in_and_decision_dialog(portal: Portal, page: Page) -> None:
    page.goto(f"{portal.base}/admin/")
    expect(page.get_by_label("Username")).to_be_focused()  # the form's first field is ready to type in
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Requests", level=1)).to_be_visible()
    expect(row(page, "Grace Hopper")).to_be_visible()

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Approve":
            break
    else:
        pytest.fail("no Approve button is reachable with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    opener = page.evaluate("document.activeElement.dataset.focus")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Approve request")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Note (optional)")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.focus") == opener


def test_an_ops_account_is_turned_away(portal: Portal, page: Page) -> None:
    page.goto(f"{portal.base}/admin/")
    page.get_by_label("Username").fill("otto")
    page.get_by_label("Password", exact=True).fill(OPS_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-note")).to_have_text(
        "This account (role: ops) has no access to the admin portal."
    )
    expect(page.get_by_role("navigation", name="Portal")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0


def test_a_broken_config_is_reported(portal: Portal, page: Page) -> None:
    page.route("**/admin/config.json", lambda route: route.fulfill(body="{not json"))
    page.goto(f"{portal.base}/admin/")
    expect(page.locator("#problem")).to_have_text(re.compile(r"not configured correctly .*not valid JSON"))
    expect(page.get_by_role("button", name="Sign in")).to_be_disabled()


def test_expired_session_returns_to_sign_in_and_sign_out_forgets_it(portal: Portal, page: Page) -> None:
    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    # a token the server refuses (its signature broken), as an expired one is: 401 from the real API
    page.evaluate(
        """() => {
            const saved = JSON.parse(sessionStorage.getItem("meety.admin.session"));
            saved.token = saved.token.slice(0, -4) + (saved.token.endsWith("AAAA") ? "BBBB" : "AAAA");
            sessionStorage.setItem("meety.admin.session", JSON.stringify(saved));
        }"""
    )
    page.reload()
    expect(page.locator("#signin-note")).to_have_text("Your session has expired. Please sign in again.")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    sign_in(page, portal.base, "ada", ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signin-note")).to_have_text("You have signed out.")
    assert page.evaluate("sessionStorage.length") == 0


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


# ---------------------------------------------------------------- detail, decisions


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


# ---------------------------------------------------------------- Cognito


@dataclass
class FakeCognito:
    """Cognito user pools' JSON API as the portal calls it, answering with tokens the local API accepts."""

    key: bytes
    calls: list[tuple[str, dict[str, Any]]]

    def token(self) -> str:
        return issue_token(self.key, "cora", ["admin"], datetime.now(UTC), timedelta(minutes=15))

    def handle(self, route: Route) -> None:
        cors = {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Headers": "content-type, x-amz-target, x-amz-user-agent",
            "Access-Control-Allow-Methods": "POST",
        }
        request = route.request
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
            return
        target = request.headers.get("x-amz-target", "")
        assert request.headers.get("content-type") == "application/x-amz-json-1.1"
        body = json.loads(request.post_data or "{}")
        self.calls.append((target, body))
        status, answer = self.answer(target.rsplit(".", 1)[-1], body)
        route.fulfill(
            status=status, headers=cors, content_type="application/x-amz-json-1.1", body=json.dumps(answer)
        )

    def answer(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if operation == "RevokeToken":
            return 200, {}
        if body.get("AuthFlow") == "USER_PASSWORD_AUTH":
            if body["AuthParameters"]["PASSWORD"] != COGNITO_PASSWORD:
                return 400, {"__type": "NotAuthorizedException", "message": "Incorrect username or password."}
            # ExpiresIn under the portal's 5-minute margin: it must refresh before its first API call
            result = {"IdToken": self.token(), "RefreshToken": "refresh-1", "ExpiresIn": 60}
            return 200, {"AuthenticationResult": {**result, "AccessToken": "access", "TokenType": "Bearer"}}
        assert body.get("AuthFlow") == "REFRESH_TOKEN_AUTH", body
        result = {"IdToken": self.token(), "ExpiresIn": 3600, "AccessToken": "access", "TokenType": "Bearer"}
        return 200, {"AuthenticationResult": result}


def test_cognito_sign_in_refreshes_and_revokes(portal: Portal, page: Page) -> None:
    config = {
        "auth": "cognito",
        "apiBase": "/admin/api",
        "region": "eu-west-1",
        "userPoolClientId": "client42",
    }
    page.route("**/admin/config.json", lambda route: route.fulfill(json=config))
    cognito = FakeCognito(load_or_create_key(portal.data), [])
    page.route("https://cognito-idp.eu-west-1.amazonaws.com/", cognito.handle)
    bearer: list[str] = []
    page.on(
        "request",
        lambda r: (
            bearer.append(r.headers.get("authorization", "")) if "/admin/api/requests" in r.url else None
        ),
    )

    page.goto(f"{portal.base}/admin/")
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-error")).to_have_text(re.compile("Wrong username or password"))

    page.get_by_label("Password", exact=True).fill(COGNITO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#account")).to_contain_text("Signed in as cora (admin)")
    expect(row(page, "Katherine Johnson")).to_be_visible()
    targets = [target for target, _ in cognito.calls]
    assert targets == ["AWSCognitoIdentityProviderService.InitiateAuth"] * 3
    first, signed_in, refreshed = (body for _, body in cognito.calls)
    assert first["ClientId"] == "client42"
    assert first["AuthParameters"]["USERNAME"] == "cora"
    assert signed_in["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert refreshed == {
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": "client42",
        "AuthParameters": {"REFRESH_TOKEN": "refresh-1"},
    }
    assert bearer
    assert all(b.startswith("Bearer ey") for b in bearer)

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#signin-note")).to_have_text("You have signed out.")
    for _ in range(50):  # the revocation is sent without waiting for it
        if cognito.calls[-1][0].endswith(".RevokeToken"):
            break
        page.wait_for_timeout(100)
    assert cognito.calls[-1] == (
        "AWSCognitoIdentityProviderService.RevokeToken",
        {"Token": "refresh-1", "ClientId": "client42"},
    )
