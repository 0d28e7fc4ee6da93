"""What the Lambda tells operators: EMF metrics on stdout and X-Ray subsegments, checked as emitted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools import Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from bot.runtime.codehook import LocalLambdaContext
from fulfillment import handler, tracing
from fulfillment.app import LOCALES_DIR, App, build_app, open_store
from fulfillment.settings import load_fulfillment_settings
from fulfillment.texts import Texts
from tests.runtime_support import NOW

REPO = Path(__file__).resolve().parents[1]
EVENTS = Path(__file__).parent / "events"


def load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("MEETY_STORE", f"sqlite:///{tmp_path / 'obs.db'}")
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    settings = load_fulfillment_settings()
    built = build_app(settings, open_store(settings), Texts.load(LOCALES_DIR), lambda: NOW)
    handler.set_app(built)
    yield built
    handler.set_app(None)


def emf_documents(out: str) -> list[dict[str, Any]]:
    docs = []
    for line in out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            docs.append(json.loads(line))
    return docs


def metric_names(doc: dict[str, Any]) -> set[str]:
    return {m["Name"] for d in doc["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}


def test_a_filed_request_is_counted_in_emf(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    handler.lambda_handler(load("schedule_fulfillment.json"), LocalLambdaContext())

    docs = [d for d in emf_documents(capsys.readouterr().out) if "RequestsCreated" in metric_names(d)]
    assert len(docs) == 1
    doc = docs[0]
    assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Meety"
    assert doc["RequestsCreated"] == [1.0]
    assert doc["service"] == "meety-fulfillment"


def test_a_reprompt_is_counted_by_slot(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    event = load("schedule_dialog.json")
    event["sessionState"]["intent"]["slots"]["MeetingDate"]["value"] = {
        "originalValue": "last monday",
        "interpretedValue": "2026-11-09",
        "resolvedValues": ["2026-11-09"],
    }
    event["invocationLabel"] = None

    reply = handler.lambda_handler(event, LocalLambdaContext())

    assert reply["sessionState"]["dialogAction"] == {"type": "ElicitSlot", "slotToElicit": "MeetingDate"}
    [doc] = [d for d in emf_documents(capsys.readouterr().out) if "ValidationReprompt" in metric_names(d)]
    assert doc["Slot"] == "MeetingDate"
    assert ["Slot"] in [dims[-1:] for dims in doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"]]


def test_an_unknown_intent_counts_a_fallback(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    event = load("list_my_meetings.json")
    event["sessionState"]["intent"]["name"] = "OrderPizza"

    handler.lambda_handler(event, LocalLambdaContext())

    docs = emf_documents(capsys.readouterr().out)
    assert any("Fallbacks" in metric_names(d) for d in docs)


class RecordingSegment(BaseSegment):
    def __init__(self, name: str) -> None:
        self.name = name
        self.annotations: dict[str, Any] = {}

    def close(self, end_time: int | None = None) -> None: ...
    def add_subsegment(self, subsegment: Any) -> None: ...
    def remove_subsegment(self, subsegment: Any) -> None: ...

    def put_annotation(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class RecordingProvider(BaseProvider):
    def __init__(self) -> None:
        self.segments: list[RecordingSegment] = []

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        segment = RecordingSegment(str(name))
        self.segments.append(segment)
        yield segment

    def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def patch(self, modules: Any) -> None: ...
    def patch_all(self) -> None: ...


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProvider]:
    recording = RecordingProvider()
    monkeypatch.setattr(tracing, "_cold", True)
    tracing.use(Tracer(service="meety-fulfillment", provider=recording, disabled=False, auto_patch=False))
    yield recording
    tracing.use(None)
    Tracer._reset_config()


def test_each_invocation_is_a_subsegment_annotated_without_user_text(
    app: App, provider: RecordingProvider
) -> None:
    first = load("schedule_dialog.json")
    handler.lambda_handler(first, LocalLambdaContext())
    handler.lambda_handler(load("list_my_meetings.json"), LocalLambdaContext())

    assert [s.name for s in provider.segments] == ["## lambda_handler", "## lambda_handler"]
    one, two = (s.annotations for s in provider.segments)
    assert one == {
        "ColdStart": True,
        "Service": "meety-fulfillment",
        "Intent": "ScheduleMeeting",
        "Source": "DialogCodeHook",
    }
    assert two["ColdStart"] is False
    assert two["Intent"] == "ListMyMeetings"
    assert first["inputTranscript"] not in json.dumps([one, two])


def run_python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MEETY_", "POWERTOOLS_", "AWS_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


PROBE = """
import json, sys
from bot.runtime.codehook import LocalLambdaContext
from fulfillment import handler, tracing
event = json.load(open("tests/events/list_my_meetings.json"))
reply = handler.lambda_handler(event, LocalLambdaContext())
print("RESULT", reply["sessionState"]["intent"]["state"], "aws_xray_sdk" in sys.modules,
      tracing._tracer is not None)
"""


def test_tracing_is_off_unless_asked_for_and_then_powertools_decides(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'probe.db'}"
    off = run_python(PROBE, MEETY_STORE=store, POWERTOOLS_METRICS_DISABLED="true")
    on = run_python(PROBE, MEETY_STORE=store, POWERTOOLS_METRICS_DISABLED="true", MEETY_TRACING="true")

    assert "RESULT Fulfilled False False" in off  # no X-Ray SDK import on the default path
    # asked for: the Tracer exists; outside Lambda Powertools disables it and answers are unaffected
    assert "RESULT Fulfilled True True" in on
