"""TriggerBackup, BackupStatus and the approval that runs a backup, against moto's RDS and DynamoDB.

GIVEN staff tokens in the ``authorization`` request attribute and a moto account holding the allow-listed
databases, WHEN a backup is requested in the chat and approved through the admin API (again and again,
and from racing executors), THEN exactly one backup is taken, its snapshot id and outcome are recorded,
and BackupStatus reports it to the requester and nobody else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from admin_api import handler as admin_handler
from admin_api.routes import Services
from fulfillment.backup_runner import RESTART_AFTER, BackupRunner
from fulfillment.domain import AuditEvent, BackupDetails, Request
from fulfillment.domain.decisions import Decisions, NoNotifier
from fulfillment.handler import set_app
from fulfillment.ops.backups import snapshot_name
from fulfillment.ops.clients import AwsClients
from tests.admin_api_support import Api
from tests.ops_intents_support import OpsWorld, call, event, ops_world, said, state
from tests.ops_support import fake_aws_account
from tests.runtime_support import NOW

TRIGGER = "trigger_backup_fulfillment.json"
DIALOG = "trigger_backup_dialog.json"
STATUS = "backup_status_fulfillment.json"


@dataclass
class Scene:
    world: OpsWorld
    clients: AwsClients
    runner: BackupRunner
    api: Api

    def file(self, target: str = "orders-db", token: str | None = None, origin: str = "r-1") -> Request:
        evt = event(TRIGGER, token or self.world.token("ops"), DatabaseName=target)
        evt["sessionState"]["originatingRequestId"] = origin
        reply = call(evt)
        assert state(reply) == ("Close", "Fulfilled"), said(reply)
        backups = [r for r in self.world.app.store.list_by_requester("web", "sub-dana", ("pending",))]
        assert backups, said(reply)
        return backups[-1]

    def status(self, token: str | None = None) -> str:
        return said(call(event(STATUS, token or self.world.token("ops"))))

    def manual_snapshots(self) -> int:
        rds = self.clients.rds()
        found = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
        clusters = rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
        tables = self.clients.dynamodb().list_backups()["BackupSummaries"]
        return len(found) + len(clusters) + len(tables)


@pytest.fixture
def scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scene]:
    with fake_aws_account(monkeypatch):
        rds = boto3.client("rds", region_name="us-east-1")
        rds.create_db_instance(
            DBInstanceIdentifier="orders-db",
            DBInstanceClass="db.t4g.micro",
            Engine="postgres",
            AllocatedStorage=20,
        )
        boto3.client("dynamodb", region_name="us-east-1").create_table(
            TableName="customer-sessions",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        clients = AwsClients(region="us-east-1")
        world = ops_world(tmp_path, clients)
        store = world.app.store
        runner = BackupRunner(store, clients, world.app.now)
        decisions = Decisions(store, NoNotifier(), world.app.now, on_approved=runner.on_approved)
        admin_handler.use(Services(store=store, decisions=decisions))
        set_app(world.app)
        try:
            yield Scene(world, clients, runner, Api(store, None))  # type: ignore[arg-type]
        finally:
            set_app(None)
            admin_handler.use(None)
            world.audit.close()


def test_dialog_accepts_only_allow_listed_databases(scene: Scene) -> None:
    token = scene.world.token("ops")
    reply = call(event(DIALOG, token, DatabaseName="prod-users"))
    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "DatabaseName"}
    assert said(reply) == (
        "I can't back up “prod-users”: it isn't on the backup list. "
        "I can back up: orders-db, analytics, customer-sessions. Which one?"
    )
    assert (
        call(event(DIALOG, token, DatabaseName="Orders-DB"))["sessionState"]["dialogAction"]["type"]
        == "Delegate"
    )


def test_anonymous_and_viewers_cannot_request_backups(scene: Scene) -> None:
    for token in (None, scene.world.token("viewer")):
        reply = call(event(TRIGGER, token))
        assert state(reply) == ("Close", "Failed")
    assert scene.world.app.store.list_requests(_backups()).items == ()
    assert [e.outcome for e in scene.world.entries()] == ["refused", "refused"]


def test_unconfirmed_intent_files_nothing(scene: Scene) -> None:
    evt = event(TRIGGER, scene.world.token("ops"))
    evt["sessionState"]["intent"]["confirmationState"] = "None"
    reply = call(evt)
    assert reply["sessionState"]["dialogAction"]["type"] == "Delegate"
    assert scene.world.app.store.list_requests(_backups()).items == ()


def test_requesting_files_a_pending_backup_and_runs_nothing(scene: Scene) -> None:
    request = scene.file()
    assert (request.kind, request.status, request.requester.user_id) == ("backup", "pending", "sub-dana")
    assert request.backup == BackupDetails(target_kind="rds", target_name="orders-db")
    assert scene.manual_snapshots() == 0
    filed = scene.world.entries()[-1]
    assert (filed.outcome, filed.request_id, filed.detail) == ("filed", request.id, "target=rds:orders-db")
    assert scene.status() == (
        "Your backup requests (1), newest first:\n"
        f"• {request.id}: the RDS database orders-db, waiting for an admin's approval "
        "(requested Wed 2026-11-18 10:00 EST)"
    )


def test_asking_again_does_not_file_a_second_request(scene: Scene) -> None:
    first = scene.file(origin="r-1")
    reply = call(event(TRIGGER, scene.world.token("ops"), DatabaseName="orders-db"))
    assert said(reply).startswith(
        f"You already have backup request {first.id} for the RDS database orders-db"
    )
    assert len(scene.world.app.store.list_requests(_backups()).items) == 1


def test_approval_runs_the_backup_exactly_once_under_retries_and_races(scene: Scene) -> None:
    request = scene.file()
    path = f"/requests/{request.id}/approve"
    code, body = scene.api.call("POST", path, body={})
    assert code == 200
    assert body["status"] == "succeeded"  # moto's snapshots are available at once
    assert body["backup"] == {
        "targetKind": "rds",
        "targetName": "orders-db",
        "snapshotId": snapshot_name(request.id),
        "outcome": "available",
        "percent": 100,
    }
    code, body = scene.api.call("POST", path, body={})  # the portal retries the approval
    assert (code, body["status"]) == (409, "succeeded")
    threads = [threading.Thread(target=scene.runner.run, args=(request.id,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    scene.runner.sweep()
    assert scene.manual_snapshots() == 1
    done = scene.world.app.store.get(request.id)
    assert done is not None
    assert done.backup is not None
    assert (done.status, done.backup.snapshot_id, done.backup.outcome) == (
        "succeeded",
        snapshot_name(request.id),
        "available",
    )
    actions = [e.action for e in scene.world.app.store.audit(request.id)]
    assert actions == ["requested", "approved", "backup_started", "backup_succeeded"]
    assert f"done: snapshot {snapshot_name(request.id)} is available" in scene.status()


def test_a_crashed_execution_is_resumed_by_the_sweep_without_a_second_backup(scene: Scene) -> None:
    """GIVEN a backup moved to running whose executor died before calling AWS, the sweep starts it once."""
    request = scene.file(target="customer-sessions")
    store = scene.world.app.store
    decided = store.transition(request.id, "approved", _audit("approved"), expected="pending")
    assert decided.backup is not None
    details = decided.backup.model_copy(update={"snapshot_id": snapshot_name(request.id)})
    store.transition(request.id, "running", _audit("running"), expected="approved", backup=details)
    assert scene.manual_snapshots() == 0
    scene.runner.sweep()  # at once: it may be DynamoDB's listing lagging behind a backup just made
    assert scene.manual_snapshots() == 0
    later = BackupRunner(store, scene.clients, lambda: NOW + RESTART_AFTER)
    later.sweep()
    later.sweep()
    assert scene.manual_snapshots() == 1
    done = store.get(request.id)
    assert done is not None
    assert done.backup is not None
    assert done.status == "succeeded"
    assert done.backup.snapshot_id is not None
    assert done.backup.snapshot_id.startswith("arn:aws:dynamodb:")


def test_an_approved_backup_nobody_started_is_started_by_the_sweep(scene: Scene) -> None:
    request = scene.file()
    scene.world.app.store.transition(request.id, "approved", _audit("approved"), expected="pending")
    assert scene.runner.sweep() == 1
    assert scene.manual_snapshots() == 1


def test_a_backup_aws_refuses_is_recorded_as_failed(scene: Scene) -> None:
    request = scene.file(target="analytics")  # allow-listed, but no such cluster in this account
    code, body = scene.api.call("POST", f"/requests/{request.id}/approve", body={})
    assert (code, body["status"]) == (200, "failed")
    failed = scene.world.app.store.get(request.id)
    assert failed is not None
    assert failed.backup is not None
    assert failed.backup.outcome == "not_found"
    assert "failed (not_found)" in scene.status()
    assert scene.manual_snapshots() == 0


def test_backup_status_shows_only_the_callers_own_backups(scene: Scene) -> None:
    scene.file()
    other = scene.world.token("ops", username="erin")
    assert scene.status(other) == "You haven't requested any backups."


def test_backup_status_reports_progress_of_a_running_backup(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = scene.file()
    scene.api.call("POST", f"/requests/{request.id}/approve", body={})
    store = scene.world.app.store
    done = store.get(request.id)
    assert done is not None
    # make the stored request look mid-flight again and AWS report 42%: the answer shows the progress
    from fulfillment import backup_runner
    from fulfillment.ops.backups import BackupProgress

    running = done.model_copy(update={"status": "running"})
    creating = BackupProgress(
        snapshot_id=snapshot_name(request.id), state="creating", percent=42, aws_status="creating"
    )
    monkeypatch.setattr(backup_runner, "backup_progress", lambda *args: creating)
    monkeypatch.setattr(store, "list_by_requester", lambda *args: [running])
    assert f"running: snapshot {snapshot_name(request.id)}, 42% done" in scene.status()


def _backups() -> Any:
    from fulfillment.domain import RequestQuery

    return RequestQuery(kind="backup")


def _audit(action: str) -> AuditEvent:
    return AuditEvent(
        request_id="", at=NOW, actor="ada", action=action, to_status="approved", channel="portal"
    )


def test_racing_executors_of_one_approval_take_one_backup(scene: Scene) -> None:
    """GIVEN an approved backup and eight executors started at once (retries, the sweep, the admin API)."""
    request = scene.file()
    scene.world.app.store.transition(request.id, "approved", _audit("approved"), expected="pending")
    barrier = threading.Barrier(8)

    def execute() -> None:
        barrier.wait()
        scene.runner.run(request.id)

    threads = [threading.Thread(target=execute) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert scene.manual_snapshots() == 1
    actions = [e.action for e in scene.world.app.store.audit(request.id)]
    assert actions.count("backup_started") == 1
