"""The admin portal's sign-in in a real browser (headless Debian Chromium) against the real `meety serve`.

Wrong passwords, lock-out, keyboard-only sign-in, roles without access, a broken config, expired
sessions and sign-out, and Cognito sign-in with refresh and revocation. One server per module, seeded
through the SQLite store (see ``tests.portal_support``); every page records CSP violations, uncaught
errors and JavaScript dialogs, and any of them fails the test that caused it. Screenshots land in
``tests/artifacts/portal-*.png`` for a human look.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from fulfillment.identity import issue_token, load_or_create_key
from tests.portal_support import ADMIN_PASSWORD, OPS_PASSWORD, Portal, row, shot, sign_in

# Fixtures, imported by name so pytest finds them here (the redundant alias marks a deliberate re-export).
from tests.portal_support import browser as browser
from tests.portal_support import page as page
from tests.portal_support import portal as portal
from tests.portal_support import problems as problems

COGNITO_PASSWORD = "cora's password"  # noqa: S105 - the fake Cognito's test account


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
