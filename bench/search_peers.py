"""``/ask`` side by side with bm25s and rank-bm25, in one run: ``python -m bench.search_peers``.

Options: ``--sizes 1000 10000 100000`` (entries), ``--corpora generated realistic`` (``bench._corpora``),
``--runs 3`` (timing passes per corpus and size; the ratios are given as the range over them); ``--memory``
measures memory at the largest size instead, in child processes. Prints markdown tables.

What is timed, per question, is the CPU time of the thread (``time.thread_time_ns``), with the garbage
collector paused:

* **ours**: :func:`bot.ask.engine.ask`, the call ``AskService.answer`` makes for every ``/ask``: clean the
  text, search with three hits (typo correction, BM25, title bonus, coverage, the verdict) and package the
  :class:`~bot.ask.engine.Answer` (related entries, "did you mean", suggestions). Recording the question in
  the database and drawing the embed are the bot's, not search's, and are measured by ``bench.load``.
* **bm25s**: ``BM25(backend="numba")`` and ``retrieve([stems], k=3, n_threads=1, show_progress=False)``, the
  setup its documentation recommends for speed, on the same tokens and stems: the question's words folded
  and without stopwords as our index reads them (``SearchIndex.content_words``), stemmed by the same Porter
  stemmer, the stems bm25s has never seen dropped (it rejects them). The documents are the same fields
  (title, example questions, aliases, answer, theme) through the same folding and stemmer, as one text
  (bm25s has no field weights). Timed: folding and stemming the question, ``retrieve``, the three ids.
  bm25s does no cleaning, typo correction or packaging: ours carries that work in its figure, bm25s does not.
* **rank-bm25**: ``BM25Okapi`` on the same tokens, ``get_scores`` then ``np.argpartition`` for the best three.

Each question is asked of every engine in turn before the next question (the order rotates), so a busy
moment of the machine lands on all of them alike. **First-seen**: before each question every cache a
question fills is emptied (our typo corrections, and the Porter stemmer's cache for both engines: a fresh
stemmer); **warm**: the same questions again, the caches as the first pass left them. A run is one first-seen
pass and one warm pass over all questions; the runs share one build of each index (building takes minutes
at 100,000 entries). rank-bm25's time is all in ``get_scores``, so it is timed in one pass, which stands for
both columns, on its own after the runs (its sweeps over every document's word counts would evict the
others' data from the processor's caches if it took turns with them).

Accuracy is top-1 on the corpus's questions (each written from one entry, asked with a word dropped and a
typo): for ours the answer, and the top of the ranking (the answer, or the first entry offered instead).

Memory (``--memory``): each engine is built in a child process of its own under ``tracemalloc``: *live* is
what stays allocated once the index is built, *peak* the most allocated at once while building; allocations
are Python's and numpy's (tracemalloc sees both), not the interpreter's or numba's compiled code. For ours,
from reading the knowledge folder to the built index (the English word lists every process loads once are
loaded before); for bm25s, from its ``index()`` call on token lists already made.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import Stemmer

from bench._corpora import Corpus, generated, realistic, shipped_vocabulary
from bench.search import ENTRY_KINDS
from bot.ask.engine import Answer, ask
from bot.ask.search import SearchIndex
from bot.config import AskConfig
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry
from bot.knowledge.loader import load_knowledge, require_knowledge

REPO = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
CORPORA = ("generated", "realistic")
RUNS = 3
K = 3
MAX_LENGTH = AskConfig().max_question_length


def build_corpus(name: str, size: int) -> Corpus:
    if name == "generated":
        shipped = SearchIndex.from_knowledge(require_knowledge(REPO / "knowledge"))
        return generated(size, shipped_vocabulary(shipped))
    return realistic(size)


def load_corpus(corpus: Corpus) -> KnowledgeBase:
    """The corpus as the bot would load it: written as a knowledge folder, then loaded and validated."""
    with tempfile.TemporaryDirectory() as tmp:
        result = load_knowledge(corpus.write(Path(tmp) / "knowledge"), ENTRY_KINDS)
    assert result.knowledge is not None, result.problems[:3]
    return result.knowledge


class Stems:
    """Words → Porter stems, the same stemmer our index uses; one string object per stem, so the token lists of
    100,000 documents share them. :meth:`forget` empties the stemmer's own cache (a fresh stemmer)."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("porter")
        self._known: dict[str, str] = {}

    def of(self, words: Sequence[str]) -> list[str]:
        known = self._known
        return [known.get(w) or known.setdefault(w, self._stemmer.stemWord(w)) for w in words]

    def question(self, words: Sequence[str]) -> list[str]:
        """A question's stems, through the stemmer (as a first-seen question would be), not the build's dict."""
        return [self._stemmer.stemWord(w) for w in words]

    def forget(self) -> None:
        self._stemmer = Stemmer.Stemmer("porter")


