"""Which document a question is about, learned from the documents' example questions: the re-ranker's classifier.

Why: the semantic signal (``bot.ask.semantic``) compares a question with each candidate's closest example
question and centre, which weighs every direction of meaning alike, and BM25 picks the candidates, so an
entry whose words the member does not use ("is PO the junior version of PM?") is never even considered. A
multinomial logistic regression over the example questions' vectors learns which directions tell one
entry from its neighbours, and, over every document at once, names candidates BM25 missed.

It is trained when the index is built, on the same vectors (each document's title and example questions,
honest neighbours included as classes of their own), so leave-one-out, which rebuilds the index without
the question it asks, retrains it without that question too: the question it is tested on is never in
its training data. Training is full-batch accelerated gradient descent from zero weights for a fixed
number of steps, in numpy: deterministic (the same vectors give the same weights), and some 0.1-0.3 s of
CPU for the shipped knowledge base's ~1,500 texts and ~75 documents.
"""

from __future__ import annotations

import math
import threading

import numpy as np
from threadpoolctl import threadpool_limits

#: L2 penalty on the weights (the vectors are centred and scaled to unit mean norm first). Tuned by
#: leave-one-out on the example questions alone (top-1, one question in eight): 1e-3 57 %, 3e-4 and 1e-4
#: 77 %, 3e-5 81 % but less converged; the nearest example question alone is 57 %.
L2 = 1e-4
#: Steps of gradient descent: 50 and 150 steps gave the same leave-one-out figures as 100.
STEPS = 100

#: One training at a time: ``threadpool_limits`` sets the BLAS threads of the whole process and restores, on
#: leaving, what it found on entering. Two overlapping trainings (two index builds in two threads) would
#: restore out of order, and the second to leave would leave the process on one BLAS thread for good.
_TRAINING = threading.Lock()


class Classifier:
    """A multinomial logistic regression from vectors to document numbers. Immutable once trained."""

    def __init__(self, vectors: np.ndarray, labels: np.ndarray, classes: int) -> None:
        """``vectors``: one row per text; ``labels``: the document number of each (0 ≤ label < ``classes``)."""
        self.classes = classes
        dimensions = vectors.shape[1] if vectors.ndim == 2 else 0
        self._mean = np.zeros(dimensions, dtype=np.float32)
        self._scale = 1.0
        self._weights = np.zeros((dimensions, classes), dtype=np.float32)
        self._bias = np.zeros(classes, dtype=np.float32)
        if len(vectors) and classes:
            # One BLAS thread: on a shared CPU (#19) OpenBLAS's threads spin waiting for each other, and the
            # same training took 5 s of CPU on two busy cores instead of 0.12 s on one.
            with _TRAINING, threadpool_limits(limits=1, user_api="blas"):
                self._train(np.asarray(vectors, dtype=np.float32), np.asarray(labels, dtype=np.int64))

    def _train(self, vectors: np.ndarray, labels: np.ndarray) -> None:
        """Minimise the mean cross-entropy plus L2 / 2 · |weights|² by Nesterov's accelerated gradient
        (FISTA's momentum schedule) with the step 1 / (the gradient's Lipschitz constant): no step size to
        tune, and no line search whose branches could differ between machines."""
        self._mean = vectors.mean(axis=0)
        centred = vectors - self._mean
        # e5's vectors all lie close together: centred, they are scaled to unit mean norm, so that the
        # penalty means the same whatever the model's spread.
        self._scale = 1.0 / (math.sqrt(float((centred**2).sum(axis=1).mean())) or 1.0)
        x = (centred * self._scale).astype(np.float32)
        count = len(x)
        target = np.zeros((count, self.classes), dtype=np.float32)
        target[np.arange(count), labels] = 1.0
        # Softmax cross-entropy's Hessian in (weights, bias) is at most ½ ‖[x, c·1]‖² / n (spectral norm) plus the
        # penalty, with the bias read as the weight of a constant column c. x is centred, so that column is
        # orthogonal to x's and ‖[x, c·1]‖² / n = max(‖x‖² / n, c²). Choosing c² = ‖x‖² / n keeps the weights'
        # step as large as x alone allows, and the bias, a weight on c, then moves by c² times that step: a step
        # valid for both together. (The bias's own curvature was once ignored: on texts that all have the same
        # vector, x is 0, the step was 1 / L2, and the bias overshot to ±4,439.) With x = 0, c = 1.
        spread = float(np.linalg.norm(x, 2)) ** 2 / count
        bias_share = spread if spread > 0 else 1.0
        # max(‖x‖² / n, c²) is c² itself: c² equals ‖x‖² / n, or is 1 when x is 0.
        step = 1.0 / (0.5 * bias_share + L2)
        bias_step = step * bias_share
        weights: np.ndarray = self._weights
        bias: np.ndarray = self._bias
        previous_weights, previous_bias = weights, bias
        t = 1.0
        for _ in range(STEPS):
            t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
            momentum = (t - 1) / t_next
            look_weights = weights + momentum * (weights - previous_weights)
            look_bias = bias + momentum * (bias - previous_bias)
            error = (_softmax(x @ look_weights + look_bias) - target) / count
            previous_weights, previous_bias = weights, bias
            weights = look_weights - step * (x.T @ error + L2 * look_weights)
            bias = look_bias - bias_step * error.sum(axis=0)
            t = t_next
        self._weights, self._bias = weights.astype(np.float32), bias.astype(np.float32)

    def probabilities(self, vector: np.ndarray) -> np.ndarray:
        """The probability of each document given one question's vector (empty without classes; uniform if trained
        on no text)."""
        if not self.classes:
            return np.zeros(0, dtype=np.float32)
        logits = ((np.asarray(vector, dtype=np.float32) - self._mean) * self._scale) @ self._weights + self._bias
        return _softmax(logits[np.newaxis])[0]


def _softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by each row's maximum so that no exponential overflows."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
