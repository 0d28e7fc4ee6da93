"""Driving the admin API Lambda with HTTP API v2 events, on either store adapter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from admin_api import handler
from admin_api.events import http_api_event
from admin_api.routes import Services
from fulfillment.domain import DynamoRequestStore, Request, RequestStore, SqliteRequestStore, create_table
from fulfillment.domain.decisions import Decisions, Outcome
from tests.request_store_support import SerialClient

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ADMIN = {"sub": "u-admin", "username": "ada", "cognito:groups": ["admin"]}
VIEWER = {"sub": "u-viewer", "username": "vic", "cognito:groups": ["viewer"]}
OPS = {"sub": "u-ops", "username": "otto", "cognito:groups": ["ops"]}


@dataclass
class RecordingNotifier:
    sent: list[tuple[str, Outcome]] = field(default_factory=list)

    def notify(self, request: Request, outcome: Outcome) -> None:
        self.sent.append((request.id, outcome))


@dataclass
class Api:
    store: RequestStore
    notifier: RecordingNotifier

    def call(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: Any = None,
        claims: dict[str, Any] | None = ADMIN,
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        event = http_api_event(
            method=method,
            path=f"/admin/api{path}",
            raw_query=query,
            headers=[("content-type", "application/json")],
            body=data,
            claims=claims,
        )
        result = handler.lambda_handler(event, None)
        text = result.get("body") or ""
        try:
            payload = json.loads(text)
        except ValueError:
            payload = text
        return int(result["statusCode"]), payload


@pytest.fixture(params=["sqlite", "dynamodb"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    notifier = RecordingNotifier()

    def serve(store: RequestStore) -> Api:
        handler.use(Services(store=store, decisions=Decisions(store, notifier, lambda: NOW)))
        return Api(store, notifier)

    if request.param == "sqlite":
        sqlite = SqliteRequestStore(tmp_path / "admin.db")
        yield serve(sqlite)
        handler.use(None)
        sqlite.close()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, "meety-admin")
        yield serve(DynamoRequestStore("meety-admin", SerialClient(client)))
        handler.use(None)
