"""Shared setup for the ops intents' tests: an app with an ops context, staff tokens, recorded events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.runtime.codehook import LocalLambdaContext, check_reply
from fulfillment.app import App
from fulfillment.domain.sqlite_ops_audit import SqliteOpsAudit
from fulfillment.handler import lambda_handler
from fulfillment.identity import LocalVerifier, Role, issue_token, load_or_create_key
from fulfillment.ops_context import OpsClients, OpsContext
from fulfillment.targets import parse_backup_targets
from tests.fulfillment_support import make_app
from tests.runtime_support import NOW, meety_bot

EVENTS = Path(__file__).parent / "events"
PIPELINES = ("web-app", "payments-api")
TARGETS = "rds:orders-db,aurora:analytics,dynamodb:customer-sessions"


@dataclass
class Clients:
    """``OpsClients`` over given (stubbed or moto) clients; asking for one not given fails the test."""

    pipeline: Any = None
    watch: Any = None
    rds_client: Any = None
    dynamodb_client: Any = None

    def codepipeline(self) -> Any:
        return _given(self.pipeline, "codepipeline")

    def cloudwatch(self) -> Any:
        return _given(self.watch, "cloudwatch")

    def rds(self) -> Any:
        return _given(self.rds_client, "rds")

    def dynamodb(self) -> Any:
        return _given(self.dynamodb_client, "dynamodb")


def _given(client: Any, name: str) -> Any:
    assert client is not None, f"this test did not expect a {name} call"
    return client


@dataclass(frozen=True)
class OpsWorld:
    app: App
    key: bytes
    audit: SqliteOpsAudit

    def token(self, *roles: Role, username: str = "dana", now: datetime = NOW) -> str:
        return issue_token(self.key, username, roles, now, subject=f"sub-{username}")

    def entries(self) -> list[Any]:
        """The ops audit, oldest first."""
        page = self.audit.recent(since=NOW - timedelta(days=30), until=NOW + timedelta(days=30), limit=100)
        return list(reversed(page.items))


def ops_world(
    tmp_path: Path,
    clients: OpsClients,
    *,
    pipelines: Iterable[str] = PIPELINES,
    targets: str = TARGETS,
    now: datetime = NOW,
) -> OpsWorld:
    db = tmp_path / "ops.db"
    key = load_or_create_key(tmp_path / "data")
    audit = SqliteOpsAudit(db)
    ops = OpsContext(
        pipelines=tuple(pipelines),
        targets=parse_backup_targets(targets),
        clients=clients,
        verifier=LocalVerifier(key),
        audit=audit,
        token_clock=lambda: now,
    )
    return OpsWorld(app=replace(make_app(db, now), ops=ops), key=key, audit=audit)


def event(name: str, token: str | None = None, **slots: str | None) -> dict[str, Any]:
    """A recorded event with ``authorization`` set to ``token`` (none at all when None) and slots changed."""
    loaded: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    loaded["requestAttributes"] = {"authorization": f"Bearer {token}"} if token else None
    for slot, value in slots.items():
        for intent in (loaded["sessionState"]["intent"], loaded["interpretations"][0]["intent"]):
            intent["slots"][slot] = (
                None
                if value is None
                else {
                    "shape": "Scalar",
                    "value": {"originalValue": value, "interpretedValue": value, "resolvedValues": [value]},
                }
            )
    return loaded


def call(evt: dict[str, Any]) -> dict[str, Any]:
    """The handler's reply, checked against Lex's reply rules for the project bot."""
    reply = lambda_handler(evt, LocalLambdaContext())
    bot_locale = meety_bot().locale(evt["bot"]["localeId"])
    assert bot_locale is not None
    check_reply(reply, bot_locale)
    return reply


def said(reply: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in reply.get("messages", []))


def state(reply: dict[str, Any]) -> tuple[str, str | None]:
    session = reply["sessionState"]
    return session["dialogAction"]["type"], session.get("intent", {}).get("state")
