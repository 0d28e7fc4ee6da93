"""One contract, three mailers: the outbox folder, a real SMTP server on localhost, and SES under moto.

Each adapter is read back at its far end (the ``.eml`` file, what the SMTP server received, what moto's SES
stored) and parsed with the ``email`` package, so a test fails if the bytes a client gets are wrong.
"""

from __future__ import annotations

import os
import re
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from botocore.exceptions import EndpointConnectionError
from icalendar import Calendar
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bot.errors import MeetyError, SettingsError
from fulfillment.domain import Decision
from fulfillment.notify import (
    Mailer,
    NotificationError,
    OutboxMailer,
    SesMailer,
    SmtpMailer,
    decision_email,
    load_mail_settings,
    open_mailer,
)
from fulfillment.notify.mailers import parse_smtp_url
from tests.request_store_support import T0, meeting

SENDER = "meety@example.com"
STAMP = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
REGION = "us-east-1"


def approval() -> EmailMessage:
    request = meeting(T0, 30).model_copy(update={"decision": Decision(by="admin", at=STAMP)})
    return decision_email(request, "approved", f"Meety <{SENDER}>", STAMP)


def ics_bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


@dataclass
class Received:
    recipients: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class Harness:
    """A mailer and a way to see what reached the other side of it."""

    mailer: Mailer
    received: Callable[[], list[Received]]


