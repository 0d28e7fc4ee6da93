"""Benchmark: the fulfillment Lambda's cold-start share (module import) and warm invocation time.

Import time is measured inside 5 fresh interpreters each (median), side by side with a bare
``import boto3`` as the baseline the brief quotes. Warm invocations call ``lambda_handler`` with the
recorded events under ``tests/events/`` against a SQLite store in a temporary folder.

    .venv/bin/python bench/fulfillment_lambda.py [--record]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
BUDGET_IMPORT_MS = 250.0


def import_ms(module: str, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
            [sys.executable, "-c", PROBE.format(module=module)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()) * 1000)
    return times


def warm_ms(invocations: int = 300) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MEETY_STORE"] = f"sqlite:///{folder}/meety.db"
        os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
        sys.path.insert(0, str(ROOT))
        from fulfillment.handler import lambda_handler

        events = [json.loads(p.read_text()) for p in sorted((ROOT / "tests" / "events").glob("*.json"))]
        for event in events:  # first call builds the app (settings, store, texts)
            lambda_handler(event, None)
        latencies = []
        for index in range(invocations):
            event = events[index % len(events)]
            began = time.perf_counter()
            lambda_handler(event, None)
            latencies.append((time.perf_counter() - began) * 1000)
    latencies.sort()
    return {"p50_ms": statistics.median(latencies), "p99_ms": latencies[int(len(latencies) * 0.99) - 1]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true", help="write bench/results/fulfillment_lambda.json")
    args = parser.parse_args()
    handler = import_ms("fulfillment.handler")
    boto3 = import_ms("boto3")
    warm = warm_ms()
    results = {
        "import_handler_ms": [round(t, 1) for t in handler],
        "import_boto3_ms": [round(t, 1) for t in boto3],
        "warm": {k: round(v, 3) for k, v in warm.items()},
    }
    median_handler, median_boto3 = statistics.median(handler), statistics.median(boto3)
    print(
        f"import fulfillment.handler: median {median_handler:.0f} ms of 5 fresh processes "
        f"(budget {BUDGET_IMPORT_MS:.0f} ms); bare import boto3: {median_boto3:.0f} ms "
        f"(ratio {median_handler / median_boto3:.1f}x)"
    )
    print(
        f"warm invocation (recorded events, SQLite): p50 {warm['p50_ms']:.2f} ms, p99 {warm['p99_ms']:.2f} ms"
    )
    if args.record:
        out = ROOT / "bench" / "results" / "fulfillment_lambda.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
