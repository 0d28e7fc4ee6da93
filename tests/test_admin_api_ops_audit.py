"""GET /ops-audit, the bot's ops answers and refusals for admins to read, on both audit adapters.

The audit log sits where production puts it, beside the request store: SQLite in the store's own file,
DynamoDB in its table (moto). Entries carry a token subject and a chat session id, which the API must
never show; the default window is the week up to the routes' clock, which a test can move.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from admin_api import handler
from admin_api.routes import Services
from fulfillment.domain import DynamoRequestStore, RequestStore, SqliteRequestStore
from fulfillment.domain.decisions import Decisions
from fulfillment.domain.dynamodb_ops_audit import DynamoOpsAudit
from fulfillment.domain.ops_audit import ANONYMOUS, OpsAuditEntry, OpsAuditLog, Outcome
from fulfillment.domain.sqlite_ops_audit import SqliteOpsAudit
from tests.admin_api_support import ADMIN, NOW, OPS, VIEWER, Api, RecordingNotifier
from tests.request_store_support import ADAPTERS, TABLE, SerialClient, backup, dynamodb_client, event

FIELDS = {"id", "at", "intent", "outcome", "actor", "channel", "detail", "request_id"}
REQUEST_ID = "01KAJ3Q8W6V0M5N2C4B7X9Z1RT"
SESSION = "sess-4f1c-private"
"""Every seeded entry's chat session id: it must never appear in an answer."""


