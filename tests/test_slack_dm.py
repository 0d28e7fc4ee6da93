"""Slack DMs to the bot (``admin_api.slack.dm``): Block Kit rendering, the token each turn carries, and
whole conversations through the real `meety serve --sandbox`, answered into a fake Slack Web API."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from slack_sdk import WebClient

from admin_api.slack import lex_client as lex_client_module
from admin_api.slack.blocks import answered, clip, from_slack, render
from admin_api.slack.dm import handle_button, handle_message
from admin_api.slack.lex_client import (
    Button,
    Card,
    LexConversation,
    LexMessage,
    LexReply,
    LexUnavailable,
    lex_client,
    session_id,
)
from fulfillment.identity import load_or_create_key, verify_token
from tests.serve_support import REQUEST_ID, Server, start

Json = dict[str, Any]
KEY = b"k" * 32
TEAM, DM = "T0TEAM001", "D0DM00001"
OPS, GUEST = "UOPS00001", "UGUEST001"


@dataclass(frozen=True)
class Settings:
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lex_endpoint: str | None = None
    bot_id: str | None = None
    bot_alias_id: str = "TSTALIASID"
    locale: str = "en_US"
    bot_token: str | None = "xoxb-test"  # noqa: S105 - a fake
    api_url: str | None = None


# -- a fake Slack Web API on loopback ------------------------------------------------------------------


class FakeSlack:
    """Records Web API calls and answers like Slack: ``ok``, ``channel``, ``ts``, block ids filled in.
    Also answers ``GET /health`` like `meety serve`, counting the calls."""

    def __init__(self) -> None:
        self.calls: list[Json] = []
        self.health_hits = 0
        self.fail: str | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.health_hits += 1
                self._send({"status": "ok", "bot": {"id": "BOTID12345"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                if "json" in self.headers.get("content-type", ""):
                    args = json.loads(raw)
                else:
                    args = dict(parse_qsl(raw))
                    if "blocks" in args:
                        args["blocks"] = json.loads(args["blocks"])
                for n, block in enumerate(args.get("blocks") or []):
                    block.setdefault("block_id", f"b{len(fake.calls)}-{n}")
                method = self.path.rsplit("/", 1)[-1]
                ts = args.get("ts") or f"17000000{len(fake.calls):02d}.000100"
                fake.calls.append({"method": method, "ts": ts, **args})
                if fake.fail:
                    self._send({"ok": False, "error": fake.fail})
                else:
                    self._send({"ok": True, "channel": args.get("channel"), "ts": ts, "message": args})

            def _send(self, body: Json) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def client(self) -> WebClient:
        return WebClient(token="xoxb-test", base_url=f"{self.url}/api/")  # noqa: S106 - a fake

    def posts(self) -> list[Json]:
        return [c for c in self.calls if c["method"] == "chat.postMessage"]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def shown(message: Json) -> str:
    """Everything a Slack user reads in a posted message's blocks."""
    out = []
    for block in message["blocks"]:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
        elif block["type"] == "actions":
            out.append(" / ".join(e["text"]["text"] for e in block["elements"]))
    return "\n".join(out)


def dm_event(text: str, user: str = OPS, **extra: Any) -> Json:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": DM,
        "user": user,
        "team": TEAM,
        "text": text,
        "ts": "1700000000.000001",
        **extra,
    }


def click(post: Json, label: str, user: str = OPS) -> Json:
    """The ``block_actions`` payload Slack sends when ``user`` presses the button labelled ``label``."""
    block, button = next(
        (b, e)
        for b in post["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == label
    )
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "container": {"type": "message", "message_ts": post["ts"], "channel_id": DM, "is_ephemeral": False},
        "channel": {"id": DM, "name": "directmessage"},
        "message": {"type": "message", "ts": post["ts"], "text": post["text"], "blocks": post["blocks"]},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": block["block_id"],
                "text": button["text"],
                "value": button["value"],
                "action_ts": "1700000001.0",
            }
        ],
    }


# -- rendering -----------------------------------------------------------------------------------------

CARD = Card(
    title="Meeting length",
    subtitle="Or type one",
    buttons=(Button("15 minutes", "15 minutes"), Button("1 hour", "1 hour")),
)