class Sink:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self) -> None:
        self.envelopes: list[Received] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        self.envelopes.append(Received(list(envelope.rcpt_tos), content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def only_alice(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"alice", b"s3cr:t@pw")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235 / 535 itself


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        authenticator=only_alice,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def ses_client() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)
        client.create_email_identity(EmailIdentity=SENDER)
        yield client


def ses_sent() -> list[Received]:
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    # moto adds the header recipients (display names and all) to the envelope ones: compare addresses only.
    return [
        Received([a for _, a in getaddresses(m.destinations)], m.raw_data.encode())
        for m in sent
        if hasattr(m, "raw_data")
    ]


@pytest.fixture(params=["outbox", "smtp", "ses"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    if request.param == "outbox":
        folder = tmp_path / "outbox"

        def files() -> list[Received]:
            # An .eml holds no envelope: its recipients are the ones its headers name.
            out = []
            for path in sorted(folder.glob("*.eml")):
                data = path.read_bytes()
                headers = message_from_bytes(data, policy=policy.default)
                fields = [str(v) for name in ("To", "Cc") for v in headers.get_all(name, [])]
                out.append(Received([a for _, a in getaddresses(fields)], data))
            return out

        return Harness(OutboxMailer(folder), files)
    if request.param == "smtp":
        sink, port = request.getfixturevalue("smtp_server")
        return Harness(SmtpMailer(f"smtp://127.0.0.1:{port}"), lambda: sink.envelopes)
    return Harness(SesMailer(request.getfixturevalue("ses_client")), ses_sent)


# -- the contract ---------------------------------------------------------------------------------------


def test_the_invite_arrives_intact(harness: Harness) -> None:
    # GIVEN an approval e-mail
    message = approval()
    # WHEN it is sent
    ident = harness.mailer.send(message)
    # THEN exactly one copy arrived, to both people, with the same headers and a usable invite
    (got,) = harness.received()
    assert ident
    assert sorted(set(got.recipients)) == ["alice@example.com", "carol@example.com"]
    delivered = got.parsed()
    assert delivered["Subject"] == message["Subject"]
    assert delivered["Message-ID"] == message["Message-ID"]
    assert [a for _, a in getaddresses([str(delivered["To"])])] == ["carol@example.com", "alice@example.com"]
    inline = next(p for p in delivered.walk() if p.get_content_type() == "text/calendar")
    assert inline.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(ics_bytes(inline))
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == T0
    assert event.decoded("sequence") == 1


def test_send_returns_the_id_to_record(harness: Harness) -> None:
    first, second = harness.mailer.send(approval()), harness.mailer.send(approval())
    assert first != second
    assert len(harness.received()) == 2
    if isinstance(harness.mailer, SesMailer):
        assert [m.id for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages] == [first, second]
    else:
        assert {r.parsed()["Message-ID"] for r in harness.received()} == {first, second}


def test_a_message_without_message_id_gets_one(harness: Harness) -> None:
    message = approval()
    del message["Message-ID"]
    harness.mailer.send(message)
    (got,) = harness.received()
    assert re.fullmatch(r"<[^<>@\s]+@example\.com>", str(got.parsed()["Message-ID"]))


def test_a_message_without_recipients_is_refused(harness: Harness) -> None:
    message = approval()
    del message["To"]
    with pytest.raises(NotificationError, match="no recipient"):
        harness.mailer.send(message)
    assert harness.received() == []


# -- adapter specifics ----------------------------------------------------------------------------------


def test_outbox_files_are_private_whole_and_named_by_time_and_id(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "outbox"
    clock = lambda: datetime(2026, 11, 21, 12, 0, 5, 123456, tzinfo=UTC)  # noqa: E731
    ident = OutboxMailer(folder, clock).send(approval())
    (path,) = folder.iterdir()  # no temp file left behind
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ident.strip("<>"))
    assert path.name == f"20261121T120005123456Z-{safe}.eml"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"From: Meety <meety@example.com>\r\n")


def test_outbox_that_cannot_be_created_raises_our_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(NotificationError, match="outbox") as raised:
        OutboxMailer(blocker / "outbox").send(approval())
    assert isinstance(raised.value, MeetyError)
    assert "example.com" not in str(raised.value)


def test_outbox_failing_mid_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(NotificationError, match="OSError"):
        OutboxMailer(tmp_path).send(approval())
    assert list(tmp_path.iterdir()) == []


def test_smtp_logs_in_with_url_credentials(smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    SmtpMailer(f"smtp://alice:s3cr%3At%40pw@127.0.0.1:{port}").send(approval())
    assert len(sink.envelopes) == 1


def test_smtp_bad_password_is_our_error_without_the_password(smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    with pytest.raises(NotificationError, match="535") as raised:
        SmtpMailer(f"smtp://alice:wrong-pass@127.0.0.1:{port}").send(approval())
    assert "wrong-pass" not in str(raised.value)
    assert sink.envelopes == []


def test_smtp_server_down_is_our_error() -> None:
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(NotificationError, match="SMTP delivery failed") as raised:
        mailer.send(approval())
    assert raised.value.__cause__ is None
    assert "example.com" not in str(raised.value)


def test_bcc_travels_in_the_envelope_only(smtp_server: tuple[Sink, int]) -> None:
    sink, port = smtp_server
    message = approval()
    message["Bcc"] = "audit@example.com"
    SmtpMailer(f"smtp://127.0.0.1:{port}").send(message)
    (got,) = sink.envelopes
    assert "audit@example.com" in got.recipients
    assert b"audit@example.com" not in got.data
    assert message["Bcc"] == "audit@example.com"  # the caller's message is left as it was


def test_ses_refusal_is_our_error_without_addresses() -> None:
    with mock_aws():
        client = boto3.client("sesv2", region_name=REGION)  # the sender is not a verified identity
        with pytest.raises(NotificationError, match="MessageRejected") as raised:
            SesMailer(client).send(approval())
    assert "example.com" not in str(raised.value)


def test_ses_unreachable_is_our_error() -> None:
    class Unreachable:
        def send_email(self, **kwargs: Any) -> dict[str, Any]:
            raise EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com")

    with pytest.raises(NotificationError, match="EndpointConnectionError"):
        SesMailer(Unreachable()).send(approval())


# -- settings and wiring --------------------------------------------------------------------------------


def test_defaults_write_to_the_outbox_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_mail_settings({})
    assert (settings.mailer, settings.mail_from, settings.smtp_url) == ("outbox", "meety@localhost", None)
    mailer = open_mailer(settings, tmp_path)
    assert isinstance(mailer, OutboxMailer)
    assert mailer.folder == tmp_path / "outbox"
    custom = open_mailer(load_mail_settings({"MEETY_OUTBOX_DIR": str(tmp_path / "mail")}), tmp_path)
    assert isinstance(custom, OutboxMailer)
    assert custom.folder == tmp_path / "mail"


def test_an_smtp_url_selects_smtp_and_hides_its_password(tmp_path: Path) -> None:
    settings = load_mail_settings({"MEETY_SMTP_URL": "smtp://bob:hunter2@mail.internal:2525?starttls=true"})
    assert settings.mailer == "smtp"
    mailer = open_mailer(settings, tmp_path)
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.target.host, mailer.target.port, mailer.target.starttls) == ("mail.internal", 2525, True)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in repr(mailer)
    assert load_mail_settings({"MEETY_SMTP_URL": ""}).mailer == "outbox"  # empty means unset


def test_ses_builds_its_client_only_when_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        mailer = open_mailer(load_mail_settings({"MEETY_MAILER": "ses"}), tmp_path)
        assert isinstance(mailer, SesMailer)
        assert mailer.client.meta.service_model.service_name == "sesv2"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"MEETY_MAILER": "pigeon"}, "MEETY_MAILER"),
        ({"MEETY_MAILER": "smtp"}, "MEETY_SMTP_URL"),
        ({"MEETY_SMTP_URL": "http://bob:hunter2@mail.internal"}, "MEETY_SMTP_URL"),
        ({"MEETY_SMTP_URL": "smtp://bob:hunter2@mail.internal:99999"}, "MEETY_SMTP_URL"),
        ({"MEETY_MAIL_FROM": "Meety <meety at example.com>"}, "MEETY_MAIL_FROM"),
    ],
)
def test_bad_settings_name_the_variable_and_no_secret(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_mail_settings(environ)
    assert variable in str(raised.value)
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://localhost", ("localhost", 25, False, False, None, None)),
        ("smtps://mail.example.com", ("mail.example.com", 465, True, False, None, None)),
        ("smtp://u%40x:p%3Aw@h:587?starttls=true", ("h", 587, False, True, "u@x", "p:w")),
        ("smtp://u:@h:1025?starttls=false", ("h", 1025, False, False, "u", "")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    t = parse_smtp_url(url)
    assert (t.host, t.port, t.implicit_tls, t.starttls, t.user, t.password) == expected


@pytest.mark.parametrize(
    "url",
    [
        "smtps://u:pw1@h?starttls=true",
        "smtp://u:pw1@h?tls=yes",
        "smtp://u:pw1@h/path",
        "ftp://u:pw1@h",
        "smtp://",
    ],
)
def test_bad_smtp_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(ValueError, match=r"SMTP URL|smtps://") as raised:
        parse_smtp_url(url)
    assert "pw1" not in str(raised.value)
    with pytest.raises(NotificationError):
        SmtpMailer(url)
