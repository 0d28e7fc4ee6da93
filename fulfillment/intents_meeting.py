"""ScheduleMeeting: validate the slots as they arrive (DialogCodeHook), then file one pending request.

Slots are checked in the bot's order (date, time, duration) with ``fulfillment.scheduling``; the first
broken rule clears its slot and asks for it again. A requested interval that overlaps a held one is
answered with up to three free starts as card buttons; which day each offered time belongs to is kept in
the session attribute ``meetyOffers`` so a click on another day's time moves the date too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ulid import ULID

from fulfillment import lex
from fulfillment.app import App
from fulfillment.domain import AuditEvent, MeetingDetails, Request, Requester, SlotTaken
from fulfillment.free_slots import free_starts
from fulfillment.scheduling import (
    DATE_SLOT,
    DURATION_SLOT,
    TIME_SLOT,
    Problem,
    at,
    check_date,
    check_duration,
    check_meeting,
    check_start,
    parse_iso_duration,
    working_window,
)

Json = dict[str, Any]
INTENT = "ScheduleMeeting"
NAME_SLOT = "AttendeeName"
EMAIL_SLOT = "AttendeeEmail"
TOPIC_SLOT = "MeetingTopic"
OFFERS = "meetyOffers"
CHANNEL = "web"


@dataclass(frozen=True)
class Meeting:
    day: date
    start: time
    duration: timedelta
    zone: ZoneInfo

    @property
    def begins(self) -> datetime:
        return at(self.day, self.start, self.zone)


@dataclass
class Turn:
    app: App
    event: Mapping[str, Any]
    locale: str
    attrs: dict[str, str]
    intent: Json
    zone: ZoneInfo
    now: datetime

    @classmethod
    def read(cls, app: App, event: Mapping[str, Any]) -> Turn:
        attrs = lex.attributes(event)
        return cls(
            app=app,
            event=event,
            locale=lex.locale_of(event),
            attrs=attrs,
            intent=lex.clean_intent(lex.intent_of(event), INTENT),
            zone=app.user_zone(attrs),
            now=app.now(),
        )

    def say(self, key: str, **values: object) -> str:
        return self.app.say(self.locale, key, **values)

    def reprompt(self, slot: str, message: str, extra: list[Json] | None = None) -> Json:
        self.intent["slots"][slot] = None
        self.app.record("ValidationReprompt", {"Slot": slot})
        return lex.elicit_slot(self.intent, slot, self.attrs, [lex.plain(message), *(extra or [])])

    def problem(self, problem: Problem) -> Json:
        return self.reprompt(problem.slot, self.app.texts.rule_message(self.locale, problem))


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parse_time(value: str) -> time | None:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def _in_hours(turn: Turn, day: date, start: time) -> bool:
    rules = turn.app.rules
    begins = at(day, start, turn.zone)
    host_day = begins.astimezone(rules.host_zone).date()
    opens, closes = working_window(host_day, rules)
    return host_day.weekday() in rules.working_days and opens <= begins < closes


def _apply_offer(turn: Turn) -> None:
    """A clicked alternative on another day: move MeetingDate to the day that time was offered for."""
    raw = turn.attrs.pop(OFFERS, None)
    if not raw:
        return
    try:
        offers = json.loads(raw)
    except ValueError:
        return
    interpreted, resolved = lex.slot_values(turn.intent["slots"].get(TIME_SLOT))
    readings = [interpreted] if interpreted else list(resolved)
    if not isinstance(offers, dict):
        return
    for reading in readings:
        parsed = _parse_time(reading)
        offered = offers.get(_hhmm(parsed)) if parsed is not None else None
        if isinstance(offered, str) and _parse_date(offered) is not None:
            turn.intent["slots"][TIME_SLOT] = lex.filled_slot(_hhmm(parsed), reading)  # type: ignore[arg-type]
            turn.intent["slots"][DATE_SLOT] = lex.filled_slot(offered)
            return


def _read_time(turn: Turn, day: date | None) -> time | Json | None:
    """The start time; an AMAZON.Time with two readings keeps the one within working hours."""
    slot = turn.intent["slots"].get(TIME_SLOT)
    if slot is None:
        return None
    interpreted, resolved = lex.slot_values(slot)
    readings = [interpreted] if interpreted else list(resolved)
    times = list(dict.fromkeys(t for t in map(_parse_time, readings) if t is not None))
    if len(times) == 1:
        return times[0]
    if not times:
        return turn.reprompt(TIME_SLOT, turn.say("bad_time"))
    if day is None:
        return None  # decided once the date is known
    fitting = [t for t in times if _in_hours(turn, day, t)]
    if len(fitting) == 1:
        original = lex.text(lex.mapping(slot.get("value")).get("originalValue"))
        turn.intent["slots"][TIME_SLOT] = lex.filled_slot(_hhmm(fitting[0]), original)
        return fitting[0]
    options = turn.say("or").join(_hhmm(t) for t in times)
    return turn.reprompt(TIME_SLOT, turn.say("ambiguous_time", options=options))


def validate(turn: Turn, *, check_busy: bool) -> Meeting | Json | None:
    """The meeting when date, time and duration are known and pass; a reprompt; or None (still filling)."""
    rules, now = turn.app.rules, turn.now
    _apply_offer(turn)
    day: date | None = None
    raw_date = lex.slot_value(turn.intent, DATE_SLOT)
    if raw_date is not None:
        day = _parse_date(raw_date)
        if day is None:
            return turn.reprompt(DATE_SLOT, turn.say("bad_date"))
        problem = check_date(day, turn.zone, now, rules)
        if problem is not None:
            return turn.problem(problem)
    start = _read_time(turn, day)
    if isinstance(start, dict):
        return start
    if day is not None and start is not None:
        problem = check_start(day, start, turn.zone, now, rules)
        if problem is not None:
            return turn.problem(problem)
    duration: timedelta | None = None
    raw_duration = lex.slot_value(turn.intent, DURATION_SLOT)
    if raw_duration is not None:
        duration = parse_iso_duration(raw_duration)
        if duration is None:
            return turn.reprompt(DURATION_SLOT, turn.say("bad_duration"))
        problem = check_duration(duration, rules)
        if problem is not None:
            return turn.problem(problem)
    if day is None or start is None or duration is None:
        return None
    problem = check_meeting(day, start, duration, turn.zone, now, rules)
    if problem is not None:
        return turn.problem(problem)
    meeting = Meeting(day, start, duration, turn.zone)
    if check_busy and turn.app.store.busy_between(meeting.begins, meeting.begins + duration):
        return conflict(turn, meeting)
    return meeting


def _weekday(turn: Turn, day: date) -> str:
    names = turn.app.texts.variations(turn.locale, "Fulfillment.messages.weekdays")
    return names[day.weekday()] if len(names) == 7 else day.isoformat()


def conflict(turn: Turn, meeting: Meeting) -> Json:
    """Re-ask the time with up to three free starts as buttons (shown in the user's zone)."""
    rules = turn.app.rules
    host_day = meeting.begins.astimezone(rules.host_zone).date()
    busy = turn.app.store.busy_between(
        at(host_day, time(0), rules.host_zone), at(host_day + timedelta(days=9), time(0), rules.host_zone)
    )
    starts = free_starts(host_day, meeting.duration, busy, meeting.begins, turn.now, rules, limit=6)
    offers: dict[str, str] = {}
    buttons: list[tuple[str, str]] = []
    for start in starts:
        local = start.astimezone(turn.zone)
        value = f"{local:%H:%M}"
        if value in offers or len(buttons) == 3:
            continue
        offers[value] = local.date().isoformat()
        buttons.append((f"{_weekday(turn, local.date())} {value}", value))
    taken = turn.say("conflict", date=meeting.day.isoformat(), time=_hhmm(meeting.start))
    extra: list[Json] = []
    if buttons:
        turn.attrs[OFFERS] = json.dumps(offers, separators=(",", ":"))
        message = f"{taken} {turn.say('alternatives')}"
        extra.append(lex.card(turn.say("alternatives_title"), buttons))
    else:
        message = f"{taken} {turn.say('no_alternatives')}"
    return turn.reprompt(TIME_SLOT, message, extra)


def dialog(app: App, event: Mapping[str, Any]) -> Json:
    turn = Turn.read(app, event)
    if turn.intent["confirmationState"] in ("Confirmed", "Denied"):
        return lex.delegate(turn.intent, turn.attrs)
    result = validate(turn, check_busy=True)
    if isinstance(result, dict):
        return result
    if result is not None and turn.intent["confirmationState"] == "None":
        name = lex.slot_value(turn.intent, NAME_SLOT)
        if name is not None and lex.slot_value(turn.intent, EMAIL_SLOT) is not None:
            return confirm(turn, result, name)
    return lex.delegate(turn.intent, turn.attrs)


def confirm(turn: Turn, meeting: Meeting, name: str) -> Json:
    """Read the request back in the user's words (weekday, both zones) and ask before filing it."""
    local = meeting.begins.astimezone(turn.zone)
    message = turn.say(
        "confirm",
        name=name,
        weekday=_weekday(turn, local.date()),
        date=local.date().isoformat(),
        when=when_text(turn, meeting.begins),
        minutes=int(meeting.duration.total_seconds() // 60),
    )
    intent = {**turn.intent, "state": "InProgress"}
    return {
        "sessionState": {
            "dialogAction": {"type": "ConfirmIntent"},
            "intent": intent,
            "sessionAttributes": dict(turn.attrs),
        },
        "messages": [lex.plain(message)],
    }


def idempotency_key(event: Mapping[str, Any], intent: Json, session: str) -> str:
    origin = lex.text(lex.session_state(event).get("originatingRequestId"))
    if origin:
        return f"{session}:{origin}"
    digest = hashlib.sha256(json.dumps(intent["slots"], sort_keys=True).encode()).hexdigest()[:32]
    return f"{session}:slots-{digest}"


def when_text(turn: Turn, begins: datetime) -> str:
    """The start in the user's zone, and in the host's too when the zones differ."""
    host = turn.app.rules.host_zone
    user = f"{begins.astimezone(turn.zone):%H:%M}"
    if begins.astimezone(turn.zone).utcoffset() == begins.astimezone(host).utcoffset():
        return user
    return turn.app.texts.both_zones(turn.locale, user, f"{begins.astimezone(host):%H:%M}", host.key)


def fulfil(app: App, event: Mapping[str, Any]) -> Json:
    turn = Turn.read(app, event)
    result = validate(turn, check_busy=False)
    if isinstance(result, dict):
        return result
    name = lex.slot_value(turn.intent, NAME_SLOT)
    email = lex.slot_value(turn.intent, EMAIL_SLOT)
    missing = next(
        (
            slot
            for slot, value in (
                (NAME_SLOT, name),
                (DATE_SLOT, lex.slot_value(turn.intent, DATE_SLOT)),
                (TIME_SLOT, result),
                (DURATION_SLOT, result),
                (EMAIL_SLOT, email),
            )
            if value is None
        ),
        None,
    )
    session = lex.session_id(event)
    if missing is not None or result is None or name is None or email is None or not session:
        return lex.elicit_slot(turn.intent, missing or NAME_SLOT, turn.attrs, [])
    meeting = result
    request_id = str(ULID.from_datetime(turn.now))
    request = Request(
        id=request_id,
        kind="meeting",
        status="pending",
        requester=Requester(channel=CHANNEL, user_id=session, display_name=session),
        locale=turn.locale,
        created_at=turn.now,
        updated_at=turn.now,
        meeting=MeetingDetails(
            attendee_name=name,
            attendee_email=email,
            start_utc=meeting.begins,
            user_zone=turn.zone.key,
            duration_minutes=int(meeting.duration.total_seconds() // 60),
            topic=lex.slot_value(turn.intent, TOPIC_SLOT),
        ),
        idempotency_key=idempotency_key(event, turn.intent, session),
        # undecided requests expire after the pending period, or when the meeting would have begun
        expires_at=min(turn.now + app.pending_expiry, meeting.begins),
    )
    audit = AuditEvent(
        request_id=request_id,
        at=turn.now,
        actor=f"{CHANNEL}:{session}",
        action="requested",
        to_status="pending",
        channel=CHANNEL,
    )
    try:
        stored = app.store.create(request, audit)
    except SlotTaken:
        return conflict(turn, meeting)
    if stored.id == request_id:
        app.record("RequestsCreated", {})
        app.announce(stored)
    details = stored.meeting
    assert details is not None
    local = details.start_utc.astimezone(turn.zone)
    message = turn.say(
        "requested",
        id=stored.id,
        minutes=details.duration_minutes,
        name=details.attendee_name,
        weekday=_weekday(turn, local.date()),
        date=local.date().isoformat(),
        when=when_text(turn, details.start_utc),
    )
    return lex.close(turn.intent, "Fulfilled", turn.attrs, [lex.plain(message)])
