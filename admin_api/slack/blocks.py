"""Lex replies as Slack Block Kit messages, and Slack message text back as what the user typed.

Pure functions, no Slack calls. A reply becomes one message: each text message a ``section`` in mrkdwn
(the widget's markdown converted by ``fulfillment.slack_replies.to_mrkdwn``, so Slack shows what the web
widget shows), each response card a ``section`` with its title and subtitle followed by an ``actions``
block of buttons. A button's ``value`` is what the bot gets when it is pressed, as the widget sends a
card button's value as the next text. Images on cards are not drawn: Slack rejects a whole message whose
image it cannot fetch, and a card is readable without its picture.

Block Kit limits relied on (api.slack.com/reference/block-kit/blocks and .../block-elements): 50 blocks
per message, 3000 characters of section text, 25 elements per actions block, button text 75 characters
(plain_text only), button value 2000, action_id 255. The top-level ``text`` is the notification and
screen-reader fallback; Slack cuts it at 40,000 characters and advises under 4,000.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from admin_api.slack.lex_client import Card, LexReply
from fulfillment.slack_replies import to_mrkdwn

Json = dict[str, Any]

ACTION_PREFIX = "meety_reply_"
MAX_BLOCKS = 50
SECTION_TEXT_LIMIT = 3000
MAX_ACTION_ELEMENTS = 25
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FALLBACK_LIMIT = 3000
CHOSEN_MARK = "\u2714"  # heavy check mark: the button the user pressed, in place of the buttons

_TAG = re.compile(r"<[^>]*>")
_SLACK_MARKUP = re.compile(r"<([^<>\n]*)>")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@dataclass(frozen=True)
class SlackMessage:
    """What ``chat.postMessage`` gets: ``text`` (the fallback) and ``blocks``; no blocks: nothing to say."""

    text: str
    blocks: list[Json]


def render(reply: LexReply) -> SlackMessage:
    """A Lex reply as one Slack message; buttons are numbered ``meety_reply_<n>`` across the message."""
    blocks: list[Json] = []
    fallback: list[str] = []
    buttons = 0
    for message in reply.messages:
        if message.card is not None:
            card_blocks, summary = _card(message.card, first=buttons)
            buttons += len(message.card.buttons)
            blocks.extend(card_blocks)
            if summary:
                fallback.append(summary)
            continue
        content = message.content
        if message.content_type == "SSML":
            content = html.unescape(_TAG.sub("", content))
        if content.strip():
            text = clip(to_mrkdwn(content.strip()), SECTION_TEXT_LIMIT)
            blocks.append(section(text))
            fallback.append(text)
    return SlackMessage(text=clip("\n".join(fallback), FALLBACK_LIMIT), blocks=blocks[:MAX_BLOCKS])


def section(mrkdwn: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def escape(text: str) -> str:
    """Plain text as mrkdwn that shows it as is (Slack decodes only ``&amp; &lt; &gt;``)."""
    return text.translate(_ESCAPES)


def clip(mrkdwn: str, limit: int) -> str:
    """At most ``limit`` characters, never ending inside a ``<link>`` or an ``&entity;``."""
    if len(mrkdwn) <= limit:
        return mrkdwn
    cut = mrkdwn[: limit - 1]
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "\u2026"


def _card(card: Card, *, first: int) -> tuple[list[Json], str]:
    title = escape(card.title.strip())
    subtitle = escape((card.subtitle or "").strip())
    heading = "\n".join(part for part in (f"*{title}*" if title else "", subtitle) if part)
    blocks = [section(clip(heading, SECTION_TEXT_LIMIT))] if heading else []
    elements = [
        _button(button.text, button.value, f"{ACTION_PREFIX}{first + n}")
        for n, button in enumerate(card.buttons)
    ]
    for start in range(0, len(elements), MAX_ACTION_ELEMENTS):
        blocks.append({"type": "actions", "elements": elements[start : start + MAX_ACTION_ELEMENTS]})
    labels = " | ".join(escape(button.text) for button in card.buttons)
    summary = ": ".join(part for part in (title, labels) if part)
    return blocks, summary


def _button(text: str, value: str, action_id: str) -> Json:
    label = text.strip() or value.strip()
    if len(label) > BUTTON_TEXT_LIMIT:
        label = label[: BUTTON_TEXT_LIMIT - 1] + "\u2026"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": value[:BUTTON_VALUE_LIMIT],
        "action_id": action_id,
    }


def is_reply_button(action_id: object) -> bool:
    return isinstance(action_id, str) and action_id.startswith(ACTION_PREFIX)


def answered(blocks: Iterable[Mapping[str, Any]], block_id: str | None, chosen: str) -> list[Json]:
    """The clicked message's blocks with our buttons gone: the clicked block becomes the chosen text.

    Like the widget, which disables every choice once the user answers, the message's other button
    blocks of ours go too; blocks that are not ours stay as they are.
    """
    out: list[Json] = []
    replaced = False
    for block in blocks:
        if block.get("type") == "actions" and _ours(block.get("elements")):
            if not replaced and (block_id is None or block.get("block_id") == block_id):
                out.append(_chosen(chosen))
                replaced = True
            continue
        out.append(dict(block))
    if not replaced:
        out.append(_chosen(chosen))
    return out[:MAX_BLOCKS]


def _ours(elements: object) -> bool:
    return isinstance(elements, Sequence) and any(
        isinstance(e, Mapping) and is_reply_button(e.get("action_id")) for e in elements
    )


def _chosen(label: str) -> Json:
    text = clip(f"{CHOSEN_MARK} *{escape(label.strip())}*", SECTION_TEXT_LIMIT)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def from_slack(text: str) -> str:
    """Message text as the user typed it: Slack sends mrkdwn, with ``&<>`` escaped and ``<...>`` markup
    for what it auto-formats, e.g. ``jane@example.com`` arrives as ``<mailto:jane@example.com|jane@...>``.
    """
    return _SLACK_MARKUP.sub(_unlink, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _unlink(match: re.Match[str]) -> str:
    target, _, label = match[1].partition("|")
    if target.startswith(("@", "#")):  # <@U123>, <#C123|general>
        return target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S123|@team>, <!date^...|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target.removeprefix("mailto:")
