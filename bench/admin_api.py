"""Benchmark: the admin queue (list pending, newest first) with 100,000 stored requests on SQLite.

Fills a fresh SQLite store (a mix of meeting and backup requests, ~30% still pending, the rest decided
through the store's own transitions), then times, side by side:

- the store call alone (``list_requests(status=pending, limit=50)``), the baseline;
- the admin API Lambda resolving the same request as an API Gateway HTTP API v2 event (routing,
  validation, claims, serialisation): what the budget names;
- following the cursor: the 2nd to 20th pages.

    .venv/bin/python bench/admin_api.py [--requests 100000] [--record]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ulid import ULID  # noqa: E402

from admin_api import handler  # noqa: E402
from admin_api.events import http_api_event  # noqa: E402
from admin_api.routes import Services  # noqa: E402
from fulfillment.domain import (  # noqa: E402
    AuditEvent,
    MeetingDetails,
    Request,
    Requester,
    RequestQuery,
    SqliteRequestStore,
)
from fulfillment.domain.decisions import Decisions, NoNotifier  # noqa: E402

BUDGET_P50_MS = 5.0
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CLAIMS = {"sub": "bench", "username": "bench", "cognito:groups": ["viewer"]}


def fill(store: SqliteRequestStore, count: int) -> int:
    pending = 0
    for index in range(count):
        created = T0 + timedelta(seconds=index * 7)
        who = Requester(channel="web", user_id=f"s{index % 5000}", display_name=f"user {index % 5000}")
        meeting = None
        if index % 2 == 0:  # meetings on distinct 15-minute blocks, so none collide
            meeting = MeetingDetails(
                attendee_name="Jane Doe",
                attendee_email="jane@example.com",
                start_utc=T0 + timedelta(days=30, minutes=15 * index),
                user_zone="Europe/Madrid",
                duration_minutes=15,
            )
        request = Request(
            id=str(ULID.from_datetime(created)),
            kind="meeting" if meeting else "backup",
            status="pending",
            requester=who,
            locale="en_US",
            created_at=created,
            updated_at=created,
            meeting=meeting,
        )
        audit = AuditEvent(
            request_id="",
            at=created,
            actor=who.user_id,
            action="requested",
            to_status="pending",
            channel="web",
        )
        store.create(request, audit)
        if index % 10 < 3:
            pending += 1
            continue
        to = "approved" if index % 10 < 7 else "rejected"
        decision = AuditEvent(
            request_id="", at=created, actor="admin", action=to, to_status=to, channel="portal"
        )
        store.transition(request.id, to, decision, expected="pending")  # type: ignore[arg-type]
    return pending


def timed(fn: object, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - began) * 1000)
    return out


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_ms": statistics.median(ordered), "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteRequestStore(Path(folder) / "bench.db")
        began = time.perf_counter()
        pending = fill(store, args.requests)
        fill_s = time.perf_counter() - began
        handler.use(Services(store=store, decisions=Decisions(store, NoNotifier(), lambda: T0)))
        query = RequestQuery(status="pending")
        event = http_api_event(
            method="GET", path="/admin/api/requests", raw_query="status=pending&limit=50", claims=CLAIMS
        )

        def via_api() -> None:
            result = handler.lambda_handler(event, None)
            assert result["statusCode"] == 200

        first = store.list_requests(query, limit=50)
        cursors = [first.cursor]
        for _ in range(19):
            page = store.list_requests(query, limit=50, cursor=cursors[-1])
            cursors.append(page.cursor)

        def deep_pages() -> None:
            for cursor in cursors[:19]:
                store.list_requests(query, limit=50, cursor=cursor)

        for _ in range(20):  # warm caches
            via_api()
        results = {
            "requests": args.requests,
            "pending": pending,
            "fill_s": round(fill_s, 1),
            "store_list_pending": summary(timed(lambda: store.list_requests(query, limit=50), args.runs)),
            "api_list_pending": summary(timed(via_api, args.runs)),
            "store_pages_2_to_20_each": summary(
                [t / 19 for t in timed(deep_pages, max(20, args.runs // 10))]
            ),
        }
        store.close()
        handler.use(None)
    print(f"{args.requests} requests ({pending} pending), filled in {results['fill_s']} s")
    for name in ("store_list_pending", "api_list_pending", "store_pages_2_to_20_each"):
        stats = results[name]
        print(f"  {name}: p50 {stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms")  # type: ignore[index]
    print(f"  budget: admin API list pending p50 <= {BUDGET_P50_MS} ms")
    if args.record:
        out = ROOT / "bench" / "results" / "admin_api.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