def document_stems(index: SearchIndex, entry: Entry, stems: Stems) -> list[str]:
    """An entry's text as the peers index it: our fields, folding, stopwords and stems, as one text."""
    text = "\n".join((entry.title, *entry.questions, *entry.aliases, entry.answer, entry.theme))
    return stems.of(index.content_words(text))


class Ours:
    name = "ours: /ask core"
    caches = True

    def __init__(self, index: SearchIndex, knowledge: KnowledgeBase) -> None:
        self._index = index
        self._knowledge = knowledge

    def __call__(self, question: str) -> Answer:
        return ask(self._index, self._knowledge, question, MAX_LENGTH)

    def forget(self) -> None:
        """Empty the caches a question fills: typo corrections and the stemmer's (a fresh stemmer)."""
        self._index._correct.cache_clear()
        self._index._stemmer._stemmer = Stemmer.Stemmer("porter")


class Bm25s:
    name = "bm25s (numba, n_threads=1)"
    caches = True  # the stemmer's

    def __init__(self, index: SearchIndex, tokens: Sequence[Sequence[str]], ids: Sequence[str]) -> None:
        import bm25s

        self._index = index
        self._ids = ids
        self.stems = Stems()
        self._bm25 = bm25s.BM25(backend="numba")
        self._bm25.index(tokens, show_progress=False)
        self._vocabulary = self._bm25.vocab_dict

    def __call__(self, question: str) -> tuple[str, ...]:
        known = [s for s in self.stems.question(self._index.content_words(question)) if s in self._vocabulary]
        if not known:
            return ()
        docs, scores = self._bm25.retrieve([known], k=K, n_threads=1, show_progress=False)
        return tuple(self._ids[d] for d, s in zip(docs[0].tolist(), scores[0].tolist(), strict=True) if s > 0)

    def forget(self) -> None:
        self.stems.forget()


class RankBm25:
    name = "rank-bm25 (BM25Okapi, argpartition)"
    #: Scoring takes milliseconds, all of them in get_scores: the stemmer's cache is lost in it, so one pass is
    #: timed, both first-seen and warm (it is 3-150× slower than the others, and a second pass at 100,000
    #: entries would take minutes).
    caches = False

    def __init__(self, index: SearchIndex, tokens: Sequence[Sequence[str]], ids: Sequence[str]) -> None:
        from rank_bm25 import BM25Okapi

        self._index = index
        self._ids = ids
        self.stems = Stems()
        self._bm25 = BM25Okapi(tokens)

    def __call__(self, question: str) -> tuple[str, ...]:
        terms = self.stems.question(self._index.content_words(question))
        if not terms:
            return ()
        scores = self._bm25.get_scores(terms)
        best = np.argpartition(scores, -K)[-K:]
        best = best[np.argsort(-scores[best], kind="stable")]
        return tuple(self._ids[d] for d in best.tolist() if scores[d] > 0)

    def forget(self) -> None:
        self.stems.forget()


Engine = Ours | Bm25s | RankBm25


@dataclass
class Samples:
    first: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)


def timed(call: Callable[[str], object], question: str) -> tuple[float, object]:
    start = time.thread_time_ns()
    found = call(question)
    return (time.thread_time_ns() - start) / 1e6, found


def run_once(engines: Sequence[Engine], questions: Sequence[str]) -> tuple[list[Samples], list[list[object]]]:
    """One first-seen pass and one warm pass, the engines interleaved question by question."""
    samples = [Samples() for _ in engines]
    found: list[list[object]] = [[] for _ in engines]
    gc.collect()
    gc.disable()
    try:
        for n, question in enumerate(questions):
            for k in range(len(engines)):
                e = (n + k) % len(engines)
                engines[e].forget()
                ms, result = timed(engines[e], question)
                samples[e].first.append(ms)
                found[e].append(result)
        warmed = [e for e, engine in enumerate(engines) if engine.caches]
        for n, question in enumerate(questions):
            for k in range(len(warmed)):
                e = warmed[(n + k) % len(warmed)]
                samples[e].warm.append(timed(engines[e], question)[0])
    finally:
        gc.enable()
    for sample, engine in zip(samples, engines, strict=True):
        if not engine.caches:
            sample.warm = sample.first  # nothing a question leaves behind makes the next one faster
    return samples, found


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def top1(found: object) -> str | None:
    """The first entry an engine's result names."""
    if isinstance(found, Answer):
        entry = found.entry or (found.suggestions[0] if found.suggestions else None)
        return entry.id if entry is not None else None
    assert isinstance(found, tuple)
    return found[0] if found else None


