"""Undecided requests expire on schedule: the sweeper Lambda, the thread ``meety serve`` runs, and
``open_store`` choosing DynamoDB from ``MEETY_STORE``."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from fulfillment import sweeper
from fulfillment.app import open_store
from fulfillment.domain import DynamoRequestStore, SqliteRequestStore, create_table
from fulfillment.settings import load_fulfillment_settings
from tests.request_store_support import T0, event, meeting

NOW = T0 - timedelta(days=1)


def file_two(store: SqliteRequestStore | DynamoRequestStore) -> tuple[str, str]:
    due = store.create(meeting(T0).model_copy(update={"expires_at": NOW - timedelta(hours=1)}), event())
    fresh = store.create(
        meeting(T0 + timedelta(hours=1)).model_copy(update={"expires_at": NOW + timedelta(days=6)}), event()
    )
    return due.id, fresh.id


def test_the_sweeper_lambda_expires_due_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "meety.db"
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("MEETY_CLOCK", NOW.isoformat())
    store = SqliteRequestStore(db)
    due, fresh = file_two(store)

    assert (
        sweeper.lambda_handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None)["expired"]
        == 1
    )
    assert sweeper.lambda_handler({}, None)["expired"] == 0
    assert store.get(due).status == "expired"  # type: ignore[union-attr]
    assert store.get(fresh).status == "pending"  # type: ignore[union-attr]


def test_the_periodic_sweep_runs_at_once_and_again_until_stopped(tmp_path: Path) -> None:
    store = SqliteRequestStore(tmp_path / "meety.db")
    due, _ = file_two(store)
    clock_reads: list[int] = []

    def clock() -> object:
        clock_reads.append(1)
        return NOW

    sweep = sweeper.PeriodicSweep(SqliteRequestStore(tmp_path / "meety.db"), clock, interval=0.01).start()  # type: ignore[arg-type]
    deadline = time.monotonic() + 10
    while sweep.runs < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    sweep.stop()
    runs = sweep.runs

    assert runs >= 3
    assert store.get(due).status == "expired"  # type: ignore[union-attr]
    time.sleep(0.05)
    assert sweep.runs == runs  # stopped means stopped


def test_a_failing_sweep_is_logged_and_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sweeper.logger.registered_handler, "stream", stream)

    class BrokenStore:
        def list_by_status(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("disk on fire")

    sweep = sweeper.PeriodicSweep(BrokenStore(), lambda: NOW, interval=0.01).start()  # type: ignore[arg-type]
    deadline = time.monotonic() + 10
    while sweep.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    sweep.stop()

    assert sweep.runs >= 2
    assert "the expiry sweep failed" in stream.getvalue()


def test_meety_store_names_a_dynamodb_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("MEETY_STORE", "dynamodb://meety-requests")
    with mock_aws():
        create_table(boto3.client("dynamodb", region_name="us-east-1"), "meety-requests")
        store = open_store(load_fulfillment_settings())
        assert isinstance(store, DynamoRequestStore)
        due, fresh = file_two(store)
        assert sweeper.sweep(store, NOW) == 1
        assert store.get(due).status == "expired"  # type: ignore[union-attr]
        assert store.get(fresh).status == "pending"  # type: ignore[union-attr]


def test_a_dynamodb_endpoint_is_used_for_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("MEETY_STORE", "dynamodb://meety-requests?endpoint=http://localhost:8000")

    store = open_store(load_fulfillment_settings())

    assert isinstance(store, DynamoRequestStore)
    assert store._client.meta.endpoint_url == "http://localhost:8000"


def test_the_sweeper_lambda_starts_an_approved_backup_nobody_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: an approval whose run-on-approval was lost still gets its one backup."""
    from fulfillment.domain import BackupDetails
    from tests.request_store_support import backup

    db = tmp_path / "meety.db"
    for name, value in {
        "MEETY_STORE": f"sqlite:///{db}",
        "MEETY_CLOCK": NOW.isoformat(),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    store = SqliteRequestStore(db)
    details = BackupDetails(target_kind="rds", target_name="orders-db")
    filed = store.create(backup().model_copy(update={"backup": details}), event())
    store.transition(filed.id, "approved", event("approved", to="approved"), expected="pending")
    with mock_aws():
        rds = boto3.client("rds", region_name="us-east-1")
        rds.create_db_instance(
            DBInstanceIdentifier="orders-db",
            DBInstanceClass="db.t4g.micro",
            Engine="postgres",
            AllocatedStorage=20,
        )
        sweeper.lambda_handler({}, None)
        sweeper.lambda_handler({}, None)
        snapshots = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in snapshots] == [f"meety-{filed.id.lower()}"]
    done = store.get(filed.id)
    assert done is not None
    assert done.status == "succeeded"


def test_the_sweeper_lambda_reports_the_pending_queue_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stack's queue-age alarm reads this EMF metric: the oldest pending request's wait, in seconds."""
    import json

    db = tmp_path / "meety.db"
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{db}")
    monkeypatch.setenv("MEETY_CLOCK", NOW.isoformat())
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    store = SqliteRequestStore(db)
    assert sweeper.lambda_handler({}, None)["pending_age_seconds"] == 0
    waiting = meeting(T0).model_copy(update={"created_at": NOW - timedelta(hours=30), "expires_at": None})
    store.create(waiting, event())
    capsys.readouterr()
    assert sweeper.lambda_handler({}, None)["pending_age_seconds"] == 30 * 3600
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (emf,) = [line for line in lines if sweeper.QUEUE_AGE_METRIC in line]
    assert emf[sweeper.QUEUE_AGE_METRIC] == [30 * 3600]
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Meety"
    assert emf["service"] == "meety-sweeper"
