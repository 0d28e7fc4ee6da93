"""Starting the real `meety serve` for end-to-end tests, and a boto3 client pointed at it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import REPO

MEETY = str(Path(sys.executable).parent / "meety")
REQUEST_ID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
"""A request id (a ULID) as the bot quotes it."""


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    bot_id: str
    output: list[str]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)

    def client(self) -> Any:
        return boto3.client(
            "lexv2-runtime",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the local runtime does not check signatures
        )

    def where(self, session: str, locale: str = "en_US") -> dict[str, str]:
        return {"botId": self.bot_id, "botAliasId": "TSTALIASID", "localeId": locale, "sessionId": session}


def start(data_dir: Path, *extra: str, env: Mapping[str, str] | None = None) -> Server:
    """`meety serve` on a free port, pinned clock, ``data_dir`` for its files; ready when this returns."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    process = subprocess.Popen(
        [
            MEETY,
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--clock",
            "2026-11-18T10:00:00-05:00",
            "--timezone",
            "America/New_York",
            *extra,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = []
    for line in process.stdout:
        output.append(line)
        if "Health:" in line:
            port = int(line.rsplit(":", 1)[1].split("/")[0])
            break
    else:
        pytest.fail("meety serve exited early:\n" + "".join(output))
    # keep reading the server's output (the hook logs every turn): a full pipe would stall the server
    threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True).start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/health")
    health = json.loads(conn.getresponse().read())
    return Server(process, port, health["bot"]["id"], output)
