"""The decision e-mail: read back from its wire bytes, the way a mail client would see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import pytest
from icalendar import Calendar

from fulfillment.domain import Decision, Request, Requester
from fulfillment.notify import InvalidAddress, decision_email
from fulfillment.notify.messages import POLICY
from tests.request_store_support import T0, meeting

STAMP = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SENDER = "Meety <meety@example.com>"


def decided(request: Request, reason: str | None = None, **changes: object) -> Request:
    decision = Decision(by="admin-1", at=STAMP, reason=reason)
    return request.model_copy(update={"decision": decision, **changes})


def on_the_wire(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(policy=POLICY), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text_part(message: EmailMessage) -> EmailMessage:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return body


def text_of(message: EmailMessage) -> str:
    content = text_part(message).get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")  # CRLF on the wire; compare texts as written


def ics_bytes(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    return [
        part for part in message.walk() if part.get_content_type() in ("text/calendar", "application/ics")
    ]


def recipients_of(message: EmailMessage) -> list[str]:
    return [address for _, address in getaddresses([str(v) for v in message.get_all("To", [])])]


def test_approval_in_english_states_time_zone_and_id_and_carries_the_invite() -> None:
    # GIVEN Alice's approved meeting with Carol, 09:00 UTC = 10:00 in Madrid (CET, UTC+1)
    request = decided(meeting(T0, 30))
    # WHEN the approval e-mail is built and serialized
    message = on_the_wire(decision_email(request, "approved", SENDER, STAMP))
    # THEN headers, text and the calendar parts are what clients expect
    assert message["Subject"] == "Meeting confirmed: sync, Monday, November 23, 2026, 10:00 AM"
    assert str(message["From"]) == SENDER
    assert recipients_of(message) == ["carol@example.com", "alice@example.com"]
    assert parsedate_to_datetime(str(message["Date"])) == STAMP
    assert str(message["Message-ID"]).startswith("<")
    assert str(message["Message-ID"]).endswith("@example.com>")
    assert message["Auto-Submitted"] == "auto-generated"
    text = text_of(message)
    assert "approved" in text
    assert "Monday, November 23, 2026, 10:00 AM\N{EN DASH}10:30 AM (Europe/Madrid, UTC+01:00)" in text
    assert request.id in text
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(part for part in message.walk() if part.get_content_type() == "multipart/alternative")
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/calendar"]  # the calendar last: the richest alternative
    inline, attached = calendar_parts(message)
    assert inline.get_param("method") == "REQUEST"
    assert inline.get_content_charset() == "utf-8"
    assert inline.get_content_disposition() is None
    assert attached.get_content_disposition() == "attachment"
    assert attached.get_filename() == "invite.ics"
    assert inline.get_payload(decode=True) == attached.get_payload(decode=True)
    calendar = Calendar.from_ical(ics_bytes(attached))
    event = calendar.walk("VEVENT")[0]
    assert (str(calendar["method"]), str(event["uid"]), event.decoded("sequence")) == (
        "REQUEST",
        f"{request.id}@meety",
        1,
    )
    assert event.decoded("dtstart") == T0
    assert str(event["organizer"]) == "mailto:meety@example.com"


def test_cancellation_carries_a_cancel_for_the_same_event() -> None:
    request = decided(meeting(), status="cancelled")
    message = on_the_wire(decision_email(request, "cancelled", SENDER, STAMP + timedelta(days=1)))
    assert message["Subject"].startswith("Meeting cancelled: sync")
    inline, attached = calendar_parts(message)
    assert inline.get_param("method") == "CANCEL"
    event = Calendar.from_ical(ics_bytes(attached)).walk("VEVENT")[0]
    assert str(event["uid"]) == f"{request.id}@meety"
    assert event.decoded("sequence") == 2
    assert str(event["status"]) == "CANCELLED"
    assert "removes it from your calendar" in text_of(message)


def test_rejection_is_plain_text_with_the_reason() -> None:
    request = decided(meeting(), reason="Carol is out that week.\nTry December.", status="rejected")
    message = on_the_wire(decision_email(request, "rejected", SENDER, STAMP))
    assert message.get_content_type() == "text/plain"
    assert calendar_parts(message) == []
    text = text_of(message)
    assert "Reason: Carol is out that week.\n  Try December." in text
    assert request.id in text
    assert message["Subject"].startswith("Meeting request declined: sync")


def test_rejection_without_a_reason_says_so() -> None:
    message = on_the_wire(decision_email(decided(meeting()), "rejected", SENDER, STAMP))
    assert "Reason: no reason was given." in text_of(message)


def test_spanish_requests_get_spanish_text_and_24_hour_times() -> None:
    request = decided(meeting(T0, 30), reason="Sin sala.", locale="es_US")
    message = on_the_wire(decision_email(request, "rejected", SENDER, STAMP))
    assert message["Subject"] == "Solicitud de reunión rechazada: sync, lunes 23 de noviembre de 2026, 10:00"
    assert text_part(message)["Content-Language"] == "es-US"
    text = text_of(message)
    assert "lunes 23 de noviembre de 2026, 10:00\N{EN DASH}10:30 (Europe/Madrid, UTC+01:00)" in text
    assert "Motivo: Sin sala." in text
    approved = on_the_wire(decision_email(request, "approved", SENDER, STAMP))
    assert approved["Subject"].startswith("Reunión confirmada: sync")
    assert "fue aprobada" in text_of(approved)


def test_unknown_locale_falls_back_to_english() -> None:
    message = on_the_wire(decision_email(decided(meeting(), locale="fr_FR"), "approved", SENDER, STAMP))
    assert message["Subject"].startswith("Meeting confirmed:")
    assert text_part(message)["Content-Language"] == "en-US"


def test_times_follow_the_requesters_zone_and_its_daylight_saving() -> None:
    # 2026-07-01 16:00 UTC is 12:00 in New York (EDT, UTC-4)
    request = meeting(datetime(2026, 7, 1, 16, 0, tzinfo=UTC), 60)
    assert request.meeting is not None
    ny = request.model_copy(
        update={"meeting": request.meeting.model_copy(update={"user_zone": "America/New_York"})}
    )
    text = text_of(on_the_wire(decision_email(ny, "approved", SENDER, STAMP)))
    assert "Wednesday, July 1, 2026, 12:00 PM\N{EN DASH}1:00 PM (America/New_York, UTC-04:00)" in text


def test_an_unknown_zone_is_shown_as_utc_rather_than_failing() -> None:
    request = meeting(T0, 30)
    assert request.meeting is not None
    odd = request.model_copy(
        update={"meeting": request.meeting.model_copy(update={"user_zone": "Mars/Olympus"})}
    )
    text = text_of(on_the_wire(decision_email(odd, "approved", SENDER, STAMP)))
    assert "9:00 AM\N{EN DASH}9:30 AM (UTC, UTC+00:00)" in text


def test_line_breaks_in_names_and_topics_cannot_create_headers() -> None:
    # GIVEN a requester and topic crafted to smuggle a Bcc and a second Subject
    evil = Requester(
        channel="web", user_id="U9", display_name="Alice\r\nBcc: spy@evil.example", email="alice@example.com"
    )
    request = decided(meeting(requester=evil))
    assert request.meeting is not None
    request = request.model_copy(
        update={
            "meeting": request.meeting.model_copy(
                update={
                    "topic": "sync\r\nSubject: free money\nBcc: spy@evil.example",
                    "attendee_name": "Carol\n",
                }
            )
        }
    )
    # WHEN the e-mail is built and serialized (the default policy would raise on a raw CR/LF)
    wire = decision_email(request, "approved", SENDER, STAMP).as_bytes(policy=POLICY)
    message = on_the_wire(decision_email(request, "approved", SENDER, STAMP))
    # THEN there is no Bcc, one Subject, and the same two recipients
    head = wire.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head
    assert head.count(b"\r\nSubject:") == 1
    assert message.get_all("Bcc") is None
    assert len(message.get_all("Subject", [])) == 1
    assert recipients_of(message) == ["carol@example.com", "alice@example.com"]
    assert "\n" not in str(message["Subject"])
    assert "sync Subject: free money Bcc: spy@evil.example" in str(message["Subject"])


def test_non_ascii_names_are_encoded_not_mangled() -> None:
    requester = Requester(channel="web", user_id="U7", display_name="José Núñez", email="jose@example.com")
    message = on_the_wire(decision_email(decided(meeting(requester=requester)), "approved", SENDER, STAMP))
    names = [name for name, _ in getaddresses([str(v) for v in message.get_all("To", [])])]
    assert names == ["Carol", "José Núñez"]
    assert decision_email(decided(meeting()), "approved", SENDER, STAMP).as_bytes(policy=POLICY).isascii()


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidAddress):
        decision_email(decided(meeting()), "approved", "Meety <not-an-address>", STAMP)
    with pytest.raises(ValueError, match="aware"):
        decision_email(decided(meeting()), "approved", SENDER, STAMP.replace(tzinfo=None))
    with pytest.raises(ValueError, match="outcome"):
        decision_email(decided(meeting()), "expired", SENDER, STAMP)  # type: ignore[arg-type]
    backup = meeting().model_copy(update={"kind": "backup", "meeting": None})
    with pytest.raises(ValueError, match="not a meeting"):
        decision_email(backup, "approved", SENDER, STAMP)


def test_a_bare_sender_address_gets_the_meety_display_name() -> None:
    message = on_the_wire(decision_email(decided(meeting()), "approved", "noreply@example.org", STAMP))
    assert str(message["From"]) == "Meety <noreply@example.org>"
    assert str(message["Message-ID"]).endswith("@example.org>")
