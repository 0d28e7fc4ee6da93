"""Approvals in Slack: new pending requests posted to the admins channel, and what a button click does.

- ``announce`` posts a pending request with Approve / Reject buttons (``Announcer`` is the never-raising
  hook fulfillment calls after filing one).
- ``decide`` runs a click (or the reject form's submission) through the same ``Decisions`` service as
  the admin API: same conflicts, audit channel ``slack``, actor ``slack:<user id>``; then it replaces the
  message with the outcome and who decided, without buttons. ``refuse`` tells a non-admin, privately.
- ``reject_form`` is the modal asking why (the requester is told the reason, as in the portal).

User-supplied text (names, topics, reasons) is escaped for mrkdwn, so ``<!channel>`` stays text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from admin_api.slack.settings import SLACK_USER_ID, SlackSettings
from fulfillment.domain import Request
from fulfillment.domain.decisions import Actor, Decisions
from fulfillment.domain.errors import InvalidTransition, RequestNotFound, StoreError, TransitionConflict

log = logging.getLogger("meety.slack.approvals")
CHANNEL = "slack"
APPROVE = "meety_approve"
REJECT = "meety_reject"
REJECT_FORM = "meety_reject_reason"
REASON_BLOCK = "reason"
REASON_MAX = 500
"""As the admin API's ``RejectBody``."""
_ICONS = {"approved": ":white_check_mark:", "rejected": ":x:"}
Block = dict[str, Any]


def web_client(settings: SlackSettings, *, timeout: int = 2) -> WebClient:
    """The Web API client: the bot token, ``settings.api_url`` (a loopback fake in tests) or Slack's."""
    return WebClient(
        token=settings.bot_token, base_url=settings.api_url or WebClient.BASE_URL, timeout=timeout
    )


def escape(text: str, limit: int = 300) -> str:
    """Slack's three mrkdwn escapes (https://docs.slack.dev/messaging/formatting-message-text), clipped."""
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return clipped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def who(actor: str) -> str:
    """``slack:U012AB3CD`` as a mention; anyone else (a portal user) by name."""
    channel, _, user = actor.partition(":")
    if channel == CHANNEL and SLACK_USER_ID.fullmatch(user):
        return f"<@{user}>"
    return escape(actor, 100)


def summary(request: Request, zone: ZoneInfo) -> str:
    """The request in a few mrkdwn lines: what, when (host zone and UTC), how long, who asked."""
    asker = request.requester
    by = escape(asker.display_name, 100)
    if asker.channel == CHANNEL and SLACK_USER_ID.fullmatch(asker.user_id):
        by += f" (<@{asker.user_id}>)"
    else:
        by += f" ({escape(asker.channel, 20)})"
    lines = [f"*{request.kind.capitalize()} request* `{request.id}`"]
    if request.meeting is not None:
        meeting = request.meeting
        local = meeting.start_utc.astimezone(zone)
        when = f"{local:%a %d %b %Y, %H:%M} {escape(str(zone.key))}"
        if local.utcoffset() or zone.key != "UTC":
            when += f" · {meeting.start_utc:%H:%M} UTC"
        lines += [
            f"*Attendee:* {escape(meeting.attendee_name, 100)} ({escape(meeting.attendee_email, 254)})",
            f"*When:* {when}",
            f"*Duration:* {meeting.duration_minutes} min",
        ]
        if meeting.topic:
            lines.append(f"*Topic:* {escape(meeting.topic)}")
    else:
        backup = request.backup
        target = f"{backup.target_kind} `{escape(backup.target_name)}`" if backup else "(not recorded)"
        lines.append(f"*Database:* {target}")
    lines.append(f"*Requested by:* {by}")
    return "\n".join(lines)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(action_id: str, label: str, style: str, request_id: str) -> Block:
    text = {"type": "plain_text", "text": label}
    return {"type": "button", "action_id": action_id, "text": text, "style": style, "value": request_id}


def pending_blocks(request: Request, zone: ZoneInfo) -> list[Block]:
    buttons = [
        _button(APPROVE, "Approve", "primary", request.id),
        _button(REJECT, "Reject", "danger", request.id),
    ]
    return [
        _section(summary(request, zone)),
        {"type": "actions", "block_id": "meety_decide", "elements": buttons},
    ]