@dataclass
class Row:
    corpus: str
    size: int
    questions: int
    #: engine name → [(first p50, first p99, warm p50, warm p99) per run]
    times: dict[str, list[tuple[float, float, float, float]]]
    #: engine name → top-1 accuracy; ours also "answered" (confident answer right)
    accuracy: dict[str, float]
    build_s: dict[str, float]


def measure(corpus_name: str, size: int, runs: int) -> Row:
    corpus = build_corpus(corpus_name, size)
    started = time.process_time()
    knowledge = load_corpus(corpus)
    index = SearchIndex.from_knowledge(knowledge)
    build = {"ours: load + validate + index": time.process_time() - started}
    questions = [q for q, _ in corpus.questions]
    expected = [e for _, e in corpus.questions]
    stems = Stems()
    tokens = [document_stems(index, entry, stems) for entry in index.entries]
    ids = [entry.id for entry in index.entries]
    engines: list[Engine] = [Ours(index, knowledge)]
    started = time.process_time()
    engines.append(Bm25s(index, tokens, ids))
    build["bm25s: index"] = time.process_time() - started
    started = time.process_time()
    rank = RankBm25(index, tokens, ids)
    build["rank-bm25: index"] = time.process_time() - started
    del tokens, stems
    for engine in engines:  # numba compiles on first use; every engine sees every question once before timing
        for question in questions[:20]:
            engine(question)
    times: dict[str, list[tuple[float, float, float, float]]] = {engine.name: [] for engine in [*engines, rank]}
    accuracy: dict[str, float] = {}
    # rank-bm25 in a pass of its own after the runs: its sweeps over every document's word counts would evict
    # the others' data from the processor's caches if it took turns with them.
    passes: list[Sequence[Engine]] = [*([engines] * runs), [rank]]
    for run, timed_engines in enumerate(passes):
        samples, found = run_once(timed_engines, questions)
        for engine, sample in zip(timed_engines, samples, strict=True):
            times[engine.name].append(
                (
                    statistics.median(sample.first),
                    percentile(sample.first, 0.99),
                    statistics.median(sample.warm),
                    percentile(sample.warm, 0.99),
                )
            )
        if run in (0, runs):
            for engine, results in zip(timed_engines, found, strict=True):
                accuracy[engine.name] = sum(top1(r) == e for r, e in zip(results, expected, strict=True)) / len(
                    expected
                )
        if run == 0:
            answered = [r.entry.id if isinstance(r, Answer) and r.entry else None for r in found[0]]
            accuracy["ours: answered"] = sum(a == e for a, e in zip(answered, expected, strict=True)) / len(expected)
        print(f"  {corpus_name} {size:,}: pass {run + 1} of {len(passes)} done", file=sys.stderr, flush=True)
    return Row(corpus_name, size, len(questions), times, accuracy, build)


def ratio_range(ours: Sequence[tuple[float, ...]], peer: Sequence[tuple[float, ...]], column: int) -> str:
    """ours / peer in ``column`` for each run, as "low–high" (one value when all runs agree to 2 decimals)."""
    ratios = [o[column] / p[column] for o, p in zip(ours, peer, strict=False)]
    low, high = f"{min(ratios):.2f}", f"{max(ratios):.2f}"
    return low if low == high else f"{low}–{high}"


def ms_range(values: Sequence[tuple[float, ...]], column: int) -> str:
    found = [v[column] for v in values]
    low, high = f"{min(found):.3f}", f"{max(found):.3f}"
    return low if low == high else f"{low}–{high}"


