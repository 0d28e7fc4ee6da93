"""Slack DMs to the bot (``admin_api.slack.dm``): one turn against a stubbed Lex, the token each turn
carries, polite answers when Lex fails, and the local bot id read from ``meety serve``'s health."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from admin_api.slack import lex_client as lex_client_module
from admin_api.slack.dm import handle_message
from admin_api.slack.lex_client import LexConversation, LexUnavailable, lex_client
from fulfillment.identity import verify_token
from tests.slack_dm_support import DM, GUEST, KEY, OPS, TEAM, FakeSlack, Json, Settings, dm_event
from tests.slack_dm_support import slack as slack


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
