"""How well ``/kb gaps`` groups and proposes: ``python -m bench.gap_grouping [--seeds N]``.

On the hand-written paraphrases in ``bench/gap_paraphrases.yaml`` (questions that mean an existing entry,
none of them one of its example questions):

* **Proposals.** Gaps are made at random (seeded) from paraphrases of one entry, in several sizes; the
  share of gaps whose right entry is proposed first, and among the first three. Also for gaps made only
  of paraphrases search does not answer with confidence, which is what ``/kb gaps`` really receives.
* **Grouping.** Gaps of several entries are mixed into one queue (as a server's queue is), grouped, and
  compared with the truth: pairwise precision and recall (two questions put together that belong
  together, and the other way round) and the share of gaps recovered exactly, for the weighted measure
  the bot uses and, as baselines, words alone (weighted, and the plain share of stems in common).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from pathlib import Path

import yaml

from bot.ask.search import SearchIndex, normalise
from bot.curation import grouping
from bot.curation.engine import Wording
from bot.curation.grouping import Grouper, Profile, Vocabulary, weighted_jaccard
from bot.knowledge.entries import EntryLibrary, normalise_question
from bot.knowledge.loader import require_knowledge

REPO = Path(__file__).resolve().parent.parent
PARAPHRASES = REPO / "bench" / "gap_paraphrases.yaml"
SIZES = (1, 2, 3)
#: Gaps (entries) mixed into one queue for the grouping measure, and how many paraphrases each.
QUEUE_GAPS = 12
WHEN = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def load() -> tuple[Grouper, dict[str, list[str]]]:
    knowledge = require_knowledge(REPO / "knowledge")
    entries = knowledge.part(EntryLibrary).entries
    examples = {normalise_question(q) for entry in entries.values() for q in entry.questions}
    by_entry: dict[str, list[str]] = {}
    for item in yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))["paraphrases"]:
        assert item["entry"] in entries, f"unknown entry {item['entry']}"
        assert normalise_question(item["question"]) not in examples, f"an example question: {item['question']}"
        by_entry.setdefault(item["entry"], []).append(item["question"])
    return Grouper(SearchIndex.from_knowledge(knowledge), Vocabulary.from_knowledge(knowledge)), by_entry


def wordings(questions: Sequence[str], start: int = 0) -> list[Wording]:
    return [Wording(start + i, q, normalise(q), 1, WHEN) for i, q in enumerate(questions)]


def proposal_ranks(
    grouper: Grouper, by_entry: Mapping[str, list[str]], size: int, seed: int, keep: Callable[[str], bool]
) -> list[int | None]:
    """For each entry with enough kept paraphrases: the rank of the entry among a random gap's proposals."""
    rng = random.Random(seed * 1000 + size)
    ranks: list[int | None] = []
    for entry_id, questions in sorted(by_entry.items()):
        pool = [q for q in questions if keep(q)]
        if len(pool) < size:
            continue
        proposed = [e.id for e in grouper.proposals(wordings(rng.sample(pool, size)))]
        ranks.append(proposed.index(entry_id) if entry_id in proposed else None)
    return ranks


def queue_scores(
    grouper: Grouper, by_entry: Mapping[str, list[str]], seed: int, measure: Callable[..., float]
) -> tuple[int, int, int, int, int, int]:
    """(pairs right, pairs put together, pairs belonging together, gaps exact, gaps) for one mixed queue."""
    rng = random.Random(seed)
    chosen = rng.sample(sorted(by_entry), QUEUE_GAPS)
    truth: dict[str, str] = {}
    for entry_id in chosen:
        for question in rng.sample(by_entry[entry_id], rng.randint(1, min(3, len(by_entry[entry_id])))):
            truth[question] = entry_id
    questions = list(truth)
    rng.shuffle(questions)
    original = Grouper.similarity
    Grouper.similarity = staticmethod(measure)  # type: ignore[method-assign]
    try:
        groups = grouper.group(wordings(questions))
    finally:
        Grouper.similarity = original  # type: ignore[method-assign]
    made = {frozenset(w.question for w in g) for g in groups}
    real: dict[str, set[str]] = {}
    for question, entry_id in truth.items():
        real.setdefault(entry_id, set()).add(question)
    together = {frozenset(p) for g in made for p in combinations(g, 2)}
    belong = {frozenset(p) for g in real.values() for p in combinations(g, 2)}
    exact = sum(frozenset(g) in made for g in real.values())
    return len(together & belong), len(together), len(belong), exact, len(real), len(made)


def words_only(a: Profile, b: Profile) -> float:
    return weighted_jaccard(a.stems, b.stems)


def plain_words(a: Profile, b: Profile) -> float:
    union = set(a.stems) | set(b.stems)
    return len(set(a.stems) & set(b.stems)) / len(union) if union else 0.0


def share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.0%})" if total else "—"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, default=20, help="random draws per measurement (default 20)")
    args = parser.parse_args(argv)
    grouper, by_entry = load()
    total = sum(map(len, by_entry.values()))
    unanswered = {q for qs in by_entry.values() for q in qs if grouper.index.search(q).best is None}
    print(f"{total} paraphrases of {len(by_entry)} entries; search answers none of {len(unanswered)} of them.")
    print("\nProposals: the right entry among a gap's proposals (gaps drawn at random, every seed)")
    print("| Gap size | Gaps | First | Top 3 | Gaps of unanswered paraphrases | First | Top 3 |")
    print("|---|---|---|---|---|---|---|")
    for size in SIZES:
        every = [r for seed in range(args.seeds) for r in proposal_ranks(grouper, by_entry, size, seed, bool)]
        hard = [
            r
            for seed in range(args.seeds)
            for r in proposal_ranks(grouper, by_entry, size, seed, unanswered.__contains__)
        ]
        first = sum(r == 0 for r in every)
        top3 = sum(r is not None and r < 3 for r in every)
        hard_first = sum(r == 0 for r in hard)
        hard_top3 = sum(r is not None and r < 3 for r in hard)
        print(
            f"| {size} | {len(every)} | {share(first, len(every))} | {share(top3, len(every))} "
            f"| {len(hard)} | {share(hard_first, len(hard))} | {share(hard_top3, len(hard))} |"
        )
    print(f"\nGrouping: {QUEUE_GAPS} gaps of 1-3 paraphrases mixed into one queue, {args.seeds} queues")
    print("| Measure | Threshold | Pair precision | Pair recall | Gaps recovered exactly | Groups made / real |")
    print("|---|---|---|---|---|---|")
    saved = grouping.SIMILAR
    try:
        measures = (
            ("same first entry + weighted words (the bot)", Grouper.similarity, (0.5, 0.55)),
            ("weighted words only", words_only, (0.2, 0.3, 0.4)),
            ("plain words only (unweighted Jaccard)", plain_words, (0.2, 0.3, 0.4)),
        )
        for name, measure, thresholds in measures:
            for threshold in thresholds:
                grouping.SIMILAR = threshold
                sums = [0] * 6
                for seed in range(args.seeds):
                    for i, value in enumerate(queue_scores(grouper, by_entry, seed, measure)):
                        sums[i] += value
                right, together, belong, exact, gaps, made = sums
                print(
                    f"| {name} | {threshold} | {share(right, together)} | {share(right, belong)} "
                    f"| {share(exact, gaps)} | {made} / {gaps} |"
                )
    finally:
        grouping.SIMILAR = saved


if __name__ == "__main__":
    main()
