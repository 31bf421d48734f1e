"""Search benchmarks: ``python -m bench.search`` (or ``make bench``). Prints a markdown table.

* Latency per question (p50/p99) on the shipped knowledge base and on a synthetic 10,000-entry one,
  generated into a temporary folder (nothing is written into the repository).
* Loading + validating + indexing those 10,000 entries.
* rank-bm25 (BM25Okapi) and bm25s over the same entry texts and the same preprocessing (tokens,
  PM/PO folding, stopwords), side by side: speed per query and top-1 accuracy on the evaluation set,
  as ratios to ours. Our top-1 is reported with and without the confidence threshold.

Targets from the issue: p99 < 0.2 ms (shipped), p99 < 1 ms (10k), load+validate+index 10k < 2 s.
Times are CPU time (a question's thread; the process for loading and indexing), so other processes on a
shared machine do not land in them. Numbers are for information: no test asserts on timings.
"""

from __future__ import annotations

import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.ask.search import SearchIndex
from bot.ask.vocabulary import content_words
from bot.knowledge.entries import ComparisonKind, EntriesKind, Entry, SourcesKind
from bot.knowledge.loader import load_knowledge, require_knowledge

REPO = Path(__file__).resolve().parent.parent
EVAL_FILE = REPO / "tests" / "eval" / "ask_eval.yaml"
ENTRY_KINDS = (SourcesKind(), EntriesKind(), ComparisonKind())
SYNTHETIC_ENTRIES = 10_000
ROUNDS = 20


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p99_ms: float


def time_each(run: Callable[[str], object], questions: Sequence[str], rounds: int) -> Timing:
    """Each question timed on its own, ``rounds`` times over, GC paused so it does not land in one sample.

    The time is the CPU time of this thread (``time.thread_time_ns``), not the wall clock: on a shared
    2-core machine another process running for a few milliseconds lands in wall-clock samples and makes
    the p99 about the neighbours, not about search (it read 4-6 ms on a loaded machine for the same code)."""
    samples: list[float] = []
    gc.disable()
    try:
        for _ in range(rounds):
            for question in questions:
                start = time.thread_time_ns()
                run(question)
                samples.append((time.thread_time_ns() - start) / 1e6)
    finally:
        gc.enable()
    samples.sort()
    return Timing(statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))])


def document(entry: Entry) -> list[str]:
    """The same text our index sees, tokenised the same way, for the BM25 libraries."""
    return content_words(" ".join((entry.title, *entry.questions, *entry.aliases, entry.answer, entry.theme)))


class RankBM25:
    name = "rank-bm25 (BM25Okapi)"

    def __init__(self, entries: Sequence[Entry]) -> None:
        from rank_bm25 import BM25Okapi

        self._ids = [e.id for e in entries]
        self._bm25 = BM25Okapi([document(e) for e in entries])

    def top1(self, question: str) -> str | None:
        terms = content_words(question)
        if not terms:
            return None
        scores = self._bm25.get_scores(terms)
        best = max(range(len(scores)), key=scores.__getitem__)
        return self._ids[best] if scores[best] > 0 else None


class Bm25s:
    name = "bm25s"

    def __init__(self, entries: Sequence[Entry]) -> None:
        import bm25s

        self._ids = [e.id for e in entries]
        self._bm25 = bm25s.BM25(backend="numba")  # its fastest setup, as bench.search_peers configures it
        self._bm25.index([document(e) for e in entries], show_progress=False)
        self._vocabulary = set(self._bm25.vocab_dict)

    def top1(self, question: str) -> str | None:
        terms = [t for t in content_words(question) if t in self._vocabulary]  # bm25s rejects unseen tokens
        if not terms:
            return None
        result = self._bm25.retrieve([terms], k=1, n_threads=1, show_progress=False)
        return self._ids[int(result.documents[0][0])] if float(result.scores[0][0]) > 0 else None


class Ours:
    def __init__(self, index: SearchIndex, *, thresholded: bool) -> None:
        self._index = index
        self._thresholded = thresholded
        self.name = "ours: BM25 (numpy) + rapidfuzz" + (" (with threshold)" if thresholded else " (top hit)")

    def top1(self, question: str) -> str | None:
        result = self._index.search(question, limit=1)
        hit = result.best if self._thresholded else (result.hits[0] if result.hits else None)
        return hit.entry.id if hit is not None and hit.entry is not None else None


