"""Direct messages to Meety in Slack: each DM (or card button press) is one turn of the user's Lex session.

Who is asking travels as a JWT signed with the gateway key (``subject=slack:<user id>``,
``channel=slack``, the roles mapped in the Slack settings), so the code hook applies roles exactly as for
a signed-in widget user (``fulfillment.identity.chat``). A Slack user who is not in the roles map still
gets a token, with no roles: Slack has already authenticated them, so the bot should know who and where
they are (its staff-only refusal then says "you need the ops role", which they can act on, instead of
"please sign in", which they cannot do from Slack), and anything they file is theirs, not anonymous.

Only plain user messages in DMs are answered (no ``subtype``, no ``bot_id``): our own replies come back as
``message`` events too, and answering in a channel could show staff-only answers to everyone in it.
Failures never raise: the user gets a polite message, the log gets the reason (never the text or token).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from botocore.exceptions import ClientError
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from admin_api.slack.blocks import (
    SlackMessage,
    answered,
    escape,
    from_slack,
    is_reply_button,
    render,
    section,
)
from admin_api.slack.lex_client import DmSettings, LexConversation, lex_client, session_id
from fulfillment.identity import ROLES, Role, issue_token, load_or_create_key

log = logging.getLogger("meety.slack")

TOKEN_TTL = timedelta(minutes=5)
"""One token per turn: it only has to outlive the Lex call."""
TEXT_LIMIT = 1024
"""RecognizeText's ``text`` limit (lex-v2-notes 2.2)."""
CHANNEL = "slack"
_BUSY = frozenset({"ConflictException", "ThrottlingException"})
_SORRY = {
    "en": {
        "busy": "Sorry, I'm still working on your last message. Please try again in a moment.",
        "failed": "Sorry, I can't reach the assistant right now. Please try again in a little while.",
        "too_long": "Sorry, that message is too long for me. Please keep it under 1,024 characters.",
    },
    "es": {
        "busy": "Lo siento, todavía estoy con tu último mensaje. Inténtalo de nuevo en un momento.",
        "failed": "Lo siento, ahora no puedo conectar con el asistente. Inténtalo de nuevo en un rato.",
        "too_long": "Lo siento, ese mensaje es demasiado largo. Escribe menos de 1024 caracteres.",
    },
}


@dataclass(frozen=True)
class Turn:
    team: str | None
    user: str
    channel: str
    text: str
    thread: str | None = None


def gateway_key() -> bytes:
    """The key Slack users' tokens are signed with, read on first use and kept: in AWS the SSM SecureString
    ``MEETY_GATEWAY_KEY_PARAMETER`` names (the code hook trusts the same one), locally the data dir's key
    (``MEETY_DATA_DIR``, default ``.meety``), which ``meety serve``'s code hook verifies."""
    parameter = os.environ.get("MEETY_GATEWAY_KEY_PARAMETER")
    if parameter:
        return _ssm_key(parameter)
    return _key(Path(os.environ.get("MEETY_DATA_DIR", ".meety")).resolve())


@functools.cache
def _ssm_key(parameter: str) -> bytes:
    import boto3

    from fulfillment.identity.gateway import key_from_ssm

    return key_from_ssm(boto3.client("ssm"), parameter)


@functools.cache
def _key(data_dir: Path) -> bytes:
    return load_or_create_key(data_dir)


def handle_message(
    settings: DmSettings,
    event: Mapping[str, Any],
    web_client: WebClient,
    now: datetime,
    *,
    key: bytes | None = None,
    conversation: LexConversation | None = None,
) -> None:
    """Answer one Events API ``message`` event from a DM; anything else is ignored.

    ``now`` is real time: it stamps the token, which the code hook checks against its real clock even
    when ``MEETY_CLOCK`` pins the business clock. ``key`` None: ``gateway_key()``. ``conversation``
    None: ``lex_client(settings)``.
    """
    if event.get("type", "message") != "message" or event.get("subtype") or event.get("bot_id"):
        return
    if event.get("channel_type") != "im":
        return
    user, channel = _str(event.get("user")), _str(event.get("channel"))
    text = from_slack(_str(event.get("text"))).strip()
    if not (user and channel and text):
        return
    team = _str(event.get("team")) or _str(event.get("user_team")) or None
    turn = Turn(team, user, channel, text, _str(event.get("thread_ts")) or None)
    _answer(settings, web_client, now, key, conversation, turn)


