"""ListMyMeetings and CancelMeeting: a web user's own pending and approved meeting requests.

The requester is the anonymous web session (channel ``web``, user id = Lex session id), so a user only
ever sees or cancels requests made in their own session.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fulfillment import lex
from fulfillment.app import App
from fulfillment.domain import Request, TransitionConflict
from fulfillment.domain.decisions import Actor, Decisions
from fulfillment.domain.requests import HOLDING_STATUSES
from fulfillment.intents_meeting import CHANNEL, Turn, _weekday, when_text

Json = dict[str, Any]
LIST_INTENT = "ListMyMeetings"
CANCEL_INTENT = "CancelMeeting"
ID_SLOT = "RequestId"
DATE_SLOT = "MeetingDate"
MAX_LISTED = 8


def _turn(app: App, event: Mapping[str, Any], name: str) -> Turn:
    turn = Turn.read(app, event)
    turn.intent = lex.clean_intent(lex.intent_of(event), name)
    return turn


def _mine(turn: Turn) -> list[Request]:
    session = lex.session_id(turn.event)
    if not session:
        return []
    found = turn.app.store.list_by_requester(CHANNEL, session, ("pending", "approved"))
    return [r for r in found if r.meeting is not None]


def _line(turn: Turn, request: Request) -> str:
    meeting = request.meeting
    assert meeting is not None
    local = meeting.start_utc.astimezone(turn.zone)
    return turn.say(
        "list_item",
        weekday=_weekday(turn, local.date()),
        date=local.date().isoformat(),
        when=when_text(turn, meeting.start_utc),
        name=meeting.attendee_name,
        minutes=meeting.duration_minutes,
        status=turn.say(f"status_{request.status}"),
        id=request.id,
    )


def _listing(turn: Turn, requests: list[Request]) -> str:
    lines = [_line(turn, r) for r in requests[:MAX_LISTED]]
    if len(requests) > MAX_LISTED:
        lines.append(turn.say("list_more", count=len(requests) - MAX_LISTED))
    return "\n".join(lines)


def list_meetings(app: App, event: Mapping[str, Any]) -> Json:
    turn = _turn(app, event, LIST_INTENT)
    mine = _mine(turn)
    if not mine:
        message = turn.say("list_none")
    else:
        message = f"{turn.say('list_header', count=len(mine))}\n{_listing(turn, mine)}"
    return lex.close(turn.intent, "Fulfilled", turn.attrs, [lex.plain(message)])


def _own(turn: Turn, request_id: str) -> Request | None:
    request = turn.app.store.get(request_id.strip().upper())
    session = lex.session_id(turn.event)
    if (
        request is None
        or request.meeting is None
        or not session
        or request.requester.channel != CHANNEL
        or request.requester.user_id != session
        or request.status not in HOLDING_STATUSES
    ):
        return None
    return request


def _target(turn: Turn) -> Request | Json:
    """The request to cancel, or the reply that asks for it or says it cannot be found."""
    request_id = lex.slot_value(turn.intent, ID_SLOT)
    if request_id is not None:
        request = _own(turn, request_id)
        if request is None:
            message = turn.say("cancel_not_found", id=request_id)
            return lex.close(turn.intent, "Failed", turn.attrs, [lex.plain(message)])
        return request
    mine = _mine(turn)
    if not mine:
        return lex.close(turn.intent, "Failed", turn.attrs, [lex.plain(turn.say("list_none"))])
    raw_date = lex.slot_value(turn.intent, DATE_SLOT)
    if raw_date is not None:
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            day = None
        same_day = [
            r
            for r in mine
            if r.meeting is not None and r.meeting.start_utc.astimezone(turn.zone).date() == day
        ]
        if len(same_day) == 1:
            turn.intent["slots"][ID_SLOT] = lex.filled_slot(same_day[0].id)
            return same_day[0]
        if not same_day:
            message = turn.say("cancel_none_on_date", date=raw_date)
            return lex.close(turn.intent, "Failed", turn.attrs, [lex.plain(message)])
        mine = same_day
    message = f"{turn.say('cancel_which')}\n{_listing(turn, mine)}"
    return lex.elicit_slot(turn.intent, ID_SLOT, turn.attrs, [lex.plain(message)])


def cancel_dialog(app: App, event: Mapping[str, Any]) -> Json:
    turn = _turn(app, event, CANCEL_INTENT)
    if turn.intent["confirmationState"] == "Denied":
        return lex.delegate(turn.intent, turn.attrs)
    target = _target(turn)
    if isinstance(target, dict):
        return target
    return lex.delegate(turn.intent, turn.attrs)


def cancel_fulfil(app: App, event: Mapping[str, Any]) -> Json:
    turn = _turn(app, event, CANCEL_INTENT)
    if turn.intent["confirmationState"] == "Denied":
        message = turn.say("cancel_kept")
        return lex.close(turn.intent, "Failed", turn.attrs, [lex.plain(message)])
    target = _target(turn)
    if isinstance(target, dict):
        return target
    session = lex.session_id(event)
    decisions = Decisions(app.store, app.notifier, lambda: turn.now)
    try:
        # an approved meeting was on the attendee's calendar: the decision service sends the CANCEL
        decisions.cancel(target, Actor(f"{CHANNEL}:{session}", CHANNEL), action="cancelled by requester")
    except TransitionConflict as exc:
        message = turn.say("cancel_conflict", id=target.id, status=turn.say(f"status_{exc.current_status}"))
        return lex.close(turn.intent, "Failed", turn.attrs, [lex.plain(message)])
    meeting = target.meeting
    assert meeting is not None
    local = meeting.start_utc.astimezone(turn.zone)
    message = turn.say(
        "cancelled",
        id=target.id,
        name=meeting.attendee_name,
        date=local.date().isoformat(),
        when=when_text(turn, meeting.start_utc),
    )
    return lex.close(turn.intent, "Fulfilled", turn.attrs, [lex.plain(message)])
