"""The NLU benchmark harness (bench/nlu.py) on a tiny copy of the shared data layout.

The real datasets take minutes; the harness's promises do not depend on their size:
phase 1 (fit and tune) never opens the held-out test files, phase 2 does, and a run
writes the JSON results and the docs table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import nlu
from tests.file_audit import opened_files, under

CLINC_INTENTS = {
    "balance": [
        "what is my balance",
        "how much money do i have",
        "show my account balance",
        "balance please",
    ],
    "weather": [
        "what is the weather",
        "will it rain today",
        "is it sunny outside",
        "weather forecast please",
    ],
    "timer": [
        "set a timer for ten minutes",
        "start a timer",
        "timer for five minutes",
        "count down one minute",
    ],
}


def _query(intent: str, *chunks: str | tuple[str, str]) -> dict[str, Any]:
    data = [{"text": c} if isinstance(c, str) else {"text": c[0], "entity": c[1]} for c in chunks]
    return {"data": data}


def _snips(artists: list[str], cities: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {
        "PlayMusic": [_query("PlayMusic", "play ", (a, "artist"), " now") for a in artists]
        + [_query("PlayMusic", "put on something by ", (a, "artist")) for a in artists],
        "GetWeather": [_query("GetWeather", "weather in ", (c, "city")) for c in cities]
        + [_query("GetWeather", "is it cold in ", (c, "city"), " today") for c in cities],
    }


@pytest.fixture
def tiny_shared(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    files: dict[str, Any] = {
        "datasets/clinc150/train.json": {
            "train": [[t, i] for i, texts in CLINC_INTENTS.items() for t in texts[:3]],
            "oos_train": [["how tall is everest", "oos"]],
        },
        "datasets/clinc150/val.json": {
            "val": [[texts[3], i] for i, texts in CLINC_INTENTS.items()],
            "oos_val": [["who wrote hamlet", "oos"], ["translate cat to french", "oos"]],
        },
        "datasets/clinc150/domains.json": {"misc": list(CLINC_INTENTS)},
        "datasets/snips/train_small.json": _snips(
            ["adele", "queen", "muse", "abba"], ["paris", "oslo", "lima"]
        ),
        "datasets/snips/train_full.json": _snips(
            ["adele", "queen", "muse", "abba", "blur"], ["paris", "oslo"]
        ),
        "bench/clinc150/test.json": {
            "test": [["my balance", "balance"], ["rain tomorrow?", "weather"], ["a timer please", "timer"]],
            "oos_test": [["what is the capital of peru", "oos"]],
        },
        "bench/snips/test.json": _snips(["the beatles"], ["new york"]),
    }
    for name, content in files.items():
        path = shared / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")
    return shared


def test_fitting_and_tuning_never_open_the_held_out_files(tiny_shared: Path) -> None:
    # GIVEN the harness's settings on the tiny data
    settings = nlu.Settings(tiny_shared, seeds=(0, 1), per_intent=3)
    # WHEN phase 1 fits every bot and tunes the threshold, recording every file opened
    with opened_files() as opened:
        fitted = nlu.fit_and_tune(settings)
    # THEN it read the training and validation splits, and nothing under shared/bench
    assert under(opened, tiny_shared / "datasets" / "clinc150")
    assert under(opened, tiny_shared / "datasets" / "snips")
    assert not under(opened, tiny_shared / "bench")
    # AND the recorder does see the test files once phase 2 scores them
    with opened_files() as scored:
        nlu.score(settings, fitted)
    assert sorted(
        Path(p).relative_to(tiny_shared.resolve()).as_posix() for p in under(scored, tiny_shared)
    ) == [
        "bench/clinc150/test.json",
        "bench/snips/test.json",
    ]


def test_a_run_writes_the_results_and_the_docs_table(tiny_shared: Path, tmp_path: Path) -> None:
    # GIVEN a docs page with text around the benchmark's markers
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nintro\n\n<!-- nlu:begin -->\nold table\n<!-- nlu:end -->\n\nafter\n")
    out = tmp_path / "results" / "nlu.json"
    # WHEN the harness runs end to end, twice
    for _ in range(2):
        code = nlu.main(
            ["--shared", str(tiny_shared), "--out", str(out), "--docs", str(docs), "--per-intent", "3"]
        )
        assert code == 0
    # THEN the JSON has every reported number
    results = json.loads(out.read_text())
    clinc = results["clinc150"]
    assert clinc["test_in_scope"] == 3
    assert clinc["test_out_of_scope"] == 1
    for key in ("in_scope_accuracy", "oos_recall", "oos_precision", "threshold"):
        assert 0.0 <= clinc["paper_rule"][key] <= 1.0 + 1e-9
    assert clinc["engine_default"]["threshold"] == pytest.approx(0.4)
    assert 0.0 <= clinc["auroc"] <= 1.0
    assert clinc["train_seconds"] > 0
    assert clinc["interpret_ms_p50"] <= clinc["interpret_ms_p95"]
    small = results["snips"]["per_intent_3"]
    assert sorted(small["seeds"]) == ["0", "1", "2"]
    assert small["mean"]["slot_f1"] == pytest.approx(
        sum(run["slot_f1"] for run in small["seeds"].values()) / 3
    )
    assert results["snips"]["full"]["sample_utterances"] == 4
    # AND the docs table replaced the old one, once, keeping the text around it
    text = docs.read_text()
    assert "old table" not in text
    assert text.count("<!-- nlu:begin -->") == 1
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert text.endswith("after\n")
    assert "| BERT (published) | 96.2 | 52.3 |" in text
    assert "Snips NLU (published) | full | - | 0.916" in text


def test_a_folder_without_the_data_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN the harness is pointed at an empty folder
    with pytest.raises(SystemExit) as exit_info:
        nlu.main(["--shared", str(tmp_path)])
    # THEN it exits 2 and says which folders it needs
    assert exit_info.value.code == 2
    assert "no datasets/ and bench/ folders" in capsys.readouterr().err