def eval_set() -> tuple[list[tuple[str, str]], list[str]]:
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    return [(c["q"], c["expect"]) for c in data["on_topic"]], list(data["off_topic"])


def accuracy(top1: Callable[[str], str | None], on_topic: Sequence[tuple[str, str]]) -> float:
    return sum(top1(q) == expected for q, expected in on_topic) / len(on_topic)


def rejection(top1: Callable[[str], str | None], off_topic: Sequence[str]) -> float:
    return sum(top1(q) is None for q in off_topic) / len(off_topic)


# -- the synthetic knowledge base -----------------------------------------------------------------


def synthetic_knowledge(root: Path, count: int, seed: int = 7) -> list[str]:
    """``count`` entries in 100 theme files, words drawn Zipf-like from the shipped vocabulary plus made-up
    terms; returns one query per 20 entries (an example question with a word dropped and a typo)."""
    rng = random.Random(seed)
    shipped = sorted(
        {
            w
            for e in SearchIndex.from_knowledge(require_knowledge(REPO / "knowledge")).entries
            for w in content_words(f"{e.title} {e.answer}")
            if w.isalpha()
        }
    )
    made_up = [f"{rng.choice('bcdfgklmnprstvz')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{i}x" for i in range(3000)]
    vocabulary = shipped + [w.rstrip("0123456789x") + "ex" + str(i) for i, w in enumerate(made_up)]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]

    def phrase(n: int) -> str:
        return " ".join(rng.choices(vocabulary, weights, k=n))

    (root / "entries").mkdir(parents=True)
    (root / "sources.yaml").write_text("kind: sources\nsources:\n  - id: art\n    title: Article\n", encoding="utf-8")
    (root / "compare.yaml").write_text(
        "kind: comparison\ntitle: T\nsources: [art]\nrows:\n  - aspect: A\n    pm: x\n    po: y\n", encoding="utf-8"
    )
    queries = []
    per_file = count // 100
    for f in range(100):
        entries = []
        for i in range(per_file):
            n = f * per_file + i
            questions = [f"{phrase(5)} q{n}x{k}" for k in range(8)]  # the validator wants at least 8
            if n % 20 == 0:
                words = questions[0].split()[:-1]
                del words[rng.randrange(len(words))]
                w = rng.randrange(len(words))
                if len(words[w]) > 5:
                    words[w] = words[w][:2] + words[w][3] + words[w][2] + words[w][4:]  # swap two letters
                queries.append(" ".join(words))
            entries.append(
                {
                    "id": f"e{n}",
                    "title": phrase(6).capitalize() + "?",
                    "answer": phrase(60) + ".",
                    "questions": questions,
                    "aliases": [phrase(2), phrase(1)],
                    "related": [f"e{f * per_file + (i + 1) % per_file}"],
                    "sources": ["art"],
                    "last_reviewed": "2026-01-01",
                }
            )
        text = yaml.safe_dump({"kind": "entries", "theme": f"Theme {f}", "entries": entries}, sort_keys=False)
        (root / "entries" / f"t{f:03}.yaml").write_text(text, encoding="utf-8")
    return queries


