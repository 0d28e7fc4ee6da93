"""Benchmark: the local Lex V2 runtime over HTTP, as a client sees it.

Starts ``meety serve`` as a separate process (project bot, pinned clock,
fresh data dir), measures start-up to the first RecognizeText answer, then
drives scripted conversations from 1 and 32 concurrent sessions with
keep-alive connections. Each phase is bounded in turns and seconds.
``GET /health`` is measured the same way as a side-by-side baseline: the
HTTP stack's own cost on this noisy machine.

    .venv/bin/python bench/runtime_http.py [--seconds 8] [--record]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = [
    "hello",
    "book a meeting with Jane Doe tomorrow at 3pm",
    "30 minutes",
    "jane@example.com",
    "no",
    "what alarms fired in the last day",
    "show my meetings",
    "purple monkey dishwasher",
]
BUDGETS = {"p50_ms": 5.0, "p99_ms": 25.0, "turns_per_s": 300.0, "startup_s": 2.0, "rss_mb": 250.0}


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], int, float, str]:
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "meety"),
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--clock",
            "2026-11-18T10:00:00-05:00",
            "--timezone",
            "America/New_York",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    port = 0
    while port == 0:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("meety serve exited before it was ready")
        if "Health:" in line:
            port = int(line.rsplit(":", 1)[1].split("/")[0])
    # keep reading the server's output (the hook logs every turn): a full pipe would stall the server
    threading.Thread(target=process.stdout.read, daemon=True).start()
    bot_id = json.loads(get(port, "/health"))["bot"]["id"]
    path = f"/bots/{bot_id}/botAliases/TSTALIASID/botLocales/en_US/sessions/warmup/text"
    post(connect(port), path, {"text": "hello"})
    return process, port, time.perf_counter() - started, bot_id


def connect(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection with TCP_NODELAY, as urllib3 (boto3) and browsers use."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.connect()
    assert conn.sock is not None
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def get(port: int, path: str) -> str:
    conn = connect(port)
    conn.request("GET", path)
    return conn.getresponse().read().decode()


def post(conn: http.client.HTTPConnection, path: str, body: dict[str, Any]) -> dict[str, Any]:
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{response.status}: {data[:200]!r}")
    return json.loads(data)  # type: ignore[no-any-return]


def drive(
    port: int,
    bot_id: str,
    sessions: int,
    seconds: float,
    max_turns: int,
    health: bool,
    rate: float | None = None,
) -> dict[str, float]:
    """Closed loop (each session sends as soon as answered) or open loop at ``rate`` turns/s in total.

    Open-loop latency counts from the scheduled send time, so a slow answer also delays the
    turns queued behind it (no coordinated omission).
    """
    latencies: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds
    per_session = max_turns // sessions
    interval = sessions / rate if rate else 0.0

    def worker(index: int) -> None:
        conn = connect(port)
        mine = []
        offset = interval * index / sessions
        for turn in range(per_session):
            scheduled = start + offset + turn * interval
            if scheduled > deadline or time.perf_counter() > deadline:
                break
            if rate:
                time.sleep(max(0.0, scheduled - time.perf_counter()))
            began = scheduled if rate else time.perf_counter()
            if health:
                conn.request("GET", "/health")
                conn.getresponse().read()
            else:
                session = f"b{sessions}-{index}-{turn // len(SCRIPT)}"
                path = f"/bots/{bot_id}/botAliases/TSTALIASID/botLocales/en_US/sessions/{session}/text"
                post(conn, path, {"text": SCRIPT[turn % len(SCRIPT)]})
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(sessions)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "per_s": len(ordered) / elapsed,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0, help="upper bound per phase")
    parser.add_argument("--turns", type=int, default=4000, help="upper bound of requests per phase")
    parser.add_argument("--rate", type=float, default=300.0, help="open-loop rate for 32 sessions, turns/s")
    parser.add_argument("--record", action="store_true", help="write bench/results/runtime_http.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        process, port, startup, bot_id = start_server(Path(data_dir))
        try:
            results: dict[str, Any] = {"startup_s": round(startup, 3)}
            for sessions in (1, 32):
                results[f"health_{sessions}"] = drive(port, bot_id, sessions, args.seconds, args.turns, True)
                results[f"turn_{sessions}"] = drive(port, bot_id, sessions, args.seconds, args.turns, False)
            results["open_32"] = drive(port, bot_id, 32, args.seconds, args.turns, False, rate=args.rate)
            results["rss_mb"] = round(rss_mb(process.pid), 1)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(f"start-up to first answer: {results['startup_s']:.2f} s (budget {BUDGETS['startup_s']} s)")
    for sessions in (1, 32):
        turn, base = results[f"turn_{sessions}"], results[f"health_{sessions}"]
        print(
            f"{sessions:>2} sessions: RecognizeText p50 {turn['p50_ms']:.2f} ms, "
            f"p99 {turn['p99_ms']:.2f} ms, "
            f"{turn['per_s']:.0f} turns/s ({turn['requests']} turns)"
        )
        print(
            f"    /health baseline p50 {base['p50_ms']:.2f} ms, {base['per_s']:.0f} req/s; "
            f"RecognizeText/health p50 ratio {turn['p50_ms'] / base['p50_ms']:.1f}x"
        )
    opened = results["open_32"]
    print(
        f"32 sessions, open loop at {args.rate:.0f} turns/s: p50 {opened['p50_ms']:.2f} ms, "
        f"p99 {opened['p99_ms']:.2f} ms, achieved {opened['per_s']:.0f} turns/s "
        f"(budget p50 {BUDGETS['p50_ms']} ms, p99 {BUDGETS['p99_ms']} ms)"
    )
    print(f"peak RSS of meety serve: {results['rss_mb']} MB (budget {BUDGETS['rss_mb']} MB)")
    if args.record:
        out = ROOT / "bench" / "results" / "runtime_http.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
