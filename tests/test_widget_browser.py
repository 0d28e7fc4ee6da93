"""The chat widget in headless Chromium against the real `meety serve` (its demo page at `/`).

One server for the module: host zone New York, clock pinned to Wed 2026-11-18 10:00 New York. Each test
gets a fresh browser context (its own localStorage) and books its own times, so tests do not collide.
Pages the tests make up are served by Playwright on the server's origin, with the server's CSP.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.serve_support import REQUEST_ID, Server, start
from tests.widget_support import (
    BOT,
    USER,
    chromium,
    embed_html,
    lex_reply,
    message_box,
    open_page,
    request_bodies,
    route_page,
    route_script,
    say,
    screenshot,
    settle,
    stored_state,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    files = tmp_path_factory.mktemp("widget")
    env = {"MEETY_HOST_TIMEZONE": "America/New_York", "MEETY_STORE": f"sqlite:///{files / 'requests.db'}"}
    running = start(files / "data", env=env)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def base(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture(scope="module")
def page_csp(base: str) -> str:
    """The policy the server sends with `/`: made-up pages get the very same one."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    policy = response.getheader("content-security-policy")
    assert policy is not None, "meety serve must send a Content-Security-Policy with the demo page"
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    return policy


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def deep_focus(page: Page) -> str:
    """Which element has focus, looking inside the widget's shadow root: 'tag#id' or 'tag.class'."""
    return str(
        page.evaluate(
            """() => {
                let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                if (!el) return "none";
                const name = el.getAttribute("aria-label") || el.textContent.trim().slice(0, 30);
                return `${el.tagName.toLowerCase()}.${el.className}:${name}`;
            }"""
        )
    )


def has_focus(locator: Any) -> bool:
    return bool(locator.evaluate("el => el.getRootNode().activeElement === el"))


def test_greeting_on_the_demo_page(browser: Browser, base: str, page_csp: str) -> None:
    with open_page(browser) as (page, watch):
        response = page.goto(f"{base}/")
        assert response is not None
        assert response.headers["content-security-policy"] == page_csp
        panel = page.get_by_role("region", name="Meety assistant")
        expect(panel).to_be_visible()
        # the stylesheet arrived (CSP allows it): the panel floats
        assert page.locator(".mw-panel").evaluate("el => getComputedStyle(el).position") == "fixed"
        reply = say(page, "hi")
        assert "Meety" in reply
        card = page.get_by_role("group", name="What would you like to do?")
        for label in ("Book a meeting", "My meetings", "Help"):
            expect(card.get_by_role("button", name=label)).to_be_enabled()
        expect(page.get_by_role("log", name="Conversation")).to_have_attribute("aria-live", "polite")
        screenshot(page, "greeting")
        assert watch.problems == []


def test_booking_by_typing_ends_pending_with_a_request_id(browser: Browser, base: str) -> None:
    with open_page(browser) as (page, watch):
        page.goto(f"{base}/")
        assert "email" in say(page, "book a 30 minute meeting with Jane Doe on friday at 2pm")
        question = say(page, "jane@example.com")
        assert "Jane Doe" in question
        assert "Fri 2026-11-20" in question
        assert "14:00" in question
        shown = page.locator(BOT).count()
        answer = say(page, "yes")
        assert "pending approval" in answer
        assert REQUEST_ID.search(answer) is not None, answer
        expect(page.locator(BOT)).to_have_count(shown + 2)  # one reply, two messages, two bubbles
        screenshot(page, "booking")
        assert watch.problems == []


def test_a_conflict_offers_buttons_and_a_click_continues(browser: Browser, base: str, server: Server) -> None:
    holder = server.client()
    where = server.where("widget-holder")
    for text in ("book a 60 minute meeting with Jane Doe tomorrow at 1pm", "jane@example.com", "yes"):
        holder.recognize_text(**where, text=text)
    with open_page(browser) as (page, watch):
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        assert "already taken" in say(page, "book a 30 minute meeting with Alex Garcia tomorrow at 1:30pm")
        card = page.get_by_role("group", name="Free times")
        buttons = card.get_by_role("button")
        assert 1 <= buttons.count() <= 3
        label = buttons.first.inner_text()
        screenshot(page, "conflict")
        with page.expect_response(lambda response: response.url.endswith("/text")):
            buttons.first.click()
        settle(page)
        sent = bodies[-1]["text"]
        assert re.fullmatch(r"\d{2}:\d{2}", sent), sent  # the button's value went to the bot ...
        assert page.locator(USER).last.inner_text().endswith(label)  # ... its text shows as ours
        expect(buttons.first).to_be_disabled()  # answered: an old choice cannot be sent again
        last = page.locator(BOT).last.inner_text()
        if "email" in last:
            last = say(page, "alex@example.com")
        assert "Alex Garcia" in last
        assert sent in last
        assert watch.problems == []


