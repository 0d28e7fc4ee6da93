"""Talking to the bot on a Slack user's behalf: one RecognizeText call per message, the reply as plain data.

The bot is either the local runtime (``meety serve``, reached with boto3 at ``endpoint_url`` and dummy
credentials: it does not check signatures) or Amazon Lex (the Lambda's own credentials and region).
Each turn carries the gateway-signed JWT as the ``authorization`` request attribute (lex-v2-notes 2.2):
request attributes last one turn, so every message gets a fresh short-lived token, and session attributes
are never sent, so Lex keeps the ones the bot set (2.7).

Retries: botocore's standard mode, one retry at most. RecognizeText is not idempotent (a retried "yes" after
a read timeout could be a second answer), so retries stay few and timeouts short; Lex answers 409 to a
turn that overlaps one still running, which the caller reports as "busy".
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mypy_boto3_lexv2_runtime import LexRuntimeV2Client

log = logging.getLogger("meety.slack")

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
"""Seconds. The code hook usually answers in well under a second; Lex's own hook timeout is 30 s."""
MAX_ATTEMPTS = 2
HEALTH_TIMEOUT = 5.0
LOCAL_REGION = "us-east-1"
_SESSION_ID = re.compile(r"[0-9A-Za-z._:-]{2,100}")
_SLACK_ID = re.compile(r"[0-9A-Za-z]+")


class DmSettings(Protocol):
    """What the Slack DM gateway reads from the Slack settings (read-only, so frozen settings fit)."""

    @property
    def bot_token(self) -> str | None: ...
    @property
    def roles(self) -> Mapping[str, frozenset[str]]:
        """Slack user id -> Meety roles (``ops``, ``viewer``, ``admin``)."""
        ...

    @property
    def lex_endpoint(self) -> str | None:
        """The local runtime's URL (``meety serve``); None: Amazon Lex."""
        ...

    @property
    def bot_id(self) -> str | None: ...
    @property
    def bot_alias_id(self) -> str: ...
    @property
    def locale(self) -> str: ...
    @property
    def api_url(self) -> str | None: ...


class LexUnavailable(Exception):
    """The bot cannot be reached or named (the local runtime's /health failed, no bot id configured)."""


@dataclass(frozen=True)
class Button:
    text: str
    value: str


@dataclass(frozen=True)
class Card:
    title: str
    subtitle: str | None = None
    image_url: str | None = None
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class LexMessage:
    content_type: str
    """``PlainText``, ``SSML``, ``CustomPayload`` or ``ImageResponseCard``."""
    content: str = ""
    card: Card | None = None


@dataclass(frozen=True)
class LexReply:
    messages: tuple[LexMessage, ...]
    dialog_action: str | None = None
    """``sessionState.dialogAction.type``: ``ElicitSlot``, ``ConfirmIntent``, ``Close``..."""
    intent_name: str | None = None
    intent_state: str | None = None
    """``InProgress``, ``Fulfilled``, ``Failed``..."""

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> LexReply:
        """A RecognizeText response, read defensively: odd fields are skipped, never raised on."""
        messages = []
        for raw in _list(response.get("messages")):
            message = _map(raw)
            kind = _str(message.get("contentType")) or "PlainText"
            card = _card(message.get("imageResponseCard")) if kind == "ImageResponseCard" else None
            messages.append(LexMessage(kind, _str(message.get("content")) or "", card))
        state = _map(response.get("sessionState"))
        intent = _map(state.get("intent"))
        return cls(
            messages=tuple(messages),
            dialog_action=_str(_map(state.get("dialogAction")).get("type")),
            intent_name=_str(intent.get("name")),
            intent_state=_str(intent.get("state")),
        )


def session_id(team_id: str | None, user_id: str) -> str:
    """``slack-<team>-<user>``: one Lex session per Slack user per workspace, stable across messages
    (``slack-<user>`` when Slack named no team). ``ValueError`` for ids that are not Slack's."""
    parts = [team_id, user_id] if team_id is not None else [user_id]
    if not all(_SLACK_ID.fullmatch(part) for part in parts):
        raise ValueError(f"not Slack ids: team {team_id!r}, user {user_id!r}")
    value = "-".join(["slack", *parts])
    if not _SESSION_ID.fullmatch(value):
        raise ValueError(f"session id too long: {value!r}")
    return value


class LexConversation:
    """Sends one user's text to one bot alias and locale, with the caller's token."""

    def __init__(self, client: LexRuntimeV2Client, bot_id: str, alias_id: str, locale: str) -> None:
        self.client = client
        self.bot_id = bot_id
        self.alias_id = alias_id
        self.locale = locale

    def send(self, session_id: str, text: str, token: str) -> LexReply:
        """Raises botocore's ``ClientError`` (Lex refused) or ``BotoCoreError`` (network, timeout)."""
        response = self.client.recognize_text(
            botId=self.bot_id,
            botAliasId=self.alias_id,
            localeId=self.locale,
            sessionId=session_id,
            text=text,
            requestAttributes={"authorization": f"Bearer {token}"},
        )
        return LexReply.from_response(response)


_cache: dict[tuple[str | None, str | None, str, str], LexConversation] = {}
_lock = threading.Lock()


def lex_client(settings: DmSettings) -> LexConversation:
    """The conversation for these settings, built on first use and then reused (one boto3 client).

    Locally without a bot id, the id comes from the runtime's ``GET /health`` once; a failure raises
    ``LexUnavailable`` and caches nothing, so the next message asks again.
    """
    key = (settings.lex_endpoint, settings.bot_id, settings.bot_alias_id, settings.locale)
    with _lock:
        if key not in _cache:
            bot_id = settings.bot_id or _local_bot_id(settings.lex_endpoint)
            client = _boto3_client(settings.lex_endpoint)
            _cache[key] = LexConversation(client, bot_id, settings.bot_alias_id, settings.locale)
        return _cache[key]


def _boto3_client(endpoint: str | None) -> LexRuntimeV2Client:
    import boto3  # here: importing boto3 costs ~0.2 s, paid only by the first message
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    )
    if endpoint is None:
        return boto3.client("lexv2-runtime", config=config)
    return boto3.client(
        "lexv2-runtime",
        endpoint_url=endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - the local runtime does not check signatures
        config=config,
    )


def _local_bot_id(endpoint: str | None) -> str:
    if endpoint is None:
        raise LexUnavailable("no bot id configured for Amazon Lex")
    url = endpoint.rstrip("/") + "/health"
    if not url.startswith(("http://", "https://")):
        raise LexUnavailable(f"the local runtime URL must be http(s): {endpoint}")
    try:
        with urllib.request.urlopen(url, timeout=HEALTH_TIMEOUT) as response:  # noqa: S310 - checked above
            bot_id = json.loads(response.read())["bot"]["id"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LexUnavailable(f"could not read the bot id from {url}: {exc}") from exc
    if not isinstance(bot_id, str) or not bot_id:
        raise LexUnavailable(f"{url} named no bot")
    log.info("talking to local bot %s at %s", bot_id, endpoint)
    return bot_id


def _card(value: object) -> Card | None:
    card = _map(value)
    if not card:
        return None
    buttons = []
    for raw in _list(card.get("buttons")):
        button = _map(raw)
        text, value_ = _str(button.get("text")), _str(button.get("value"))
        if text or value_:
            buttons.append(Button(text or value_ or "", value_ or text or ""))
    return Card(
        title=_str(card.get("title")) or "",
        subtitle=_str(card.get("subtitle")),
        image_url=_str(card.get("imageUrl")),
        buttons=tuple(buttons),
    )


def _map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