@dataclass
class Clock:
    """The routes' clock (the decisions' clock), movable by a test."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class OpsApi:
    api: Api
    audit: OpsAuditLog
    clock: Clock
    break_storage: Callable[[], None]
    serve: Callable[[OpsAuditLog | None], None] = field(repr=False)

    def get(self, query: str = "", claims: dict[str, Any] | None = VIEWER) -> tuple[int, Any]:
        return self.api.call("GET", "/ops-audit", query=query, claims=claims)

    def add(self, *entries: OpsAuditEntry) -> list[str]:
        for entry in entries:
            self.audit.record(entry)
        return [e.id for e in entries]


@pytest.fixture(params=ADAPTERS)
def ops(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpsApi]:
    clock = Clock()
    notifier = RecordingNotifier()

    def build(store: RequestStore, audit: OpsAuditLog, break_storage: Callable[[], None]) -> OpsApi:
        def serve(log: OpsAuditLog | None) -> None:
            handler.use(Services(store=store, decisions=Decisions(store, notifier, clock), ops_audit=log))

        serve(audit)
        return OpsApi(Api(store, notifier), audit, clock, break_storage, serve)

    if request.param == "sqlite":
        path = tmp_path / "meety.db"
        store = SqliteRequestStore(path)
        audit = SqliteOpsAudit(path)

        def drop_table() -> None:
            with closing(sqlite3.connect(path)) as other:
                other.execute("DROP TABLE ops_audit")

        try:
            yield build(store, audit, drop_table)
        finally:
            handler.use(None)
            audit.close()
            store.close()
        return
    with dynamodb_client() as client:
        serial = SerialClient(client)
        try:
            yield build(
                DynamoRequestStore(TABLE, serial),
                DynamoOpsAudit(TABLE, serial),
                lambda: client.delete_table(TableName=TABLE),
            )
        finally:
            handler.use(None)


def entry(
    at: datetime,
    intent: str = "DeployStatus",
    *,
    outcome: Outcome = "answered",
    actor: str = "ada",
    detail: str | None = None,
    request_id: str | None = None,
) -> OpsAuditEntry:
    return OpsAuditEntry.new(
        at=at,
        intent=intent,
        outcome=outcome,
        actor=actor,
        subject=None if actor == ANONYMOUS else f"subject-of-{actor}",
        channel="web",
        session_id=SESSION,
        detail=detail,
        request_id=request_id,
    )


def ids(body: Any) -> list[str]:
    return [item["id"] for item in body["items"]]


def walk(ops: OpsApi, query: str, *, between: Callable[[], None] | None = None) -> tuple[list[str], int]:
    """Every id of a listing, page by page through the cursors; and how many pages it took."""
    seen: list[str] = []
    cursor: str | None = None
    for pages in range(1, 50):
        status, body = ops.get(query + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, body
        seen += ids(body)
        cursor = body["cursor"]
        if cursor is None:
            return seen, pages
        assert len(cursor) <= 512  # what the route accepts back
        if between:
            between()
    raise AssertionError("the cursors never ended")


# ---------------------------------------------------------------- reading


def test_the_last_seven_days_newest_first_by_default(ops: OpsApi) -> None:
    inside = ops.add(
        entry(
            NOW - timedelta(days=7), "AlarmStatus", outcome="refused", actor=ANONYMOUS
        ),  # the first instant
        entry(NOW - timedelta(days=2), "BackupStatus"),
        entry(NOW - timedelta(minutes=5), "RequestBackup", outcome="filed", request_id=REQUEST_ID),
        entry(NOW - timedelta(microseconds=1), "DeployStatus", outcome="failed", detail="pipeline=web"),
    )
    ops.add(
        entry(NOW - timedelta(days=7, microseconds=1)),  # just too old
        entry(NOW),  # "to" is exclusive, and defaults to now
        entry(NOW + timedelta(hours=1)),
    )

    status, body = ops.get()

    assert status == 200, body
    assert ids(body) == list(reversed(inside))
    assert body["cursor"] is None
    assert all(set(item) == FIELDS for item in body["items"])
    newest, filed, _, refused = body["items"]
    assert (newest["intent"], newest["outcome"], newest["actor"], newest["channel"]) == (
        "DeployStatus",
        "failed",
        "ada",
        "web",
    )
    assert newest["detail"] == "pipeline=web"
    assert datetime.fromisoformat(newest["at"]) == NOW - timedelta(microseconds=1)
    assert filed["request_id"] == REQUEST_ID
    assert (refused["actor"], refused["outcome"], refused["detail"], refused["request_id"]) == (
        ANONYMOUS,
        "refused",
        None,
        None,
    )


def test_the_answer_never_shows_subject_or_session(ops: OpsApi) -> None:
    ops.add(entry(NOW - timedelta(hours=1)), entry(NOW - timedelta(hours=2), actor="grace"))

    status, body = ops.get(claims=ADMIN)

    assert status == 200
    assert len(body["items"]) == 2
    raw = json.dumps(body)
    for hidden in ("subject", "session", SESSION, "subject-of-ada", "subject-of-grace"):
        assert hidden not in raw
    schema = ops.api.call("GET", "/openapi.json")[1]
    shown = schema["components"]["schemas"]["OpsAuditOut"]["properties"]
    assert set(shown) == FIELDS


def test_roles(ops: OpsApi) -> None:
    ops.add(entry(NOW - timedelta(hours=1)))
    assert ops.get(claims=VIEWER)[0] == 200
    assert ops.get(claims=ADMIN)[0] == 200
    status, body = ops.get(claims=OPS)
    assert status == 403
    assert "viewer" in body["message"]
    status, body = ops.get(claims=None)
    assert status == 401
    assert "sign in" in body["message"]
    assert ops.get(claims={"username": "no-sub", "cognito:groups": ["admin"]})[0] == 401


def test_from_and_to_choose_the_window(ops: OpsApi) -> None:
    day = NOW.replace(hour=0) - timedelta(days=30)  # 2026-10-21T00:00Z
    before, first, last, after = ops.add(
        entry(day - timedelta(microseconds=1)),
        entry(day),
        entry(day + timedelta(days=2) - timedelta(microseconds=1)),
        entry(day + timedelta(days=2)),
    )

    status, body = ops.get("from=2026-10-21&to=2026-10-23")  # bare dates: midnight UTC
    assert status == 200, body
    assert ids(body) == [last, first]

    frm, to = quote("2026-10-20T20:00:00-04:00"), quote("2026-10-22T20:00:00-04:00")  # the same instants
    assert ids(ops.get(f"from={frm}&to={to}")[1]) == [last, first]

    # only "to": the week before it; only "from": up to now
    assert ids(ops.get("to=2026-10-21T00:00:00Z")[1]) == [before]
    status, body = ops.get("from=2026-10-22")
    assert status == 200, body
    assert ids(body) == [after, last]


def test_paging_walks_everything_once(ops: OpsApi) -> None:
    written = ops.add(*(entry(NOW - timedelta(hours=h), f"Intent{h}") for h in range(1, 8)))
    # two at the same instant: the id orders them, and the pages neither skip nor repeat one
    twins = ops.add(entry(NOW - timedelta(days=1)), entry(NOW - timedelta(days=1)))

    seen, pages = walk(ops, "limit=3")

    assert seen == written + sorted(twins, reverse=True)
    assert pages == 3
    assert walk(ops, "limit=100")[0] == seen
    assert walk(ops, "limit=1")[1] == 9


def test_paging_the_default_window_survives_a_moving_clock(ops: OpsApi) -> None:
    """The cursor keeps the window of page one: new entries and the passing hour do not shift the pages."""
    written = ops.add(*(entry(NOW - timedelta(hours=h)) for h in range(1, 6)))

    def an_hour_passes() -> None:
        ops.clock.now += timedelta(hours=1)
        ops.add(entry(ops.clock.now - timedelta(minutes=1), "LateIntent"))

    seen, pages = walk(ops, "limit=2", between=an_hour_passes)

    assert (seen, pages) == (written, 3)
    # a fresh first page sees the new entries
    assert ops.get("limit=2")[1]["items"][0]["intent"] == "LateIntent"


# ---------------------------------------------------------------- refusals


def test_bad_cursors_are_400(ops: OpsApi) -> None:
    ops.add(*(entry(NOW - timedelta(hours=h)) for h in range(1, 5)))
    cursor = ops.get("limit=2")[1]["cursor"]
    assert cursor
    ops.api.store.create(backup(), event())
    ops.api.store.create(backup(created=NOW - timedelta(hours=1)), event())
    listing = ops.api.call("GET", "/requests", query="limit=1")[1]["nextCursor"]
    assert listing

    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["f"] = (NOW - timedelta(days=8)).isoformat()  # a wider window than the store's cursor was for
    edited = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    payload["c"] = listing  # a request-listing cursor inside a well-formed wrapper
    foreign = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    for bad in ("not-a-cursor", "e30", "!!!", listing, edited, foreign, cursor[:-4]):
        status, body = ops.get(f"limit=2&cursor={quote(bad)}")
        assert status == 400, (bad, body)
        assert "cursor" in body["message"]

    # the same cursor with another window is refused; with the same window stated again it works
    status, body = ops.get(f"limit=2&from=2026-11-01&cursor={cursor}")
    assert status == 400
    assert "cursor" in body["message"]
    window = "from=" + quote((NOW - timedelta(days=7)).isoformat()) + "&to=" + quote(NOW.isoformat())
    status, body = ops.get(f"limit=2&{window}&cursor={cursor}")
    assert status == 200, body
    assert len(body["items"]) == 2


def test_bad_windows_and_limits_are_4xx(ops: OpsApi) -> None:
    cases = {
        "from=2026-01-01&to=2026-06-01": 400,  # more than 92 days
        "from=2026-08-19&to=2026-11-20T00:00:00.000001Z": 400,  # 92 days and a microsecond
        "from=2026-11-20&to=2026-11-19": 400,
        "from=2026-11-20&to=2026-11-20": 400,
        "from=2026-12-01": 400,  # after now, the default "to"
        "to=0001-01-03T00:00:00Z": 400,  # a week before it is before the first representable day
        "from=0999-12-31&to=1000-01-02": 400,
        "to=0001-01-01T00:00:00%2B00:01": 400,
        "from=yesterday": 422,
        "limit=0": 422,
        "limit=101": 422,
        "limit=abc": 422,
    }
    for query, expected in cases.items():
        status, body = ops.get(query)
        assert status == expected, (query, status, body)
        assert body["message"], query
        assert "Traceback" not in str(body)
    status, body = ops.get("from=2026-08-20&to=2026-11-20")  # exactly 92 days is fine
    assert status == 200, body


def test_a_store_failure_is_503_without_internals(ops: OpsApi, caplog: pytest.LogCaptureFixture) -> None:
    ops.add(entry(NOW - timedelta(hours=1)))
    ops.break_storage()

    status, body = ops.get()

    assert status == 503
    assert body == {"message": "the ops audit log is unavailable; try again shortly"}
    assert "ops audit failure: StoreError" in caplog.text


def test_without_an_ops_audit_log_it_is_503(ops: OpsApi) -> None:
    ops.serve(None)

    status, body = ops.get()

    assert status == 503
    assert "not configured" in body["message"]
    assert ops.get(claims=OPS)[0] == 403  # roles are still checked first
    assert ops.api.call("GET", "/requests", claims=VIEWER)[0] == 200  # the rest of the API is unaffected


# ---------------------------------------------------------------- description


def test_openapi_describes_the_route(ops: OpsApi) -> None:
    status, schema = ops.api.call("GET", "/openapi.json", claims=None)
    assert status == 200
    operation = schema["paths"]["/ops-audit"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"from", "to", "limit", "cursor"}
    assert all(p["in"] == "query" and not p.get("required") for p in params.values())
    assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (1, 100)
    # the bearer scheme applies to it as to every other route but /health
    assert schema["security"] == [{"bearer": []}]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "security" not in operation or operation["security"] == [{"bearer": []}]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/OpsAuditPageOut"}
    assert set(schema["components"]["schemas"]["OpsAuditPageOut"]["properties"]) == {"items", "cursor"}