def test_reload_keeps_the_conversation_and_the_session(browser: Browser, base: str) -> None:
    with open_page(browser) as (page, watch):
        page.goto(f"{base}/")
        assert "email" in say(page, "book a 30 minute meeting with Sam Lee on monday at 11am")
        before = page.locator(".mw-msg").all_inner_texts()
        session = stored_state(page)["sessionId"]
        page.reload()
        expect(page.locator(".mw-msg")).to_have_count(len(before))
        assert page.locator(".mw-msg").all_inner_texts() == before
        bodies = request_bodies(page)
        # the bot still waits for the email: the dialog goes on in the same session
        question = say(page, "sam@example.com")
        assert "Sam Lee" in question
        assert "Mon 2026-11-23" in question
        assert f"/sessions/{session}/text" in bodies[-1]["url"]
        assert stored_state(page)["sessionId"] == session

        page.get_by_role("button", name="New conversation").click()
        expect(page.locator(".mw-msg")).to_have_count(0)
        fresh = stored_state(page)["sessionId"]
        assert fresh != session
        say(page, "hi")
        assert f"/sessions/{fresh}/text" in bodies[-1]["url"]
        assert watch.problems == []


def test_user_markup_stays_text(browser: Browser, base: str) -> None:
    """On a page without CSP, so a widget that parsed the text as HTML would run the handler."""
    attack = "<img src=x onerror=alert(1)>"
    with open_page(browser) as (page, watch):
        route_page(
            page,
            f"{base}/test-no-csp.html",
            embed_html({"data-bot-id": "auto", "data-open": "true"}),
            csp=None,
        )
        page.goto(f"{base}/test-no-csp.html")
        say(page, attack)
        expect(page.locator(USER).last).to_have_text(f"You: {attack}")
        page.reload()  # and again when drawn from storage
        expect(page.locator(USER).last).to_have_text(f"You: {attack}")
        page.wait_for_timeout(200)
        assert page.locator("img").count() == 0
        assert watch.dialogs == []
        assert watch.problems == []


def test_bot_text_gets_emphasis_and_links_and_nothing_else(browser: Browser, base: str) -> None:
    text = (
        "Read **the guide** at [our docs](https://example.com/docs) or https://example.com/faq. "
        "_Thanks_, *team*! snake_case_name stays. <img src=x onerror=alert(2)> [click](javascript:alert(3))"
    )
    messages: list[dict[str, Any]] = [
        {"contentType": "PlainText", "content": text},
        {"contentType": "PlainText", "content": "Second message."},
        {
            "contentType": "ImageResponseCard",
            "imageResponseCard": {"title": "Pick one", "buttons": [{"text": "<b>A</b>", "value": "a"}]},
        },
    ]

    def fake_bot(route: Route) -> None:
        route.fulfill(
            status=200, content_type="application/json", body=lex_reply(messages, {"topic": "demo"})
        )

    with open_page(browser) as (page, watch):
        route_page(
            page,
            f"{base}/test-no-csp.html",
            embed_html({"data-bot-id": "auto", "data-open": "true"}),
            csp=None,
        )
        page.route("**/text", fake_bot)
        bodies = request_bodies(page)
        page.goto(f"{base}/test-no-csp.html")
        say(page, "show me")
        expect(page.locator(BOT)).to_have_count(3)  # several messages in one reply
        first = page.locator(BOT).first
        assert first.locator("strong").all_inner_texts() == ["the guide", "team"]
        assert first.locator("em").all_inner_texts() == ["Thanks"]
        links = first.locator("a")
        assert links.evaluate_all("els => els.map(a => [a.href, a.textContent, a.target, a.rel])") == [
            ["https://example.com/docs", "our docs", "_blank", "noopener noreferrer"],
            ["https://example.com/faq", "https://example.com/faq", "_blank", "noopener noreferrer"],
        ]
        assert "snake_case_name" in first.inner_text()
        assert "<img src=x onerror=alert(2)>" in first.inner_text()
        assert "[click](javascript:alert(3))" in first.inner_text()
        expect(page.get_by_role("button", name="<b>A</b>")).to_be_visible()
        assert page.locator("img, b, .mw script").count() == 0
        screenshot(page, "rich-text")

        say(page, "again")
        # Lex replaces session attributes when given: the widget sends back the bot's, plus the zone
        assert bodies[-1]["sessionState"]["sessionAttributes"] == {
            "topic": "demo",
            "timeZone": "America/New_York",
        }
        assert watch.dialogs == []
        assert watch.problems == []


