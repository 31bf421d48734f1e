"""A small learned re-ranker over search's best candidates, and the confidence the answer is decided on.

Why: BM25 ranks a handful of documents well, but two things it cannot see decided most misses (#12):

* **Which words carry the question.** In a knowledge base of some seventy documents an everyday word that
  happens to be in one entry ("common", "make", "good") outweighs "PO", which is in nearly all of them, so
  "is the PO title more common in finance" went to the entry with "common" in it. Here the match is split
  by the kind of word (domain and other informative words, everyday words, intent words), each with its
  own weight.
* **Whether a member asked it that way before.** The closest of an entry's example questions, as a
  weighted overlap with the question, is a signal of its own, beside the entry's words pooled.

The model is a conditional logit: each candidate gets a score, a linear function of a few features
(:data:`CANDIDATE_FEATURES`), and so does *nothing* (:data:`NOTHING_FEATURES`: how much of the question
no entry knows, how short it is). A document's confidence is the model's probability that it, rather
than nothing, is what the member asked about, so the answer and the refusal are decided on the same
scores as the ranking. The weights (``rerank.json``, ten numbers) are fitted offline by
``python -m bench.search_rerank`` on the splits that may be tuned on (the members set's dev half, the
more set's tune split) and on leave-one-out over the entries' own questions; the held-out splits
measure it. Scoring is a few set look-ups per candidate: deterministic, explainable, and no ML runtime.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from bot.ask.vocabulary import INTENT_TERMS

#: What a candidate is scored on, in the order of :attr:`RerankModel.candidate`:
#: ``rank``: 1 / (1 + its place in the BM25 ranking); ``coverage``: the weighted share of the question's
#: words it contains; ``example``: the best weighted overlap (Dice) of the question with one of its example
#: questions; ``informative``, ``everyday``, ``intent``: log(1 + the idf of each such question word it
#: contains, times the weights of the fields it is in); ``informative_coverage``: the share of the
#: question's informative weight it contains.
CANDIDATE_FEATURES = ("rank", "coverage", "example", "informative", "everyday", "intent", "informative_coverage")
#: What "nothing" is scored on: a constant, the share of the question's weight in words no document uses,
#: and 1 / the number of the question's words.
NOTHING_FEATURES = ("bias", "unknown", "brevity")
WEIGHTS_FILE = Path(__file__).with_name("rerank.json")


class Term(Protocol):
    """A word of the question as search weighs it (``bot.ask.search._Term``)."""

    @property
    def word(self) -> str: ...
    @property
    def stem(self) -> str | None: ...
    @property
    def weight(self) -> float: ...
    @property
    def informative(self) -> bool: ...


class Scorer(Protocol):
    """Scores candidates from their features: the fitted :class:`RerankModel`, or (fitting it) a recorder."""

    def scores(
        self, items: Sequence[object], candidates: Sequence[Sequence[float]], nothing: Sequence[float]
    ) -> tuple[list[float], float]:
        """Each candidate's score and the score of nothing (logits); ``items`` are the candidates' documents."""
        ...


class Candidate(Protocol):
    """A ranked document as search found it (``bot.ask.search.Hit``)."""

    @property
    def item(self) -> object: ...
    @property
    def confidence(self) -> float: ...


@dataclass(frozen=True)
class RerankModel:
    """The fitted weights: one per candidate feature, one per feature of "nothing"."""

    candidate: tuple[float, ...]
    nothing: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.candidate) != len(CANDIDATE_FEATURES) or len(self.nothing) != len(NOTHING_FEATURES):
            raise ValueError("a re-ranking model needs one weight per feature")

    def scores(
        self, items: Sequence[object], candidates: Sequence[Sequence[float]], nothing: Sequence[float]
    ) -> tuple[list[float], float]:
        """Each candidate's score and the score of nothing (logits)."""
        return [_dot(self.candidate, row) for row in candidates], _dot(self.nothing, nothing)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RerankModel:
        return cls(
            tuple(float(data["candidate"][name]) for name in CANDIDATE_FEATURES),
            tuple(float(data["nothing"][name]) for name in NOTHING_FEATURES),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "candidate": dict(zip(CANDIDATE_FEATURES, self.candidate, strict=True)),
            "nothing": dict(zip(NOTHING_FEATURES, self.nothing, strict=True)),
        }


