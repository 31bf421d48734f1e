"""Knowledge bases of any size for the search benchmarks, and questions with the entry each should find.

Two kinds, because each hides what the other shows:

* :func:`generated`: words drawn Zipf-style from the shipped knowledge base's vocabulary plus 3,000 made-up
  ones, 60-word answers, questions that are an entry's example question with a word dropped and, in long
  words, two letters swapped. About 4,000 distinct words: typo look-ups are cheap against it.
* :func:`realistic`: 40,000 real English words at their real frequencies (``wordfreq``), answers of 150–300
  words, example questions of 5–10 words, and every question asked with a word dropped and a fresh typo
  (two letters swapped, one dropped, added or replaced) in one of its words of five letters or more, so
  the typo is never a word of the vocabulary: what members type, against a vocabulary the size of a real one.

Both are plain data (:class:`Corpus`); :meth:`Corpus.write` lays one out as a knowledge folder that
``load_knowledge`` reads like the shipped one (nothing is written into the repository).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.ask.search import SearchIndex
from bot.ask.vocabulary import content_words

#: Files a corpus is split into: themes, as moderators would group entries.
FILES = 100
#: Questions asked of a corpus of any size: one from each of this many evenly spaced entries.
QUESTIONS = 1_000
#: Words of the realistic vocabulary: the most frequent alphabetic English words.
REALISTIC_WORDS = 40_000
LETTERS = "abcdefghijklmnopqrstuvwxyz"
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class Corpus:
    name: str
    #: Entries as the YAML holds them, per theme file.
    files: tuple[tuple[dict[str, Any], ...], ...]
    #: (question, id of the entry it was written from).
    questions: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        return sum(len(entries) for entries in self.files)

    def write(self, root: Path) -> Path:
        """The corpus as a knowledge folder (entries, one source, the comparison table) under ``root``."""
        (root / "entries").mkdir(parents=True)
        (root / "sources.yaml").write_text(
            "kind: sources\nsources:\n  - id: art\n    title: Article\n", encoding="utf-8"
        )
        (root / "compare.yaml").write_text(
            "kind: comparison\ntitle: T\nsources: [art]\nrows:\n  - aspect: A\n    pm: x\n    po: y\n",
            encoding="utf-8",
        )
        for f, entries in enumerate(self.files):
            data = {"kind": "entries", "theme": f"Theme {f}", "entries": list(entries)}
            text = yaml.dump(data, Dumper=DUMPER, sort_keys=False, width=1000)
            (root / "entries" / f"t{f:03}.yaml").write_text(text, encoding="utf-8")
        return root


def _entry(n: int, per_file: int, title: str, answer: str, questions: list[str], aliases: list[str]) -> dict[str, Any]:
    file_start = n - n % per_file
    return {
        "id": f"e{n}",
        "title": title,
        "answer": answer,
        "questions": questions,
        "aliases": aliases,
        "related": [f"e{file_start + (n + 1 - file_start) % per_file}"],
        "sources": ["art"],
        "last_reviewed": "2026-01-01",
        **({"long_answer": "a benchmark entry"} if len(answer) > 900 else {}),
    }


def shipped_vocabulary(index: SearchIndex) -> list[str]:
    """The words of the shipped entries' titles and answers, as :func:`generated` draws from them."""
    return sorted({w for e in index.entries for w in content_words(f"{e.title} {e.answer}") if w.isalpha()})


def generated(count: int, shipped_vocabulary: Sequence[str], seed: int = 7) -> Corpus:
    """``count`` entries from the shipped vocabulary plus made-up terms (the benchmark's first generator)."""
    rng = random.Random(seed)
    made_up = [f"{rng.choice('bcdfgklmnprstvz')}{rng.choice('aeiou')}{rng.choice('lmnrst')}{i}x" for i in range(3000)]
    vocabulary = list(shipped_vocabulary) + [w.rstrip("0123456789x") + "ex" + str(i) for i, w in enumerate(made_up)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))))

    def phrase(n: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=n))

    def entry(n: int, per_file: int) -> dict[str, Any]:
        examples = [f"{phrase(5)} q{n}x{k}" for k in range(8)]  # the validator wants at least 8
        title = phrase(6).capitalize() + "?"
        return _entry(n, per_file, title, phrase(60) + ".", examples, [phrase(2), phrase(1)])

    files = _files(count, entry)
    return Corpus("generated", tuple(files), _questions(files, _asked_with_swap, random.Random(seed + 1)))


