"""Conversations through the local runtime with the real code hook (host zone New York, Wed 2026-11-18)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fulfillment.app import App
from fulfillment.handler import lambda_handler
from tests.fulfillment_support import installed, make_app
from tests.runtime_support import Chat, meety_bot, runtime_for


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    yield from installed(make_app(tmp_path / "meety.db"))


def chat(locale: str = "en_US") -> Chat:
    return Chat(runtime_for(meety_bot(), handler=lambda_handler), locale=locale)


def book(c: Chat, text: str, email: str = "jane@example.com") -> None:
    c.say(text)
    if c.eliciting == "AttendeeEmail":
        c.say(email)
    assert c.action == "ConfirmIntent", c.texts
    c.say("yes")


def pending(app: App, c: Chat) -> list[object]:
    return list(app.store.list_by_requester("web", c.session_id, ("pending",)))


def test_full_request_in_one_utterance_files_a_pending_request(app: App) -> None:
    c = chat()
    book(c, "book a 30 minute meeting with Jane Doe tomorrow at 10am")
    assert c.action == "Close"
    assert c.intent["state"] == "Fulfilled"
    [request] = app.store.list_by_requester("web", c.session_id, ("pending",))
    assert request.status == "pending"
    assert request.meeting is not None
    assert request.meeting.start_utc == datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
    assert request.meeting.duration_minutes == 30
    assert request.meeting.attendee_email == "jane@example.com"
    # undecided, it expires when the meeting would begin (sooner than the 7-day pending period)
    assert request.expires_at == request.meeting.start_utc
    message = c.texts[0]
    assert request.id in message
    assert "pending approval" in message
    assert "scheduled" not in message.lower()
    assert "booked" not in message.lower()
    assert "10:00" in message


def test_a_request_for_a_later_week_expires_after_the_pending_period(app: App) -> None:
    c = chat()
    book(c, "book a 30 minute meeting with Jane Doe on December 10 at 10am")
    [request] = app.store.list_by_requester("web", c.session_id, ("pending",))
    assert request.meeting is not None
    assert request.meeting.start_utc == datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    assert request.expires_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # filed 2026-11-18 + 7 days


def test_time_in_both_zones_when_the_user_zone_differs(app: App) -> None:
    c = chat()
    c.say("hi", session_state={"sessionAttributes": {"timeZone": "Europe/London"}})
    book(c, "book a 30 minute meeting with Jane Doe tomorrow at 3pm")
    assert c.intent["state"] == "Fulfilled", c.texts
    assert "15:00 your time (10:00 America/New_York)" in c.texts[0]


def test_ambiguous_time_takes_the_reading_within_working_hours(app: App) -> None:
    c = chat()
    c.say("book a 30 minute meeting with Jane Doe tomorrow at 3")
    assert c.eliciting == "AttendeeEmail"
    assert c.slot("MeetingTime") == "15:00"


@pytest.mark.parametrize(
    ("text", "slot", "words"),
    [
        ("book a 30 minute meeting with Jane Doe on 2026-11-10 at 10am", "MeetingDate", "already passed"),
        ("book a 30 minute meeting with Jane Doe on saturday at 10am", "MeetingDate", "working days"),
        ("book a 30 minute meeting with Jane Doe tomorrow at 7pm", "MeetingTime", "working hours"),
        ("book a 6 hour meeting with Jane Doe tomorrow at 10am", "MeetingDuration", "15 to 240 minutes"),
    ],
)
def test_rule_breaks_are_reprompted(app: App, text: str, slot: str, words: str) -> None:
    c = chat()
    c.say(text)
    assert c.action == "ElicitSlot"
    assert c.eliciting == slot
    assert c.slot(slot) is None
    assert words in c.texts[0]
    assert pending(app, c) == []


def test_conflict_offers_free_times_and_a_button_books_one(app: App) -> None:
    first = chat()
    book(first, "book a 60 minute meeting with Jane Doe tomorrow at 10am")
    assert first.intent["state"] == "Fulfilled"
    c = chat()
    c.say("book a 30 minute meeting with Alex Garcia tomorrow at 10:30am")
    assert c.eliciting == "MeetingTime"
    assert "already taken" in c.texts[0]
    [card] = c.cards
    assert 1 <= len(card["buttons"]) <= 3
    button = card["buttons"][0]
    assert button["text"].startswith("Thu ")
    c.say(button["value"])
    assert c.slot("MeetingTime") == button["value"]
    if c.eliciting == "AttendeeEmail":
        c.say("alex@example.com")
    assert c.action == "ConfirmIntent", c.texts
    c.say("yes")
    [request] = pending(app, c)
    assert request.meeting is not None  # type: ignore[attr-defined]
    start = request.meeting.start_utc.astimezone(app.rules.host_zone)  # type: ignore[attr-defined]
    assert f"{start:%H:%M}" == button["value"]


def test_list_and_cancel(app: App) -> None:
    c = chat()
    c.say("show my meetings")
    assert c.intent["state"] == "Fulfilled"
    assert "no pending or approved" in c.texts[0]
    book(c, "book a 30 minute meeting with Jane Doe on friday at 2pm")
    book(c, "book a 30 minute meeting with Alex Garcia tomorrow at 11am", "alex@example.com")
    c.say("show my meetings")
    listing = c.texts[0]
    assert listing.index("Alex Garcia") < listing.index("Jane Doe")
    assert "pending approval" in listing
    c.say("cancel the meeting on friday")
    assert c.action == "ConfirmIntent", c.texts
    c.say("yes")
    assert c.intent["state"] == "Fulfilled", c.texts
    assert "cancelled" in c.texts[0]
    [left] = app.store.list_by_requester("web", c.session_id, ("pending", "approved"))
    assert left.meeting is not None
    assert left.meeting.attendee_name == "Alex Garcia"
    cancelled = app.store.list_by_requester("web", c.session_id, ("cancelled",))
    assert [e.action for e in app.store.audit(cancelled[0].id)][-1] == "cancelled by requester"


def test_cannot_cancel_someone_elses_request(app: App) -> None:
    owner = chat()
    book(owner, "book a 30 minute meeting with Jane Doe tomorrow at 10am")
    [request] = pending(app, owner)
    other = chat()
    other.say(f"cancel request {request.id}")  # type: ignore[attr-defined]
    assert other.intent["state"] == "Failed", other.texts
    assert "couldn't find" in other.texts[0]
    assert len(pending(app, owner)) == 1


def test_spanish_conversation(app: App) -> None:
    c = chat("es_US")
    c.say("reservar una reunión con Ana Pérez mañana a las 10 por 30 minutos")
    assert c.slot("MeetingTime") == "10:00"
    c.say("ana@example.com")
    assert c.action == "ConfirmIntent", c.texts
    c.say("sí")
    assert c.intent["state"] == "Fulfilled", c.texts
    [request] = pending(app, c)
    assert request.id in c.texts[0]  # type: ignore[attr-defined]
    assert "pendiente de aprobación" in c.texts[0]


def test_cancelling_an_approved_meeting_mails_a_cancel_invite(tmp_path: Path) -> None:
    from dataclasses import replace
    from email import message_from_bytes

    from fulfillment.domain.decisions import Actor, Decisions
    from fulfillment.mail_notifier import MailNotifier

    env = {"MEETY_OUTBOX_DIR": str(tmp_path / "outbox"), "MEETY_MAIL_FROM": "host@example.com"}
    base = make_app(tmp_path / "meety.db")
    app = replace(base, notifier=MailNotifier(base.clock, environ=env))
    for current in installed(app):
        c = chat()
        book(c, "book a 30 minute meeting with Jane Doe on friday at 2pm")
        [request] = pending(current, c)
        Decisions(current.store, current.notifier, current.now).approve(request.id, Actor("ada", "portal"))  # type: ignore[attr-defined]
        c.say("cancel the meeting on friday")
        c.say("yes")
        assert c.intent["state"] == "Fulfilled", c.texts

    mails = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(mails) == 2  # the approval's REQUEST, then the CANCEL
    cancel = message_from_bytes(mails[-1].read_bytes())
    assert "jane@example.com" in cancel["To"]
    calendars = [p for p in cancel.walk() if p.get_content_type() == "text/calendar"]
    assert calendars
    assert b"METHOD:CANCEL" in calendars[0].get_payload(decode=True)


def test_cancelling_a_pending_meeting_mails_nothing(tmp_path: Path) -> None:
    from dataclasses import replace

    from fulfillment.mail_notifier import MailNotifier

    env = {"MEETY_OUTBOX_DIR": str(tmp_path / "outbox")}
    base = make_app(tmp_path / "meety.db")
    for _ in installed(replace(base, notifier=MailNotifier(base.clock, environ=env))):
        c = chat()
        book(c, "book a 30 minute meeting with Jane Doe on friday at 2pm")
        c.say("cancel the meeting on friday")
        c.say("yes")
        assert c.intent["state"] == "Fulfilled", c.texts
    assert not list((tmp_path / "outbox").glob("*.eml"))
