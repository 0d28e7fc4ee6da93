"""Slack DMs to the bot end to end: whole conversations through the real `meety serve --sandbox`, answered
into a fake Slack Web API, buttons pressed as Slack would send them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from admin_api.slack.dm import handle_button, handle_message
from fulfillment.identity import load_or_create_key
from tests.serve_support import REQUEST_ID, Server, start
from tests.slack_dm_support import DM, GUEST, OPS, TEAM, FakeSlack, Json, Settings, dm_event
from tests.slack_dm_support import slack as slack


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
