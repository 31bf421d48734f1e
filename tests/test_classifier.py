"""The classifier over example-question vectors (``bot.ask.classifier``): it learns which document a vector is
about, its training is pinned, and leave-one-out never trains it on the question it asks."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from bot.ask import evaluation
from bot.ask.classifier import Classifier
from bot.ask.content import NotCoveredList, NotCoveredTopic
from bot.ask.semantic import Memo, SemanticIndex
from bot.knowledge.entries import Entry, EntryLibrary
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE


def _clusters(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Three well-separated clusters of unit vectors, 12 points each, as e5's vectors are (all close to one
    another, so centring matters)."""
    generator = np.random.default_rng(seed)
    centres = np.eye(3, 16) * 0.3 + np.ones(16)
    points = np.concatenate([centre + generator.normal(0, 0.02, (12, 16)) for centre in centres])
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32), np.repeat(np.arange(3), 12)


def test_it_learns_which_document_a_vector_is_about() -> None:
    vectors, labels = _clusters()
    classifier = Classifier(vectors, labels, 3)
    held_out, _ = _clusters(seed=8)
    predicted = [int(classifier.probabilities(v).argmax()) for v in held_out]
    assert predicted == labels.tolist()
    probabilities = classifier.probabilities(held_out[0])
    assert probabilities.shape == (3,) and probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_training_gives_the_probabilities_it_gave_when_written() -> None:
    """Pinned on a tiny fixed problem (no randomness): a change in the training (steps, penalty, scaling,
    momentum) moves them, 90 steps instead of 100 already by 2 % on the smallest."""
    vectors = np.array(
        [[1.0, 0.2, 0.1], [0.9, 0.3, 0.0], [0.2, 1.0, 0.1], [0.1, 0.8, 0.3], [0.1, 0.2, 1.0], [0.3, 0.1, 0.9]],
        dtype=np.float32,
    )
    classifier = Classifier(vectors, np.array([0, 0, 1, 1, 2, 2]), 3)
    between = classifier.probabilities(np.array([0.5, 0.5, 0.2], dtype=np.float32))
    assert between.tolist() == pytest.approx([0.525633, 0.450239, 0.024128], rel=1e-3)
    third = classifier.probabilities(np.array([0.2, 0.3, 0.8], dtype=np.float32))
    assert third.tolist() == pytest.approx([0.001561, 0.014535, 0.983904], rel=1e-3)


def test_a_document_without_texts_is_a_class_it_never_favours_and_an_empty_one_is_harmless() -> None:
    vectors, labels = _clusters()
    classifier = Classifier(vectors, labels, 4)  # document 3 has no example question
    assert all(classifier.probabilities(v).argmax() != 3 for v in vectors)
    assert Classifier(np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=np.int64), 0).probabilities(
        np.zeros(0)
    ).shape == (0,)


def test_the_semantic_index_trains_it_on_each_documents_title_and_example_questions() -> None:
    vectors, _ = _clusters()
    texts = [f"text {i}" for i in range(len(vectors))]
    memo = Memo(lambda asked: vectors[[texts.index(t) for t in asked]], "clusters")
    index = SemanticIndex([texts[:12], texts[12:24], texts[24:]], memo)
    assert [int(index.likelihood(v).argmax()) for v in vectors] == [0] * 12 + [1] * 12 + [2] * 12


def test_leave_one_out_never_trains_the_classifier_on_the_question_it_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave-one-out rebuilds the index for every question asked, without it: the classifier each search uses
    was trained on texts that do not include that question."""
    trained_on: list[set[str]] = []
    real_init = SemanticIndex.__init__

    def recording_init(self: SemanticIndex, documents: Any, embed: Memo, cache: Any = None) -> None:
        listed = [list(texts) for texts in documents]
        trained_on.append({text for texts in listed for text in texts})
        real_init(self, listed, embed, cache)

    asked: list[tuple[str, set[str]]] = []
    real_search = evaluation.SearchIndex.search

    def recording_search(self: Any, question: str, limit: int = 3) -> Any:
        asked.append((question, trained_on[-1]))
        return real_search(self, question, limit)

    monkeypatch.setattr(SemanticIndex, "__init__", recording_init)
    monkeypatch.setattr(evaluation.SearchIndex, "search", recording_search)

    def embed(texts: Sequence[str]) -> np.ndarray:
        rows = np.array([[1.0 + len(t) % 3, 1.0 + ("roadmap" in t), 1.0 + ("scrum" in t)] for t in texts])
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)

    knowledge = require_knowledge(SHIPPED_KNOWLEDGE)
    entries = list(knowledge.part(EntryLibrary).entries.values())[:2]
    topics = list(knowledge.part(NotCoveredList).topics.values())[:1]
    evaluation.leave_one_out(entries, topics, embed=Memo(embed, "test"))
    items: list[Entry | NotCoveredTopic] = [*entries, *topics]
    assert len(asked) == sum(len(item.questions) for item in items)
    for question, texts in asked:
        assert question not in texts


def test_texts_that_all_read_the_same_leave_it_at_the_labels_frequencies() -> None:
    """A degenerate input: every text has the same vector, so nothing but the bias can be learnt, and its best
    value makes each document as likely as its share of the texts. The step must be valid for the bias too:
    with the weights' step alone (1 / L2 here) the bias overshot to ±4,439 and one document took everything."""
    vectors = np.ones((4, 8), dtype=np.float32) / np.sqrt(8)
    classifier = Classifier(vectors, np.array([0, 0, 0, 1]), 2)
    assert classifier.probabilities(vectors[0]).tolist() == pytest.approx([0.75, 0.25], abs=0.01)


def test_trainings_in_two_threads_take_turns_and_leave_the_blas_threads_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The BLAS thread limit is process-wide and restored on leaving: overlapping trainings would restore it
    out of order. Each training waits for the other, and the limit is back to what it was afterwards."""
    inside: list[int] = []
    running = [0]
    real_train = Classifier._train

    def slow_train(self: Classifier, vectors: np.ndarray, labels: np.ndarray) -> None:
        running[0] += 1
        inside.append(running[0])
        time.sleep(0.05)
        real_train(self, vectors, labels)
        running[0] -= 1

    monkeypatch.setattr(Classifier, "_train", slow_train)
    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    vectors, labels = _clusters()
    threads = [threading.Thread(target=Classifier, args=(vectors, labels, 3)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inside == [1, 1]
    if not before:  # else the check below compares two empty lists and passes whatever the limit did
        pytest.skip("threadpoolctl finds no BLAS library here, so the thread limit cannot be checked")
    assert [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"] == before
