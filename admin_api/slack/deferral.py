"""Work the Slack handler acknowledges now and does right after: Slack's 3-second rule.

A job is a small JSON object (``{"kind": "dm" | "decide" | "refuse" | "say", ...}``) sent back to this
same Lambda as ``{"meety_slack_deferred": job}``, so a job runs the same way wherever it was deferred:

- ``LambdaDeferrer`` (AWS): an asynchronous invocation (``InvocationType="Event"``) of this function.
  Returning from the request ends the invocation (its threads are frozen), hence a new one. The role
  needs ``lambda:InvokeFunction`` on itself.
- ``ThreadDeferrer`` (``meety serve``): a small thread pool calling the handler in-process; a bounded
  backlog (a full one refuses, and the request gets a 503 Slack may retry); failures are logged.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

log = logging.getLogger("meety.slack.deferral")
DEFERRED = "meety_slack_deferred"
Job = dict[str, Any]
Handler = Callable[[dict[str, Any], Any], object]


class Deferrer(Protocol):
    def defer(self, job: Job) -> None:
        """Arrange for ``job`` to run soon, elsewhere; raise if it cannot be (the caller answers 503)."""
        ...


class DeferralRefused(Exception):
    """The backlog is full: the job was not taken."""


class ThreadDeferrer:
    """Runs ``handler({"meety_slack_deferred": job}, None)`` on one of ``workers`` threads."""

    def __init__(self, handler: Handler, workers: int = 4, backlog: int = 64) -> None:
        self._handler = handler
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="meety-slack")
        self._slots = threading.BoundedSemaphore(backlog)

    def defer(self, job: Job) -> None:
        if not self._slots.acquire(blocking=False):
            raise DeferralRefused("the Slack work backlog is full")
        try:
            self._pool.submit(self._run, job)
        except RuntimeError:  # shut down
            self._slots.release()
            raise

    def _run(self, job: Job) -> None:
        try:
            self._handler({DEFERRED: job}, None)
        except Exception:
            log.exception("deferred Slack work (%s) failed", job.get("kind"))
        finally:
            self._slots.release()

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)


class LambdaDeferrer:
    """Invokes ``function_name`` asynchronously with the job; ``client`` defaults to boto3's (lazily)."""

    def __init__(self, function_name: str, client: Any = None) -> None:
        self.function_name = function_name
        self._client = client
        self._lock = threading.Lock()

    def defer(self, job: Job) -> None:
        payload = json.dumps({DEFERRED: job}, separators=(",", ":")).encode("utf-8")
        self._lambda().invoke(FunctionName=self.function_name, InvocationType="Event", Payload=payload)

    def _lambda(self) -> Any:
        with self._lock:
            if self._client is None:
                import boto3  # here: only the Slack paths that defer pay for it
                from botocore.config import Config

                # well inside Slack's 3 s: an async invoke normally answers in tens of milliseconds
                config = Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 2})
                self._client = boto3.client("lambda", config=config)
            return self._client
