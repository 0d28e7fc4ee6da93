"""Where notification e-mails go: an outbox folder (local default), an SMTP server, or Amazon SES.

One port, ``Mailer.send(message) -> id``, three adapters chosen once by ``open_mailer`` from
``MailSettings``. Every adapter turns its own failures (``OSError``, ``smtplib``, ``botocore``) into
``NotificationError`` whose message names the kind of failure but never an address or a password: these
messages end up in logs, and the server's reply text often quotes the recipient.
"""

from __future__ import annotations

import copy
import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator, model_validator

from bot.errors import SettingsError
from fulfillment.notify.invites import NotificationError, checked_address
from fulfillment.notify.messages import POLICY, parse_sender

SMTP_TIMEOUT = 10.0
"""Seconds for connect and each command: a stuck relay must not hold an admin's request open."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Mailer(Protocol):
    """Sends one message; returns its id (the Message-ID, or SES's MessageId) for the audit trail."""

    def send(self, message: EmailMessage) -> str: ...


def envelope(message: EmailMessage) -> tuple[str, list[str]]:
    """(sender address, recipient addresses) from the headers, checked as ``checked_address`` does."""
    sender = parseaddr(str(message.get("From", "")))[1]
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    to = [address for _, address in getaddresses(fields) if address]
    if not to:
        raise NotificationError("the message has no recipient")
    return checked_address(sender, "sender address"), [checked_address(a, "recipient address") for a in to]


def message_id(message: EmailMessage) -> str:
    """The Message-ID, added (from the sender's domain) when the caller left it out."""
    if message.get("Message-ID") is None:
        domain = envelope(message)[0].rpartition("@")[2]
        message["Message-ID"] = make_msgid(domain=domain)
    return str(message["Message-ID"]).strip()


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it travels: CRLF line ends, 7-bit safe, without Bcc (that is envelope-only)."""
    if message.get("Bcc") is not None:
        message = copy.deepcopy(message)
        del message["Bcc"]
    return message.as_bytes(policy=POLICY)


class OutboxMailer:
    """Writes each message to ``<folder>/<UTC time>-<message id>.eml``: read them with any mail client.

    Files appear whole or not at all (written beside, then renamed), and only the owner can read them:
    they hold people's addresses.
    """

    def __init__(self, folder: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.folder = Path(folder)
        self._clock = clock or (lambda: datetime.now(UTC))

    def send(self, message: EmailMessage) -> str:
        envelope(message)  # refuse what no other mailer would deliver, so local runs catch it too
        ident = message_id(message)
        data = wire_bytes(message)
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{_UNSAFE.sub('_', ident.strip('<>'))[:120]}.eml"
        temp = None
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                self.folder.chmod(0o700)
            handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")  # mode 0600
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.folder / name)
        except OSError as exc:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            raise NotificationError(f"cannot write to the outbox folder ({type(exc).__name__})") from None
        return ident


@dataclass(frozen=True)
class SmtpTarget:
    """An ``smtp://`` / ``smtps://`` URL taken apart; ``repr`` hides the password."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        secret = ", password=***" if self.password is not None else ""
        return (
            f"SmtpTarget(host={self.host!r}, port={self.port}, implicit_tls={self.implicit_tls}, "
            f"starttls={self.starttls}, user={self.user!r}{secret})"
        )


def parse_smtp_url(url: str) -> SmtpTarget:
    """``smtp://[user:pass@]host[:port][?starttls=true]`` or ``smtps://...``; ValueError naming no secret.

    Ports default to 25 (smtp) and 465 (smtps); user and password are percent-decoded.
    """
    expected = "expected smtp://[user:pass@]host[:port][?starttls=true] or smtps://..."
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"not a valid SMTP URL: {expected}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"not a valid SMTP URL: {expected}")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError(f"an SMTP URL has no path: {expected}")
    starttls = False
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name != "starttls" or value.lower() not in ("true", "false"):
            raise ValueError("the only SMTP URL option is starttls=true|false")
        starttls = value.lower() == "true"
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise ValueError("smtps:// is already encrypted: drop starttls=true")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpTarget(parts.hostname, port or (465 if implicit else 25), implicit, starttls, user, password)


class SmtpMailer:
    """Delivers through an SMTP server (a relay, Mailpit, MailHog...) with the standard library."""

    def __init__(self, url: str, timeout: float = SMTP_TIMEOUT) -> None:
        try:
            self.target = parse_smtp_url(url)
        except ValueError as exc:
            raise NotificationError(str(exc)) from None
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SmtpMailer({self.target!r})"

    def send(self, message: EmailMessage) -> str:
        ident = message_id(message)
        sender, to = envelope(message)
        data = wire_bytes(message)
        target = self.target
        context = ssl.create_default_context()
        try:
            if target.implicit_tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    target.host, target.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
            with client:
                if target.starttls:
                    client.starttls(context=context)
                if target.user is not None:
                    client.login(target.user, target.password or "")
                refused = client.sendmail(sender, to, data)
        except smtplib.SMTPRecipientsRefused as exc:
            raise NotificationError(
                f"the SMTP server refused all {len(exc.recipients)} recipient(s)"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise NotificationError(
                f"the SMTP server answered {exc.smtp_code} ({type(exc).__name__})"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise NotificationError(f"SMTP delivery failed ({type(exc).__name__})") from None
        if refused:
            raise NotificationError(f"the SMTP server refused {len(refused)} of {len(to)} recipient(s)")
        return ident


class SesClient(Protocol):
    """The one call we make on a boto3 ``sesv2`` client."""

    def send_email(self, **kwargs: Any) -> Mapping[str, Any]: ...


class SesMailer:
    """Delivers through Amazon SES (API v2) as a raw message, so the calendar parts arrive untouched."""

    def __init__(self, client: SesClient) -> None:
        self.client = client

    def send(self, message: EmailMessage) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        message_id(message)
        sender, to = envelope(message)
        try:
            response = self.client.send_email(
                FromEmailAddress=sender,
                Destination={"ToAddresses": to},
                Content={"Raw": {"Data": wire_bytes(message)}},
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "unknown")
            raise NotificationError(f"SES refused the message ({code})") from None
        except BotoCoreError as exc:
            raise NotificationError(f"cannot reach SES ({type(exc).__name__})") from None
        return str(response["MessageId"])


class MailSettings(BaseModel):
    """Each field ``name`` is read from ``MEETY_<NAME>``; see ``load_mail_settings``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mail_from: str = "meety@localhost"
    """``MEETY_MAIL_FROM``: ``meety@example.com`` or ``Meety <meety@example.com>``; SES must know it."""
    mailer: Literal["outbox", "smtp", "ses"] = "outbox"
    """``MEETY_MAILER``: defaults to ``smtp`` when ``MEETY_SMTP_URL`` is set, else ``outbox``."""
    smtp_url: SecretStr | None = None
    """``MEETY_SMTP_URL``: ``smtp://[user:pass@]host[:port][?starttls=true]`` or ``smtps://...``."""
    outbox_dir: Path | None = None
    """``MEETY_OUTBOX_DIR``: defaults to ``<data dir>/outbox``."""

    @model_validator(mode="before")
    @classmethod
    def _default_mailer(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "mailer" not in data:
            return {**data, "mailer": "smtp" if data.get("smtp_url") else "outbox"}
        return data

    @field_validator("mail_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        parse_sender(value)
        return value.strip()

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_smtp_url(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _smtp_needs_url(self) -> MailSettings:
        if self.mailer == "smtp" and self.smtp_url is None:
            raise ValueError("MEETY_MAILER=smtp needs MEETY_SMTP_URL")
        return self


def load_mail_settings(environ: Mapping[str, str] | None = None) -> MailSettings:
    """The settings from ``MEETY_*`` variables; a SettingsError names every variable with a bad value.

    An empty variable counts as unset, so ``MEETY_SMTP_URL=`` in a compose file means "no SMTP".
    """
    env = os.environ if environ is None else environ
    given = {
        name: env[f"MEETY_{name.upper()}"]
        for name in MailSettings.model_fields
        if env.get(f"MEETY_{name.upper()}", "").strip()
    }
    try:
        return MailSettings.model_validate(given)
    except ValidationError as exc:
        details = "; ".join(
            (f"MEETY_{'_'.join(map(str, e['loc'])).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise SettingsError(f"invalid setting: {details}") from None


def open_mailer(settings: MailSettings, data_dir: Path) -> Mailer:
    """The adapter ``settings`` ask for; ``ses`` builds its boto3 client only now (region from AWS env)."""
    if settings.mailer == "ses":
        import boto3

        client: SesClient = boto3.client("sesv2")
        return SesMailer(client)
    if settings.mailer == "smtp" and settings.smtp_url is not None:
        return SmtpMailer(settings.smtp_url.get_secret_value())
    return OutboxMailer(settings.outbox_dir or Path(data_dir) / "outbox")