def handle_button(
    settings: DmSettings,
    payload: Mapping[str, Any],
    web_client: WebClient,
    now: datetime,
    *,
    key: bytes | None = None,
    conversation: LexConversation | None = None,
) -> None:
    """A ``block_actions`` press on one of our card buttons: its value is the user's next message.

    The clicked message is updated first, its buttons replaced by the chosen label, so a second press
    (or a press on an older card) cannot answer a question the bot is no longer asking.
    """
    if payload.get("type") != "block_actions":
        return
    actions = [_map(a) for a in _list(payload.get("actions"))]
    action = next((a for a in actions if is_reply_button(a.get("action_id"))), None)
    if action is None:
        return
    value = _str(action.get("value")).strip()
    user = _map(payload.get("user"))
    user_id = _str(user.get("id"))
    container, message = _map(payload.get("container")), _map(payload.get("message"))
    channel = _str(container.get("channel_id")) or _str(_map(payload.get("channel")).get("id"))
    if not (value and user_id and channel):
        return
    label = _str(_map(action.get("text")).get("text")) or value
    ts = _str(container.get("message_ts")) or _str(message.get("ts"))
    if ts:
        blocks = answered(_mappings(message.get("blocks")), _str(action.get("block_id")) or None, label)
        try:
            web_client.chat_update(
                channel=channel, ts=ts, text=_str(message.get("text")) or escape(label), blocks=blocks
            )
        except (SlackClientError, OSError) as exc:  # the answer matters more than the old buttons
            log.warning("could not update the clicked Slack message: %s", _slack_error(exc))
    team = _str(user.get("team_id")) or _str(_map(payload.get("team")).get("id")) or None
    thread = _str(message.get("thread_ts")) or None
    _answer(settings, web_client, now, key, conversation, Turn(team, user_id, channel, value, thread))


def _answer(
    settings: DmSettings,
    web_client: WebClient,
    now: datetime,
    key: bytes | None,
    conversation: LexConversation | None,
    turn: Turn,
) -> None:
    if len(turn.text) > TEXT_LIMIT:
        _post(web_client, turn, _sorry(settings, "too_long"))
        return
    try:
        roles = roles_of(settings, turn.user)
        subject = f"{CHANNEL}:{turn.user}"
        signing_key = key if key is not None else gateway_key()
        token = issue_token(signing_key, turn.user, roles, now, TOKEN_TTL, subject=subject, channel=CHANNEL)
        lex = conversation if conversation is not None else lex_client(settings)
        reply = lex.send(session_id(turn.team, turn.user), turn.text, token)
    except Exception as exc:
        problem = _problem(exc, turn)
        _post(web_client, turn, _sorry(settings, problem))
        return
    message = render(reply)
    if not message.blocks:
        log.info("the bot had nothing to say to Slack user %s", turn.user)
        return
    _post(web_client, turn, message)


def roles_of(settings: DmSettings, user: str) -> list[Role]:
    """The user's mapped roles that Meety knows (an unknown one is logged and left out)."""
    granted = settings.roles.get(user, frozenset())
    if granted - ROLES:
        log.warning("ignoring unknown roles %s of Slack user %s", sorted(granted - ROLES), user)
    return [cast(Role, role) for role in sorted(granted & ROLES)]


def _problem(exc: Exception, turn: Turn) -> str:
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        log.warning("Lex refused the turn of Slack user %s: %s", turn.user, code)
        return "busy" if code in _BUSY else "failed"
    log.error("could not send the message of Slack user %s to the bot", turn.user, exc_info=exc)
    return "failed"


def _sorry(settings: DmSettings, problem: str) -> SlackMessage:
    text = _SORRY.get(settings.locale[:2], _SORRY["en"])[problem]
    return SlackMessage(text=escape(text), blocks=[section(escape(text))])


def _post(web_client: WebClient, turn: Turn, message: SlackMessage) -> None:
    try:
        web_client.chat_postMessage(
            channel=turn.channel, text=message.text, blocks=message.blocks, thread_ts=turn.thread
        )
    except (SlackClientError, OSError) as exc:  # nobody to tell but the log; raising would replay the turn
        log.warning("could not post the bot's reply to Slack: %s", _slack_error(exc))


def _slack_error(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    error = response.get("error") if response is not None else None
    return str(error) if error else type(exc).__name__


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, Mapping)]


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