@cache
def shipped_model() -> RerankModel:
    """The weights fitted on the shipped knowledge base (``bot/ask/rerank.json``)."""
    return RerankModel.from_json(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class _Profile:
    """What the re-ranker knows of one document: its stems with the summed weights of the fields holding
    them, and its example questions as stem sets, each with its total idf."""

    fields: Mapping[str, float]
    examples: tuple[tuple[frozenset[str], float], ...]


class Reranker:
    """Scores one index's candidates; built with the index, immutable."""

    def __init__(
        self,
        items: Sequence[object],
        documents: Sequence[Sequence[Sequence[str]]],
        examples: Sequence[Sequence[Sequence[str]]],
        stem_of: Mapping[str, str],
        column_weights: Sequence[float],
        idf_of: Callable[[str], float],
        scorer: Scorer,
    ) -> None:
        """``documents``: each item's words per column; ``examples``: each item's example questions as
        content words; ``idf_of``: a stem's idf in the index."""
        self._scorer = scorer
        self._idf = idf_of
        self._row = {id(item): row for row, item in enumerate(items)}
        self._profiles = [
            _profile(columns, questions, stem_of, column_weights, idf_of)
            for columns, questions in zip(documents, examples, strict=True)
        ]

    def features(self, terms: Sequence[Term], hits: Sequence[Candidate]) -> tuple[list[list[float]], list[float]]:
        """The features of each of ``hits`` (in ranked order) and of nothing, for ``terms``."""
        known = [t for t in terms if t.stem is not None]
        total = sum(t.weight for t in terms) or 1.0
        asked = sum(t.weight for t in known)
        informative_total = sum(t.weight for t in terms if t.informative) or 1.0
        idf = {t.stem: self._idf(t.stem) for t in known if t.stem is not None}
        rows = []
        for rank, hit in enumerate(hits):
            profile = self._profiles[self._row[id(hit.item)]]
            matched = {kind: 0.0 for kind in ("informative", "everyday", "intent")}
            informative_weight = 0.0
            for t in known:
                field = profile.fields.get(t.stem or "", 0.0)
                if not field:
                    continue
                matched[_kind(t)] += idf[t.stem] * field
                if t.informative:
                    informative_weight += t.weight
            example = 0.0
            for stems, example_idf in profile.examples:
                shared = sum(t.weight for t in known if t.stem in stems)
                if shared:
                    example = max(example, 2 * shared / (asked + example_idf))
            rows.append(
                [
                    1 / (1 + rank),
                    hit.confidence,
                    example,
                    math.log1p(matched["informative"]),
                    math.log1p(matched["everyday"]),
                    math.log1p(matched["intent"]),
                    informative_weight / informative_total,
                ]
            )
        unknown = sum(t.weight for t in terms if t.stem is None) / total
        return rows, [1.0, unknown, 1 / max(len(terms), 1)]

    def rescore(self, terms: Sequence[Term], hits: Sequence[Candidate]) -> list[tuple[float, float]]:
        """Each hit's new (score, confidence), in the order given.

        The score is the odds, exp(score - score of nothing), so the ratio of two scores says how close two
        documents are; the confidence is the probability that the document rather than nothing is meant."""
        rows, nothing = self.features(terms, hits)
        scores, baseline = self._scorer.scores([hit.item for hit in hits], rows, nothing)
        return [(math.exp(min(score - baseline, 50.0)), _sigmoid(score - baseline)) for score in scores]


def _profile(
    columns: Sequence[Sequence[str]],
    questions: Sequence[Sequence[str]],
    stem_of: Mapping[str, str],
    column_weights: Sequence[float],
    idf_of: Callable[[str], float],
) -> _Profile:
    fields: dict[str, float] = {}
    for column, weight in zip(columns, column_weights, strict=True):
        for stem in {stem_of[word] for word in column if word in stem_of}:
            fields[stem] = fields.get(stem, 0.0) + weight
    examples = []
    for question in questions:
        stems = frozenset(stem_of[word] for word in question if word in stem_of)
        examples.append((stems, sum(idf_of(stem) for stem in stems)))
    return _Profile(fields, tuple(examples))


def _kind(term: Term) -> str:
    if term.word in INTENT_TERMS:
        return "intent"
    return "informative" if term.informative else "everyday"


def _dot(weights: Sequence[float], values: Collection[float]) -> float:
    return sum(w * v for w, v in zip(weights, values, strict=True))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
