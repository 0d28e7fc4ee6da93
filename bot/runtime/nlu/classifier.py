"""Multinomial logistic regression over sparse TF-IDF rows, trained in numpy.

Why this model: on short utterances a linear model over word and character
n-grams is within a few points of far heavier models, trains in seconds, and
answers in microseconds: one gather of the weight rows an utterance touches.
Why not scikit-learn: its import alone costs more than a second, and
``meety serve`` must answer within two seconds of starting.

Two optimisers, one objective. Small bots (up to ``lbfgs_max_params`` weights,
e.g. 10 intents) use L-BFGS: exact, and ~50 ms. A 150-intent bot has ~60k
features, ~10M weights; an L-BFGS float64 history of several such vectors would
exceed a gigabyte, so large bots use mini-batch Adam instead: three float32
copies, only the rows a batch touches updated, a fixed number of epochs with a
linearly decaying step, shuffled with a fixed seed (deterministic).

Besides one class per intent the softmax has a "none of them" class. Its only
training examples are empty feature vectors, so it learns what an utterance
with no known evidence looks like; an utterance made of unfamiliar words then
puts its probability there, and every intent's score stays low. That makes the
scores comparable with Lex's fixed confidence threshold (0.4 by default) even
on a bot with two or three intents, where a plain softmax can never go below
1/2 or 1/3.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import scipy.sparse as sp  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class TrainConfig:
    c: float = 200.0
    """Inverse L2 strength, as in scikit-learn: the penalty on the mean loss is 1 / (c * examples)."""
    epochs: int = 12
    min_steps: int = 300
    batch_size: int = 512
    learning_rate: float = 0.05
    none_weight: float = 0.02
    """Share of the training mass given to the empty "none of them" example."""
    seed: int = 0
    lbfgs_max_params: int = 300_000
    """Up to this many weights, L-BFGS (exact, fastest when it fits); beyond it, Adam (memory)."""


@dataclass(frozen=True)
class LinearModel:
    """Weights (features x classes, the last class is "none") and biases."""

    weights: FloatArray
    bias: FloatArray

    def probabilities(self, columns: npt.NDArray[np.intp], values: FloatArray) -> FloatArray:
        """Softmax over every class, "none" included, for one sparse row."""
        logits = self.bias + values @ self.weights[columns] if len(columns) else self.bias.copy()
        logits = logits - logits.max()
        exp = np.exp(logits)
        probabilities: FloatArray = exp / exp.sum()
        return probabilities


def _softmax(logits: FloatArray) -> FloatArray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    result: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return result


class _LazyAdam:
    """Adam that updates only the rows a batch touches (float32, in place).

    A batch of short utterances touches a small fraction of the feature rows,
    so updating only those keeps a step cheap. The L2 gradient of a row is then
    applied only when the row is touched; ``reg_scale`` (1 / the chance a row is
    in a batch) keeps it unbiased on average.
    """

    def __init__(self, params: FloatArray) -> None:
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)

    def step(self, params: FloatArray, rows: npt.NDArray[np.intp], grad: FloatArray, rate: float) -> None:
        beta1, beta2 = 0.9, 0.999
        m = self.m[rows]
        v = self.v[rows]
        m *= beta1
        m += (1.0 - beta1) * grad
        v *= beta2
        v += (1.0 - beta2) * grad * grad
        self.m[rows] = m
        self.v[rows] = v
        params[rows] -= rate * m / (np.sqrt(v) + 1e-8)


@dataclass(frozen=True)
class _Problem:
    rows: sp.csr_matrix
    labels: npt.NDArray[np.intp]
    weight: npt.NDArray[np.float64]
    """Per-row weights, summing to the data share of the loss."""
    n_out: int
    l2: float
    none_share: float

    def none_gradient(self, bias: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
        """Gradient of the "none" term (empty input -> last class) with respect to the biases."""
        probabilities = np.exp(np.asarray(bias, dtype=np.float64) - float(bias.max()))
        probabilities /= probabilities.sum()
        probabilities[-1] -= 1.0
        gradient: npt.NDArray[np.float64] = self.none_share * probabilities
        return gradient


def train(
    rows: Sequence[tuple[npt.NDArray[np.intp], npt.NDArray[np.floating[Any]]]],
    n_features: int,
    labels: npt.NDArray[np.intp],
    sample_weight: npt.NDArray[np.float64],
    n_classes: int,
    config: TrainConfig = TrainConfig(),
) -> LinearModel:
    """Fit softmax regression on ``n_classes`` intents plus the "none" class (index ``n_classes``).

    ``rows`` are sparse (columns, values) pairs; a column may repeat (values add up).
    The objective: mean weighted cross-entropy of the rows (share ``1 - none_weight``),
    plus cross-entropy of "none" for an empty row (share ``none_weight``), plus L2 on the weights.
    """
    # Imported here, not at the top: only training needs it, and it doubles the package's import time.
    import scipy.sparse as sp

    n_rows = len(rows)
    n_out = n_classes + 1
    weight = np.asarray(sample_weight, dtype=np.float64)
    if n_rows == 0 or weight.sum() <= 0.0:
        bias = np.zeros(n_out, dtype=np.float32)
        bias[:n_classes] = -10.0
        return LinearModel(np.zeros((n_features, n_out), dtype=np.float32), bias)
    indptr = np.cumsum([0, *(len(columns) for columns, _ in rows)])
    matrix = sp.csr_matrix(
        (np.concatenate([v for _, v in rows]), np.concatenate([c for c, _ in rows]), indptr),
        shape=(n_rows, n_features),
        dtype=np.float64,
    )
    problem = _Problem(
        rows=matrix,
        labels=np.asarray(labels, dtype=np.intp),
        weight=weight * ((1.0 - config.none_weight) / weight.sum()),
        n_out=n_out,
        l2=1.0 / (config.c * weight.sum()),
        none_share=config.none_weight,
    )
    if n_features * n_out <= config.lbfgs_max_params:
        return _fit_lbfgs(problem)
    return _fit_adam(problem, config)


def _fit_lbfgs(problem: _Problem) -> LinearModel:
    rows = problem.rows
    rows_t = rows.T.tocsr()
    n_features, n_out = rows.shape[1], problem.n_out
    size = n_features * n_out
    targets = np.zeros((rows.shape[0], n_out))
    targets[np.arange(rows.shape[0]), problem.labels] = 1.0
    row_weight = problem.weight[:, None]

    def objective(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        weights = theta[:size].reshape(n_features, n_out)
        bias = theta[size:]
        logits = np.asarray(rows @ weights) + bias
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1, keepdims=True))
        log_p = logits - log_norm
        loss = -float((row_weight * log_p * targets).sum())
        grad_logits = (np.exp(log_p) - targets) * row_weight
        none_logits = bias - bias.max()
        loss -= problem.none_share * float(none_logits[-1] - np.log(np.exp(none_logits).sum()))
        loss += 0.5 * problem.l2 * float(np.dot(theta[:size], theta[:size]))
        grad_w = np.asarray(rows_t @ grad_logits) + problem.l2 * weights
        grad_b = grad_logits.sum(axis=0) + problem.none_gradient(bias)
        return loss, np.concatenate([grad_w.ravel(), grad_b])

    theta = _minimize_lbfgs(objective, np.zeros(size + n_out))
    return LinearModel(
        theta[:size].reshape(n_features, n_out).astype(np.float32), theta[size:].astype(np.float32)
    )


def _minimize_lbfgs(
    objective: Callable[[npt.NDArray[np.float64]], tuple[float, npt.NDArray[np.float64]]],
    start: npt.NDArray[np.float64],
    max_iter: int = 300,
    memory: int = 8,
    gtol: float = 1e-5,
) -> npt.NDArray[np.float64]:
    """Plain L-BFGS with a backtracking (Armijo) line search.

    SciPy's L-BFGS-B spends ~10 ms per iteration in its bound-handling core on a
    30k-weight problem, more than the objective itself; this loop costs a few
    dot products per stored pair.
    """
    x = start
    value, grad = objective(x)
    history: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]] = []
    for _ in range(max_iter):
        if float(np.abs(grad).max()) < gtol:
            break
        direction = grad.copy()
        alphas = []
        for s, y, rho in reversed(history):
            alpha = rho * float(s @ direction)
            direction -= alpha * y
            alphas.append(alpha)
        if history:
            s, y, _ = history[-1]
            direction *= float(s @ y) / float(y @ y)
        else:
            direction /= max(1.0, float(np.linalg.norm(grad)))
        for (s, y, rho), alpha in zip(history, reversed(alphas), strict=True):
            direction += (alpha - rho * float(y @ direction)) * s
        direction = -direction
        slope = float(grad @ direction)
        if slope >= 0.0:
            history.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        while True:
            candidate = x + step * direction
            new_value, new_grad = objective(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        s, y = candidate - x, new_grad - grad
        curvature = float(s @ y)
        if curvature > 1e-12:
            history.append((s, y, 1.0 / curvature))
            del history[:-memory]
        improvement = value - new_value
        x, value, grad = candidate, new_value, new_grad
        if improvement <= 1e-10 * max(1.0, abs(value)):
            break
    return x


def _fit_adam(problem: _Problem, config: TrainConfig) -> LinearModel:
    import scipy.sparse as sp

    rows = sp.csr_matrix(problem.rows, dtype=np.float32)
    labels, n_out = problem.labels, problem.n_out
    n_rows, n_features = rows.shape
    weights = np.zeros((n_features, n_out), dtype=np.float32)
    bias = np.zeros((1, n_out), dtype=np.float32)
    rng = np.random.default_rng(config.seed)
    batch = min(config.batch_size, n_rows)
    per_epoch = math.ceil(n_rows / batch)
    epochs = max(config.epochs, math.ceil(config.min_steps / per_epoch))
    total = epochs * per_epoch
    doc_freq = np.bincount(rows.indices, minlength=n_features) / n_rows
    in_batch = 1.0 - np.power(1.0 - np.minimum(doc_freq, 1.0), batch)
    reg_scale = (problem.l2 / np.maximum(in_batch, 1e-12)).astype(np.float32)[:, None]
    adam_w, adam_b = _LazyAdam(weights), _LazyAdam(bias)
    bias_row = np.zeros(1, dtype=np.intp)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n_rows)
        for start in range(0, n_rows, batch):
            index = order[start : start + batch]
            x = rows[index]
            touched, local = np.unique(x.indices, return_inverse=True)
            x = sp.csr_matrix((x.data, local.ravel(), x.indptr), shape=(len(index), len(touched)))
            w_local = weights[touched]
            grad_logits = _softmax(np.asarray(x @ w_local) + bias)
            grad_logits[np.arange(len(index)), labels[index]] -= 1.0
            w = problem.weight[index]
            # Scale the batch so that it stands for the whole data share of the loss.
            grad_logits *= (w * (problem.weight.sum() / w.sum())).astype(np.float32)[:, None]
            grad_w = np.asarray(x.T @ grad_logits, dtype=np.float32)
            grad_w += reg_scale[touched] * w_local
            grad_b = grad_logits.sum(axis=0, keepdims=True) + problem.none_gradient(bias[0])
            step += 1
            rate = config.learning_rate * (1.0 - (step - 1) / total)
            rate *= math.sqrt(1.0 - 0.999**step) / (1.0 - 0.9**step)
            adam_w.step(weights, touched, grad_w, rate)
            adam_b.step(bias, bias_row, grad_b.astype(np.float32), rate)
    return LinearModel(weights, bias[0])
