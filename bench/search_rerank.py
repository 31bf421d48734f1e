"""Fitting the re-ranker (``bot/ask/rerank.json``): ``python -m bench.search_rerank [--write]``.

The model (``bot.ask.rerank``) scores each of search's candidates, and "nothing", from a few features; a
question's right documents are, for an answerable question of a tuning split, the entries holding its key
fact, for a question to decline, nothing or any honest neighbour, and for leave-one-out, the entry (or
topic) its example question was taken from. The weights maximise the likelihood of the right documents
(a conditional logit, fitted with numpy by full-batch gradient descent from zero: deterministic), with
leave-one-out questions weighing less than members' ones and a little L2 so that no weight runs away.

Only the splits that may be tuned on are read: ``dev`` (members set) and ``tune`` (more set). Before the
weights are fitted on both, each is predicted by weights fitted without it (with leave-one-out), through
``/ask``'s own pipeline: that, and ``pmpo-bot eval --set more --split check``, say whether it generalises.
Without ``--write`` the shipped weights are left alone and the fitted ones printed beside them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.search import REPO
from bot.ask.content import NotCoveredList, NotCoveredTopic, SynonymList
from bot.ask.engine import answer_question
from bot.ask.evaluation import SETS, Case, evaluate, has_key_fact, parse_cases
from bot.ask.rerank import CANDIDATE_FEATURES, NOTHING_FEATURES, WEIGHTS_FILE, RerankModel, shipped_model
from bot.ask.search import CANDIDATES, SearchIndex
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary
from bot.knowledge.loader import require_knowledge

#: A leave-one-out question weighs this much of a member's: they are the knowledge base's own phrasings.
LOO_WEIGHT = 0.3
L2 = 0.001
ITERATIONS = 4000
LEARNING_RATE = 0.05
#: The splits fitted on: the first (tuned-on) split of each evaluation set.
TUNING_SPLITS = tuple(eval_set.splits[0] for eval_set in SETS.values())


@dataclass(frozen=True)
class Sample:
    """One question as the model sees it: its candidates' features, nothing's, and which are right."""

    source: str  # a tuning split, or "loo"
    candidates: list[list[float]]
    nothing: list[float]
    right: list[bool]  # per candidate, then nothing last


class Recorder:
    """A scorer that keeps search's own ranking and records the features it was asked to score."""

    def __init__(self) -> None:
        self.seen: tuple[list[object], list[list[float]], list[float]] | None = None

    def scores(
        self, items: Sequence[object], candidates: Sequence[Sequence[float]], nothing: Sequence[float]
    ) -> tuple[list[float], float]:
        self.seen = (list(items), [list(row) for row in candidates], list(nothing))
        return [-float(rank) for rank in range(len(candidates))], 0.0


def recorded(index: SearchIndex, recorder: Recorder, question: str, source: str, right: Callable[[object], bool],
             nothing_right: bool) -> Sample:
    recorder.seen = None
    index.search(question, limit=CANDIDATES)
    items, rows, nothing = recorder.seen or ([], [], [1.0, 1.0, 1.0])
    return Sample(source, rows, nothing, [right(item) for item in items] + [nothing_right])


def member_samples(knowledge: KnowledgeBase, cases: Iterable[Case]) -> list[Sample]:
    recorder = Recorder()
    index = build(knowledge, recorder)
    samples = []
    for case in cases:
        if case.expect == "answer":
            facts = case.facts
            samples.append(recorded(index, recorder, case.question, case.split,
                                    lambda item: isinstance(item, Entry) and has_key_fact(item, facts), False))
        else:
            samples.append(recorded(index, recorder, case.question, case.split,
                                    lambda item: isinstance(item, NotCoveredTopic), True))
    return samples


def loo_samples(knowledge: KnowledgeBase) -> list[Sample]:
    """Each entry's and topic's example questions, asked of an index built without them."""
    entries = list(knowledge.part(EntryLibrary).entries.values())
    topics = list(knowledge.parts.get(NotCoveredList, NotCoveredList()).topics.values())
    synonyms = knowledge.parts.get(SynonymList, SynonymList()).folding()
    recorder = Recorder()
    samples = []
    for items, rebuild in (
        (entries, lambda changed: SearchIndex(changed, topics, synonyms, recorder)),
        (topics, lambda changed: SearchIndex(entries, changed, synonyms, recorder)),
    ):
        for position, item in enumerate(items):
            for question in item.questions:
                without = replace(item, questions=tuple(q for q in item.questions if q != question))
                index = rebuild([*items[:position], without, *items[position + 1 :]])
                samples.append(recorded(index, recorder, question, "loo", lambda found, i=item: found.id == i.id, False))
    return samples


