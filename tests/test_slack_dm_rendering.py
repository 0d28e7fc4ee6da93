"""Slack DMs to the bot: Block Kit rendering of Lex replies (``admin_api.slack.blocks``), Slack text read
back as typed, and the Lex session id of a Slack user."""

from __future__ import annotations

import pytest

from admin_api.slack.blocks import answered, clip, from_slack, render
from admin_api.slack.lex_client import Button, Card, LexMessage, LexReply, session_id
from tests.slack_dm_support import OPS, TEAM

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
