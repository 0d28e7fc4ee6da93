"""The NLU benchmark's scores on hand-made predictions, where the right answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from bench.nlu_metrics import (
    Scored,
    accuracy_threshold,
    at_threshold,
    auroc,
    paper_threshold,
    percentile,
    slot_scores,
)


def test_the_paper_threshold_maximises_accuracy_plus_recall() -> None:
    # GIVEN four in-scope predictions (three right) and three out-of-scope utterances
    scored = Scored.of(["a", "b", "c", "x"], ["a", "b", "c", "d"], [0.9, 0.8, 0.35, 0.5], [0.3, 0.2, 0.6])
    # WHEN the paper's rule picks the threshold
    threshold = paper_threshold(scored)
    point = at_threshold(scored, threshold)
    # THEN just above 0.6 wins: 2/4 right + 3/3 rejected = 1.5 (0.35 gives 3/4 + 2/3, 0.8 gives 1/4 + 3/3)
    assert 0.6 < threshold <= 0.8
    assert point.in_scope_accuracy == pytest.approx(0.5)
    assert point.oos_recall == pytest.approx(1.0)
    # AND precision counts the in-scope utterances flagged too: 3 out-of-scope of 5 flagged
    assert point.oos_precision == pytest.approx(0.6)


def test_a_threshold_of_zero_accepts_everything() -> None:
    scored = Scored.of(["a", "b"], ["a", "c"], [0.1, 0.2], [0.05])
    point = at_threshold(scored, 0.0)
    assert (point.in_scope_accuracy, point.oos_recall, point.oos_precision) == (0.5, 0.0, 0.0)


def test_auroc_is_the_chance_in_scope_outranks_out_of_scope() -> None:
    assert auroc(np.array([0.9, 0.8]), np.array([0.1, 0.2])) == 1.0
    assert auroc(np.array([0.1, 0.2]), np.array([0.9, 0.8])) == 0.0
    assert auroc(np.array([0.5, 0.5]), np.array([0.5])) == 0.5
    # one of the four pairs is wrong
    assert auroc(np.array([0.9, 0.3]), np.array([0.1, 0.5])) == pytest.approx(0.75)


def test_slot_scores_count_exact_spans_and_whole_frames() -> None:
    # GIVEN two utterances: the first all right, the second with one span too long and a wrong intent
    scores = slot_scores(
        ["PlayMusic", "GetWeather"],
        ["PlayMusic", "BookRestaurant"],
        [[("artist", "Adele"), ("service", " spotify ")], [("city", "paris today")]],
        [[("artist", "Adele"), ("service", "spotify")], [("city", "paris"), ("party_size", "4")]],
    )
    # THEN 2 of 3 predicted spans are right, 2 of 4 expected are found, and one frame of two is right
    assert scores.slot_precision == pytest.approx(2 / 3)
    assert scores.slot_recall == pytest.approx(0.5)
    assert scores.slot_f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert scores.intent_accuracy == 0.5
    assert scores.frame_accuracy == 0.5


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="one prediction per gold label"):
        Scored.of(["a"], ["a", "b"], [0.1], [])
    with pytest.raises(ValueError, match="one prediction per gold utterance"):
        slot_scores(["a"], ["a"], [], [[]])


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 95) == 95.0
    assert percentile([3.0], 95) == 3.0


def test_the_accuracy_rule_counts_every_utterance_alike() -> None:
    # GIVEN nine right in-scope predictions and one out-of-scope utterance scoring in between
    scored = Scored.of(["a"] * 9, ["a"] * 9, [0.1, 0.2, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], [0.3])
    # WHEN thresholds are chosen by each rule
    by_accuracy = at_threshold(scored, accuracy_threshold(scored))
    by_sum = at_threshold(scored, paper_threshold(scored))
    # THEN rejecting the out-of-scope one costs two in-scope: the accuracy rule declines, the sum takes it
    assert (by_accuracy.in_scope_accuracy, by_accuracy.oos_recall) == (1.0, 0.0)
    assert by_sum.in_scope_accuracy == pytest.approx(7 / 9)
    assert by_sum.oos_recall == 1.0
