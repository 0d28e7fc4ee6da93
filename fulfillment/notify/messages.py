"""The e-mail a requester gets when an admin decides on their meeting request, in the request's locale.

Approved and cancelled meetings carry the invite twice, as calendar clients expect: a ``text/calendar``
alternative to the text (what Gmail and Outlook act on, showing Accept/Decline or removing the event) and
an ``invite.ics`` attachment (for clients that only import files). Rejections are plain text: no event was
ever offered. Every user-typed value goes through ``single_line`` before it reaches a header, so a name or
topic holding CR/LF can never add a header or a recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fulfillment.domain.requests import MeetingDetails, Request
from fulfillment.notify.invites import (
    Method,
    checked_address,
    meeting_invite,
    meeting_of,
    recipients,
    single_line,
    summary,
)

Outcome = Literal["approved", "rejected", "cancelled"]

POLICY = policy.SMTP.clone(cte_type="7bit")
"""CRLF line ends and 7-bit bodies (quoted-printable when needed): safe on any relay, SES included."""

_INVITES: dict[str, tuple[Method, int]] = {"approved": ("REQUEST", 1), "cancelled": ("CANCEL", 2)}
"""Outcome -> (METHOD, SEQUENCE): the cancellation must outrank the invite it withdraws."""

_SENDER = re.compile(r"\s*(?:(?P<name>[^<>]*?)\s*<(?P<angle>[^<>]*)>|(?P<bare>[^<>\s]+))\s*")


@dataclass(frozen=True)
class _Locale:
    language: str
    weekdays: tuple[str, ...]
    months: str
    """The twelve month names, January first, separated by spaces."""
    long_date: str
    """Placeholders: weekday, day, month, year."""
    twelve_hour: bool
    subjects: dict[str, str]
    bodies: dict[str, str]
    no_reason: str
    details: str
    """Placeholders: summary, when, attendee, requester, id."""


_EN = _Locale(
    language="en-US",
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    months="January February March April May June July August September October November December",
    long_date="{weekday}, {month} {day}, {year}",
    twelve_hour=True,
    subjects={
        "approved": "Meeting confirmed: {summary}, {date}",
        "rejected": "Meeting request declined: {summary}, {date}",
        "cancelled": "Meeting cancelled: {summary}, {date}",
    },
    bodies={
        "approved": "Your meeting request has been approved.\n\n{details}\n\n"
        "The calendar invitation is attached: accept it to add the meeting to your calendar.",
        "rejected": "Your meeting request was not approved.\n\n{details}\n\nReason: {reason}\n\n"
        "The time is free again; you are welcome to ask Meety for another one.",
        "cancelled": "This meeting has been cancelled.\n\n{details}\n\n"
        "The attached update removes it from your calendar.",
    },
    no_reason="no reason was given.",
    details="What: {summary}\nWhen: {when}\nWith: {attendee}\nRequested by: {requester}\nRequest: {id}",
)

_ES = _Locale(
    language="es-US",
    weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    months="enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    long_date="{weekday} {day} de {month} de {year}",
    twelve_hour=False,
    subjects={
        "approved": "Reunión confirmada: {summary}, {date}",
        "rejected": "Solicitud de reunión rechazada: {summary}, {date}",
        "cancelled": "Reunión cancelada: {summary}, {date}",
    },
    bodies={
        "approved": "Tu solicitud de reunión fue aprobada.\n\n{details}\n\n"
        "La invitación de calendario va adjunta: acéptala para añadir la reunión a tu calendario.",
        "rejected": "Tu solicitud de reunión no fue aprobada.\n\n{details}\n\nMotivo: {reason}\n\n"
        "El horario vuelve a estar libre; puedes pedirle otro a Meety.",
        "cancelled": "Esta reunión fue cancelada.\n\n{details}\n\n"
        "La actualización adjunta la quita de tu calendario.",
    },
    no_reason="no se indicó ningún motivo.",
    details="Qué: {summary}\nCuándo: {when}\nCon: {attendee}\nSolicitada por: {requester}\nSolicitud: {id}",
)

TEXTS: dict[str, _Locale] = {"en_US": _EN, "es_US": _ES}
"""The two locales the bot speaks; any other locale id gets English."""


def _clock(value: datetime, texts: _Locale) -> str:
    if not texts.twelve_hour:
        return f"{value:%H:%M}"
    return f"{value.hour % 12 or 12}:{value:%M} {'AM' if value.hour < 12 else 'PM'}"


def _date(value: datetime, texts: _Locale) -> str:
    return texts.long_date.format(
        weekday=texts.weekdays[value.weekday()],
        day=value.day,
        month=texts.months.split()[value.month - 1],
        year=value.year,
    )


def _offset(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def when_in_zone(meeting: MeetingDetails, texts: _Locale) -> tuple[str, str]:
    """("date, start", "date, start-end (Zone, UTC±hh:mm)") in the requester's zone, the one they chose in.

    A zone id the system does not know falls back to UTC, named as such, rather than failing the e-mail.
    """
    try:
        zone, zone_name = ZoneInfo(meeting.user_zone), meeting.user_zone
    except (ZoneInfoNotFoundError, ValueError, OSError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    start, end = meeting.start_utc.astimezone(zone), meeting.end_utc.astimezone(zone)
    day = _date(start, texts)
    until = _clock(end, texts) if end.date() == start.date() else f"{_date(end, texts)}, {_clock(end, texts)}"
    begins = f"{day}, {_clock(start, texts)}"
    return begins, f"{begins}\N{EN DASH}{until} ({zone_name}, {_offset(start)})"


def _reason(text: str | None, texts: _Locale) -> str:
    lines = [single_line(line, 500) for line in (text or "").splitlines()]
    kept = "\n  ".join(line for line in lines if line)
    return kept[:2000] if kept else texts.no_reason


def parse_sender(sender: str) -> Address:
    """``meety@example.com`` or ``Meety <meety@example.com>`` as an Address; InvalidAddress otherwise."""
    match = _SENDER.fullmatch(sender)
    address = (match.group("angle") or match.group("bare")) if match else ""
    name = single_line((match.group("name") if match else None) or "Meety").strip('"') or "Meety"
    return Address(display_name=name, addr_spec=checked_address(address or "", "sender address"))


def decision_email(request: Request, outcome: Outcome, sender: str, stamp: datetime) -> EmailMessage:
    """The notification of ``outcome`` for a meeting ``request``, ready for any ``Mailer``.

    ``stamp`` (aware) is both the Date header and the invite's DTSTAMP. Send ``cancelled`` only for a
    meeting that had been approved: the CANCEL it carries withdraws the invite sent then. Raises
    ValueError for a non-meeting request and InvalidAddress (a ValueError) for an unusable address.
    """
    if outcome not in ("approved", "rejected", "cancelled"):
        raise ValueError(f"outcome must be approved, rejected or cancelled, not {outcome!r}")
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be timezone-aware")
    meeting = meeting_of(request)
    texts = TEXTS.get(request.locale, _EN)
    origin = parse_sender(sender)
    to = [Address(display_name=name, addr_spec=address) for name, address in recipients(request)]
    title = summary(request)
    date, when = when_in_zone(meeting, texts)
    details = texts.details.format(
        summary=title,
        when=when,
        attendee=single_line(meeting.attendee_name),
        requester=single_line(request.requester.display_name),
        id=request.id,
    )
    decision = request.decision
    body = texts.bodies[outcome].format(
        details=details, reason=_reason(decision.reason if decision else None, texts)
    )

    message = EmailMessage(policy=POLICY)
    message["From"] = origin
    message["To"] = to
    message["Subject"] = single_line(texts.subjects[outcome].format(summary=title, date=date), 250)
    message["Date"] = format_datetime(stamp.astimezone(UTC))
    message["Message-ID"] = make_msgid(idstring=f"{request.id}.{outcome}", domain=origin.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office robots should not answer
    message.set_content(f"{body}\n\n-- \nMeety\n")
    message["Content-Language"] = texts.language  # after set_content, which clears Content-* headers

    invite = _INVITES.get(outcome)
    if invite is not None:
        method, sequence = invite
        ics = meeting_invite(request, method, origin.addr_spec, sequence, stamp)
        message.add_alternative(
            ics.decode("utf-8"), subtype="calendar", charset="utf-8", params={"method": method}
        )
        message.add_attachment(
            ics, maintype="application", subtype="ics", filename="invite.ics", params={"name": "invite.ics"}
        )
    return message
