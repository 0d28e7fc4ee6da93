"""Expire undecided requests on a schedule: an EventBridge-scheduled Lambda in AWS, a thread locally.

``lambda_handler`` is the Lambda entry point (any event: the schedule carries nothing we need);
``PeriodicSweep`` is what ``meety serve`` runs beside the bot. Both read the same ``MEETY_*`` settings
as the code hook, so they see the same store and the same clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from fulfillment.app import Clock, clock_from, open_store
from fulfillment.backup_runner import BackupRunner, aws_backup_runner
from fulfillment.domain import RequestStore, expire_due
from fulfillment.logs import masked_logger
from fulfillment.settings import load_fulfillment_settings

SERVICE = "meety-sweeper"
QUEUE_AGE_METRIC = "PendingQueueAge"
"""Seconds the oldest pending request has waited (0 when none): the stack alarms when it grows too old."""
logger = masked_logger(SERVICE)
metrics = Metrics(namespace="Meety", service=SERVICE)


def sweep(store: RequestStore, now: datetime, backups: BackupRunner | None = None) -> int:
    """Expire undecided requests; with ``backups``, also start approved backups nobody started and settle
    running ones (the safety net behind the admin API's run-on-approval)."""
    expired = expire_due(store, now)
    if expired:
        logger.info(
            "expired undecided requests", extra={"count": len(expired), "ids": [r.id for r in expired]}
        )
    if backups is not None:
        moved = backups.sweep()
        if moved:
            logger.info("advanced backups", extra={"count": moved})
    return len(expired)


def queue_age(store: RequestStore, now: datetime) -> float:
    """How long, in seconds, the oldest pending request has been waiting for a decision."""
    oldest = store.oldest("pending")
    return 0.0 if oldest is None else max(0.0, (now - oldest.created_at).total_seconds())


@metrics.log_metrics
def lambda_handler(event: Any, context: Any) -> dict[str, float]:
    settings = load_fulfillment_settings()
    store = open_store(settings)
    clock = clock_from(settings)
    expired = sweep(store, clock(), aws_backup_runner(store, clock))
    age = queue_age(store, clock())
    metrics.add_metric(name=QUEUE_AGE_METRIC, unit=MetricUnit.Seconds, value=age)
    return {"expired": expired, "pending_age_seconds": age}


class PeriodicSweep:
    """Runs ``sweep`` now and then every ``interval`` seconds on a daemon thread until ``stop``."""

    def __init__(
        self, store: RequestStore, clock: Clock, interval: float = 60.0, backups: BackupRunner | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._backups = backups
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="meety-sweep", daemon=True)
        self.runs = 0

    @classmethod
    def from_environment(cls, interval: float = 60.0) -> PeriodicSweep:
        settings = load_fulfillment_settings()
        store = open_store(settings)
        clock = clock_from(settings)
        return cls(store, clock, interval, aws_backup_runner(store, clock))

    def start(self) -> PeriodicSweep:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)
        close: Callable[[], None] | None = getattr(self._store, "close", None)
        if close is not None:
            close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sweep(self._store, self._clock(), self._backups)
            except Exception:
                logger.exception("the expiry sweep failed; retrying at the next interval")
            self.runs += 1
            self._stopping.wait(self._interval)