def test_keyboard_only(browser: Browser, base: str) -> None:
    with open_page(browser) as (page, watch):
        page.goto(f"{base}/")
        box = message_box(page)
        stops = []  # from the top of the page, Tab reaches the text box (through the widget's header)
        for _ in range(25):
            page.keyboard.press("Tab")
            stops.append(deep_focus(page))
            if has_focus(box):
                break
        expect(box).to_be_focused()
        outline = box.evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline != "none", "the focused text box must show a focus ring"
        page.keyboard.type("hi")
        with page.expect_response(lambda response: response.url.endswith("/text")):
            page.keyboard.press("Enter")
        settle(page)
        expect(page.locator(BOT).first).to_contain_text("Meety")

        # the card's buttons are reachable with Tab (backwards from the text box) and work with Enter
        choice = page.get_by_role("button", name="My meetings")
        for _ in range(12):
            if has_focus(choice):
                break
            page.keyboard.press("Shift+Tab")
        expect(choice).to_be_focused()
        with page.expect_response(lambda response: response.url.endswith("/text")):
            page.keyboard.press("Enter")
        settle(page)
        expect(page.locator(USER).last).to_contain_text("My meetings")

        # Escape closes the panel back to its launcher; Enter on the launcher opens it at the text box
        box.focus()
        page.keyboard.press("Escape")
        launcher = page.get_by_role("button", name="Open chat")
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        expect(box).to_be_hidden()
        page.keyboard.press("Enter")
        expect(box).to_be_focused()
        expect(page.get_by_role("button", name="Close chat").first).to_have_attribute("aria-expanded", "true")
        assert watch.problems == [], stops


def test_switching_to_spanish(browser: Browser, base: str) -> None:
    with open_page(browser) as (page, watch):
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        say(page, "hi")
        session = stored_state(page)["sessionId"]
        page.get_by_role("combobox", name="Language").select_option("es_US")
        spanish_ui(page)
        reply = say(page, "hola", box="Mensaje")
        assert "reuniones" in reply
        assert f"/botLocales/es_US/sessions/{session}/text" in bodies[-1]["url"]
        assert "/botLocales/en_US/" in bodies[0]["url"]
        page.reload()  # the choice is kept, and the latest message is in view
        spanish_ui(page)
        expect(page.locator(BOT).last).to_be_in_viewport()
        screenshot(page, "spanish")
        assert watch.problems == []


def spanish_ui(page: Page) -> None:
    expect(page.get_by_role("region", name="Asistente Meety")).to_be_visible()
    expect(message_box(page, "Mensaje")).to_have_attribute("placeholder", "Escribe un mensaje…")
    expect(page.get_by_role("button", name="Enviar")).to_be_visible()
    expect(page.get_by_role("button", name="Nueva conversación")).to_be_visible()
    expect(page.get_by_role("combobox", name="Idioma")).to_have_value("es_US")
    expect(page.get_by_role("log", name="Conversación")).to_be_visible()


def test_the_browser_zone_goes_with_every_turn(browser: Browser, base: str) -> None:
    with open_page(browser, timezone="Europe/London") as (page, watch):
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        say(page, "hi")
        say(page, "book a 30 minute meeting with Jane Doe on tuesday at 4pm")
        question = say(page, "jane@example.com")
        assert "16:00 your time (11:00 America/New_York)" in question
        say(page, "no")
        assert len(bodies) == 4
        assert {body["sessionState"]["sessionAttributes"]["timeZone"] for body in bodies} == {"Europe/London"}
        assert watch.problems == []


