"""ChatOps in a browser: the demo page's staff sign-in unlocks the ops intents in the widget.

The real `meety serve --sandbox` (every AWS call to an in-process moto account) and headless Debian
Chromium. A visitor is refused ops answers; the first-run admin signs in with the page's form, and the
widget then sends the token with every turn: deploys, alarms and backups are answered, also after a reload,
until sign-out. Wrong passwords and the login's rate limit show the server's message; a token about to
expire is dropped. No console errors and no CSP refusals anywhere.

``MEETY_SCREENSHOTS=1`` also saves the signed-in conversation to ``docs/images/chatops.png``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import REPO
from tests.serve_support import Server, start
from tests.widget_support import BOT, Watch, chromium, open_page, request_bodies, say

FIRST_RUN = re.compile(r"First-run admin: username (\S+), password (\S+)")
STORE_KEY = "meety-demo:staff"
REFUSED = "staff only"
SCREENSHOT = REPO / "docs" / "images" / "chatops.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start(tmp_path_factory.mktemp("chatops") / "data", "--sandbox")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server: Server) -> tuple[str, str]:
    """The first-run admin's username and password, from the banner `meety serve` printed."""
    found = FIRST_RUN.search("".join(server.output))
    assert found is not None, "".join(server.output)
    return found[1], found[2]


@pytest.fixture(scope="module")
def base(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def status(page: Page) -> Locator:
    """The sign-in's status line: "Not signed in." or "Signed in as <username> (<roles>)"."""
    return page.locator("#staff-status")


def message(page: Page) -> Locator:
    """Where the page says what went wrong (role alert)."""
    return page.locator("#staff-message")


def stored(page: Page) -> object:
    return page.evaluate(f"sessionStorage.getItem({json.dumps(STORE_KEY)})")


def no_problems(watch: Watch) -> None:
    assert not watch.problems, watch.problems
    assert not watch.dialogs, watch.dialogs


def test_demo_files_are_served_with_the_page_headers(base: str) -> None:
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    policies = []
    for path, kind in (("/", "text/html"), ("/demo.js", "text/javascript"), ("/demo.css", "text/css")):
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, path
        assert (response.getheader("content-type") or "").startswith(kind), path
        assert response.getheader("x-content-type-options") == "nosniff", path
        assert response.getheader("cache-control") == "no-cache", path
        policies.append(response.getheader("content-security-policy"))
        assert body == (REPO / "web_client" / ("index.html" if path == "/" else path[1:])).read_bytes()
    assert len(set(policies)) == 1, policies
    assert "script-src 'self'" in str(policies[0])
    assert "unsafe-inline" not in str(policies[0])


def test_staff_sign_in_unlocks_ops_until_sign_out(
    browser: Browser, base: str, admin: tuple[str, str]
) -> None:
    with open_page(browser, width=1100, height=820) as (page, watch):
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        expect(status(page)).to_have_text("Not signed in.")
        expect(page.get_by_text("meety serve --sandbox")).to_be_visible()

        assert REFUSED in say(page, "deploy status")
        assert "requestAttributes" not in bodies[-1]

        sign_in(page, *admin)
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")
        expect(page.get_by_role("button", name="Sign out")).to_be_focused()
        expect(page.get_by_label("Password", exact=True)).to_be_hidden()
        saved = json.loads(str(stored(page)))
        assert saved["username"] == admin[0]

        deploys = say(page, "deploy status")
        assert REFUSED not in deploys
        assert "web-app" in deploys
        assert "payments-api" in deploys
        assert bodies[-1]["requestAttributes"] == {"authorization": f"Bearer {saved['token']}"}

        alarms = say(page, "any alarms")
        assert "checkout-5xx-rate" in alarms
        assert "orders-db-cpu-high" in alarms
        if os.environ.get("MEETY_SCREENSHOTS") == "1":
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

        # a reload keeps the sign-in (this tab's sessionStorage) and gives the token to the widget again
        page.reload()
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")
        expect(page.locator(BOT).filter(has_text="checkout-5xx-rate")).not_to_have_count(0)
        backups = say(page, "backup status")
        assert REFUSED not in backups
        assert "You haven't requested any backups." in backups
        assert bodies[-1]["requestAttributes"] == {"authorization": f"Bearer {saved['token']}"}

        page.get_by_role("button", name="Sign out").click()
        expect(status(page)).to_have_text("Not signed in.")
        expect(page.get_by_label("Username", exact=True)).to_be_focused()
        assert stored(page) is None
        assert REFUSED in say(page, "deploy status")
        assert "requestAttributes" not in bodies[-1]

        page.reload()
        expect(status(page)).to_have_text("Not signed in.")
        no_problems(watch)


def test_wrong_passwords_show_the_servers_message(
    browser: Browser, base: str, admin: tuple[str, str]
) -> None:
    with open_page(browser) as (page, watch):
        watch.allowed.update({401, 429})
        page.goto(f"{base}/")

        sign_in(page, admin[0], "not-the-password")
        expect(message(page)).to_have_text("Sign-in failed: wrong username or password.")
        expect(status(page)).to_have_text("Not signed in.")
        expect(page.get_by_label("Password", exact=True)).to_have_value("")
        assert stored(page) is None

        # the login slows guessing down: after five failures for one name it answers 429 with Retry-After
        for _ in range(5):
            with page.expect_response(lambda response: response.url.endswith("/admin/api/login")) as failed:
                sign_in(page, "mallory", "guess")
            assert failed.value.status == 401
        sign_in(page, "mallory", "guess")
        expect(message(page)).to_have_text(
            re.compile(r"^Sign-in failed: too many failed sign-ins; wait and retry\. Try")
        )
        assert stored(page) is None

        # the right password still works for someone else, and clears the message
        sign_in(page, *admin)
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")
        expect(message(page)).to_have_text("")
        no_problems(watch)


def test_a_token_about_to_expire_is_dropped(browser: Browser, base: str, admin: tuple[str, str]) -> None:
    with open_page(browser) as (page, watch):
        page.clock.install()
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        sign_in(page, *admin)
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")

        # tokens live 15 minutes; the page lets go of it half a minute before they end
        page.clock.run_for("14:00")
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")
        page.clock.run_for("00:31")
        expect(message(page)).to_have_text("Your sign-in expired; sign in again.")
        expect(status(page)).to_have_text("Not signed in.")
        assert stored(page) is None
        assert REFUSED in say(page, "deploy status")
        assert "requestAttributes" not in bodies[-1]

        # a stored sign-in found expired on reload is dropped the same way
        sign_in(page, *admin)
        expect(status(page)).to_have_text(f"Signed in as {admin[0]} (admin)")
        page.evaluate(
            """key => {
                const saved = JSON.parse(sessionStorage.getItem(key));
                sessionStorage.setItem(key, JSON.stringify({...saved, signOutAt: Date.now() - 1000}));
            }""",
            STORE_KEY,
        )
        page.reload()
        expect(message(page)).to_have_text("Your sign-in expired; sign in again.")
        expect(status(page)).to_have_text("Not signed in.")
        assert stored(page) is None
        no_problems(watch)
