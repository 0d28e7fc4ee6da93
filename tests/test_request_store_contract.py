"""One contract, two adapters: SQLite (tmp file) and DynamoDB (moto) must behave identically."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fulfillment.domain import RequestStore, SlotTaken, Status, TransitionConflict, expire_due
from fulfillment.domain.errors import InvalidTransition, RequestNotFound
from tests.request_store_support import ALICE, BOB, T0, backup, decide, event, meeting
from tests.request_store_support import store as store

# -- create / get ---------------------------------------------------------------------------------------


def test_create_then_get_returns_the_same_request(store: RequestStore) -> None:
    req = meeting()
    assert store.create(req, event()) == req
    assert store.get(req.id) == req
    assert store.get("01NOTTHERE") is None


def test_same_idempotency_key_twice_returns_the_first_request(store: RequestStore) -> None:
    first = store.create(meeting(key="lex-turn-1"), event())
    retry = store.create(meeting(key="lex-turn-1"), event())
    assert retry == first
    assert store.list_by_requester("slack", "U1", ["pending"]) == [first]
    assert len(store.audit(first.id)) == 1


def test_idempotent_replay_of_a_backup_without_slot(store: RequestStore) -> None:
    first = backup()
    store.create(first.model_copy(update={"idempotency_key": "k"}), event())
    again = store.create(backup().model_copy(update={"idempotency_key": "k"}), event())
    assert again.id == first.id


# -- slot holds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        (T0, 30),
        (T0 + timedelta(minutes=15), 60),
        (T0 - timedelta(minutes=15), 30),
        (T0 + timedelta(minutes=5), 5),
    ],
)
def test_overlapping_meeting_is_refused(store: RequestStore, start: datetime, minutes: int) -> None:
    store.create(meeting(T0, 30), event())
    with pytest.raises(SlotTaken):
        store.create(meeting(start, minutes, requester=BOB), event())


def test_adjacent_meetings_are_allowed(store: RequestStore) -> None:
    store.create(meeting(T0, 30), event())
    store.create(meeting(T0 + timedelta(minutes=30), 30), event())
    store.create(meeting(T0 - timedelta(minutes=60), 60), event())
    assert len(store.busy_between(T0 - timedelta(hours=2), T0 + timedelta(hours=2))) == 3


@pytest.mark.parametrize("to", ["cancelled", "rejected", "expired"])
def test_leaving_pending_frees_the_slot(store: RequestStore, to: Status) -> None:
    first = store.create(meeting(), event())
    decide(store, first, to)
    assert store.busy_between(T0, T0 + timedelta(hours=1)) == []
    second = store.create(meeting(requester=BOB), event())
    assert store.get(second.id) == second


def test_approved_meeting_keeps_then_frees_its_slot_on_cancel(store: RequestStore) -> None:
    first = store.create(meeting(), event())
    decide(store, first, "approved")
    with pytest.raises(SlotTaken):
        store.create(meeting(requester=BOB), event())
    decide(store, first, "cancelled", expected="approved")
    store.create(meeting(requester=BOB), event())


def test_failed_create_writes_nothing(store: RequestStore) -> None:
    store.create(meeting(T0, 30), event())
    loser = meeting(T0 - timedelta(minutes=30), 60, requester=BOB, key="bob-1")
    with pytest.raises(SlotTaken):
        store.create(loser, event())
    assert store.get(loser.id) is None
    assert store.audit(loser.id) == []
    assert store.list_by_requester("web", "U2", ["pending"]) == []
    # Its would-be hold on the free 08:30 block was not written, and its idempotency key is unused.
    assert store.busy_between(T0 - timedelta(minutes=30), T0) == []
    fresh = store.create(meeting(T0 - timedelta(minutes=30), 30, requester=BOB, key="bob-1"), event())
    assert fresh.id != loser.id


def test_busy_between_lists_held_spans_overlapping_the_window(store: RequestStore) -> None:
    store.create(meeting(T0, 30), event())
    store.create(meeting(T0 + timedelta(minutes=50), 25), event())
    night = meeting(T0.replace(hour=23, minute=30), 60)  # crosses midnight into the next day partition
    store.create(night, event())
    cancelled = store.create(meeting(T0 + timedelta(hours=3), 30), event())
    decide(store, cancelled, "cancelled")
    assert store.busy_between(T0, T0 + timedelta(hours=4)) == [
        (T0, T0 + timedelta(minutes=30)),
        (T0 + timedelta(minutes=50), T0 + timedelta(minutes=75)),
    ]
    # Over-fetched block 09:45 (held by the 09:50 meeting) is filtered by exact overlap.
    assert store.busy_between(T0 + timedelta(minutes=30), T0 + timedelta(minutes=50)) == []
    next_day = T0.replace(hour=0) + timedelta(days=1)
    assert store.busy_between(next_day, next_day + timedelta(hours=1)) == [
        (T0.replace(hour=23, minute=30), next_day + timedelta(minutes=30))
    ]


# -- transitions ----------------------------------------------------------------------------------------


def test_second_decision_conflicts_with_the_current_status(store: RequestStore) -> None:
    req = store.create(meeting(), event())
    approved = decide(store, req, "approved")
    assert approved.status == "approved"
    assert approved.decision is not None
    assert approved.decision.by == "admin"
    with pytest.raises(TransitionConflict) as info:
        decide(store, req, "rejected")
    assert info.value.current_status == "approved"
    assert store.get(req.id) == approved


def test_illegal_transition_and_missing_request(store: RequestStore) -> None:
    req = store.create(meeting(), event())
    with pytest.raises(InvalidTransition):
        decide(store, req, "running")
    with pytest.raises(RequestNotFound):
        store.transition("01MISSING", "approved", event(), expected="pending")
    assert store.get(req.id) == req


def test_backup_runs_through_to_success(store: RequestStore) -> None:
    req = store.create(backup(), event())
    decide(store, req, "approved")
    decide(store, req, "running", expected="approved")
    done = decide(store, req, "succeeded", expected="running")
    assert done.status == "succeeded"
    assert [(e.from_status, e.to_status) for e in store.audit(req.id)] == [
        (None, "pending"),
        ("pending", "approved"),
        ("approved", "running"),
        ("running", "succeeded"),
    ]


def test_audit_trail_is_stamped_and_ordered(store: RequestStore) -> None:
    req = store.create(meeting(), event())
    decide(store, req, "approved")
    decide(store, req, "cancelled", expected="approved")
    trail = store.audit(req.id)
    assert [e.action for e in trail] == ["create", "approved", "cancelled"]
    assert {e.request_id for e in trail} == {req.id}
    assert trail[1].actor == "admin"


# -- listings -------------------------------------------------------------------------------------------


def test_list_by_status_pages_newest_first(store: RequestStore) -> None:
    created = [store.create(backup(created=T0 + timedelta(minutes=i)), event()).id for i in range(5)]
    store.create(meeting(), event())  # older than every backup: comes last
    seen: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = store.list_by_status("pending", limit=2, cursor=cursor)
        seen.append([r.id for r in page.items])
        cursor = page.cursor
        if cursor is None:
            break
    flat = [i for p in seen for i in p]
    assert [len(p) for p in seen] == [2, 2, 2]
    assert flat[:5] == list(reversed(created))
    assert store.list_by_status("approved").items == ()


def test_list_by_status_exact_multiple_ends_without_empty_page(store: RequestStore) -> None:
    for i in range(4):
        store.create(backup(created=T0 + timedelta(minutes=i)), event())
    first = store.list_by_status("pending", limit=2)
    second = store.list_by_status("pending", limit=2, cursor=first.cursor)
    assert len(second.items) == 2
    assert second.cursor is None


def test_list_by_requester_filters_and_orders_soonest_first(store: RequestStore) -> None:
    late = store.create(meeting(T0 + timedelta(days=2)), event())
    soon = store.create(meeting(T0 + timedelta(hours=1)), event())
    gone = store.create(meeting(T0 + timedelta(hours=5)), event())
    decide(store, gone, "cancelled")
    job = store.create(backup(), event())
    store.create(meeting(T0 + timedelta(hours=3), requester=BOB), event())
    mine = store.list_by_requester(ALICE.channel, ALICE.user_id, ["pending", "approved"])
    assert [r.id for r in mine] == [soon.id, late.id, job.id]
    assert [r.id for r in store.list_by_requester("slack", "U1", ["cancelled"])] == [gone.id]
    assert store.list_by_requester("slack", "U1", []) == []


# -- expiry ---------------------------------------------------------------------------------------------


def test_expiry_expires_only_due_pending_requests_and_frees_their_slots(store: RequestStore) -> None:
    now = T0 - timedelta(days=1)
    due = store.create(meeting(T0).model_copy(update={"expires_at": now - timedelta(seconds=1)}), event())
    later = store.create(
        meeting(T0 + timedelta(hours=2)).model_copy(update={"expires_at": now + timedelta(days=1)}), event()
    )
    decided = store.create(
        meeting(T0 + timedelta(hours=4)).model_copy(update={"expires_at": now - timedelta(days=1)}), event()
    )
    decide(store, decided, "approved")
    forever = store.create(backup(), event())  # no expires_at: never expires

    expired = expire_due(store, now, page_size=1)

    assert [r.id for r in expired] == [due.id]
    assert store.get(due.id).status == "expired"  # type: ignore[union-attr]
    assert {store.get(r.id).status for r in (later, forever)} == {"pending"}  # type: ignore[union-attr]
    assert store.get(decided.id).status == "approved"  # type: ignore[union-attr]
    trail = store.audit(due.id)
    assert (trail[-1].actor, trail[-1].channel, trail[-1].to_status) == ("system:expiry", "system", "expired")
    assert trail[-1].reason == "no decision within the pending period"
    # the slot is free again: the same time can be requested anew
    store.create(meeting(T0), event())
    assert expire_due(store, now) == []  # a second sweep finds nothing


def test_expiry_says_when_the_meeting_time_passed(store: RequestStore) -> None:
    req = store.create(meeting(T0).model_copy(update={"expires_at": T0}), event())

    [expired] = expire_due(store, T0 + timedelta(minutes=1))

    assert expired.id == req.id
    assert store.audit(req.id)[-1].reason == "the meeting time passed before anyone decided"
