"""Does a change to search's data structures leave its answers exactly as they were?
``python -m bench.search_equivalence record FILE`` before the change, ``… check FILE`` after it.

Speed work on search (issue #19) must not move a single answer: the answer-quality figures were measured on
the ranking as it is. This records, for several thousand questions, everything an answer depends on, and
compares it after the change:

* what ``/ask`` answers (the entry, the refusal and its topic, "did you mean", the suggestions), the verdict,
  the words searched, and every hit with its confidence and ranking score (equal within ``TOLERANCE``, so
  a score kept in float32 passes only if it ranks the same);
* the typo correction of single words: the index's words with fresh typos, and real English words;
* on the shipped knowledge base and on generated ones of ``GENERATED_ENTRIES`` entries (both kinds of
  ``bench._corpora``), where ties, common words and long candidate lists occur that 70 documents never show.

The questions are the entries' and honest neighbours' own (example questions, titles, aliases), the older
evaluation set, the dev and tune splits of the member-questions sets (never check or test), and each of those
again with a fresh typo.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from bench._corpora import Corpus, generated, realistic, shipped_vocabulary
from bench.search import ENTRY_KINDS
from bot.ask.content import NotCoveredTopic
from bot.ask.engine import answer_question
from bot.ask.evaluation import SETS, parse_cases
from bot.ask.search import SearchIndex
from bot.ask.vocabulary import words
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry
from bot.knowledge.loader import load_knowledge, require_knowledge

REPO = Path(__file__).resolve().parent.parent
#: The splits whose questions may be read: the ones tuned on.
TUNED_SPLITS = {"members": "dev", "more": "tune"}
#: Entries of each generated knowledge base (bench._corpora).
GENERATED_ENTRIES = 2_000
#: Relative tolerance for confidences and scores: float32 storage moves them by ~1e-7.
TOLERANCE = 1e-5
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one typing mistake: two letters swapped, one dropped, one added or one replaced."""
    i = rng.randrange(len(word))
    match rng.randrange(4):
        case 0 if len(word) > 1:
            i = min(i, len(word) - 2)
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        case 1 if len(word) > 1:
            return word[:i] + word[i + 1 :]
        case 2:
            return word[:i] + rng.choice(LETTERS) + word[i:]
        case _:
            return word[:i] + rng.choice(LETTERS) + word[i + 1 :]