def test_the_signed_in_users_token_goes_as_a_request_attribute(
    browser: Browser, base: str, page_csp: str
) -> None:
    with open_page(browser) as (page, watch):
        route_script(
            page, f"{base}/test-token.js", "window.meetyTestToken = () => Promise.resolve('tok-123');"
        )
        attributes = {"data-bot-id": "auto", "data-open": "true", "data-token-provider": "meetyTestToken"}
        route_page(
            page, f"{base}/test-token.html", embed_html(attributes, scripts=["/test-token.js"]), csp=page_csp
        )
        bodies = request_bodies(page)
        page.goto(f"{base}/test-token.html")
        say(page, "hi")
        assert bodies[-1]["requestAttributes"] == {"authorization": "Bearer tok-123"}
        assert watch.problems == []

    with open_page(browser) as (page, watch):
        bodies = request_bodies(page)
        page.goto(f"{base}/")
        say(page, "hi")
        assert "requestAttributes" not in bodies[-1]  # anonymous: nothing to send
        page.evaluate("MeetyWidget.setToken('abc.def.ghi')")
        say(page, "hi")
        assert bodies[-1]["requestAttributes"] == {"authorization": "Bearer abc.def.ghi"}
        assert watch.problems == []


def test_init_from_javascript_inline_with_events(browser: Browser, base: str, page_csp: str) -> None:
    setup = """
        window.replies = 0;
        document.addEventListener("meety:reply", () => window.replies++);
        document.addEventListener("DOMContentLoaded", () =>
            MeetyWidget.init({ botId: "auto", container: "#chat", locale: "es_US", title: "Ayuda" }));
    """
    page_html = (
        '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>inline</title></head><body>'
        '<h1>Inline</h1><div id="chat"></div><script src="/widget/meety-widget.js"></script>'
        '<script src="/test-init.js"></script></body></html>'
    )
    with open_page(browser) as (page, watch):
        route_script(page, f"{base}/test-init.js", setup)
        route_page(page, f"{base}/test-inline.html", page_html, csp=page_csp)
        page.goto(f"{base}/test-inline.html")
        expect(page.get_by_role("region", name="Ayuda")).to_be_visible()
        expect(page.get_by_role("button", name="Abrir chat")).to_have_count(0)  # inline: no launcher
        assert "reuniones" in say(page, "hola", box="Mensaje")
        assert page.evaluate("window.replies") == 1
        assert watch.problems == []


def test_errors_are_polite_and_localised(browser: Browser, base: str) -> None:
    with open_page(browser) as (page, watch):
        watch.allowed.add(500)
        page.goto(f"{base}/")
        page.route("**/text", lambda route: route.abort("internetdisconnected"))
        send(page, "hi")
        expect(page.locator(".mw-error").last).to_contain_text("can't reach the assistant")

        page.unroute("**/text")
        page.route("**/text", server_error)
        send(page, "hi")
        error = page.locator(".mw-error").last
        expect(error).to_contain_text("something went wrong")
        assert "{" not in error.inner_text()
        assert "boom" not in error.inner_text()

        page.get_by_role("combobox", name="Language").select_option("es_US")
        expect(page.locator(".mw-error").last).to_contain_text("algo salió mal")
        page.unroute("**/text")
        assert "reuniones" in say(page, "hola", box="Mensaje")  # and the next turn works
        screenshot(page, "errors")
        assert watch.problems == []


def server_error(route: Route) -> None:
    body = json.dumps({"message": "boom: internal details"})
    route.fulfill(status=500, headers={"x-amzn-ErrorType": "InternalServerException"}, body=body)


def send(page: Page, text: str) -> None:
    errors = page.locator(".mw-error").count()
    box = message_box(page)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".mw-error")).to_have_count(errors + 1)


def test_a_360_px_screen_has_no_horizontal_scroll(browser: Browser, base: str) -> None:
    with open_page(browser, width=360, height=740) as (page, watch):
        page.goto(f"{base}/")
        say(page, "hi")
        say(page, "https://example.com/" + "a-very-long-unbroken-path" * 8)
        scroll = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
        assert max(scroll) <= 360, scroll
        for selector in (".mw-panel", ".mw-launcher", ".mw-msg", ".mw-choice", ".mw-send"):
            for box in page.locator(selector).evaluate_all(
                "els => els.map(el => el.getBoundingClientRect()).map(r => [r.left, r.right])"
            ):
                left, right = box
                assert left >= 0, (selector, box)
                assert right <= 360, (selector, box)
        log = page.locator(".mw-log")
        assert log.evaluate("el => el.scrollWidth <= el.clientWidth")
        screenshot(page, "360px")
        assert watch.problems == []