def print_tables(rows: Sequence[Row], runs: int) -> None:
    ours, peer, rank = Ours.name, Bm25s.name, RankBm25.name
    print(f"## /ask vs bm25s: CPU ms per question, {runs} runs (ranges over the runs)\n")
    for corpus in dict.fromkeys(row.corpus for row in rows):
        print(f"### {corpus} corpus\n")
        print(
            "| entries | questions | ours first-seen p50 / p99 | bm25s first-seen p50 / p99 | ratio p50 | ratio p99 "
            "| ours warm p50 / p99 | bm25s warm p50 / p99 | ratio p50 | ratio p99 |"
        )
        print("| ---: | ---: | --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in (r for r in rows if r.corpus == corpus):
            t = row.times
            print(
                f"| {row.size:,} | {row.questions:,} "
                f"| {ms_range(t[ours], 0)} / {ms_range(t[ours], 1)} | {ms_range(t[peer], 0)} / {ms_range(t[peer], 1)} "
                f"| {ratio_range(t[ours], t[peer], 0)} | {ratio_range(t[ours], t[peer], 1)} "
                f"| {ms_range(t[ours], 2)} / {ms_range(t[ours], 3)} | {ms_range(t[peer], 2)} / {ms_range(t[peer], 3)} "
                f"| {ratio_range(t[ours], t[peer], 2)} | {ratio_range(t[ours], t[peer], 3)} |"
            )
        print(
            "\n| entries | top-1: ours (top of ranking) | ours (answered) | bm25s | rank-bm25 "
            "| rank-bm25 p50 / p99 (× ours warm, run 1) | build: ours (load + validate + index) / bm25s / rank-bm25 |"
        )
        print("| ---: | --- | --- | --- | --- | --- | --- |")
        for row in (r for r in rows if r.corpus == corpus):
            a, t, b = row.accuracy, row.times, row.build_s
            rank_p50, rank_p99 = t[rank][0][2], t[rank][0][3]
            print(
                f"| {row.size:,} | {a[ours]:.1%} | {a['ours: answered']:.1%} | {a[peer]:.1%} | {a[rank]:.1%} "
                f"| {rank_p50:.2f} / {rank_p99:.2f} ms ({rank_p50 / t[ours][0][2]:.0f}× / "
                f"{rank_p99 / t[ours][0][3]:.0f}×) "
                f"| {b['ours: load + validate + index']:.1f} s / {b['bm25s: index']:.1f} s / "
                f"{b['rank-bm25: index']:.1f} s |"
            )
        print()


# -- memory, each engine in a child process of its own ---------------------------------------------------


def memory_child(engine: str, corpus_name: str, size: int) -> dict[str, float]:
    """Live and peak MiB allocated while building ``engine``'s index, as tracemalloc counts them."""
    corpus = build_corpus(corpus_name, size)
    SearchIndex.from_knowledge(require_knowledge(REPO / "knowledge"))  # the per-process word lists, not measured
    mib = 2**20
    with tempfile.TemporaryDirectory() as tmp:
        root = corpus.write(Path(tmp) / "knowledge")
        del corpus
        gc.collect()
        if engine == "ours":
            tracemalloc.start()
            result = load_knowledge(root, ENTRY_KINDS)
            assert result.knowledge is not None
            loaded, _ = tracemalloc.get_traced_memory()
            index = SearchIndex.from_knowledge(result.knowledge)
            gc.collect()
            live, peak = tracemalloc.get_traced_memory()
            assert index.entries
            return {"live": live / mib, "peak": peak / mib, "knowledge": loaded / mib, "index": (live - loaded) / mib}
        result = load_knowledge(root, ENTRY_KINDS)
    assert result.knowledge is not None
    index = SearchIndex.from_knowledge(result.knowledge)
    stems = Stems()
    tokens = [document_stems(index, entry, stems) for entry in index.entries]
    del index, result, stems
    gc.collect()
    import bm25s

    retriever = bm25s.BM25(backend="numba")  # compiles its functions: once per process, not per index
    tracemalloc.start()
    retriever.index(tokens, show_progress=False)
    del tokens
    gc.collect()
    live, peak = tracemalloc.get_traced_memory()
    return {"live": live / mib, "peak": peak / mib}


def print_memory(corpora: Sequence[str], size: int) -> None:
    print(f"## Memory at {size:,} entries (tracemalloc, MiB; each engine in a process of its own)\n")
    print(
        "| corpus | ours live: knowledge + index (index alone) | ours build peak | bm25s live | bm25s build peak "
        "| ours live ÷ bm25s | ours peak ÷ ours live |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for corpus in corpora:
        found = {}
        for engine in ("ours", "bm25s"):
            done = subprocess.run(
                [sys.executable, "-m", "bench.search_peers", "--memory-child", engine, corpus, str(size)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            )
            found[engine] = json.loads(done.stdout.strip().splitlines()[-1])
        ours, peer = found["ours"], found["bm25s"]
        print(
            f"| {corpus} | {ours['live']:.0f} ({ours['index']:.0f}) | {ours['peak']:.0f} | {peer['live']:.0f} "
            f"| {peer['peak']:.0f} | {ours['live'] / peer['live']:.2f}× ({ours['index'] / peer['live']:.2f}× index "
            f"alone) | {ours['peak'] / ours['live']:.2f}× |"
        )
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--corpora", nargs="+", choices=CORPORA, default=CORPORA)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--memory", action="store_true", help="measure memory at the largest size instead of time")
    parser.add_argument("--memory-child", nargs=3, metavar=("ENGINE", "CORPUS", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        engine, corpus, size = args.memory_child
        print(json.dumps(memory_child(engine, corpus, int(size))))
        return
    if args.memory:
        print_memory(args.corpora, max(args.sizes))
        return
    rows = [measure(corpus, size, args.runs) for corpus in args.corpora for size in sorted(args.sizes)]
    print_tables(rows, args.runs)


if __name__ == "__main__":
    main()
