"""The scores the NLU benchmark reports, as pure functions over predictions (no I/O, no engine).

Out-of-scope detection follows Larson et al. 2019 ("oos-threshold"): an utterance
is out-of-scope when the engine's top confidence is below a threshold; in-scope
accuracy counts a right intent below the threshold as wrong. The paper's rule
picks the threshold that maximises in-scope accuracy + out-of-scope recall on the
validation split; the test split is then scored at that fixed threshold.

Slot filling follows the SNIPS 2017 benchmark: a slot is right when its name and
its exact text both match the annotation (micro-averaged over all slots); a frame
is right when the intent and the whole set of slots are right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Scored:
    """In-scope predictions (right or wrong, with confidence) and out-of-scope confidences."""

    correct: Flags
    confidence: Scores
    oos_confidence: Scores

    @classmethod
    def of(
        cls, predicted: Sequence[str], gold: Sequence[str], confidence: Iterable[float], oos: Iterable[float]
    ) -> Scored:
        if len(predicted) != len(gold):
            raise ValueError("one prediction per gold label")
        correct = np.asarray([p == g for p, g in zip(predicted, gold, strict=True)], dtype=bool)
        return cls(
            correct, np.asarray(list(confidence), dtype=np.float64), np.asarray(list(oos), dtype=np.float64)
        )


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    in_scope_accuracy: float
    oos_recall: float
    oos_precision: float


def at_threshold(scored: Scored, threshold: float) -> OperatingPoint:
    accepted = scored.confidence >= threshold
    oos_rejected = scored.oos_confidence < threshold
    true_oos = int(oos_rejected.sum())
    flagged = true_oos + int((~accepted).sum())
    return OperatingPoint(
        threshold=threshold,
        in_scope_accuracy=float((scored.correct & accepted).mean()) if len(accepted) else 0.0,
        oos_recall=float(oos_rejected.mean()) if len(oos_rejected) else 0.0,
        oos_precision=true_oos / flagged if flagged else 0.0,
    )


def paper_threshold(scored: Scored) -> float:
    """The threshold maximising in-scope accuracy + out-of-scope recall (lowest on a tie)."""
    return _best_threshold(scored, lambda point: point.in_scope_accuracy + point.oos_recall)


def accuracy_threshold(scored: Scored) -> float:
    """The threshold maximising accuracy over all utterances, out-of-scope counted as one more class.

    The other common reading of "tuned on validation"; with 30 in-scope utterances per
    out-of-scope one (CLINC150 validation) it keeps in-scope accuracy and gives up recall.
    """
    size_in, size_oos = len(scored.confidence), len(scored.oos_confidence)

    def right(point: OperatingPoint) -> float:
        return point.in_scope_accuracy * size_in + point.oos_recall * size_oos

    return _best_threshold(scored, right)


def _best_threshold(scored: Scored, objective: Callable[[OperatingPoint], float]) -> float:
    candidates = np.unique(np.concatenate([scored.confidence, scored.oos_confidence, [0.0]]))
    # Thresholds just above each observed score are the only places the rates change.
    candidates = np.unique(np.concatenate([candidates, np.nextafter(candidates, np.inf)]))
    best, best_value = 0.0, -1.0
    for threshold in candidates:
        value = objective(at_threshold(scored, float(threshold)))
        if value > best_value + 1e-12:
            best, best_value = float(threshold), value
    return best


def auroc(in_scope: Scores, oos: Scores) -> float:
    """Chance that an in-scope utterance gets a higher confidence than an out-of-scope one (ties: half)."""
    if not len(in_scope) or not len(oos):
        return float("nan")
    values = np.concatenate([in_scope, oos])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    # average ranks over ties (Mann-Whitney U)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_values)) + 1]
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2.0
    u = ranks[: len(in_scope)].sum() - len(in_scope) * (len(in_scope) + 1) / 2.0
    return float(u / (len(in_scope) * len(oos)))


Slots = Sequence[tuple[str, str]]
"""(slot name, text) pairs; a name may repeat in an annotation (Lex would keep one of them)."""


@dataclass(frozen=True)
class SlotScores:
    intent_accuracy: float
    slot_precision: float
    slot_recall: float
    slot_f1: float
    frame_accuracy: float


def _pairs(slots: Slots) -> Counter[tuple[str, str]]:
    return Counter((name, " ".join(value.split())) for name, value in slots)


def slot_scores(
    predicted_intents: Sequence[str],
    gold_intents: Sequence[str],
    predicted_slots: Sequence[Slots],
    gold_slots: Sequence[Slots],
) -> SlotScores:
    """Intent accuracy, exact-span micro slot P/R/F1 and frame accuracy over one test set."""
    size = len(gold_intents)
    if not (len(predicted_intents) == len(predicted_slots) == len(gold_slots) == size):
        raise ValueError("one prediction per gold utterance")
    hits = found = expected = frames = intents = 0
    for p_intent, g_intent, p_slots, g_slots in zip(
        predicted_intents, gold_intents, predicted_slots, gold_slots, strict=True
    ):
        predicted, gold = _pairs(p_slots), _pairs(g_slots)
        hits += sum((predicted & gold).values())
        found += sum(predicted.values())
        expected += sum(gold.values())
        intents += p_intent == g_intent
        frames += p_intent == g_intent and predicted == gold
    precision = hits / found if found else 0.0
    recall = hits / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SlotScores(
        intent_accuracy=intents / size if size else 0.0,
        slot_precision=precision,
        slot_recall=recall,
        slot_f1=f1,
        frame_accuracy=frames / size if size else 0.0,
    )


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank on the sorted samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, int(np.ceil(q / 100.0 * len(ordered))) - 1))
    return ordered[index]
