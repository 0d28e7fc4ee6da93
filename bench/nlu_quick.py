"""Quick NLU design check on CLINC150 (train -> validation); not a test, not the full benchmark.

    .venv/bin/python bench/nlu_quick.py [--shared /path/to/shared]

1. Large bot: the 150 in-scope intents of CLINC150 ``train`` (15,000 utterances) as
   one Lex locale, trained with ``bot.runtime.nlu.train_locale``. Validation (3,000
   in-scope + 100 out-of-scope) under the paper's threshold rule (Larson et al. 2019,
   "oos-threshold"): an utterance is out-of-scope when its top score is below a
   threshold, chosen on validation to maximise in-scope accuracy + out-of-scope recall
   (in-scope accuracy counts a correct intent below the threshold as wrong). Also at
   Lex's default threshold 0.4, and at the highest threshold that costs at most one
   point of in-scope accuracy ("-1 point"). The 100 ``oos_train`` utterances are not used: a Lex
   FallbackIntent has no sample utterances, so the bot cannot learn from them either.
   (Only the "full" variant ships here; there is no "plus" file.)
2. Small bots, the Meety scale: for each CLINC domain, its first 10 intents with 20
   training utterances each; out-of-scope = ``oos_val`` + every 10th validation
   utterance of the other domains. Shows whether 0.4 stays a sensible threshold.

Prints train time, p50/p95 single-utterance ``interpret`` latency and peak RSS.
Reads only ``datasets/clinc150`` (train and validation splits).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.model import Intent, Locale  # noqa: E402
from bot.runtime.nlu import LocaleNlu, train_locale  # noqa: E402

LEX_THRESHOLD = 0.4
Labelled = list[tuple[str, str]]


def locale_from(pairs: Labelled) -> Locale:
    by_intent: dict[str, list[str]] = {}
    for text, intent in pairs:
        by_intent.setdefault(intent, []).append(text)
    intents = tuple(Intent(name=name, sample_utterances=tuple(texts)) for name, texts in by_intent.items())
    fallback = Intent(name="FallbackIntent", parent_intent_signature="AMAZON.FallbackIntent")
    return Locale(locale_id="en_US", intents=(*intents, fallback))


def top(nlu: LocaleNlu, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    best = [nlu.interpret(text, limit=1)[0] for text in texts]
    return [b.intent for b in best], np.asarray([b.score for b in best])


def at_threshold(
    correct: np.ndarray, scores: np.ndarray, oos_scores: np.ndarray, threshold: float
) -> tuple[float, float]:
    return float((correct & (scores >= threshold)).mean()), float((oos_scores < threshold).mean())


def threshold_rule(
    correct: np.ndarray, scores: np.ndarray, oos_scores: np.ndarray
) -> tuple[float, float, float]:
    """(threshold, in-scope accuracy, oos recall) maximising accuracy + recall on these scores."""
    candidates = np.unique(np.concatenate([scores, oos_scores, [0.0, 1.01]]))
    best = (-1.0, 0.0, 0.0, 0.0)
    for threshold in candidates:
        accuracy, recall = at_threshold(correct, scores, oos_scores, float(threshold))
        if accuracy + recall > best[0]:
            best = (accuracy + recall, float(threshold), accuracy, recall)
    return best[1], best[2], best[3]


def evaluate(nlu: LocaleNlu, in_scope: Labelled, oos: Sequence[str]) -> dict[str, float]:
    predicted, scores = top(nlu, [text for text, _ in in_scope])
    correct = np.asarray([p == gold for p, (_, gold) in zip(predicted, in_scope, strict=True)])
    _, oos_scores = top(nlu, oos)
    threshold, accuracy, recall = threshold_rule(correct, scores, oos_scores)
    lex_accuracy, lex_recall = at_threshold(correct, scores, oos_scores, LEX_THRESHOLD)
    # the highest threshold that costs at most one point of in-scope accuracy
    gentle = max(
        float(t)
        for t in np.unique(np.concatenate([scores, [0.0]]))
        if at_threshold(correct, scores, oos_scores, float(t))[0] >= correct.mean() - 0.01
    )
    return {
        "gentle_threshold": gentle,
        "gentle_accuracy": at_threshold(correct, scores, oos_scores, gentle)[0],
        "gentle_recall": at_threshold(correct, scores, oos_scores, gentle)[1],
        "raw_accuracy": float(correct.mean()),
        "threshold": threshold,
        "accuracy": accuracy,
        "recall": recall,
        "lex_accuracy": lex_accuracy,
        "lex_recall": lex_recall,
        "median_in_scope": float(np.median(scores[correct])),
        "median_oos": float(np.median(oos_scores)),
    }


def latency(nlu: LocaleNlu, texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:200]:
        nlu.interpret(text)
    timings = []
    for text in texts:
        start = time.perf_counter()
        nlu.interpret(text)
        timings.append(time.perf_counter() - start)
    timings.sort()
    return timings[len(timings) // 2] * 1e3, timings[int(len(timings) * 0.95)] * 1e3


def report(result: dict[str, float]) -> None:
    rule = f"t={result['threshold']:.3f}: in-scope accuracy {result['accuracy']:.1%}"
    lex = f"in-scope accuracy {result['lex_accuracy']:.1%}, oos recall {result['lex_recall']:.1%}"
    medians = f"in-scope correct {result['median_in_scope']:.2f}, oos {result['median_oos']:.2f}"
    print(f"  accuracy (no thresh) {result['raw_accuracy']:6.1%}")
    print(f"  threshold rule       {rule}, oos recall {result['recall']:.1%}")
    print(f"  at Lex's 0.4         {lex}")
    gentle = f"t={result['gentle_threshold']:.3f}: in-scope accuracy {result['gentle_accuracy']:.1%}"
    print(f"  at -1 point          {gentle}, oos recall {result['gentle_recall']:.1%}")
    print(f"  median top score     {medians}")


def large(train: Labelled, val: Labelled, oos: list[str]) -> None:
    locale = locale_from(train)
    start = time.perf_counter()
    nlu = train_locale(locale)
    seconds = time.perf_counter() - start
    result = evaluate(nlu, val, oos)
    p50, p95 = latency(nlu, [text for text, _ in val] + oos)
    print(f"CLINC150 full, {len(train)} training utterances, {len(nlu.intents)} intents")
    print(f"  train time           {seconds:6.1f} s")
    report(result)
    print(f"  interpret latency    p50 {p50:.3f} ms, p95 {p95:.3f} ms")


def small(train: Labelled, val: Labelled, oos: list[str], domains: dict[str, list[str]]) -> None:
    results = []
    seconds = []
    for domain, intents in domains.items():
        chosen = set(intents[:10])
        per_intent: dict[str, int] = {}
        subset: Labelled = []
        for text, intent in train:
            if intent in chosen and per_intent.get(intent, 0) < 20:
                per_intent[intent] = per_intent.get(intent, 0) + 1
                subset.append((text, intent))
        others = [text for text, intent in val[::10] if intent not in domains[domain]]
        start = time.perf_counter()
        nlu = train_locale(locale_from(subset))
        seconds.append(time.perf_counter() - start)
        results.append(evaluate(nlu, [(t, i) for t, i in val if i in chosen], oos + others))
    mean = {key: statistics.fmean(r[key] for r in results) for key in results[0]}
    print(f"Small bots: {len(results)} CLINC domains x 10 intents x 20 utterances (means)")
    print(f"  train time           {statistics.fmean(seconds) * 1e3:6.0f} ms")
    report(mean)


def load(shared: Path) -> tuple[Labelled, Labelled, list[str], dict[str, list[str]]]:
    """CLINC150 train, validation (in-scope), validation out-of-scope, and the domains."""
    folder = shared / "datasets" / "clinc150"
    train_file = json.loads((folder / "train.json").read_text(encoding="utf-8"))
    val_file = json.loads((folder / "val.json").read_text(encoding="utf-8"))
    domains: dict[str, list[str]] = json.loads((folder / "domains.json").read_text(encoding="utf-8"))
    train: Labelled = [(text, intent) for text, intent in train_file["train"]]
    val: Labelled = [(text, intent) for text, intent in val_file["val"]]
    oos = [text for text, _ in val_file["oos_val"]]
    return train, val, oos, domains


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default_shared = os.environ.get("MEETY_SHARED_DIR") or str(ROOT.parent / "shared")
    parser.add_argument("--shared", type=Path, default=Path(default_shared))
    parser.add_argument("--skip-large", action="store_true", help="only the small-bot check")
    args = parser.parse_args()
    train, val, oos, domains = load(args.shared)
    small(train, val, oos, domains)
    if not args.skip_large:
        large(train, val, oos)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
