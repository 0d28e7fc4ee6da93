"""What the Slack handler reads from a verified request, as typed values (parsing only, no decisions).

Slack's payloads are input like any other: every field is checked for type and shape, and a payload
that is not what Slack sends is ``BadPayload`` (HTTP 400), whose message names the part, never the data.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from admin_api.slack.approvals import APPROVE, REASON_BLOCK, REJECT, REJECT_FORM, Click
from admin_api.slack.blocks import is_reply_button

REQUEST_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
"""A request id (a ULID), as the admin API's routes accept it."""


class BadPayload(Exception):
    """A signed request whose payload is not what Slack sends (HTTP 400)."""


@dataclass(frozen=True)
class Clicked:
    """Approve or Reject pressed on an announced request."""

    click: Click
    trigger_id: str | None


@dataclass(frozen=True)
class ReasonGiven:
    """The reject form sent; ``click.reason`` is the stripped text (maybe empty: the caller checks)."""

    click: Click


@dataclass(frozen=True)
class ReplyPressed:
    """A button of a bot reply in a DM (``dm.handle_button`` takes the whole payload)."""

    payload: dict[str, Any]


def json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise BadPayload("not JSON") from None
    if not isinstance(value, dict):
        raise BadPayload("not a JSON object")
    return value


def text_at(value: Any, *path: str) -> str | None:
    """The non-empty string at ``path`` in nested objects, else None."""
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def direct_message(payload: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """``(event_id, event)`` when an ``event_callback`` is a person's new message in a DM with the bot:
    not the bot's own (``bot_id``), not an edit, deletion or other ``subtype``; else None."""
    event = payload.get("event")
    if payload.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if "bot_id" in event or "subtype" in event:
        return None
    event_id = payload.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        raise BadPayload("event_callback without an event_id")
    return event_id, event


def interaction(body: bytes) -> Clicked | ReasonGiven | ReplyPressed | None:
    """The interaction in a form-encoded ``payload=<json>`` body; None: not one of ours (acknowledged)."""
    try:
        fields = parse_qs(body.decode("utf-8"))
        payload = json_object(fields["payload"][0].encode("utf-8"))
    except (UnicodeDecodeError, KeyError, IndexError):
        raise BadPayload("no payload field") from None
    user_id = text_at(payload, "user", "id")
    name = text_at(payload, "user", "username") or text_at(payload, "user", "name") or user_id
    kind = payload.get("type")
    if kind == "block_actions":
        actions = [a for a in payload.get("actions") or [] if isinstance(a, dict)]
        if any(is_reply_button(a.get("action_id")) for a in actions):
            return ReplyPressed(payload)
        action = next((a for a in actions if a.get("action_id") in (APPROVE, REJECT)), None)
        if action is None:
            return None
        ts = text_at(payload, "container", "message_ts") or text_at(payload, "message", "ts")
        channel = text_at(payload, "channel", "id") or text_at(payload, "container", "channel_id")
        click = _click(action.get("action_id"), action.get("value"), user_id, name, channel, ts)
        return Clicked(click, text_at(payload, "trigger_id"))
    if kind == "view_submission" and text_at(payload, "view", "callback_id") == REJECT_FORM:
        reason = text_at(payload, "view", "state", "values", REASON_BLOCK, REASON_BLOCK, "value") or ""
        try:
            where = json.loads(text_at(payload, "view", "private_metadata") or "")
        except ValueError:
            where = None
        if not isinstance(where, dict):
            raise BadPayload("the reject form lost its request")
        click = _click(REJECT, where.get("request_id"), user_id, name, where.get("channel"), where.get("ts"))
        return ReasonGiven(dataclasses.replace(click, reason=reason.strip()))
    return None


def _click(action: Any, request_id: Any, user: Any, name: Any, channel: Any, ts: Any) -> Click:
    parts = (action, request_id, user, name, channel, ts)
    if not all(isinstance(p, str) and p for p in parts) or not REQUEST_ID.fullmatch(request_id):
        raise BadPayload("the action lacks its request, user, channel or message")
    return Click(action, request_id, user, name, channel, ts)
