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
scores as the ranking. With the semantic signal (``bot.ask.semantic``) three more candidate features say
how close in meaning the question is to each candidate's example questions and how likely the classifier
(``bot.ask.classifier``) finds it, and a second set of weights,
fitted with them, scores the candidates; without it, the weights fitted on words alone. The weights
(``rerank.json``: ten numbers by words alone, thirteen with the semantic signal) are fitted offline by
``python -m bench.search_rerank`` on the splits that may be tuned on (the members set's dev half, the
more set's tune split), never on the entries' own questions (leave-one-out stays held out); the held-out splits
measure it. Scoring is a few set look-ups and a dot product per candidate: deterministic and explainable.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.ask.vocabulary import INTENT_TERMS

#: What a candidate is scored on, in the order of :attr:`RerankModel.candidate`:
#: ``rank``: 1 / (1 + its place in the BM25 ranking); ``coverage``: the weighted share of the question's
#: words it contains; ``example``: the best weighted overlap (Dice) of the question with one of its example
#: questions; ``informative``, ``everyday``, ``intent``: log(1 + the summed idf of the question's words of
#: that kind it contains); ``informative_coverage``: the share of the question's informative weight it
#: contains.
CANDIDATE_FEATURES = ("rank", "coverage", "example", "informative", "everyday", "intent", "informative_coverage")
#: What "nothing" is scored on: a constant, the share of the question's weight in words no document uses,
#: and 1 / the number of the question's words.
NOTHING_FEATURES = ("bias", "unknown", "brevity")
#: With the semantic signal (``bot.ask.semantic``), three more candidate features: ``semantic``: how close in
#: meaning the question is to the candidate's closest example question or title, (cosine - SEMANTIC_CENTRE)
#: * SEMANTIC_SCALE; ``semantic_lead``: the same less the best candidate's (0 for the closest, below for
#: the others); ``classifier``: log(the probability ``bot.ask.classifier`` gives the candidate, at least
#: CLASSIFIER_FLOOR) less the likeliest candidate's, / CLASSIFIER_SCALE. Relative, as ``semantic_lead`` is:
#: the classifier knows no "nothing", so it says which candidate, not whether any (its log-probability as
#: such, fitted, answered three near-domain and off-topic questions of the tuning splits that were refused).
SEMANTIC_FEATURES = ("semantic", "semantic_lead", "classifier")
#: e5's cosines between questions lie between about 0.8 (unrelated) and 1, so they are centred and scaled
#: to a range like the other features' (which the fit, starting from zero weights, needs).
SEMANTIC_CENTRE = 0.85
SEMANTIC_SCALE = 10.0
#: A candidate the classifier finds less likely than this counts as this unlikely: past it, how unlikely
#: says nothing more, and log(0) would be a weight's undoing.
CLASSIFIER_FLOOR = 1e-4
CLASSIFIER_SCALE = 4.0
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


@dataclass(frozen=True)
class RerankModel:
    """The fitted weights: one per candidate feature, one per feature of "nothing"."""

    candidate: tuple[float, ...]
    nothing: tuple[float, ...]
    #: The weights of :data:`SEMANTIC_FEATURES`, or none for the model that ranks by words alone.
    semantic: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if (
            len(self.candidate) != len(CANDIDATE_FEATURES)
            or len(self.nothing) != len(NOTHING_FEATURES)
            or len(self.semantic) not in (0, len(SEMANTIC_FEATURES))
        ):
            raise ValueError("a re-ranking model needs one weight per feature")

    def scores(
        self, items: Sequence[object], candidates: Sequence[Sequence[float]], nothing: Sequence[float]
    ) -> tuple[list[float], float]:
        """Each candidate's score and the score of nothing (logits)."""
        weights = self.candidate + self.semantic
        return [_dot(weights, row) for row in candidates], _dot(self.nothing, nothing)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RerankModel:
        """The model ``to_json`` wrote. Every weight is read by its name, so a missing one is an error that
        names it rather than a silent shift of the others; the semantic weights are read when any is given."""
        candidate = data["candidate"]
        semantic = SEMANTIC_FEATURES if any(name in candidate for name in SEMANTIC_FEATURES) else ()
        return cls(
            tuple(_weight(candidate, name) for name in CANDIDATE_FEATURES),
            tuple(_weight(data["nothing"], name) for name in NOTHING_FEATURES),
            tuple(_weight(candidate, name) for name in semantic),
        )

    def to_json(self) -> dict[str, Any]:
        names = CANDIDATE_FEATURES + (SEMANTIC_FEATURES if self.semantic else ())
        return {
            "candidate": dict(zip(names, self.candidate + self.semantic, strict=True)),
            "nothing": dict(zip(NOTHING_FEATURES, self.nothing, strict=True)),
        }


def _weight(weights: Mapping[str, Any], name: str) -> float:
    """One named weight of a saved model; a missing one is a ``KeyError`` naming the feature."""
    if name not in weights:
        raise KeyError(f"re-ranking weights: no weight for the feature {name!r}")
    return float(weights[name])


@cache
def shipped_model(semantic: bool = False) -> RerankModel:
    """The weights fitted on the shipped knowledge base (``bot/ask/rerank.json``): by words alone, or with
    the semantic signal."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return RerankModel.from_json(data["semantic"] if semantic else data["lexical"])


class Reranker:
    """Scores one index's candidates; built with the index, immutable, and safe to share between threads.

    The example questions are kept as numpy arrays of term numbers (a few bytes a word), not as sets of
    strings: at 10,000 entries sets took some 100 MiB and a second to build. What a candidate contains of
    the question is read from the BM25 index's own postings (``coverage``), so nothing else is stored."""

    def __init__(
        self,
        examples: Iterable[Iterable[Sequence[str]]],
        stem_of: Callable[[str], str | None],
        idf_of: Callable[[str], float],
        coverage: Callable[[Mapping[str, float], Sequence[int]], list[float]],
        scorer: Scorer,
        semantic_scorer: Scorer | None = None,
    ) -> None:
        """``examples``: each document's example questions as content words; ``stem_of``: a word's index
        term, or None; ``idf_of``: a term's idf; ``coverage``: for some documents, the summed weights of the
        given terms each contains (``Bm25Index.coverage``)."""
        self._scorer = scorer
        self._semantic_scorer = semantic_scorer or scorer
        self._idf = idf_of
        self._coverage = coverage
        self._number: dict[str, int] = {}
        idf_by_number: list[float] = []
        terms: list[int] = []
        example_ends: list[int] = []
        document_ends: list[int] = []
        for questions in examples:
            for question in questions:
                stems = {stem for stem in map(stem_of, question) if stem is not None}
                for stem in stems:
                    number = self._number.setdefault(stem, len(self._number))
                    if number == len(idf_by_number):
                        idf_by_number.append(idf_of(stem))
                    terms.append(number)
                example_ends.append(len(terms))
            document_ends.append(len(example_ends))
        self._terms = np.asarray(terms, dtype=np.int32)
        self._example_start = np.asarray([0, *example_ends], dtype=np.int64)
        self._document_start = np.asarray([0, *document_ends], dtype=np.int64)
        idf_sums = np.concatenate(([0.0], np.cumsum(np.asarray(idf_by_number)[self._terms])))
        self._example_idf = idf_sums[self._example_start[1:]] - idf_sums[self._example_start[:-1]]

    def features(
        self,
        terms: Sequence[Term],
        rows: Sequence[int],
        confidences: Sequence[float],
        closeness: Sequence[float] | None = None,
        likelihood: Sequence[float] | None = None,
    ) -> tuple[list[list[float]], list[float]]:
        """The features of the documents ``rows`` (in ranked order, with search's confidences) and of
        nothing, for ``terms``; with the semantic features when ``closeness`` (each one's cosine) and
        ``likelihood`` (each one's probability by the classifier) are given: the semantic weights need both."""
        if closeness is not None and likelihood is None:
            raise ValueError("closeness needs likelihood too: the semantic weights score both")
        known = [t for t in terms if t.stem is not None]
        total = sum(t.weight for t in terms) or 1.0
        informative_total = sum(t.weight for t in terms if t.informative) or 1.0
        by_kind: dict[str, dict[str, float]] = {"informative": {}, "everyday": {}, "intent": {}}
        for t in known:
            by_kind[_kind(t)][t.stem or ""] = self._idf(t.stem or "")
        matched = {kind: self._coverage(idf, rows) if idf else [0.0] * len(rows) for kind, idf in by_kind.items()}
        informative = {t.stem or "": t.weight for t in known if t.informative}
        informative_share = self._coverage(informative, rows) if informative else [0.0] * len(rows)
        example = self._example_overlap(known, rows)
        candidates = [
            [
                1 / (1 + rank),
                confidences[rank],
                example[rank],
                math.log1p(matched["informative"][rank]),
                math.log1p(matched["everyday"][rank]),
                math.log1p(matched["intent"][rank]),
                informative_share[rank] / informative_total,
            ]
            for rank in range(len(rows))
        ]
        if closeness and likelihood is not None:  # both or neither, checked above
            lead = max(closeness)
            logs = [math.log(max(p, CLASSIFIER_FLOOR)) for p in likelihood]
            likeliest = max(logs)
            for row, cosine, log in zip(candidates, closeness, logs, strict=True):
                row += [
                    (cosine - SEMANTIC_CENTRE) * SEMANTIC_SCALE,
                    (cosine - lead) * SEMANTIC_SCALE,
                    (log - likeliest) / CLASSIFIER_SCALE,
                ]
        unknown = sum(t.weight for t in terms if t.stem is None) / total
        return candidates, [1.0, unknown, 1 / max(len(terms), 1)]

    def rescore(
        self,
        terms: Sequence[Term],
        items: Sequence[object],
        rows: Sequence[int],
        confidences: Sequence[float],
        closeness: Sequence[float] | None = None,
        likelihood: Sequence[float] | None = None,
    ) -> list[tuple[float, float]]:
        """Each candidate's new (score, confidence), in the order given: ``items`` are the documents of
        ``rows``, ranked, with search's ``confidences``.

        The score is the odds, exp(score - score of nothing), so the ratio of two scores says how close two
        documents are; the confidence is the probability that the document rather than nothing is meant.
        With ``closeness`` (see :meth:`features`), the semantic scorer decides."""
        candidates, nothing = self.features(terms, rows, confidences, closeness, likelihood)
        scorer = self._scorer if closeness is None else self._semantic_scorer
        scores, baseline = scorer.scores(items, candidates, nothing)
        return [(math.exp(min(score - baseline, 50.0)), _sigmoid(score - baseline)) for score in scores]

    def _example_overlap(self, known: Sequence[Term], rows: Sequence[int]) -> list[float]:
        """For each document of ``rows``, the best weighted overlap (Dice) of the question with one of its
        example questions. A document's examples, and their words, are contiguous in the arrays."""
        numbered = sorted((self._number[t.stem], t.weight) for t in known if t.stem in self._number)
        if not numbered or not rows:
            return [0.0] * len(rows)
        asked = sum(t.weight for t in known)
        numbers = np.asarray([number for number, _ in numbered], dtype=np.int32)
        weights = np.asarray([weight for _, weight in numbered])
        documents = np.asarray(rows, dtype=np.int64)
        first, last = self._document_start[documents].tolist(), self._document_start[documents + 1].tolist()
        examples = np.concatenate([np.arange(a, b) for a, b in zip(first, last, strict=True)])
        starts, ends = self._example_start[first], self._example_start[last]
        words = np.concatenate([self._terms[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
        if not len(words):
            return [0.0] * len(rows)
        at = np.minimum(np.searchsorted(numbers, words), len(numbers) - 1)
        running = np.concatenate(([0.0], np.cumsum(np.where(numbers[at] == words, weights[at], 0.0))))
        lengths = self._example_start[examples + 1] - self._example_start[examples]
        until = np.cumsum(lengths)
        dice = 2 * (running[until] - running[until - lengths]) / (asked + self._example_idf[examples])
        best = []
        offset = 0
        for count in (b - a for a, b in zip(first, last, strict=True)):
            best.append(float(dice[offset : offset + count].max()) if count else 0.0)
            offset += count
        return best


def _kind(term: Term) -> str:
    if term.word in INTENT_TERMS:
        return "intent"
    return "informative" if term.informative else "everyday"


def _dot(weights: Sequence[float], values: Collection[float]) -> float:
    return sum(w * v for w, v in zip(weights, values, strict=True))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
