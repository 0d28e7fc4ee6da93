"""Settings of the Slack app, read once at its entry point from ``MEETY_SLACK_*`` variables.

=============================  =====================================================================
variable                       meaning
=============================  =====================================================================
MEETY_SLACK_SIGNING_SECRET     the app's signing secret; unset: every Slack route answers 404
MEETY_SLACK_BOT_TOKEN          the bot token (``xoxb-...``) for the Web API
MEETY_SLACK_SIGNING_SECRET_PARAMETER, MEETY_SLACK_BOT_TOKEN_PARAMETER
                               (AWS) SSM SecureString names holding those two; when set, the value is
                               read from SSM (decrypted) instead of the plain variable
MEETY_SLACK_ADMIN_CHANNEL      where new pending requests are posted with Approve / Reject buttons
MEETY_SLACK_ROLES              Slack user id -> Meety roles: ``U012AB3CD:admin,U045ABCDE:ops+viewer``
MEETY_SLACK_API_URL            the Web API base URL (default: slack_sdk's ``https://slack.com/api/``);
                               tests and local fakes point it at loopback
MEETY_SLACK_LEX_ENDPOINT       a local Lex runtime URL for direct messages; unset: the real Lex V2
MEETY_SLACK_BOT_ID             the Lex bot id direct messages are sent to
MEETY_SLACK_BOT_ALIAS_ID       its alias (default ``TSTALIASID``, the draft alias)
MEETY_SLACK_LOCALE             its locale (default ``en_US``)
MEETY_HOST_TIMEZONE            the host's IANA zone (shared with fulfillment): meeting times in Slack
=============================  =====================================================================
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import SettingsError
from fulfillment.identity import ROLES

PREFIX = "MEETY_SLACK_"
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{6,20}")
"""Slack user ids: ``U`` (or ``W`` on Enterprise Grid) and upper-case letters and digits."""
_CHANNEL = re.compile(r"#?[A-Za-z0-9_.-]{1,80}")
_LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")
_LEX_ID = re.compile(r"[0-9A-Za-z]{1,10}")


@dataclass(frozen=True)
class SlackSettings:
    signing_secret: str | None = None
    bot_token: str | None = None
    admin_channel: str | None = None
    roles: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    """Slack user id -> roles (``admin`` decides, ``viewer`` reads, ``ops`` ops intents)."""
    api_url: str | None = None
    lex_endpoint: str | None = None
    bot_id: str | None = None
    bot_alias_id: str = "TSTALIASID"
    locale: str = "en_US"
    host_timezone: str = "UTC"

    @property
    def enabled(self) -> bool:
        """The Slack routes exist only when requests can be verified, i.e. a signing secret is set."""
        return bool(self.signing_secret)

    def roles_of(self, user_id: str) -> frozenset[str]:
        return self.roles.get(user_id, frozenset())

    @property
    def host_zone(self) -> ZoneInfo:
        return ZoneInfo(self.host_timezone)


def load_slack_settings(
    environ: Mapping[str, str] | None = None, ssm_client: Callable[[], Any] | None = None
) -> SlackSettings:
    """``SlackSettings`` from ``environ`` (default ``os.environ``); ``SettingsError`` names a bad variable.

    The signing secret and the bot token come from SSM when ``*_PARAMETER`` names their SecureStrings (as
    in AWS, where secrets stay out of the function's environment): one ``ssm`` client, made only then
    (``ssm_client`` makes it; default boto3's), reads them decrypted, once per call.
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(PREFIX + name, "").strip()
        return value or None

    client: Any = None

    def secret(name: str) -> str | None:
        nonlocal client
        parameter = get(f"{name}_PARAMETER")
        if parameter is None:
            return get(name)
        if client is None:
            client = (ssm_client or _boto3_ssm)()
        return _read_parameter(client, parameter, f"{PREFIX}{name}_PARAMETER")

    channel = get("ADMIN_CHANNEL")
    if channel is not None and not _CHANNEL.fullmatch(channel):
        raise SettingsError(f"{PREFIX}ADMIN_CHANNEL: '{channel}' is not a channel id or name")
    locale = get("LOCALE") or "en_US"
    if not _LOCALE.fullmatch(locale):
        raise SettingsError(f"{PREFIX}LOCALE: '{locale}' is not a Lex locale id like en_US")
    for name in ("BOT_ID", "BOT_ALIAS_ID"):
        value = get(name)
        if value is not None and not _LEX_ID.fullmatch(value):
            raise SettingsError(f"{PREFIX}{name}: '{value}' is not a Lex id (1-10 letters and digits)")
    zone = env.get("MEETY_HOST_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SettingsError(f"MEETY_HOST_TIMEZONE: '{zone}' is not an IANA time zone") from None
    return SlackSettings(
        signing_secret=secret("SIGNING_SECRET"),
        bot_token=secret("BOT_TOKEN"),
        admin_channel=channel,
        roles=parse_roles(env.get(PREFIX + "ROLES", "")),
        api_url=_url(get("API_URL"), "API_URL"),
        lex_endpoint=_url(get("LEX_ENDPOINT"), "LEX_ENDPOINT"),
        bot_id=get("BOT_ID"),
        bot_alias_id=get("BOT_ALIAS_ID") or "TSTALIASID",
        locale=locale,
        host_timezone=zone,
    )


def parse_roles(value: str) -> Mapping[str, frozenset[str]]:
    """``U012AB3CD:admin,U045ABCDE:ops+viewer`` -> a read-only map; ``SettingsError`` says what is wrong."""
    where = f"{PREFIX}ROLES"
    out: dict[str, frozenset[str]] = {}
    for entry in value.split(","):
        if not entry.strip():
            continue
        user, sep, names = (part.strip() for part in entry.partition(":"))
        if not sep:
            raise SettingsError(f"{where}: '{entry.strip()}' is not <user id>:<role>[+<role>...]")
        if not SLACK_USER_ID.fullmatch(user):
            raise SettingsError(f"{where}: '{user}' is not a Slack user id (like U012AB3CD)")
        if user in out:
            raise SettingsError(f"{where}: {user} is listed twice")
        roles = frozenset(r.strip() for r in names.split("+"))
        unknown = roles - ROLES
        if unknown or not roles:
            wrong = ", ".join(sorted(unknown)) or "none"
            raise SettingsError(
                f"{where}: {user} has unknown role(s) {wrong}; use {', '.join(sorted(ROLES))}"
            )
        out[user] = roles
    return MappingProxyType(out)


def _url(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{PREFIX}{name}: '{value}' is not an http:// or https:// URL")
    return value


def _boto3_ssm() -> Any:
    import boto3  # here: only a deployed Slack app reads its secrets from SSM

    return boto3.client("ssm")


def _read_parameter(client: Any, parameter: str, where: str) -> str:
    """The decrypted value of the SecureString ``parameter``; ``SettingsError`` (never the value) if not."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        value = client.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
    except (ClientError, BotoCoreError) as exc:
        raise SettingsError(
            f"{where}: cannot read the SSM parameter {parameter}: {type(exc).__name__}"
        ) from None
    text = str(value).strip()
    if not text:
        raise SettingsError(f"{where}: the SSM parameter {parameter} is empty")
    return text
