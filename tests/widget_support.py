"""Helpers for the chat widget's browser tests: headless Debian Chromium through Playwright.

The widget is plain JavaScript under ``web_client/widget/``; these helpers load it in a real browser, either
from the real ``meety serve`` or from a made-up https origin whose requests the test answers itself
(``route_origin``), so AWS endpoints can be faked without a network.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from tests.conftest import REPO

WEB_ROOT = REPO / "web_client"
WIDGET_DIR = WEB_ROOT / "widget"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("MEETY_CHROMIUM", "/usr/bin/chromium"))
FAKE_ORIGIN = "https://meety.test"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' https://*.amazonaws.com; object-src 'none'; base-uri 'none'"
)
"""The policy ``meety serve`` sends with every page (see the brief), for pages the tests make up."""

TEST_ZONE = "America/New_York"
BOT = ".mw-msg.mw-bot"
USER = ".mw-msg.mw-user"


def chromium_path() -> str:
    """The browser binary, or a failure that says how to get one (never a skip: CI installs it)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` "
            "(or set MEETY_CHROMIUM to a Chromium binary); the widget tests need a real browser"
        )
    return str(CHROMIUM)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium for a module's tests (Playwright's own browsers are not installed)."""
    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What went wrong on a page that the test would not see otherwise: CSP refusals, errors, dialogs.

    HTTP failures are judged by response (the console message does not name the URL); ``allowed`` lists the
    statuses a test provokes on purpose.
    """

    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: set[int] = field(default_factory=set)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", self._dialog)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        text = str(message.text)
        if "Content Security Policy" in text:
            self.problems.append(f"CSP: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {text}")

    def _response(self, response: Any) -> None:
        status = int(response.status)
        if status >= 400 and status not in self.allowed and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {status}: {response.request.method} {response.url}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(str(dialog.message))
        dialog.dismiss()


@contextmanager
def open_page(
    browser: Browser, *, timezone: str = TEST_ZONE, width: int = 1000, height: int = 760
) -> Iterator[tuple[Page, Watch]]:
    """A fresh context (its own localStorage) and page, with a ``Watch`` on it."""
    context = browser.new_context(timezone_id=timezone, viewport={"width": width, "height": height})
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    try:
        yield page, watch
    finally:
        context.close()


def embed_html(attributes: Mapping[str, str], *, scripts: Sequence[str] = (), src: str = "") -> str:
    """A host page with the one-tag embed; ``scripts`` are same-origin script URLs loaded before it."""
    attrs = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    before = "".join(f'<script src="{html.escape(url)}"></script>' for url in scripts)
    widget = src or "/widget/meety-widget.js"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>host page</title>'
        f'</head><body><h1>Host page</h1><p>Some text.</p>{before}<script src="{widget}" {attrs} defer>'
        "</script></body></html>"
    )


def fulfil_page(route: Route, body: str, csp: str | None, content_type: str = "text/html") -> None:
    headers = {"content-type": f"{content_type}; charset=utf-8"}
    if csp is not None:
        headers["content-security-policy"] = csp
    route.fulfill(status=200, headers=headers, body=body)


def route_page(context: BrowserContext | Page, url: str, body: str, *, csp: str | None = PAGE_CSP) -> None:
    """Answer ``url`` with ``body`` from the test (same origin as the server, if ``url`` says so)."""
    context.route(url, lambda route: fulfil_page(route, body, csp))


def route_script(context: BrowserContext | Page, url: str, source: str) -> None:
    context.route(url, lambda route: fulfil_page(route, source, None, "text/javascript"))


def route_origin(context: BrowserContext | Page, pages: Mapping[str, str], origin: str = FAKE_ORIGIN) -> None:
    """A made-up https origin (a secure context, as WebCrypto needs): the widget's files and ``pages``."""

    def answer(route: Route) -> None:
        path = route.request.url[len(origin) :].split("?", 1)[0]
        if path in pages:
            fulfil_page(route, pages[path], PAGE_CSP)
        elif path.startswith("/widget/") and (WIDGET_DIR / path.removeprefix("/widget/")).is_file():
            file = WIDGET_DIR / path.removeprefix("/widget/")
            kind = "text/css" if file.suffix == ".css" else "text/javascript"
            fulfil_page(route, file.read_text(encoding="utf-8"), None, kind)
        else:
            route.fulfill(status=404, body="not found")

    context.route(f"{origin}/**", answer)


def message_box(page: Page, name: str = "Message") -> Any:
    return page.get_by_role("textbox", name=name)


def say(page: Page, text: str, *, box: str = "Message") -> str:
    """Type ``text``, press Enter, wait for the reply; the bot's new messages as one string."""
    before = page.locator(BOT).count()
    with page.expect_response(lambda response: response.url.endswith("/text")):
        field_ = message_box(page, box)
        field_.fill(text)
        field_.press("Enter")
    settle(page)
    return "\n".join(page.locator(BOT).all_inner_texts()[before:])


def settle(page: Page) -> None:
    """Until the widget has drawn the reply it was waiting for."""
    expect(page.locator(".mw-waiting")).to_have_count(0)


def request_bodies(page: Page) -> list[dict[str, Any]]:
    """Every RecognizeText body the page sends from now on, in order (filled in as they go)."""
    bodies: list[dict[str, Any]] = []

    def seen(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/text"):
            bodies.append({"url": request.url, **json.loads(request.post_data or "{}")})

    page.on("request", seen)
    return bodies


def screenshot(page: Page, name: str) -> Path:
    """``tests/artifacts/widget-<name>.png``, for people reviewing the widget's looks."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"widget-{name}.png"
    page.screenshot(path=str(path))
    return path


def stored_state(page: Page) -> dict[str, Any]:
    raw = page.evaluate("localStorage.getItem('meety-widget:state')")
    assert isinstance(raw, str), "the widget keeps its state in localStorage under meety-widget:state"
    state = json.loads(raw)
    assert isinstance(state, dict)
    return state


def lex_reply(messages: list[dict[str, Any]], attributes: Mapping[str, str] | None = None) -> str:
    """A RecognizeText response body, for tests that answer in the bot's place."""
    return json.dumps(
        {
            "messages": messages,
            "sessionState": {
                "dialogAction": {"type": "ElicitIntent"},
                "sessionAttributes": dict(attributes or {}),
            },
            "sessionId": "fake",
        }
    )
