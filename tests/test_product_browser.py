"""The whole product in a browser, as a new user meets it: a visitor requests a meeting in the widget
(typing, then clicking an offered time), an admin approves it in the portal, and the visitor's
"my meetings" shows it approved. Real `meety serve`, real headless Debian chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.serve_support import REQUEST_ID, Server, start

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start(
        tmp_path_factory.mktemp("product") / "data", env={"MEETY_HOST_TIMEZONE": "America/New_York"}
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


def admin_password(server: Server) -> str:
    [line] = [entry for entry in server.output if "First-run admin:" in entry]
    return line.rsplit("password ", 1)[1].strip()


def say(page: Page, text: str) -> None:
    before = page.get_by_role("log").inner_text()
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("log")).not_to_have_text(before, timeout=10_000)
    page.wait_for_timeout(300)  # the reply may come in several messages


def test_request_approve_and_see_it_approved(server: Server, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{server.port}"
    visitor = browser.new_page(viewport={"width": 420, "height": 760}, timezone_id="America/New_York")
    errors: list[str] = []
    visitor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    visitor.goto(f"{base}/")

    # someone else holds Friday 1-2pm, so the visitor's 1:30pm is refused with free times as buttons
    say(visitor, "book a 60 minute meeting with Sam Lee on friday at 1pm")
    say(visitor, "sam@example.com")
    say(visitor, "yes")
    visitor.get_by_role("button", name=re.compile("new conversation", re.I)).click()
    say(visitor, "hello")
    say(visitor, "book a 30 minute meeting with Jane Doe on friday at 1:30pm")
    offered = visitor.get_by_role("log").get_by_role("button").last
    expect(offered).to_be_visible()
    offered.click()
    visitor.wait_for_timeout(500)
    say(visitor, "jane@example.com")
    say(visitor, "yes")
    transcript = visitor.get_by_role("log").inner_text()
    ids = REQUEST_ID.findall(transcript)
    assert ids, transcript
    request_id = ids[-1]
    assert "pending approval" in transcript
    visitor.screenshot(path=str(ARTIFACTS / "widget-conversation.png"))

    admin = browser.new_page(viewport={"width": 1280, "height": 860})
    admin.goto(f"{base}/admin/")
    admin.get_by_label("Username", exact=True).fill("admin")
    admin.get_by_label("Password", exact=True).fill(admin_password(server))
    admin.get_by_role("button", name="Sign in").click()
    row = admin.get_by_role("row").filter(has_text="Jane Doe")
    expect(row).to_be_visible(timeout=10_000)
    admin.screenshot(path=str(ARTIFACTS / "portal-queue.png"))
    row.get_by_role("button", name="Approve").click()
    confirm = admin.get_by_role("dialog").get_by_role("button", name="Approve")
    if confirm.count():
        confirm.click()
    expect(admin.get_by_role("row").filter(has_text="Jane Doe")).to_have_count(0, timeout=10_000)

    say(visitor, "show my meetings")
    listing = visitor.get_by_role("log").inner_text().rsplit("show my meetings", 1)[1]
    assert request_id in listing
    assert "approved" in listing.lower()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    visitor.screenshot(path=str(ARTIFACTS / "widget-approved.png"))
    admin.screenshot(path=str(ARTIFACTS / "portal-after-approval.png"))


def test_api_reference_renders_under_the_csp(server: Server, browser: Browser) -> None:
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security" in message.text else None,
    )
    page.goto(f"http://127.0.0.1:{server.port}/admin/api/swagger")
    expect(page.get_by_text("Meety admin API").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/requests/{request_id}/approve").first).to_be_visible()
    assert not violations, violations