def test_plain_text_becomes_mrkdwn_sections_with_a_fallback() -> None:
    reply = LexReply(
        (
            LexMessage("PlainText", "See **the guide** & [docs](https://example.com/a?b=1|2) <now>"),
            LexMessage("SSML", "<speak>Hi &amp; bye</speak>"),
            LexMessage("PlainText", "   "),
        )
    )
    message = render(reply)
    assert [b["type"] for b in message.blocks] == ["section", "section"]
    first = message.blocks[0]["text"]
    assert first == {
        "type": "mrkdwn",
        "text": "See *the guide* &amp; <https://example.com/a?b=1%7C2|docs> &lt;now&gt;",
    }
    assert message.blocks[1]["text"]["text"] == "Hi &amp; bye"
    assert message.text == first["text"] + "\nHi &amp; bye"


def test_a_card_becomes_a_title_and_buttons_numbered_across_the_message() -> None:
    reply = LexReply((LexMessage("PlainText", "How long?"), LexMessage("ImageResponseCard", card=CARD)) * 2)
    message = render(reply)
    assert [b["type"] for b in message.blocks] == ["section", "section", "actions"] * 2
    assert message.blocks[1]["text"]["text"] == "*Meeting length*\nOr type one"
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [f"meety_reply_{n}" for n in range(4)]
    assert buttons[0] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "15 minutes", "emoji": True},
        "value": "15 minutes",
        "action_id": "meety_reply_0",
    }
    assert "Meeting length: 15 minutes | 1 hour" in message.text


def test_replies_stay_within_block_kit_limits() -> None:
    many = Card(title="t" * 250, buttons=tuple(Button(f"{n}" * 100, f"v{n}") for n in range(30)))
    message = render(LexReply((LexMessage("ImageResponseCard", card=many),)))
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a["elements"])

    long = render(LexReply((LexMessage("PlainText", "a&" * 1024),)))
    text = long.blocks[0]["text"]["text"]
    assert len(text) <= 3000
    assert text.endswith("a\u2026")  # never cut inside "&amp;"
    assert len(long.text) <= 3000

    lots = render(LexReply(tuple(LexMessage("PlainText", f"line {n}") for n in range(60))))
    assert len(lots.blocks) == 50

    assert render(LexReply(())).blocks == []
    assert clip("see <https://example.com|the docs>", 20) == "see\u2026"


def test_slack_text_is_read_back_as_typed() -> None:
    assert from_slack("<mailto:jane@example.com|jane@example.com>") == "jane@example.com"
    assert from_slack("see <https://x.example/a|the doc> and <https://y.example>") == (
        "see the doc and https://y.example"
    )
    assert from_slack("hi <@U123> in <#C1|general> <!here> a &lt;b&gt; &amp;lt;") == (
        "hi @U123 in #general @here a <b> &lt;"
    )


def test_an_answered_card_loses_its_buttons() -> None:
    blocks = [
        {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "How long?"}},
        {"type": "actions", "block_id": "a1", "elements": [{"type": "button", "action_id": "meety_reply_0"}]},
        {"type": "actions", "block_id": "a2", "elements": [{"type": "button", "action_id": "meety_reply_1"}]},
        {"type": "actions", "block_id": "x", "elements": [{"type": "button", "action_id": "approve"}]},
    ]
    out = answered(blocks, "a2", "1 <hour>")
    assert [b.get("block_id") for b in out] == ["s", None, "x"]
    assert out[1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "\u2714 *1 &lt;hour&gt;*"}]}


def test_session_ids_are_per_team_and_user_and_valid_for_lex() -> None:
    assert session_id(TEAM, OPS) == f"slack-{TEAM}-{OPS}"
    assert session_id(None, OPS) == f"slack-{OPS}"
    for team, user in (("T1", "U 1"), ("T/1", "U1"), ("T1", ""), ("T" * 60, "U" * 40)):
        with pytest.raises(ValueError, match=r"Slack ids|too long"):
            session_id(team, user)


# -- one turn against a stubbed Lex ----------------------------------------------------------------------


class Capture:
    """Matches any value in ``Stubber`` expected params and keeps it."""

    value: Any = None

    def __eq__(self, other: object) -> bool:
        self.value = other
        return True

    __hash__ = None  # type: ignore[assignment]


RESPONSE = {
    "messages": [
        {"content": "How long will it take?", "contentType": "PlainText"},
        {
            "contentType": "ImageResponseCard",
            "imageResponseCard": {
                "title": "Meeting length",
                "buttons": [{"text": "1 hour", "value": "1 hour"}],
            },
        },
    ],
    "sessionState": {
        "dialogAction": {"type": "ElicitSlot", "slotToElicit": "MeetingDuration"},
        "intent": {"name": "ScheduleMeeting", "state": "InProgress", "confirmationState": "None"},
        "sessionAttributes": {},
    },
    "interpretations": [{"nluConfidence": {"score": 0.93}, "intent": {"name": "ScheduleMeeting"}}],
    "sessionId": f"slack-{TEAM}-{OPS}",
}