def outcome_blocks(request: Request | None, zone: ZoneInfo, note: str) -> list[Block]:
    """The decided message: the summary (when the request still exists) and the outcome; no buttons."""
    head = [_section(summary(request, zone))] if request is not None else []
    return [*head, {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]


def announce(settings: SlackSettings, request: Request, web_client: WebClient) -> str | None:
    """Post ``request`` to the admins channel with Approve / Reject; the message ts (None: not configured).

    Raises slack_sdk's errors (``SlackApiError``, connection errors): ``Announcer`` is the forgiving one.
    """
    if not settings.admin_channel or not settings.bot_token:
        return None
    response = web_client.chat_postMessage(
        channel=settings.admin_channel,
        text=f"New {request.kind} request from {request.requester.display_name}: pending approval",
        blocks=pending_blocks(request, settings.host_zone),
        unfurl_links=False,
    )
    ts = response.get("ts")
    return ts if isinstance(ts, str) else None


@dataclass(frozen=True)
class Announcer:
    """``on_request_created``: announce a new pending request; never raises (a Slack outage is logged,
    and the request stays in the portal's queue). It blocks for at most the client's timeout (2 s) per try.
    """

    settings: SlackSettings
    web_client_factory: Callable[[SlackSettings], WebClient] = web_client

    def __call__(self, request: Request) -> None:
        if request.status != "pending":
            return
        try:
            announce(self.settings, request, self.web_client_factory(self.settings))
        except Exception as exc:
            log.error("request %s was not announced in Slack: %s", request.id, type(exc).__name__)


@dataclass(frozen=True)
class Click:
    """A decision asked for in Slack: which button (or the reject form), by whom, on which message."""

    action: Literal["meety_approve", "meety_reject"]
    request_id: str
    user_id: str
    user_name: str
    channel: str
    ts: str
    reason: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Click:
        """Back from a deferred job's JSON (``dataclasses.asdict`` went the other way)."""
        click = cls(**data)
        if click.action not in (APPROVE, REJECT):
            raise ValueError(f"unknown action {click.action!r}")
        return click


def decide(settings: SlackSettings, decisions: Decisions, web: WebClient, click: Click) -> None:
    """Approve or reject for an admin (the caller checked the role), then show the outcome in place."""
    actor = Actor(name=f"{CHANNEL}:{click.user_id}", channel=CHANNEL)
    request: Request | None
    try:
        if click.action == APPROVE:
            outcome, request = "approved", decisions.approve(click.request_id, actor)
        else:
            reason = click.reason or f"Rejected in Slack by {click.user_name}"
            outcome, request = "rejected", decisions.reject(click.request_id, actor, reason)
        # the outcome, not request.status: an approved backup may already be running
        note = f"{_ICONS[outcome]} *{outcome.capitalize()}* by <@{click.user_id}>"
        if request.decision is not None and request.decision.reason:
            note += f": {escape(request.decision.reason, REASON_MAX)}"
    except (TransitionConflict, InvalidTransition):
        request = decisions.store.get(click.request_id)
        note = _current(request)
    except RequestNotFound:
        request, note = None, f":grey_question: Request `{escape(click.request_id)}` no longer exists."
    except StoreError as exc:
        log.error("Slack decision on %s failed: %s", click.request_id, type(exc).__name__)
        text = "The request store is unavailable; nothing was decided. Try again shortly."
        web.chat_postEphemeral(channel=click.channel, user=click.user_id, text=text)
        return
    plain = note.replace("*", "")
    web.chat_update(
        channel=click.channel,
        ts=click.ts,
        text=plain,
        blocks=outcome_blocks(request, settings.host_zone, note),
    )


def _current(request: Request | None) -> str:
    """Someone decided first (409 in the admin API): say what the request is now, and who made it so."""
    if request is None:
        return ":grey_question: This request no longer exists."
    note = f":information_source: Already *{request.status}*"
    if request.decision is not None:
        note += f" by {who(request.decision.by)}"
        if request.decision.reason:
            note += f": {escape(request.decision.reason, REASON_MAX)}"
    return note


def refuse(web: WebClient, channel: str, user_id: str) -> None:
    """Tell a user without the admin role, privately, that they cannot decide (nothing else changes)."""
    text = "Only Meety admins can approve or reject requests; ask an admin to decide this one."
    web.chat_postEphemeral(channel=channel, user=user_id, text=text)


def reject_form(click: Click) -> dict[str, Any]:
    """The modal asking for the reason; the message to update travels in ``private_metadata``."""
    where = {"request_id": click.request_id, "channel": click.channel, "ts": click.ts}
    field = {"type": "plain_text_input", "action_id": REASON_BLOCK, "multiline": True}
    field |= {"min_length": 1, "max_length": REASON_MAX}
    return {
        "type": "modal",
        "callback_id": REJECT_FORM,
        "private_metadata": json.dumps(where),
        "title": {"type": "plain_text", "text": "Reject request"},
        "submit": {"type": "plain_text", "text": "Reject"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(f"Rejecting `{escape(click.request_id)}`. The requester is told the reason."),
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": {"type": "plain_text", "text": "Reason"},
                "element": field,
            },
        ],
    }
