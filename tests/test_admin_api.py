"""The admin API Lambda end to end on both store adapters: reads, decisions, roles and every bad input."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fulfillment.domain import Request
from tests.admin_api_support import ADMIN, OPS, VIEWER, Api
from tests.admin_api_support import api as api
from tests.request_store_support import ALICE, BOB, T0, backup, event, meeting


def filed(api: Api, request: Request) -> Request:
    return api.store.create(request, event())


def test_health_needs_no_token(api: Api) -> None:
    assert api.call("GET", "/health", claims=None) == (200, {"status": "ok"})


def test_the_full_approve_flow(api: Api) -> None:
    req = filed(api, meeting(T0))

    status, listing = api.call("GET", "/requests", query="status=pending", claims=VIEWER)
    assert status == 200
    assert [r["id"] for r in listing["items"]] == [req.id]
    assert listing["nextCursor"] is None

    status, body = api.call("POST", f"/requests/{req.id}/approve", body={"reason": "see you"})
    assert status == 200, body
    assert body["status"] == "approved"
    assert body["decision"]["by"] == "ada"
    assert api.notifier.sent == [(req.id, "approved")]

    status, detail = api.call("GET", f"/requests/{req.id}", claims=VIEWER)
    assert status == 200
    last = detail["audit"][-1]
    assert (last["actor"], last["channel"], last["fromStatus"], last["toStatus"]) == (
        "ada",
        "portal",
        "pending",
        "approved",
    )
    assert last["reason"] == "see you"

    status, calendar = api.call("GET", "/calendar", query="from=2026-11-23&to=2026-11-24", claims=VIEWER)
    assert status == 200, calendar
    assert [m["id"] for m in calendar["meetings"]] == [req.id]


def test_the_full_reject_flow_requires_a_reason(api: Api) -> None:
    req = filed(api, meeting(T0))

    status, body = api.call("POST", f"/requests/{req.id}/reject", body={})
    assert status == 422
    assert "reason" in body["message"]

    status, body = api.call("POST", f"/requests/{req.id}/reject", body={"reason": "host is away"})
    assert status == 200, body
    assert body["status"] == "rejected"
    assert body["decision"]["reason"] == "host is away"
    assert api.notifier.sent == [(req.id, "rejected")]
    # the slot is free again, and the calendar never showed it
    filed(api, meeting(T0))
    status, calendar = api.call("GET", "/calendar", query="from=2026-11-23&to=2026-11-24")
    assert calendar["meetings"] == []


def test_a_second_decision_is_a_conflict_with_the_current_status(api: Api) -> None:
    req = filed(api, meeting(T0))
    api.call("POST", f"/requests/{req.id}/approve", body={})

    status, body = api.call("POST", f"/requests/{req.id}/reject", body={"reason": "changed my mind"})

    assert status == 409
    assert body["status"] == "approved"
    assert "already approved" in body["message"]


def test_fifty_concurrent_approvals_one_wins(api: Api) -> None:
    req = filed(api, meeting(T0))
    results: list[int] = []
    start = threading.Barrier(50)

    def approve() -> None:
        start.wait()
        status, _ = api.call("POST", f"/requests/{req.id}/approve", body={})
        results.append(status)

    threads = [threading.Thread(target=approve) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [200] + [409] * 49
    decisions = [e for e in api.store.audit(req.id) if e.to_status == "approved"]
    assert len(decisions) == 1
    assert api.notifier.sent == [(req.id, "approved")]


def test_roles(api: Api) -> None:
    req = filed(api, meeting(T0))
    assert api.call("GET", "/requests", claims=None)[0] == 401
    assert api.call("GET", "/requests", claims={"username": "no-sub", "cognito:groups": ["admin"]})[0] == 401
    assert api.call("GET", "/requests", claims=OPS)[0] == 403
    assert api.call("GET", "/requests", claims=VIEWER)[0] == 200
    status, body = api.call("POST", f"/requests/{req.id}/approve", body={}, claims=VIEWER)
    assert status == 403
    assert "admin" in body["message"]
    assert api.store.get(req.id).status == "pending"  # type: ignore[union-attr]
    # API Gateway's JWT authorizer flattens the groups array into a string
    assert api.call("GET", "/requests", claims={"sub": "x", "cognito:groups": "[viewer ops]"})[0] == 200


def test_listing_filters_and_pages(api: Api) -> None:
    base = T0 - timedelta(days=3)
    mine = [
        filed(api, meeting(T0 + timedelta(hours=i), created=base + timedelta(minutes=i))) for i in range(5)
    ]
    theirs = filed(api, meeting(T0 + timedelta(days=1), requester=BOB, created=base + timedelta(minutes=9)))
    job = filed(api, backup(created=base + timedelta(minutes=7)))

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "status=pending&kind=meeting&requester=slack:U1&limit=2" + (
            f"&cursor={cursor}" if cursor else ""
        )
        status, page = api.call("GET", "/requests", query=query)
        assert status == 200, page
        assert 1 <= len(page["items"]) <= 2
        seen += [r["id"] for r in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [r.id for r in reversed(mine)]
    assert ALICE.user_id == "U1"

    status, page = api.call("GET", "/requests", query="kind=backup")
    assert [r["id"] for r in page["items"]] == [job.id]
    frm, to = (quote((base + timedelta(minutes=m)).isoformat()) for m in (8, 10))
    status, page = api.call("GET", "/requests", query=f"from={frm}&to={to}")
    assert status == 200, page
    assert [r["id"] for r in page["items"]] == [theirs.id]


def test_bad_input_is_a_clear_4xx(api: Api) -> None:
    req = filed(api, meeting(T0))
    cases = [
        ("GET", "/requests", "limit=0", None, None),
        ("GET", "/requests", "limit=abc", None, None),
        ("GET", "/requests", "status=maybe", None, None),
        ("GET", "/requests", "requester=nocolon", None, None),
        ("GET", "/requests", "cursor=not-a-cursor", None, None),
        ("GET", "/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV", "", None, None),
        ("GET", "/requests/<script>", "", None, None),
        ("POST", f"/requests/{req.id}/approve", "", {"reason": "x", "extra": 1}, None),
        ("POST", f"/requests/{req.id}/approve", "", {"reason": 5}, None),
        ("POST", f"/requests/{req.id}/reject", "", {"reason": "x" * 501}, None),
        ("POST", f"/requests/{req.id}/reject", "", None, b'{"reason": '),
        ("POST", f"/requests/{req.id}/reject", "", None, b"[1, 2]"),
        ("GET", "/calendar", "from=2026-11-23", None, None),
        ("GET", "/calendar", "from=2026-11-23&to=2026-11-22", None, None),
        ("GET", "/calendar", "from=2026-01-01&to=2026-06-01", None, None),
        ("GET", "/calendar", "from=yesterday&to=today", None, None),
        ("GET", "/calendar", "from=2000-01-01T00:00:00Z&to=0001-01-01T00:00:00%2B00:01", None, None),
        ("GET", "/requests", "to=0001-01-01T00:00:00%2B00:01", None, None),
        ("GET", "/nowhere", "", None, None),
        ("DELETE", f"/requests/{req.id}", "", None, None),
    ]
    for method, path, query, body, raw in cases:
        status, payload = api.call(method, path, query=query, body=body, raw=raw)
        assert 400 <= status < 500, (method, path, query, status, payload)
        assert isinstance(payload, dict), (path, query, payload)
        assert payload.get("message"), (path, query, payload)
        assert "Traceback" not in str(payload)
    assert api.store.get(req.id).status == "pending"  # type: ignore[union-attr]


def test_openapi_describes_every_route() -> None:
    from admin_api.routes import Services, create_resolver
    from fulfillment.domain.decisions import Decisions, NoNotifier

    nothing: Any = None
    resolver = create_resolver(Services(nothing, Decisions(nothing, NoNotifier(), nothing)))
    schema = resolver.get_openapi_schema(title="Meety admin API", version="1")
    paths = set(schema.paths or {})
    assert paths == {
        "/health",
        "/requests",
        "/requests/{request_id}",
        "/requests/{request_id}/approve",
        "/requests/{request_id}/reject",
        "/calendar",
        "/ops-audit",
    }


def test_concurrent_callers_never_see_each_others_claims(api: Api) -> None:
    """The local server resolves requests on several threads at once: a viewer's call must never run
    with an admin's claims that another thread is resolving at the same moment."""
    requests = [filed(api, meeting(T0 + timedelta(hours=h))) for h in range(8)]
    outcomes: list[tuple[str, int]] = []
    start = threading.Barrier(40)

    def call(index: int) -> None:
        start.wait()
        target = requests[index % len(requests)]
        if index % 2:
            outcomes.append(
                ("viewer", api.call("POST", f"/requests/{target.id}/approve", body={}, claims=VIEWER)[0])
            )
        else:
            outcomes.append(("admin", api.call("GET", f"/requests/{target.id}", claims=ADMIN)[0]))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == [("admin", 200), ("viewer", 403)]
    assert {api.store.get(r.id).status for r in requests} == {"pending"}  # type: ignore[union-attr]