@pytest.fixture
def stubbed() -> Iterator[tuple[LexConversation, Stubber]]:
    client = botocore.session.get_session().create_client(
        "lexv2-runtime",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",  # noqa: S106 - never sent: the stubber answers
    )
    with Stubber(client) as stubber:
        yield LexConversation(client, "BOTID12345", "TSTALIASID", "en_US"), stubber
        stubber.assert_no_pending_responses()


def test_each_turn_carries_a_slack_token_with_the_mapped_roles(
    stubbed: tuple[LexConversation, Stubber], slack: FakeSlack
) -> None:
    conversation, stubber = stubbed
    attributes = Capture()
    expected = {
        "botId": "BOTID12345",
        "botAliasId": "TSTALIASID",
        "localeId": "en_US",
        "sessionId": f"slack-{TEAM}-{OPS}",
        "text": "book a meeting with jane@example.com",
        "requestAttributes": attributes,
    }
    stubber.add_response("recognize_text", RESPONSE, expected)
    settings = Settings(roles={OPS: frozenset({"ops", "viewer", "wizard"})})
    now = datetime.now(UTC)
    event = dm_event("book a meeting with <mailto:jane@example.com|jane@example.com>")
    handle_message(settings, event, slack.client(), now, key=KEY, conversation=conversation)

    header = attributes.value["authorization"]
    identity = verify_token(KEY, header.removeprefix("Bearer "), now)
    assert (identity.subject, identity.username, identity.channel) == (f"slack:{OPS}", OPS, "slack")
    assert identity.roles == {"ops", "viewer"}  # "wizard" is no Meety role: left out, not fatal
    [post] = slack.posts()
    assert post["channel"] == DM
    assert [b["type"] for b in post["blocks"]] == ["section", "section", "actions"]
    assert post["text"] == "How long will it take?\nMeeting length: 1 hour"


def test_a_user_without_roles_still_gets_a_slack_token(
    stubbed: tuple[LexConversation, Stubber], slack: FakeSlack
) -> None:
    conversation, stubber = stubbed
    attributes = Capture()
    anything = {name: Capture() for name in ("botId", "botAliasId", "localeId", "sessionId", "text")}
    stubber.add_response("recognize_text", RESPONSE, {**anything, "requestAttributes": attributes})
    now = datetime.now(UTC)
    handle_message(
        Settings(), dm_event("hi", user=GUEST), slack.client(), now, key=KEY, conversation=conversation
    )
    identity = verify_token(KEY, attributes.value["authorization"].removeprefix("Bearer "), now)
    assert (identity.subject, identity.roles, identity.channel) == (f"slack:{GUEST}", frozenset(), "slack")
    assert anything["sessionId"].value == f"slack-{TEAM}-{GUEST}"


@pytest.mark.parametrize(
    "event",
    [
        dm_event("hello", bot_id="B1"),
        dm_event("hello", subtype="message_changed"),
        dm_event("hello", channel_type="channel"),
        dm_event("   "),
        dm_event("hello", user=None),
    ],
)
def test_only_plain_user_dms_are_answered(
    event: Json, stubbed: tuple[LexConversation, Stubber], slack: FakeSlack
) -> None:
    handle_message(Settings(), event, slack.client(), datetime.now(UTC), key=KEY, conversation=stubbed[0])
    assert slack.calls == []  # and the stubber saw no call


def test_lex_failures_become_polite_messages(
    stubbed: tuple[LexConversation, Stubber], slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    conversation, stubber = stubbed
    stubber.add_client_error("recognize_text", "ConflictException", "busy", 409)
    now = datetime.now(UTC)
    handle_message(Settings(), dm_event("hi"), slack.client(), now, key=KEY, conversation=conversation)
    assert "still working on your last message" in slack.posts()[-1]["text"]

    class Down:
        def recognize_text(self, **_: Any) -> Json:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    broken = LexConversation(Down(), "BOTID12345", "TSTALIASID", "en_US")  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="meety.slack"):
        handle_message(Settings(), dm_event("hi"), slack.client(), now, key=KEY, conversation=broken)
    assert "can't reach the assistant" in slack.posts()[-1]["text"]
    assert "could not send the message" in caplog.text

    handle_message(Settings(), dm_event("x" * 1025), slack.client(), now, key=KEY, conversation=broken)
    assert "too long" in slack.posts()[-1]["text"]
    assert len(slack.posts()) == 3

    slack.fail = "channel_not_found"  # Slack refusing the reply is logged, never raised
    with caplog.at_level(logging.WARNING, logger="meety.slack"):
        handle_message(Settings(), dm_event("hi"), slack.client(), now, key=KEY, conversation=broken)
    assert "channel_not_found" in caplog.text


