"""Benchmark: the fulfillment Lambda's cold-start share (module import) and warm invocation time.

Import time is measured inside fresh interpreters (median of 5 each, the probes interleaved so machine
noise hits all alike), side by side with a bare ``import boto3``, the baseline the brief quotes:

- ``fulfillment.handler``: what the SQLite (local) configuration imports;
- ``fulfillment.handler`` + boto3 + a DynamoDB client: the AWS configuration's cold-start share.

Warm invocations are measured two ways against a SQLite store in a temporary folder: the recorded
events under ``tests/events/``, and conversation-driven (the local runtime plays scripted scheduling,
conflict, list and cancel conversations with a pinned clock; only the handler's own time is counted,
per route).

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
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBES = {
    "handler": "import fulfillment.handler",
    "boto3": "import boto3",
    "handler_aws": "import fulfillment.handler, boto3; boto3.client('dynamodb', region_name='us-east-1')",
}
PROBE = "import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
BUDGET_IMPORT_MS = 250.0
CONVERSATIONS = [
    ["book a 30 minute meeting with Jane Doe on {day} at 10am", "jane@example.com", "yes"],
    ["book a 60 minute meeting with Alex Garcia on {day} at 10:15am", "{button}", "alex@example.com", "yes"],
    ["book a meeting with Sam Lee on {day} at 7pm", "2pm", "45 minutes", "sam@example.com", "no"],
    ["show my meetings"],
    ["cancel my meeting on {day}", "yes"],
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def import_ms(runs: int = 5) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in PROBES}
    for _ in range(runs):
        for name, code in PROBES.items():
            out = subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
                [sys.executable, "-c", PROBE.format(code=code)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
            )
            times[name].append(float(out.stdout.strip()) * 1000)
    return times


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)],
        "n": len(ordered),
    }


def conversation_ms(rounds: int = 40) -> dict[str, dict[str, float]]:
    """Handler time per (intent, source) while the runtime plays whole conversations."""
    from bot.compose import build_runtime
    from bot.runtime.api import SessionTarget
    from bot.runtime_settings import RuntimeSettings
    from fulfillment import handler

    timings: dict[str, list[float]] = {}

    def timed(event: dict[str, object], context: object) -> dict[str, object]:
        began = time.perf_counter()
        reply = handler.lambda_handler(event, context)
        intent = event.get("sessionState", {}).get("intent", {}).get("name")  # type: ignore[union-attr]
        route = f"{intent} {event.get('invocationSource')}"
        timings.setdefault(route, []).append((time.perf_counter() - began) * 1000)
        return reply

    with tempfile.TemporaryDirectory() as folder:
        os.environ["MEETY_STORE"] = f"sqlite:///{folder}/meety.db"
        handler.set_app(None)
        settings = RuntimeSettings(
            data_dir=Path(folder),
            clock=datetime.fromisoformat("2026-11-18T10:00:00-05:00"),
            timezone="America/New_York",
        )
        runtime = build_runtime(settings, persistent=False)
        runtime.handler = timed
        for index in range(rounds):
            day = DAYS[index % len(DAYS)]
            session = f"bench-{index}"
            for script in CONVERSATIONS:
                reply: dict[str, object] = {}
                for line in script:
                    text = line.format(day=day, button=_first_button(reply) or "2pm")
                    target = SessionTarget(runtime.bot_id, "TSTALIASID", "en_US", session)
                    reply = runtime.recognize_text(target, text, None, None)
        runtime.store.close()
        handler.set_app(None)
    every = [t for values in timings.values() for t in values]
    return {"all": percentiles(every), **{route: percentiles(v) for route, v in sorted(timings.items())}}


def _first_button(reply: dict[str, object]) -> str | None:
    for message in reply.get("messages", []) or []:  # type: ignore[attr-defined]
        card = message.get("imageResponseCard")
        if card and card.get("buttons"):
            return str(card["buttons"][0]["value"])
    return None


def warm_ms(invocations: int = 300) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MEETY_STORE"] = f"sqlite:///{folder}/meety.db"
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
    return percentiles(latencies)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true", help="write bench/results/fulfillment_lambda.json")
    args = parser.parse_args()
    imports = import_ms()
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"  # the malformed recorded event logs a warning
    sys.path.insert(0, str(ROOT))
    warm = warm_ms()
    conversations = conversation_ms()
    results = {
        "import_ms": {name: [round(t, 1) for t in values] for name, values in imports.items()},
        "warm_recorded_events": {k: round(v, 3) for k, v in warm.items()},
        "warm_conversations": {r: {k: round(v, 3) for k, v in p.items()} for r, p in conversations.items()},
    }
    medians = {name: statistics.median(values) for name, values in imports.items()}
    print(
        f"import fulfillment.handler: median {medians['handler']:.0f} ms of 5 fresh processes "
        f"(budget {BUDGET_IMPORT_MS:.0f} ms); bare import boto3: {medians['boto3']:.0f} ms "
        f"(ratio {medians['handler'] / medians['boto3']:.1f}x)"
    )
    print(f"  AWS configuration (handler + boto3 + DynamoDB client): {medians['handler_aws']:.0f} ms")
    print(f"warm, recorded events (SQLite): p50 {warm['p50_ms']:.2f} ms, p99 {warm['p99_ms']:.2f} ms")
    for route, p in conversations.items():
        calls = f"{p['n']:.0f} calls"
        print(f"  conversations, {route}: p50 {p['p50_ms']:.2f} ms, p99 {p['p99_ms']:.2f} ms ({calls})")
    if args.record:
        out = ROOT / "bench" / "results" / "fulfillment_lambda.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