def build(knowledge: KnowledgeBase, scorer: Any) -> SearchIndex:
    topics = knowledge.parts.get(NotCoveredList, NotCoveredList()).topics.values()
    synonyms = knowledge.parts.get(SynonymList, SynonymList()).folding()
    return SearchIndex(knowledge.part(EntryLibrary).entries.values(), topics, synonyms, scorer)


def fit(samples: Sequence[Sample]) -> RerankModel:
    """The weights that make the right documents most likely (see the module's docstring)."""
    usable = [s for s in samples if any(s.right)]
    n_candidate, n_nothing = len(CANDIDATE_FEATURES), len(NOTHING_FEATURES)
    slots = CANDIDATES + 1
    features = np.zeros((len(usable), slots, n_candidate + n_nothing))
    valid = np.zeros((len(usable), slots), dtype=bool)
    right = np.zeros((len(usable), slots), dtype=bool)
    for row, sample in enumerate(usable):
        count = len(sample.candidates)
        if count:
            features[row, :count, :n_candidate] = sample.candidates
        features[row, CANDIDATES, n_candidate:] = sample.nothing
        valid[row, :count] = valid[row, CANDIDATES] = True
        right[row, :count] = sample.right[:count]
        right[row, CANDIDATES] = sample.right[-1]
    weight = np.array([LOO_WEIGHT if s.source == "loo" else 1.0 for s in usable])
    weight /= weight.sum()
    theta = np.zeros(n_candidate + n_nothing)
    moment, square = np.zeros_like(theta), np.zeros_like(theta)
    for step in range(1, ITERATIONS + 1):
        logits = np.where(valid, features @ theta, -np.inf)
        probability = np.exp(logits - logits.max(axis=1, keepdims=True))
        probability /= probability.sum(axis=1, keepdims=True)
        among_right = np.where(right, probability, 0.0)
        among_right /= among_right.sum(axis=1, keepdims=True)
        gradient = np.einsum("r,rk,rkf->f", weight, probability - among_right, features) + L2 * theta
        moment = 0.9 * moment + 0.1 * gradient  # Adam
        square = 0.999 * square + 0.001 * gradient**2
        theta -= LEARNING_RATE * (moment / (1 - 0.9**step)) / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    values = [round(float(v), 4) for v in theta]
    return RerankModel(tuple(values[:n_candidate]), tuple(values[n_candidate:]))


def report(knowledge: KnowledgeBase, model: RerankModel, cases: Sequence[Case], split: str) -> str:
    index = build(knowledge, model)
    result = evaluate(cases, split, lambda question: answer_question(index, knowledge, question))
    refused = ", ".join(f"{kind} {result.refused(kind).text()}" for kind in ("near-domain", "off-topic", "generic"))
    return f"{split}: answered {result.answered.text()}; refused {refused}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the fitted weights to {WEIGHTS_FILE.name}")
    args = parser.parse_args()
    knowledge = require_knowledge(REPO / "knowledge")
    cases = [
        case
        for eval_set in SETS.values()
        for case in parse_cases(yaml.safe_load(Path(REPO / eval_set.file).read_text(encoding="utf-8")))
        if case.split in TUNING_SPLITS
    ]
    members, loo = member_samples(knowledge, cases), loo_samples(knowledge)
    print("Re-ranker, each tuning split predicted by weights fitted without it (and with leave-one-out):")
    for split in TUNING_SPLITS:
        held_out = fit([s for s in members if s.source != split] + loo)
        print("  " + report(knowledge, held_out, cases, split))
    model = fit(members + loo)
    print(f"Fitted on {', '.join(TUNING_SPLITS)} and leave-one-out ({len(members)} + {len(loo)} questions):")
    print("  " + json.dumps(model.to_json()))
    print(f"Shipped ({WEIGHTS_FILE.name}):\n  " + json.dumps(shipped_model().to_json()))
    if args.write:
        WEIGHTS_FILE.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"Written to {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
