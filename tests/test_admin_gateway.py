"""The admin API as ``meety serve`` serves it: login, the JWT authorizer stand-in, and the proxy to the
same Lambda, through Starlette's test client."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from admin_api import handler
from admin_api.local_gateway import Gateway
from admin_api.login_limits import LoginLimiter
from admin_api.routes import Services
from admin_api.users import UserStore
from bot.runtime.http import create_app
from fulfillment.domain import SqliteRequestStore
from fulfillment.domain.decisions import Decisions, NoNotifier
from fulfillment.identity import issue_token, load_or_create_key
from tests.request_store_support import T0, event, meeting
from tests.runtime_http_support import EchoRuntime

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, Gateway, SqliteRequestStore, Clock]]:
    store = SqliteRequestStore(tmp_path / "meety.db")
    handler.use(Services(store=store, decisions=Decisions(store, NoNotifier(), lambda: NOW)))
    users = UserStore(tmp_path / "admin-users.db")
    users.create("ada", PASSWORD, "admin")
    users.create("vic", PASSWORD, "viewer")
    clock = Clock()
    gateway = Gateway(
        handler=handler.lambda_handler,
        key=load_or_create_key(tmp_path),
        users=users,
        limiter=LoginLimiter(clock=lambda: clock.now.timestamp()),
        clock=clock,
    )
    with TestClient(create_app(EchoRuntime(), threads=0, extra_routes=gateway.routes())) as client:
        yield client, gateway, store, clock
    handler.use(None)
    store.close()


def login(client: TestClient, username: str = "ada", password: str = PASSWORD) -> str:
    response = client.post("/admin/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tokenType"] == "Bearer"
    return str(body["token"])


def test_login_then_decide(setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock]) -> None:
    client, _, store, _ = setup
    req = store.create(meeting(T0), event())
    token = login(client)

    listing = client.get("/admin/api/requests?status=pending", headers={"Authorization": f"Bearer {token}"})
    approved = client.post(
        f"/admin/api/requests/{req.id}/approve", json={}, headers={"Authorization": f"Bearer {token}"}
    )

    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["items"]] == [req.id]
    assert approved.status_code == 200, approved.text
    assert store.get(req.id).status == "approved"  # type: ignore[union-attr]
    assert store.audit(req.id)[-1].actor == "ada"


def test_viewer_reads_but_cannot_decide(setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock]) -> None:
    client, _, store, _ = setup
    req = store.create(meeting(T0), event())
    auth = {"Authorization": f"Bearer {login(client, 'vic')}"}

    assert client.get(f"/admin/api/requests/{req.id}", headers=auth).status_code == 200
    refused = client.post(f"/admin/api/requests/{req.id}/approve", json={}, headers=auth)
    assert refused.status_code == 403
    assert store.get(req.id).status == "pending"  # type: ignore[union-attr]


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_every_bad_token_is_a_401(setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock]) -> None:
    client, gateway, _, clock = setup
    good = login(client)
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    other_key = b"k" * 32
    cases = {
        "missing": None,
        "not bearer": f"Basic {good}",
        "empty": "Bearer ",
        "malformed": "Bearer not.a.jwt",
        "wrong signature": f"Bearer {issue_token(other_key, 'ada', ['admin'], NOW)}",
        "alg none": f"Bearer {_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "tampered claims": f"Bearer {header}.{_b64({**claims, 'username': 'eve'})}.{signature}",
        "expired": f"Bearer {issue_token(gateway.key, 'ada', ['admin'], NOW - timedelta(hours=1))}",
    }
    for name, value in cases.items():
        headers = {} if value is None else {"Authorization": value}
        response = client.get("/admin/api/requests", headers=headers)
        assert response.status_code == 401, name
        assert response.json()["message"].startswith("Unauthorized"), name
    clock.now = NOW + timedelta(minutes=16)  # the token from login has expired
    assert client.get("/admin/api/requests", headers={"Authorization": f"Bearer {good}"}).status_code == 401


def test_public_routes_and_size_limits(setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock]) -> None:
    client, _, _, _ = setup
    assert client.get("/admin/api/health").json() == {"status": "ok"}
    schema = client.get("/admin/api/openapi.json")
    assert schema.status_code == 200
    assert "/requests/{request_id}/approve" in schema.json()["paths"]
    token = login(client)
    big = client.post(
        "/admin/api/requests/01ARZ3NDEKTSV4RRFFQ69G5FAV/reject",
        content=b"{" + b" " * (70 * 1024) + b"}",
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert big.status_code == 413


def test_failed_logins_are_limited(setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock]) -> None:
    client, _, _, clock = setup
    for _ in range(5):
        wrong = client.post("/admin/api/login", json={"username": "ada", "password": "nope nope nope"})
        assert wrong.status_code == 401
        assert wrong.json() == {"message": "wrong username or password"}
    blocked = client.post("/admin/api/login", json={"username": "ada", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    clock.now = NOW + timedelta(minutes=16)
    assert client.post("/admin/api/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"username": "ada"}',
        b'{"username": 1, "password": 2}',
        b'{"username": "ada", "password": "x", "extra": 1}',
    ],
)
def test_bad_login_bodies_are_400(
    setup: tuple[TestClient, Gateway, SqliteRequestStore, Clock], body: bytes
) -> None:
    client, _, _, _ = setup
    response = client.post("/admin/api/login", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"]
