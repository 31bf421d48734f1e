"""The re-ranker (``bot.ask.rerank``): its shipped weights, and its example-question overlap, which is kept
in numpy arrays for memory, checked against the same overlap computed plainly with sets."""

from __future__ import annotations

import json
import math

import pytest

from bot.ask.rerank import (
    CANDIDATE_FEATURES,
    NOTHING_FEATURES,
    SEMANTIC_FEATURES,
    WEIGHTS_FILE,
    RerankModel,
    shipped_model,
)
from bot.ask.search import CANDIDATES, SearchIndex
from bot.knowledge.entries import EntryLibrary
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.from_knowledge(require_knowledge(SHIPPED_KNOWLEDGE))


def test_the_shipped_weights_name_every_feature_once() -> None:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert list(data["lexical"]["candidate"]) == list(CANDIDATE_FEATURES)
    assert list(data["semantic"]["candidate"]) == [*CANDIDATE_FEATURES, *SEMANTIC_FEATURES]
    for model in data.values():
        assert list(model["nothing"]) == list(NOTHING_FEATURES)
    for semantic in (False, True):
        assert RerankModel.from_json(shipped_model(semantic).to_json()) == shipped_model(semantic)
    with pytest.raises(ValueError, match="one weight per feature"):
        RerankModel((1.0,), (1.0,))


@pytest.mark.parametrize(
    ("semantic", "part", "name"),
    [(False, "candidate", "coverage"), (True, "candidate", "semantic_lead"), (False, "nothing", "unknown")],
)
def test_a_missing_weight_is_an_error_naming_it(semantic: bool, part: str, name: str) -> None:
    """Weights are read by name: one left out must not shift the others into the wrong features."""
    data = shipped_model(semantic).to_json()
    del data[part][name]
    with pytest.raises(KeyError, match=name):
        RerankModel.from_json(data)


QUESTIONS = [
    "is writing user storys the product owner's job",
    "pspo price",
    "how do i go from po to pm",
    "I'm a BA at a bank and they offered me a PO role, should I take it?",
    "what is a scrum master",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_example_overlap_is_the_best_dice_over_the_example_questions(index: SearchIndex, question: str) -> None:
    terms = index._terms(question)
    known = [t for t in terms if t.stem is not None]
    rows = [row for row, _ in index._bm25.top((t.stem for t in known if t.stem), CANDIDATES)]
    candidates, _ = index.reranker.features(terms, rows, [0.5] * len(rows))
    weight = {t.stem: t.weight for t in known}
    asked = sum(weight.values())
    for row, features in zip(rows, candidates, strict=True):
        best = 0.0
        for example in index._items[row].questions:
            stems = {index._stems[w] for w in index.content_words(example) if w in index._stems}
            shared = sum(weight.get(stem, 0.0) for stem in stems)
            idf_total = sum(index.reranker._idf(stem) for stem in stems)
            best = max(best, 2 * shared / (asked + idf_total))
        assert math.isclose(features[CANDIDATE_FEATURES.index("example")], best, rel_tol=1e-9, abs_tol=1e-12)


def test_an_entrys_own_example_question_finds_it_confidently(index: SearchIndex) -> None:
    entries = require_knowledge(SHIPPED_KNOWLEDGE).part(EntryLibrary).entries
    entry = entries["po-backlog-and-stories"]
    result = index.search(entry.questions[0])
    assert result.best is not None and result.best.item.id == entry.id
    assert 0.5 <= result.best.confidence <= 1.0


def test_the_refit_reads_only_splits_that_may_be_tuned_on() -> None:
    """``bench.search_rerank`` once fitted on every set's first split, held-out fresh2's ``test2`` among them."""
    from bench.search_rerank import TUNING_SETS, TUNING_SPLITS
    from bot.ask.evaluation import SETS

    assert TUNING_SETS == {"members": "dev", "more": "tune", "fresh": "dev", "fresh4": "dev"}
    assert all(SETS[name].first_tuned_on for name in TUNING_SETS)
    assert TUNING_SPLITS == ("dev", "tune")
