"""Replies for Lex's Slack channel: widget markdown redrawn as mrkdwn, cards kept within Lex's limits."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.codehook import LocalLambdaContext
from fulfillment import handler, lex
from fulfillment.app import LOCALES_DIR, App, build_app, open_store
from fulfillment.handler import lambda_handler
from fulfillment.settings import load_fulfillment_settings
from fulfillment.slack_replies import PLATFORM, for_channel, to_mrkdwn
from fulfillment.texts import Texts
from tests.runtime_support import NOW
from tests.test_fulfillment_events import load, valid

SLACK = {PLATFORM: "Slack"}
# the conflict message with the markup the widget draws, so the Slack turn has something to redraw
CONFLICT = (
    "Sorry, **{time}** on {date} is _already_ taken & "
    "[the calendar](https://example.com/cal?d={date}&v=w) says so."
)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{tmp_path / 'events.db'}")
    monkeypatch.setenv("MEETY_HOST_TIMEZONE", "America/New_York")
    settings = load_fulfillment_settings()
    texts = Texts.load(LOCALES_DIR)
    catalogs = copy.deepcopy(dict(texts.catalogs))
    catalogs["en_US"]["Fulfillment"]["messages"]["conflict"] = CONFLICT
    built = build_app(settings, open_store(settings), Texts(catalogs), lambda: NOW)
    handler.set_app(built)
    yield built
    handler.set_app(None)


def call(event: object) -> dict[str, Any]:
    return lambda_handler(event, LocalLambdaContext())


def conflict_event(app: App, request_attributes: dict[str, str] | None) -> dict[str, Any]:
    """The recorded dialog turn asking for 15:00 London time, once 15:00 London (10:00 host) is booked."""
    if not app.store.list_by_requester("web", "web-session-0001", ("pending",)):
        valid(call(load("schedule_fulfillment.json")))
    event = load("schedule_dialog.json")
    event["sessionState"]["sessionAttributes"] = {"timeZone": "Europe/London"}
    event["requestAttributes"] = request_attributes
    return event


# ---------------------------------------------------------------------------------------------------
# to_mrkdwn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "see [the docs](https://example.com/a?b=1&c=2) now",
            "see <https://example.com/a?b=1&c=2|the docs> now",
        ),
        ("[plain](http://example.com)", "<http://example.com|plain>"),
        ("go to https://example.com/x.", "go to <https://example.com/x>."),
        ("[a & <b>](https://example.com)", "<https://example.com|a &amp; &lt;b&gt;>"),
    ],
)
def test_links(text: str, expected: str) -> None:
    assert to_mrkdwn(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold** and _italic_", "*bold* and _italic_"),
        ("*bold*, as the widget draws it", "*bold*, as the widget draws it"),
        ("**bold [link](https://example.com)**", "*bold <https://example.com|link>*"),
        ("**a _b_ c**", "*a _b_ c*"),
        ("_*x*_", "_*x*_"),
        ("**a *b* c**", "*a b c*"),  # bold inside bold: Slack cannot nest the same marker
        ("**spaced **out", "*spaced* out"),  # Slack ignores a marker next to a space
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
    ],
)
def test_emphasis(text: str, expected: str) -> None:
    assert to_mrkdwn(text) == expected


def test_escaping_neutralises_slack_control_sequences() -> None:
    assert to_mrkdwn("Q&A <soon> <!here> <@U123>") == "Q&amp;A &lt;soon&gt; &lt;!here&gt; &lt;@U123&gt;"
    assert to_mrkdwn("run `meety serve`") == "run meety serve"  # the widget draws no code


def test_a_bar_or_angle_in_link_text_does_not_break_the_link() -> None:
    out = to_mrkdwn("[yes | no > maybe](https://example.com/p|q>r)")
    assert out == "<https://example.com/p%7Cq%3Er|yes ¦ no &gt; maybe>"
    target, label = out[1:-1].split("|")
    assert ">" not in target + label
    assert "<" not in out[1:]


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[x](ftp://example.com/file)",
        "[x](https://)",
    ],
)
def test_links_the_widget_would_not_draw_stay_text(text: str) -> None:
    assert to_mrkdwn(text) == text
    assert "<" not in to_mrkdwn(text)


def test_a_link_without_a_valid_host_shows_its_label() -> None:
    assert to_mrkdwn("[label](https://[bad)") == "label"


def test_an_unclosed_link_is_text_with_a_bare_url_as_the_widget_draws_it() -> None:
    assert to_mrkdwn("[dangling](https://x.example") == "[dangling](<https://x.example>"


@pytest.mark.parametrize(
    "text",
    ["**oops", "_half", "a * b * c", "**never closed *either", "[dangling](x.example)", "* not bold*"],
)
def test_unbalanced_markers_stay_text(text: str) -> None:
    assert to_mrkdwn(text) == text


def test_plain_text_is_unchanged_and_conversion_is_idempotent_on_it() -> None:
    text = "Your meeting requests (2), soonest first:\n• Thu 2026-11-19 at 10:00: Jane Doe, 30 min (ID 01AB)"
    assert to_mrkdwn(text) == text
    assert to_mrkdwn(to_mrkdwn(text)) == text


def test_long_text_keeps_its_length_but_for_escapes() -> None:
    text = "Meetings & reviews <weekly> • one\nnext line, nothing else. " * 40
    out = to_mrkdwn(text)
    assert len(out) == len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))
    assert out.count("\n") == text.count("\n")
    assert out.count("•") == text.count("•")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "*" * 50_000,
        "_ a" * 20_000,
        "http://" * 10_000,
        "**a" + "*b" * 25_000,
        "[a](https://" * 5_000,
    ],
)
def test_hostile_input_takes_linear_time(text: str) -> None:
    started = time.perf_counter()
    to_mrkdwn(text)
    assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------------------------------------------
# for_channel


def reply_with(*messages: dict[str, Any]) -> dict[str, Any]:
    intent = {"name": "ScheduleMeeting", "slots": {}, "confirmationState": "None"}
    return lex.elicit_slot(intent, "MeetingTime", {}, list(messages))


def test_other_platforms_get_the_reply_itself() -> None:
    reply = reply_with(lex.plain("**hi**"))
    for attributes in (None, {}, {PLATFORM: "Facebook"}, {PLATFORM: "slack"}, {PLATFORM: 1}):
        assert for_channel({"requestAttributes": attributes}, reply) is reply
    assert for_channel({}, reply) is reply


def test_slack_gets_a_converted_copy_and_other_content_types_untouched() -> None:
    ssml = {"contentType": "SSML", "content": "<speak>**a** & b</speak>"}
    payload = {"contentType": "CustomPayload", "content": '{"x": "**a**"}'}
    reply = reply_with(lex.plain("**hi** & [x](https://example.com)"), ssml, payload)
    before = copy.deepcopy(reply)
    out = for_channel({"requestAttributes": SLACK}, reply)
    assert reply == before
    assert out["messages"] == [
        {"contentType": "PlainText", "content": "*hi* &amp; <https://example.com|x>"},
        ssml,
        payload,
    ]
    assert out["sessionState"] == reply["sessionState"]


def test_escapes_never_push_a_message_past_lex_limit() -> None:
    reply = reply_with(lex.plain("&" * 2000))
    [message] = for_channel({"requestAttributes": SLACK}, reply)["messages"]
    assert len(message["content"]) <= lex.CONTENT_LIMIT
    assert message["content"].endswith("…")
    assert message["content"].replace("&amp;", "") == "…"
    valid(for_channel({"requestAttributes": SLACK}, reply))


def test_a_large_card_is_trimmed_to_slack_safe_values() -> None:
    buttons = [{"text": f"{i}" + "t" * 79, "value": f"{i}" + "v" * 79} for i in range(7)]
    card = {
        "title": "T" * 300,
        "subtitle": "S" * 300,
        "imageUrl": "http://example.com/a.png",
        "buttons": buttons,
        "unknown": "dropped",
    }
    reply = reply_with({"contentType": "ImageResponseCard", "imageResponseCard": card})
    out = valid(for_channel({"requestAttributes": SLACK}, reply))
    trimmed = out["messages"][0]["imageResponseCard"]
    assert set(trimmed) == {"title", "subtitle", "buttons"}
    assert len(trimmed["title"]) <= 250
    assert len(trimmed["subtitle"]) <= 250
    assert len(trimmed["buttons"]) == 5
    for i, button in enumerate(trimmed["buttons"]):
        assert len(button["text"]) <= 50
        assert button["text"].startswith(str(i))
        assert button["value"] == (f"{i}" + "v" * 79)[:50]
    https = {**card, "imageUrl": "https://example.com/a.png"}
    kept = for_channel(
        {"requestAttributes": SLACK},
        reply_with({"contentType": "ImageResponseCard", "imageResponseCard": https}),
    )
    assert kept["messages"][0]["imageResponseCard"]["imageUrl"] == "https://example.com/a.png"


@pytest.mark.parametrize(
    "reply",
    [
        {"sessionState": {}, "messages": "not a list"},
        {"sessionState": {}, "messages": [None, 3, {"contentType": "PlainText", "content": 5}]},
        {
            "sessionState": {},
            "messages": [{"contentType": "ImageResponseCard", "imageResponseCard": {"buttons": [1]}}],
        },
        {
            "sessionState": {},
            "messages": [{"contentType": "ImageResponseCard", "imageResponseCard": {"title": None}}],
        },
        {},
    ],
)
def test_odd_replies_never_raise(reply: dict[str, Any]) -> None:
    out = for_channel({"requestAttributes": SLACK}, reply)
    assert isinstance(out, dict)


# ---------------------------------------------------------------------------------------------------
# through lambda_handler


def test_slack_turn_end_to_end_answers_mrkdwn_and_a_valid_card(app: App) -> None:
    event = conflict_event(app, SLACK)
    reply = valid(call(event))
    plain = handler.route(app, conflict_event(app, None))
    assert reply["sessionState"] == plain["sessionState"]
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "MeetingTime"}
    text, card = reply["messages"]
    assert text["contentType"] == "PlainText"
    assert text["content"] == to_mrkdwn(plain["messages"][0]["content"])
    assert text["content"].startswith("Sorry, *15:00* on 2026-11-19 is _already_ taken &amp; ")
    assert "<https://example.com/cal?d=2026-11-19&v=w|the calendar>" in text["content"]
    assert "**" not in text["content"]
    assert "](" not in text["content"]
    assert card["contentType"] == "ImageResponseCard"
    assert card == plain["messages"][1]  # already within the limits
    assert 1 <= len(card["imageResponseCard"]["buttons"]) <= 3


@pytest.mark.parametrize("request_attributes", [None, {}, {PLATFORM: "Facebook"}])
def test_without_slack_the_reply_is_byte_identical(
    app: App, request_attributes: dict[str, str] | None
) -> None:
    event = conflict_event(app, request_attributes)
    before = json.dumps(handler.route(app, copy.deepcopy(event)))
    assert json.dumps(valid(call(event))) == before
    assert "**15:00**" in before


def test_the_recorded_dialog_event_delegates_unchanged_on_slack(app: App) -> None:
    event = load("schedule_dialog.json")
    plain = valid(call(event))
    event["requestAttributes"] = SLACK
    assert valid(call(event)) == plain
