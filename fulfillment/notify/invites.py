"""iCalendar invites for decided meeting requests, plus what every notification shares: the error type
and the hygiene applied to user text.

The invite is how the meeting reaches the requester's calendar: ``REQUEST`` puts it there, ``CANCEL`` (same
UID, a higher SEQUENCE) takes it out again, so the UID is derived from the request id and nothing else.
Everything a user typed (names, topic) is untrusted: the ``icalendar`` library escapes TEXT values, but
calendar-address URIs are written verbatim, so addresses are checked here before they get near a header or
an ``.ics`` line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Literal

from icalendar import Calendar, Event, vCalAddress, vText

from bot.errors import MeetyError
from fulfillment.domain.requests import MeetingDetails, Request

PRODID = "-//Meety//Meety meeting requests//EN"
Method = Literal["REQUEST", "CANCEL"]

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")
_SPACES = re.compile(r"\s+")
_BLANKED = frozenset({"Cc", "Cs", "Zl", "Zp", "Zs"})
"""Controls (CR, LF, NUL, NEL), lone surrogates and every separator; format characters (ZWJ) are kept."""


class NotificationError(MeetyError):
    """A notification could not be built or delivered; the message names no address and no secret.

    Delivery is best-effort after a decision is stored: callers log this and carry on (or retry later),
    they never undo the decision. Adapters raise it in place of ``smtplib`` / ``botocore`` / ``OSError``.
    """


class InvalidAddress(NotificationError, ValueError):
    """An e-mail address we refuse to write; the message never repeats the address itself.

    A ValueError too, so pydantic validators (``MEETY_MAIL_FROM``) report it as a bad value.
    """


def checked_address(address: str, what: str = "address") -> str:
    """``address`` if it is one plain ASCII ``local@domain``; InvalidAddress otherwise.

    Stricter than RFC 5322 on purpose: no display names, comments, quoted local parts or IDNs, so a value
    that passes cannot add recipients, headers or iCalendar properties wherever it is written.
    """
    if len(address) > 254 or _ADDRESS.fullmatch(address) is None:
        raise InvalidAddress(f"the {what} is not a plain e-mail address (local@domain)")
    return address


def single_line(text: str, limit: int = 200) -> str:
    """``text`` with every control character and line break folded into one space, then trimmed.

    Used for anything user-supplied that lands in a header or a one-line field: a CR or LF there would
    start a new header (or make one that our own policy refuses to serialize).
    """
    cleaned = "".join(" " if unicodedata.category(ch) in _BLANKED else ch for ch in text)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def meeting_of(request: Request) -> MeetingDetails:
    """The meeting details, or ValueError: only meeting requests have anything to notify about."""
    if request.meeting is None:
        raise ValueError(f"request {request.id} is a {request.kind} request, not a meeting")
    return request.meeting


def recipients(request: Request) -> list[tuple[str, str]]:
    """(display name, address) of everyone who gets the invite: the attendee address, then the requester's.

    The requester's own address is added only when it differs (case-insensitively) from the one given for
    the invite, so nobody receives the same e-mail twice.
    """
    meeting = meeting_of(request)
    out = [(single_line(meeting.attendee_name), checked_address(meeting.attendee_email, "attendee address"))]
    email = request.requester.email
    if email and email.lower() != meeting.attendee_email.lower():
        out.append((single_line(request.requester.display_name), checked_address(email, "requester address")))
    return out


def invite_uid(request: Request) -> str:
    """The UID shared by the REQUEST and its CANCEL, so calendars match one to the other."""
    return f"{request.id}@meety"


def summary(request: Request) -> str:
    meeting = meeting_of(request)
    topic = single_line(meeting.topic or "")
    return topic or f"Meeting with {single_line(meeting.attendee_name)}"


def _address(address: str, name: str) -> vCalAddress:
    value = vCalAddress(f"mailto:{address}")
    if name:
        # icalendar quotes parameters (RFC 6868); folding to one line spares clients that do not decode it.
        value.params["CN"] = vText(name.replace('"', "'"))
    return value


def meeting_invite(
    request: Request, method: Method, organizer_email: str, sequence: int, stamp: datetime
) -> bytes:
    """The ``.ics`` for ``request``: METHOD ``REQUEST`` to add the meeting, ``CANCEL`` to withdraw it.

    ``sequence`` must grow with each update of the same meeting (1 for the invite, 2 for its cancellation)
    or clients ignore the newer message. ``stamp`` (aware) is DTSTAMP: when this version was issued.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be timezone-aware")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    meeting = meeting_of(request)
    organizer = checked_address(organizer_email, "organizer address")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", invite_uid(request))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", meeting.start_utc.astimezone(UTC))
    event.add("dtend", meeting.end_utc.astimezone(UTC))
    event.add("summary", summary(request))
    event.add("description", f"Meety request {request.id}")
    event.add("organizer", _address(organizer, "Meety"))
    for name, address in recipients(request):
        attendee = _address(address, name)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    event.add("sequence", sequence)
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
