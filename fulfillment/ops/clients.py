"""The boto3 clients the ops intents and the backup runner use, each built on first use and then shared.

A warm Lambda keeps its clients (building one costs tens of milliseconds); a turn that never touches AWS
(every meeting turn) builds none. One ``boto3.session.Session`` per holder, guarded by a lock: boto3's
default session is not safe to build clients from in several threads at once, and ``meety serve`` answers
from worker threads.
"""

from __future__ import annotations

import threading
from typing import Any

from fulfillment.ops.aws import aws_errors, client_config


class AwsClients:
    """``codepipeline()``, ``cloudwatch()``, ``rds()``, ``dynamodb()``: lazily built, standard retries.

    ``region`` None means the usual chain (``AWS_REGION`` / ``AWS_DEFAULT_REGION`` / profile); a missing
    region surfaces as ``OpsNotConfigured`` from the first call, like missing credentials.
    """

    def __init__(self, region: str | None = None) -> None:
        self._region = region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._session: Any = None

    def codepipeline(self) -> Any:
        return self._client("codepipeline")

    def cloudwatch(self) -> Any:
        return self._client("cloudwatch")

    def rds(self) -> Any:
        return self._client("rds")

    def dynamodb(self) -> Any:
        return self._client("dynamodb")

    def _client(self, service: str) -> Any:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                import boto3  # here: boto3 costs ~0.2 s to import, and meeting turns never need it

                if self._session is None:
                    self._session = boto3.session.Session(region_name=self._region)
                with aws_errors("CreateClient"):  # NoRegionError is raised here, not by the first call
                    client = self._session.client(service, config=client_config())
                self._clients[service] = client
            return client