def test_the_local_bot_id_is_read_from_health_once(slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lex_client_module, "_cache", {})
    settings = Settings(lex_endpoint=slack.url)
    first = lex_client(settings)
    assert first is lex_client(settings)
    assert (first.bot_id, first.alias_id, first.locale, slack.health_hits) == (
        "BOTID12345",
        "TSTALIASID",
        "en_US",
        1,
    )
    assert first.client.meta.endpoint_url == slack.url
    with pytest.raises(LexUnavailable):
        lex_client(Settings(lex_endpoint="http://127.0.0.1:9"))
    with pytest.raises(LexUnavailable):
        lex_client(Settings())  # Amazon Lex needs a bot id


# -- end to end: `meety serve --sandbox`, a fake Slack ---------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    data = tmp_path_factory.mktemp("slack-dm") / "data"
    server = start(data, "--sandbox")
    try:
        yield server, data
    finally:
        server.stop()


@dataclass
class Chat:
    settings: Settings
    slack: FakeSlack
    key: bytes

    def say(self, text: str, user: str = OPS) -> Json:
        before = len(self.slack.calls)
        handle_message(
            self.settings, dm_event(text, user), self.slack.client(), datetime.now(UTC), key=self.key
        )
        [post] = self.slack.calls[before:]
        assert post["method"] == "chat.postMessage"
        assert post["channel"] == DM
        return post

    def press(self, post: Json, label: str, user: str = OPS) -> tuple[Json, Json]:
        before = len(self.slack.calls)
        payload = click(post, label, user)
        handle_button(self.settings, payload, self.slack.client(), datetime.now(UTC), key=self.key)
        update, answer = self.slack.calls[before:]
        assert (update["method"], update["ts"], answer["method"]) == (
            "chat.update",
            post["ts"],
            "chat.postMessage",
        )
        return update, answer


@pytest.fixture
def chat(served: tuple[Server, Path], slack: FakeSlack) -> Chat:
    server, data = served
    settings = Settings(roles={OPS: frozenset({"ops"})}, lex_endpoint=f"http://127.0.0.1:{server.port}")
    return Chat(settings, slack, load_or_create_key(data))


def test_staff_ask_for_deploys_and_book_a_meeting_in_dms(chat: Chat) -> None:
    assert "web-app: succeeded at" in shown(chat.say("deploy status"))

    asked = chat.say("book a meeting with Jane Doe on friday at 2pm")
    assert "How long will it take?" in shown(asked)
    [actions] = [b for b in asked["blocks"] if b["type"] == "actions"]
    assert [e["value"] for e in actions["elements"]] == ["15 minutes", "30 minutes", "45 minutes", "1 hour"]
    assert all(e["action_id"].startswith("meety_reply_") for e in actions["elements"])

    update, answer = chat.press(asked, "30 minutes")
    assert "actions" not in [b["type"] for b in update["blocks"]]
    assert "\u2714 *30 minutes*" in shown(update)
    assert "How long will it take?" in shown(update)
    assert "email address" in shown(answer)

    # Slack links the address the user types: the bot must get it back as typed
    confirm = chat.say("<mailto:jane@example.com|jane@example.com>")
    assert "30-minute meeting with Jane Doe on Fri 2026-11-20 at 14:00?" in shown(confirm)
    filed = chat.say("yes")
    assert REQUEST_ID.search(filed["text"]) is not None, filed["text"]


def test_a_menu_button_continues_the_conversation(chat: Chat) -> None:
    menu = chat.say("help")
    assert "Try one of these" in shown(menu)
    _, answer = chat.press(menu, "Deploy status")
    assert "web-app" in shown(answer)


def test_a_slack_user_without_roles_gets_the_staff_only_refusal(chat: Chat) -> None:
    refused = shown(chat.say("deploy status", user=GUEST))
    assert f"Sorry, {GUEST}: deploys, alarms and backups need the ops role" in refused
    assert "web-app" not in refused