def _files(count: int, entry: Callable[[int, int], dict[str, Any]]) -> tuple[tuple[dict[str, Any], ...], ...]:
    """``count`` entries spread over :data:`FILES` files, made in order by ``entry(number, per_file)``: both
    generators draw from one random stream, so the order is what keeps a seed's corpus the same."""
    per_file = max(1, count // FILES)
    return tuple(tuple(entry(f * per_file + i, per_file) for i in range(per_file)) for f in range(count // per_file))


def _questions(
    files: Sequence[Sequence[dict[str, Any]]], ask: Callable[[str, random.Random], str], rng: random.Random
) -> tuple[tuple[str, str], ...]:
    """About :data:`QUESTIONS` questions, each from the first example question of evenly spaced entries."""
    entries = [entry for file in files for entry in file]
    step = max(1, len(entries) // QUESTIONS)
    return tuple((ask(entry["questions"][0], rng), entry["id"]) for entry in entries[::step])


def _asked_with_swap(example: str, rng: random.Random) -> str:
    """The first generator's questions: the example's own id word and one more dropped, and in a word
    longer than five letters two letters swapped."""
    words = example.split()[:-1]
    del words[rng.randrange(len(words))]
    w = rng.randrange(len(words))
    if len(words[w]) > 5:
        words[w] = words[w][:2] + words[w][3] + words[w][2] + words[w][4:]
    return " ".join(words)


def english_vocabulary(count: int = REALISTIC_WORDS) -> tuple[list[str], list[float]]:
    """The ``count`` most frequent alphabetic English words and their frequencies (``wordfreq``)."""
    from wordfreq import top_n_list, word_frequency

    words = [w for w in top_n_list("en", count * 2) if w.isascii() and w.isalpha()][:count]
    return words, [word_frequency(w, "en") for w in words]


def typo(word: str, rng: random.Random) -> str:
    """One typing mistake: two neighbouring letters swapped, one dropped, one added or one replaced."""
    i = rng.randrange(len(word) - 1)
    match rng.randrange(4):
        case 0:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        case 1:
            return word[:i] + word[i + 1 :]
        case 2:
            return word[:i] + rng.choice(LETTERS) + word[i:]
        case _:
            return word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1 :]


def realistic(count: int, seed: int = 19) -> Corpus:
    """``count`` entries in real English at real word frequencies; every question carries a fresh typo."""
    rng = random.Random(seed)
    vocabulary, weights = english_vocabulary()
    cumulative = list(itertools.accumulate(weights))

    def phrase(n: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=n))

    def entry(n: int, per_file: int) -> dict[str, Any]:
        examples = [phrase(rng.randint(5, 10)) + "?" for _ in range(8)]
        title = phrase(rng.randint(3, 7)).capitalize()
        answer = phrase(rng.randint(150, 300)).capitalize() + "."
        return _entry(n, per_file, title, answer, examples, [phrase(2), phrase(rng.randint(1, 3))])

    files = _files(count, entry)
    known = set(vocabulary)
    return Corpus(
        "realistic",
        tuple(files),
        _questions(files, lambda example, r: _asked_with_typo(example, known, r), random.Random(seed + 1)),
    )


def _asked_with_typo(example: str, known: set[str], rng: random.Random) -> str:
    """An example question as a member would ask it again: a word dropped, a fresh typo in a long word."""
    words = example.rstrip("?").split()
    del words[rng.randrange(len(words))]
    long = [i for i, w in enumerate(words) if len(w) >= 5] or [max(range(len(words)), key=lambda i: len(words[i]))]
    i = rng.choice(long)
    for _ in range(20):
        typed = typo(words[i], rng) if len(words[i]) > 1 else words[i] + rng.choice(LETTERS)
        if typed not in known:
            break
    words[i] = typed
    return " ".join(words) + "?"
