"""Replies for users who reach the bot through Lex's own Slack channel (lex-v2-notes 6.1).

Our texts are written for the web widget, which draws a small markdown subset; Slack reads the same
characters as mrkdwn with other rules (``**`` is not bold, ``[a](b)`` is not a link, ``<`` starts a
control sequence). So for Slack turns every PlainText message is redrawn in mrkdwn, keeping exactly
what the widget would show, and cards are trimmed to what Lex accepts on any channel.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fulfillment import lex

Json = dict[str, Any]

PLATFORM = "x-amz-lex:channels:platform"
SLACK = "Slack"
CARD_TEXT_LIMIT = 250
MAX_BUTTONS = 5

# The widget's INLINE pattern (web_client/widget/meety-widget.js), same groups, same order, ASCII \w as
# in JavaScript. One change: a link label may not hold "[", so each "[" scans only up to the next
# bracket and a line of "[[[[" costs linear time instead of quadratic.
_INLINE = re.compile(
    r"\[([^\[\]\n]+)\]\((https?://[^\s)]+)\)"  # 1, 2: [label](url)
    r"""|(https?://[^\s<>"]*[^\s<>".,;:!?)'\]])"""  # 3: bare url, without trailing punctuation
    r"|\*\*([^\n]+?)\*\*"  # 4: **bold**
    r"|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])"  # 5: *bold*
    r"|(?<!\w)_(?!\s)([^_\n]+?)_(?!\w)",  # 6: _italic_, not snake_case
    re.ASCII,
)
# Slack decodes only these three entities; backticks go: Slack would draw code the widget never draws.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": None})
# Inside <url|label> a "|" or ">" ends the part it is in; percent-encoding keeps the same URL.
_URL_ESCAPES = str.maketrans({"|": "%7C", "<": "%3C", ">": "%3E"})


def for_channel(event: Mapping[str, Any], reply: Json) -> Json:
    """The reply as the event's channel should get it (only Slack needs another one); never raises: an
    odd reply is better sent as markdown than turned into a failed turn."""
    try:
        if lex.request_attribute(event, PLATFORM) != SLACK:
            return reply
        out = copy.deepcopy(reply)
        messages = out.get("messages")
        if isinstance(messages, list):
            out["messages"] = [_slack_message(message) for message in messages]
        return out
    except Exception:
        return reply


def to_mrkdwn(text: str) -> str:
    """Widget markdown as Slack mrkdwn that shows the same: anything the widget draws as text stays text."""
    return _convert(text, bold=False, italic=False)


def _slack_message(message: object) -> object:
    if not isinstance(message, dict):
        return message
    kind = message.get("contentType")
    if kind == "PlainText" and isinstance(message.get("content"), str):
        return {**message, "content": _fitted(message["content"])}
    if kind == "ImageResponseCard" and isinstance(message.get("imageResponseCard"), Mapping):
        return {**message, "imageResponseCard": _slack_card(message["imageResponseCard"])}
    return message


def _fitted(text: str) -> str:
    """Escapes lengthen a text Lex already took at its 1024-character limit; shorten the source, not the
    result, so a cut never lands inside an entity or a link."""
    out, cut = to_mrkdwn(text), len(text)
    for _ in range(8):
        if len(out) <= lex.CONTENT_LIMIT:
            return out or "…"
        cut = max(cut - (len(out) - lex.CONTENT_LIMIT) - 1, 0)
        out = to_mrkdwn(text[:cut].rstrip() + "…")
    return out if len(out) <= lex.CONTENT_LIMIT else out[: lex.CONTENT_LIMIT - 1] + "…"


def _convert(text: str, *, bold: bool, italic: bool) -> str:
    """Walks the matches as the widget's ``rich`` does, recursing into emphasis like it does."""
    parts: list[str] = []
    last = 0
    for match in _INLINE.finditer(text):
        parts.append(text[last : match.start()].translate(_ESCAPES))
        last = match.end()
        label, url, bare, strong, slack_strong, em = match.groups()
        if url is not None:
            parts.append(_link(label, url))
        elif bare is not None:
            parts.append(_link(None, bare))
        elif em is not None:
            parts.append(_emphasis("_", _convert(em, bold=bold, italic=True), italic))
        else:
            inner = strong if strong is not None else slack_strong
            parts.append(_emphasis("*", _convert(inner, bold=True, italic=italic), bold))
    parts.append(text[last:].translate(_ESCAPES))
    return "".join(parts)


def _emphasis(marker: str, inner: str, already: bool) -> str:
    """Slack ignores a marker next to a space and breaks on the same marker nested, so move the spaces
    out and drop markers the surrounding emphasis already gives."""
    core = inner.strip()
    if already or not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _link(label: str | None, url: str) -> str:
    """Like the widget, a URL that does not parse as http(s) with a host is shown as its label."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        return (label if label is not None else url).translate(_ESCAPES)
    target = url.translate(_URL_ESCAPES)
    if label is None:
        return f"<{target}>"
    return f"<{target}|{label.translate(_ESCAPES).replace('|', '¦')}>"


def _clip(value: object, limit: int, mark: str = "…") -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text if len(text) <= limit else text[: limit - len(mark)] + mark


def _slack_card(card: Mapping[str, Any]) -> Json:
    """Only the fields Lex knows, within its limits: Lex drops the whole turn for one bad field."""
    out: Json = {"title": _clip(card.get("title"), CARD_TEXT_LIMIT) or "…"}
    if subtitle := _clip(card.get("subtitle"), CARD_TEXT_LIMIT):
        out["subtitle"] = subtitle
    image = card.get("imageUrl")
    if isinstance(image, str) and image.startswith("https://") and len(image) <= CARD_TEXT_LIMIT:
        out["imageUrl"] = image
    raw = card.get("buttons")
    limit = lex.BUTTON_TEXT_LIMIT
    # a value is what the user "says" by pressing the button: cut, never given an ellipsis
    pairs = [
        (_clip(b.get("text"), limit), _clip(b.get("value"), limit, ""))
        for b in (raw if isinstance(raw, list) else [])
        if isinstance(b, Mapping)
    ]
    if buttons := [{"text": text, "value": value or text} for text, value in pairs if text][:MAX_BUTTONS]:
        out["buttons"] = buttons
    return out
