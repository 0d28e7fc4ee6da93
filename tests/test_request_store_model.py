"""The request model on its own: legal transitions, aware-UTC times, slot blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from fulfillment.domain import InvalidTransition, MeetingDetails, Request, check_transition
from tests.request_store_support import T0, backup, meeting


@pytest.mark.parametrize(
    ("kind", "frm", "to"),
    [
        ("meeting", "pending", "approved"),
        ("meeting", "pending", "expired"),
        ("meeting", "approved", "cancelled"),
        ("backup", "approved", "running"),
        ("backup", "running", "failed"),
    ],
)
def test_allowed_transitions(kind: str, frm: str, to: str) -> None:
    check_transition(kind, frm, to)


@pytest.mark.parametrize(
    ("kind", "frm", "to"),
    [
        ("meeting", "approved", "running"),
        ("backup", "approved", "cancelled"),
        ("meeting", "rejected", "approved"),
        ("backup", "succeeded", "failed"),
        ("meeting", "pending", "pending"),
    ],
)
def test_refused_transitions(kind: str, frm: str, to: str) -> None:
    with pytest.raises(InvalidTransition):
        check_transition(kind, frm, to)


def test_times_are_normalised_to_utc_and_naive_times_refused() -> None:
    madrid = T0.astimezone(timezone(timedelta(hours=1)))
    assert meeting(madrid).meeting is not None
    assert meeting(madrid).meeting.start_utc.tzinfo == UTC  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        MeetingDetails(
            attendee_name="C",
            attendee_email="c@example.com",
            start_utc=datetime(2026, 11, 23, 9, 0),
            user_zone="UTC",
            duration_minutes=30,
        )


def test_meeting_details_required_exactly_for_meetings() -> None:
    with pytest.raises(ValidationError):
        Request.model_validate({**backup().model_dump(), "kind": "meeting"})
    with pytest.raises(ValidationError):
        Request.model_validate({**meeting().model_dump(), "kind": "backup"})


def test_blocks_round_outwards_so_adjacent_meetings_share_none() -> None:
    odd = meeting(T0 + timedelta(minutes=5), 20).meeting
    assert odd is not None
    assert odd.blocks() == [T0, T0 + timedelta(minutes=15)]
    first, second = meeting(T0, 30).meeting, meeting(T0 + timedelta(minutes=30), 30).meeting
    assert first is not None
    assert second is not None
    assert not set(first.blocks()) & set(second.blocks())