def main() -> None:
    import psutil

    on_topic, off_topic = eval_set()
    questions = [q for q, _ in on_topic] + off_topic
    knowledge = require_knowledge(REPO / "knowledge")
    started = time.process_time()
    index = SearchIndex.from_knowledge(knowledge)
    shipped_build_ms = (time.process_time() - started) * 1000
    cold = time_each(index.search, questions, 1)  # first sight of each word: stemming and typo look-ups
    shipped = time_each(index.search, questions, ROUNDS)

    rows: list[tuple[str, str, str]] = []
    entries = index.entries
    ours = Ours(index, thresholded=False)
    engines: list[tuple[str, Callable[[str], str | None]]] = [
        (ours.name, ours.top1),
        (Ours(index, thresholded=True).name, Ours(index, thresholded=True).top1),
    ]
    for engine_type in (RankBM25, Bm25s):
        engine = engine_type(entries)
        engines.append((engine.name, engine.top1))
    ours_speed = time_each(ours.top1, questions, ROUNDS).p50_ms
    for name, top1 in engines:
        speed = time_each(top1, questions, ROUNDS // 4 or 1)
        rows.append(
            (
                name,
                f"{speed.p50_ms:.3f} ms ({speed.p50_ms / ours_speed:.1f}×)",
                f"{accuracy(top1, on_topic):.1%} top-1, {rejection(top1, off_topic):.0%} off-topic rejected",
            )
        )

    process = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "knowledge"
        synthetic_queries = synthetic_knowledge(root, SYNTHETIC_ENTRIES)
        rss_before = process.memory_info().rss
        started = time.process_time()
        result = load_knowledge(root, ENTRY_KINDS)
        loaded = time.process_time()
        assert result.knowledge is not None, result.problems[:3]
        big = SearchIndex.from_knowledge(result.knowledge)
        indexed = time.process_time()
        rss_after = process.memory_info().rss
        big_cold = time_each(big.search, synthetic_queries, 1)
        big_timing = time_each(big.search, synthetic_queries, 3)
        expected = [(q, f"e{i * 20}") for i, q in enumerate(synthetic_queries)]
        big_ours = Ours(big, thresholded=False)
        big_rows = []
        for name, top1 in [(big_ours.name, big_ours.top1)] + [
            (engine.name, engine.top1) for engine in (RankBM25(big.entries), Bm25s(big.entries))
        ]:
            speed = time_each(top1, synthetic_queries, 1)
            big_rows.append(
                (
                    name,
                    f"{speed.p50_ms:.3f} / {speed.p99_ms:.3f} ms "
                    f"({speed.p50_ms / big_timing.p50_ms:.1f}× / {speed.p99_ms / big_timing.p99_ms:.1f}×)",
                    f"{accuracy(top1, expected):.1%} top-1",
                )
            )

    print("## Search benchmark\n")
    print("| what | result | target |")
    print("| --- | --- | --- |")
    print(
        f"| shipped KB ({len(entries)} entries), {len(questions)} eval questions × {ROUNDS} | "
        f"p50 {shipped.p50_ms:.3f} ms, p99 {shipped.p99_ms:.3f} ms | p99 < 0.2 ms |"
    )
    print(f"| shipped KB, first time each question is seen | p50 {cold.p50_ms:.3f} ms, p99 {cold.p99_ms:.3f} ms | |")
    print(f"| shipped KB: build the index | {shipped_build_ms:.0f} ms | |")
    print(
        f"| synthetic KB ({SYNTHETIC_ENTRIES:,} entries), {len(synthetic_queries)} queries × 3 | "
        f"p50 {big_timing.p50_ms:.3f} ms, p99 {big_timing.p99_ms:.3f} ms | p99 < 1 ms |"
    )
    print(
        f"| synthetic KB, first time each query is seen | "
        f"p50 {big_cold.p50_ms:.3f} ms, p99 {big_cold.p99_ms:.3f} ms | |"
    )
    print(
        f"| synthetic KB: load + validate | {loaded - started:.2f} s | |\n"
        f"| synthetic KB: index | {indexed - loaded:.2f} s | |\n"
        f"| synthetic KB: load + validate + index | {indexed - started:.2f} s | < 2 s |\n"
        f"| synthetic KB: memory for knowledge + index | {(rss_after - rss_before) / 2**20:.0f} MiB | |\n"
    )
    print("\n### Same entries, other BM25 engines (shipped KB, eval set)\n")
    print("| engine | p50 per query (× ours) | accuracy |")
    print("| --- | --- | --- |")
    for row in rows:
        print(f"| {' | '.join(row)} |")
    print(f"\n### Same entries, other BM25 engines (synthetic KB, {len(synthetic_queries)} typo'd questions)\n")
    print("| engine | p50 / p99 per query (× ours) | accuracy |")
    print("| --- | --- | --- |")
    for row in big_rows:
        print(f"| {' | '.join(row)} |")


if __name__ == "__main__":
    main()
