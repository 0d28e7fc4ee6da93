"""NLU quality against published benchmarks: CLINC150 and SNIPS 2017 through the local runtime.

    make bench-nlu                    # or: .venv/bin/python bench/nlu.py [--shared DIR] [--docs FILE]

Both datasets are turned into Lex V2 bots (``bench/nlu_data.py``) and run through a
``LexRuntime``, the engine ``meety serve`` runs (``bench/nlu_engine.py``). Two phases:

1. Fit and tune, on ``shared/datasets`` only: train each bot; pick the CLINC150
   out-of-scope threshold by the paper's rule on the validation split.
2. Score, on ``shared/bench``: the test splits, read once, at the fixed threshold.

Writes ``bench/results/nlu.json`` and prints the table that ``--docs`` also puts into
``docs/benchmarks.md`` (between the ``nlu:begin``/``nlu:end`` markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import nlu_engine, nlu_metrics  # noqa: E402
from bench.nlu_data import HeldOut, TrainingData, clinc_bot, draw, snips_bot  # noqa: E402
from bench.nlu_report import render, update_docs  # noqa: E402

SEEDS = (0, 1, 2)
PER_INTENT = 70
Json = dict[str, Any]


@dataclass(frozen=True)
class Settings:
    shared: Path
    seeds: tuple[int, ...] = SEEDS
    per_intent: int = PER_INTENT


@dataclass
class Fitted:
    """Everything phase 1 produced: trained runtimes and the tuned threshold, nothing from test data."""

    clinc: nlu_engine.Trained
    clinc_threshold: float
    clinc_validation: nlu_metrics.OperatingPoint
    clinc_accuracy_threshold: float
    snips_small: list[tuple[int, nlu_engine.Trained]]
    snips_full: nlu_engine.Trained


def fit_and_tune(settings: Settings) -> Fitted:
    """Phase 1: reads ``shared/datasets`` only."""
    data = TrainingData(settings.shared)
    clinc = data.clinc()
    trained = nlu_engine.train(clinc_bot(clinc.train))
    intents, scores, _ = nlu_engine.confidences(trained.runtime, [text for text, _ in clinc.val])
    _, oos, _ = nlu_engine.confidences(trained.runtime, clinc.val_oos)
    validation = nlu_metrics.Scored.of(intents, [gold for _, gold in clinc.val], scores, oos)
    threshold = nlu_metrics.paper_threshold(validation)
    pool = data.snips_small()
    small = [
        (seed, nlu_engine.train(snips_bot(draw(pool, settings.per_intent, seed)[0])))
        for seed in settings.seeds
    ]
    full = nlu_engine.train(snips_bot(data.snips_full()))
    return Fitted(
        clinc=trained,
        clinc_threshold=threshold,
        clinc_validation=nlu_metrics.at_threshold(validation, threshold),
        clinc_accuracy_threshold=nlu_metrics.accuracy_threshold(validation),
        snips_small=small,
        snips_full=full,
    )


def score(settings: Settings, fitted: Fitted) -> Json:
    """Phase 2: the held-out test splits, at the settings fixed in phase 1."""
    held_out = HeldOut(settings.shared)
    test, test_oos = held_out.clinc()
    runtime = fitted.clinc.runtime
    intents, scores, seconds = nlu_engine.confidences(runtime, [text for text, _ in test])
    _, oos, oos_seconds = nlu_engine.confidences(runtime, test_oos)
    scored = nlu_metrics.Scored.of(intents, [gold for _, gold in test], scores, oos)
    default = runtime.bot.locales[0].nlu_confidence_threshold
    latencies = [s * 1e3 for s in seconds + oos_seconds]
    queries = held_out.snips()
    return {
        "clinc150": {
            "train_utterances": sum(len(i.sample_utterances) for i in runtime.bot.locales[0].intents),
            "test_in_scope": len(test),
            "test_out_of_scope": len(test_oos),
            "train_seconds": fitted.clinc.seconds,
            "peak_rss_mb": fitted.clinc.peak_rss_mb,
            "interpret_ms_p50": nlu_metrics.percentile(latencies, 50),
            "interpret_ms_p95": nlu_metrics.percentile(latencies, 95),
            "accuracy_without_threshold": float(scored.correct.mean()),
            "auroc": nlu_metrics.auroc(scored.confidence, scored.oos_confidence),
            "paper_rule": asdict(nlu_metrics.at_threshold(scored, fitted.clinc_threshold)),
            "paper_rule_on_validation": asdict(fitted.clinc_validation),
            "accuracy_rule": asdict(nlu_metrics.at_threshold(scored, fitted.clinc_accuracy_threshold)),
            "engine_default": asdict(nlu_metrics.at_threshold(scored, default)),
        },
        "snips": {
            "test_queries": len(queries),
            f"per_intent_{settings.per_intent}": _snips_draws(fitted.snips_small, queries),
            "full": _snips_run(fitted.snips_full, queries),
        },
    }


def _snips_run(trained: nlu_engine.Trained, queries: list[Any]) -> Json:
    turns = nlu_engine.recognize(trained.runtime, [query.text for query in queries])
    scores = nlu_metrics.slot_scores(
        [turn.intent for turn in turns],
        [query.intent for query in queries],
        [turn.slots for turn in turns],
        [query.slots for query in queries],
    )
    latencies = [turn.seconds * 1e3 for turn in turns]
    return {
        **asdict(scores),
        "train_seconds": trained.seconds,
        "sample_utterances": sum(len(i.sample_utterances) for i in trained.runtime.bot.locales[0].intents),
        "turn_ms_p50": nlu_metrics.percentile(latencies, 50),
        "turn_ms_p95": nlu_metrics.percentile(latencies, 95),
    }


def _snips_draws(runs: list[tuple[int, nlu_engine.Trained]], queries: list[Any]) -> Json:
    per_seed = {str(seed): _snips_run(trained, queries) for seed, trained in runs}
    keys = ("intent_accuracy", "slot_f1", "frame_accuracy", "slot_precision", "slot_recall")
    mean = {key: statistics.fmean(run[key] for run in per_seed.values()) for key in keys}
    spread = {
        key: [min(r[key] for r in per_seed.values()), max(r[key] for r in per_seed.values())] for key in keys
    }
    return {"mean": mean, "range": spread, "seeds": per_seed}


def run(settings: Settings) -> Json:
    fitted = fit_and_tune(settings)
    results = score(settings, fitted)
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "protocol": {
            "clinc150": "train -> validation picks the threshold maximising in-scope accuracy + oos recall "
            "(paper_rule: our reading of Larson et al. 2019, oos-threshold) or accuracy over all 3,100 "
            "validation utterances with oos as a class (accuracy_rule); test scored once at each. "
            "oos_train unused (Lex's FallbackIntent has no samples).",
            "snips": f"{settings.per_intent} queries per intent drawn from train_small with seeds "
            f"{list(settings.seeds)}, and train_full; scored on the 2017 benchmark's validate files "
            "(exact span, micro slot F1).",
        },
        **results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default_shared = os.environ.get("MEETY_SHARED_DIR") or str(ROOT.parent / "shared")
    parser.add_argument("--shared", type=Path, default=Path(default_shared), help="the shared data folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nlu.json")
    parser.add_argument("--docs", type=Path, help="also put the table into this Markdown file")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--per-intent", type=int, default=PER_INTENT)
    args = parser.parse_args(argv)
    if not (args.shared / "datasets").is_dir() or not (args.shared / "bench").is_dir():
        parser.error(f"{args.shared} has no datasets/ and bench/ folders (set --shared or MEETY_SHARED_DIR)")
    results = run(Settings(args.shared, tuple(args.seeds), args.per_intent))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = render(results)
    print(table)
    print(f"\nwrote {args.out}")
    if args.docs is not None:
        update_docs(args.docs, table)
        print(f"updated {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
