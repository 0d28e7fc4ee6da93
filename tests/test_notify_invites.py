"""The .ics invite: what calendar clients act on, read back with icalendar's own parser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar, Component

from fulfillment.domain import Request, Requester
from fulfillment.notify import InvalidAddress, NotificationError, meeting_invite
from fulfillment.notify.invites import checked_address, single_line
from tests.request_store_support import BOB, T0, meeting

STAMP = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ORGANIZER = "meety@example.com"
PROPERTIES = {
    b"BEGIN", b"END", b"VERSION", b"PRODID", b"CALSCALE", b"METHOD", b"UID", b"DTSTAMP", b"DTSTART",
    b"DTEND", b"SUMMARY", b"DESCRIPTION", b"ORGANIZER", b"ATTENDEE", b"STATUS", b"SEQUENCE", b"TRANSP",
}  # fmt: skip
"""Every content-line name a Meety invite may hold: user text must never add another."""


def with_meeting(request: Request, **changes: object) -> Request:
    assert request.meeting is not None
    return request.model_copy(update={"meeting": request.meeting.model_copy(update=changes)})


def only_event(ics: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def attendees(event: Component) -> dict[str, dict[str, str]]:
    found = event.get("attendee")
    items = found if isinstance(found, list) else [found]
    return {str(item): dict(item.params) for item in items}


def test_request_invite_has_every_field_a_calendar_needs() -> None:
    # GIVEN a 30-minute meeting requested by Alice (who has an e-mail) with Carol
    request = meeting(T0, 30)
    # WHEN the approval invite is built
    ics = meeting_invite(request, "REQUEST", ORGANIZER, 1, STAMP)
    # THEN it parses back to one confirmed event at the right UTC time for both people
    calendar, event = only_event(ics)
    assert str(calendar["method"]) == "REQUEST"
    assert str(calendar["version"]) == "2.0"
    assert "Meety" in str(calendar["prodid"])
    assert str(event["uid"]) == f"{request.id}@meety"
    assert event.decoded("dtstart") == T0
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtend") == T0 + timedelta(minutes=30)
    assert event.decoded("dtstamp") == STAMP
    assert b"DTSTART:20261123T090000Z" in ics  # UTC form, no TZID a client could misread
    assert str(event["summary"]) == "sync"
    assert event.decoded("sequence") == 1
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["organizer"]) == f"mailto:{ORGANIZER}"
    people = attendees(event)
    assert set(people) == {"mailto:carol@example.com", "mailto:alice@example.com"}
    carol = people["mailto:carol@example.com"]
    assert (carol["CN"], carol["RSVP"], carol["PARTSTAT"]) == ("Carol", "TRUE", "NEEDS-ACTION")
    assert people["mailto:alice@example.com"]["CN"] == "Alice"


def test_cancel_keeps_the_uid_and_raises_the_sequence() -> None:
    request = meeting()
    _, invite = only_event(meeting_invite(request, "REQUEST", ORGANIZER, 1, STAMP))
    calendar, cancel = only_event(meeting_invite(request, "CANCEL", ORGANIZER, 2, STAMP + timedelta(hours=1)))
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancel["uid"]) == str(invite["uid"])
    assert cancel.decoded("sequence") > invite.decoded("sequence")
    assert str(cancel["status"]) == "CANCELLED"
    assert all("RSVP" not in params for params in attendees(cancel).values())


def test_summary_defaults_to_the_attendee_name_without_a_topic() -> None:
    _, event = only_event(meeting_invite(with_meeting(meeting(), topic=None), "REQUEST", ORGANIZER, 1, STAMP))
    assert str(event["summary"]) == "Meeting with Carol"


@pytest.mark.parametrize(
    "topic",
    [
        "budget, hiring; roadmap",
        "line one\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil@x",
        "a\r\nATTENDEE:mailto:evil@example.com",
        'quote " backslash \\ colon : semicolon ;',
    ],
)
def test_user_text_cannot_add_components_or_properties(topic: str) -> None:
    request = with_meeting(meeting(), topic=topic, attendee_name='Carol\r\nORGANIZER:mailto:x@y;"z"')
    ics = meeting_invite(request, "REQUEST", ORGANIZER, 1, STAMP)
    _, event = only_event(ics)  # still exactly one VEVENT
    assert str(event["uid"]) == f"{request.id}@meety"
    assert str(event["organizer"]) == f"mailto:{ORGANIZER}"
    assert set(attendees(event)) == {"mailto:carol@example.com", "mailto:alice@example.com"}
    assert str(event["summary"]) == single_line(topic)  # kept, as one line, commas and all
    lines = ics.replace(b"\r\n ", b"").split(b"\r\n")  # unfolded content lines
    names = {re.split(rb"[;:]", line, maxsplit=1)[0] for line in lines if line}
    assert names == PROPERTIES


def test_requester_without_email_or_with_the_same_one_is_not_added_twice() -> None:
    alone = meeting(requester=BOB)
    assert set(attendees(only_event(meeting_invite(alone, "REQUEST", ORGANIZER, 1, STAMP))[1])) == {
        "mailto:carol@example.com"
    }
    same = meeting(
        requester=Requester(channel="web", user_id="U3", display_name="C", email="CAROL@example.com")
    )
    assert len(attendees(only_event(meeting_invite(same, "REQUEST", ORGANIZER, 1, STAMP))[1])) == 1


def test_offset_times_are_written_in_utc() -> None:
    madrid_ten = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    request = meeting(madrid_ten, 45)
    ics = meeting_invite(request, "REQUEST", ORGANIZER, 1, STAMP.astimezone(timezone(timedelta(hours=-5))))
    _, event = only_event(ics)
    assert b"DTSTART:20261123T090000Z" in ics
    assert b"DTEND:20261123T094500Z" in ics
    assert b"DTSTAMP:20261121T120000Z" in ics
    assert event.decoded("dtstart").tzinfo is not None


@pytest.mark.parametrize(
    "address",
    [
        "carol@example.com\r\nBcc: evil@example.com",
        "a@b.com, evil@c.com",
        "Carol <c@example.com>",
        "nobody",
        "",
    ],
)
def test_unusable_addresses_are_refused_without_being_repeated(address: str) -> None:
    request = with_meeting(meeting(), attendee_email=address)
    with pytest.raises(InvalidAddress) as raised:
        meeting_invite(request, "REQUEST", ORGANIZER, 1, STAMP)
    assert isinstance(raised.value, NotificationError)
    assert isinstance(raised.value, ValueError)
    if address:
        assert address not in str(raised.value)


def test_checked_address_accepts_plain_addresses() -> None:
    for address in ("a@b.co", "first.last+tag@sub.example.org", "meety@localhost"):
        assert checked_address(address) == address


def test_bad_arguments_are_refused() -> None:
    request = meeting()
    with pytest.raises(ValueError, match="aware"):
        meeting_invite(request, "REQUEST", ORGANIZER, 1, datetime(2026, 11, 21, 12, 0))
    with pytest.raises(ValueError, match="method"):
        meeting_invite(request, "PUBLISH", ORGANIZER, 1, STAMP)  # type: ignore[arg-type]
    with pytest.raises(InvalidAddress):
        meeting_invite(request, "REQUEST", "not an address", 1, STAMP)
    backup = request.model_copy(update={"kind": "backup", "meeting": None})
    with pytest.raises(ValueError, match="not a meeting"):
        meeting_invite(backup, "REQUEST", ORGANIZER, 1, STAMP)


def test_commas_and_semicolons_are_escaped_on_the_wire() -> None:
    ics = meeting_invite(
        with_meeting(meeting(), topic="budget, hiring; roadmap"), "REQUEST", ORGANIZER, 1, STAMP
    )
    assert b"SUMMARY:budget\\, hiring\\; roadmap\r\n" in ics


def test_single_line_folds_every_line_break_and_control() -> None:
    assert single_line("a\r\nb\u2028c\x85d\x00e\tf  g") == "a b c d e f g"
    assert single_line("x" * 300, 10) == "xxxxxxxxx…"
    assert single_line("family 👨\u200d👩\u200d👧") == "family 👨\u200d👩\u200d👧"  # ZWJ kept
