"""Twenty callers racing for one slot (or one decision): exactly one wins, on both adapters.

moto's DynamoDB is not thread-safe: ``transact_write_items`` checks conditions and then applies the writes
without a lock, so under 20 real threads moto itself lets two transactions win and raises
``RuntimeError: dictionary changed size during iteration`` from its own tables (measured: 10/10 runs broken,
shared or per-thread clients). Real DynamoDB executes each transaction atomically, so the DynamoDB variant
wraps the client in ``SerialClient``: one API call at a time, which is the guarantee DynamoDB gives and moto
lacks. The threads still interleave between calls (e.g. a transition's read and its conditional write), so
the store's own logic is what decides the winner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from fulfillment.domain import Requester, RequestStore, Status, TransitionConflict
from tests.request_store_support import ADAPTERS, T0, SerialClient, event, meeting, open_store

THREADS = 20


@pytest.fixture(params=ADAPTERS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RequestStore]:
    """The shared two-adapter store, with the DynamoDB client serialized (see above)."""
    yield from open_store(request.param, tmp_path, wrap=SerialClient)


def race(action: Callable[[int], object]) -> list[str]:
    """Run ``action(i)`` on THREADS threads released together; return each outcome's class name."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            action(i)
            result = "ok"
        except Exception as exc:
            result = type(exc).__name__
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_twenty_requests_for_one_slot_exactly_one_wins(store: RequestStore) -> None:
    requests = [
        meeting(requester=Requester(channel="web", user_id=f"u{i}", display_name=f"User {i}"))
        for i in range(THREADS)
    ]
    outcomes = race(lambda i: store.create(requests[i], event()))
    assert outcomes == ["SlotTaken"] * (THREADS - 1) + ["ok"]
    holders = [r for r in requests if store.get(r.id) is not None]
    assert len(holders) == 1
    winner = holders[0].meeting
    assert winner is not None
    assert store.busy_between(T0, T0 + timedelta(hours=1)) == [(T0, winner.end_utc)]


def test_twenty_retries_with_one_idempotency_key_create_one_request(store: RequestStore) -> None:
    requests = [meeting(key="lex-turn-42") for _ in range(THREADS)]
    results: list[str] = []
    outcomes = race(lambda i: results.append(store.create(requests[i], event()).id))
    assert outcomes == ["ok"] * THREADS
    assert len(set(results)) == 1
    assert len(store.list_by_requester("slack", "U1", ["pending"])) == 1


def test_twenty_concurrent_decisions_exactly_one_applies(store: RequestStore) -> None:
    req = store.create(meeting(), event())
    verdicts: list[Status] = ["approved" if i % 2 else "rejected" for i in range(THREADS)]
    outcomes = race(
        lambda i: store.transition(
            req.id, verdicts[i], event(verdicts[i], to=verdicts[i]), expected="pending"
        )
    )
    assert outcomes == ["TransitionConflict"] * (THREADS - 1) + ["ok"]
    final = store.get(req.id)
    assert final is not None
    assert final.status in ("approved", "rejected")
    assert len(store.audit(req.id)) == 2
    with pytest.raises(TransitionConflict):
        store.transition(req.id, "cancelled", event(), expected="pending")