def with_typo(question: str, rng: random.Random) -> str | None:
    """``question`` with a typo in one of its longer words (two in a long word, now and then)."""
    tokens = question.split()
    long = [i for i, token in enumerate(tokens) if len(token) >= 4 and token.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    changed = typo(tokens[i], rng)
    if len(changed) >= 9 and rng.random() < 0.3:
        changed = typo(changed, rng)
    tokens[i] = changed
    return " ".join(tokens)


def questions(knowledge: KnowledgeBase, index: SearchIndex) -> list[str]:
    """Every question the check asks on the shipped knowledge base (see the module docstring)."""
    asked: list[str] = []
    items: tuple[Entry | NotCoveredTopic, ...] = (*index.entries, *index.topics)
    for item in items:
        asked += [*item.questions, item.title, *item.aliases]
    older = yaml.safe_load((REPO / "tests" / "eval" / "ask_eval.yaml").read_text(encoding="utf-8"))
    asked += [case["q"] for case in older["on_topic"]] + list(older["off_topic"])
    for name, split in TUNED_SPLITS.items():
        data = yaml.safe_load((REPO / SETS[name].file).read_text(encoding="utf-8"))
        asked += [case.question for case in parse_cases(data) if case.split == split]
    rng = random.Random(19)
    asked += [q for q in (with_typo(question, rng) for question in asked) if q]
    return list(dict.fromkeys(asked))


def typo_words(index: SearchIndex, english: Sequence[str]) -> list[str]:
    """Single words to correct: each index word with two fresh typos, and real English words."""
    rng = random.Random(23)
    typed = [typo(word, rng) for word in sorted(index.vocabulary) for _ in range(2) if word.isalpha()]
    return list(dict.fromkeys([*typed, *english]))


def english_words(count: int) -> list[str]:
    """The ``count`` most frequent English words (wordfreq), or none when it is not installed."""
    try:
        from wordfreq import top_n_list
    except ImportError:
        return []
    return [w for w in top_n_list("en", count) if w.isalpha()]


def snapshot(index: SearchIndex, knowledge: KnowledgeBase, asked: Iterable[str]) -> Iterator[dict[str, Any]]:
    for question in asked:
        if not words(question):
            continue
        result = index.search(question, limit=3)
        answer = answer_question(index, knowledge, question)
        shown = answer.to_json()
        del shown["answer"], shown["title"], shown["score"]
        yield {
            "q": question,
            **shown,
            "confidence": answer.confidence,
            "verdict": result.verdict,
            "terms": list(result.terms),
            "runner_up": result.runner_up.id if result.runner_up else None,
            "hits": [[hit.item.id, hit.confidence, hit.score] for hit in result.hits],
        }


def corrections(index: SearchIndex, typed: Iterable[str]) -> dict[str, str | None]:
    return {word: index._correct_uncached(word) for word in typed}


def corpus_knowledge(corpus: Corpus, root: Path) -> KnowledgeBase:
    result = load_knowledge(corpus.write(root), ENTRY_KINDS)
    assert result.knowledge is not None, result.problems[:3]
    return result.knowledge


def record() -> dict[str, Any]:
    english = english_words(20_000)
    knowledge = require_knowledge(REPO / "knowledge")
    index = SearchIndex.from_knowledge(knowledge)
    shipped = list(snapshot(index, knowledge, questions(knowledge, index)))
    shipped_words = corrections(index, typo_words(index, english))
    found = {"shipped": shipped, "shipped_words": shipped_words}
    for corpus in (generated(GENERATED_ENTRIES, shipped_vocabulary(index)), realistic(GENERATED_ENTRIES)):
        with tempfile.TemporaryDirectory() as tmp:
            big = corpus_knowledge(corpus, Path(tmp) / "knowledge")
        big_index = SearchIndex.from_knowledge(big)
        rng = random.Random(29)
        asked = [q for e in big_index.entries[::5] for q in e.questions[:2]] + [q for q, _ in corpus.questions]
        asked += [q for q in (with_typo(q, rng) for q in asked) if q]
        found[corpus.name] = list(snapshot(big_index, big, asked))
        found[f"{corpus.name}_words"] = corrections(big_index, typo_words(big_index, english[:5_000]))
    return found


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed, one line each; empty when every answer, hit and correction is the same."""
    found: list[str] = []
    for part in ("shipped", "generated", "realistic"):
        if len(before[part]) != len(after[part]):
            found.append(f"{part}: {len(before[part])} questions before, {len(after[part])} after")
        for old, new in zip(before[part], after[part], strict=False):
            found += [f"{part}: {old['q']!r}: {what}" for what in _answer_differences(old, new)]
    for part in ("shipped_words", "generated_words", "realistic_words"):
        found += [
            f"{part}: {word!r}: {fixed!r} before, {after[part].get(word, '(missing)')!r} after"
            for word, fixed in before[part].items()
            if after[part].get(word, "(missing)") != fixed
        ]
    return found


def _answer_differences(old: dict[str, Any], new: dict[str, Any]) -> Iterator[str]:
    for key in old:
        if key in ("confidence", "hits"):
            continue
        if old[key] != new.get(key):
            yield f"{key}: {old[key]!r} before, {new.get(key)!r} after"
    if not math.isclose(old["confidence"], new["confidence"], rel_tol=TOLERANCE, abs_tol=1e-12):
        yield f"confidence {old['confidence']} before, {new['confidence']} after"
    if [h[0] for h in old["hits"]] != [h[0] for h in new["hits"]]:
        yield f"hits {[h[0] for h in old['hits']]} before, {[h[0] for h in new['hits']]} after"
        return
    for (item, *old_values), (_, *new_values) in zip(old["hits"], new["hits"], strict=True):
        for a, b in zip(old_values, new_values, strict=True):
            if not math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12):
                yield f"hit {item}: {old_values} before, {new_values} after"
                break


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("record", "check"), nargs="?")
    parser.add_argument("file", type=Path, nargs="?", help="where the answers before the change are kept")
    args = parser.parse_args(argv)
    if args.action is None or args.file is None:  # `python -m bench` runs every benchmark without arguments
        print("search equivalence: run `python -m bench.search_equivalence record FILE`, change, then `check FILE`")
        return 0
    now = record()
    counts = ", ".join(f"{len(value):,} {key}" for key, value in now.items())
    if args.action == "record":
        args.file.write_text(json.dumps(now), encoding="utf-8")
        print(f"recorded {counts} into {args.file}")
        return 0
    found = differences(json.loads(args.file.read_text(encoding="utf-8")), now)
    for line in found[:50]:
        print(line)
    print(f"{len(found)} difference(s) over {counts}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
