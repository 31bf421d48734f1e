"""The words a typed word may be a typo of, found in a few look-ups rather than by comparing it with every word.

Comparing an unknown word with the whole vocabulary (as rapidfuzz's ``process.extract`` does) costs time in
proportion to the vocabulary: with 40,000 real English words in the index, a question with a fresh typo
took 11–22 ms. This is a deletion index, the way SymSpell finds candidates: two words within ``n`` edits
(insertions, deletions, substitutions, swaps of neighbouring letters: the optimal string alignment
distance) always share a string made by deleting at most ``n`` letters from each. So every word is indexed
under its deletions once, when the index is built, and a look-up makes the typed word's deletions (56 for
a 10-letter word and two edits) and finds the words indexed under them: a handful of candidates, each then
measured exactly. The candidates are exactly the words within the distance, so search corrects exactly
as it did when it compared every word. Which of them a real English word may be a typo of is search's
decision (``bot.ask.search``), with :func:`built_on` for the words built on an indexed word.

The deletions are kept as their hashes in one sorted numpy array (12 bytes each, with the word's number):
a hash that two strings share only adds a candidate the exact measure then rejects.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import numpy as np
from rapidfuzz.distance import OSA

from bot.ask import english
from bot.ask.stemming import PorterStemmer

_STEMMER = PorterStemmer()

#: Digits members type for the letter they look like (and, for 0, sit under): "psp0", "experi3nce", "sa1ary".
LOOK_ALIKE_DIGITS = {"0": "o", "1": "il", "3": "e", "4": "a", "5": "s", "7": "t"}
#: A word of letters and digits together, with at least one of each: where a digit may stand for a letter.
MIXED_WORD = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+\b", re.IGNORECASE)
#: The most look-alike digits one word is read with, and the longest word read at all: each "1" doubles the
#: spellings (i or l) and search tries to correct every one, so a word of twelve "s1mp"s made 4,096 spellings
#: and took seconds. A member's typo has a digit or two ("psp0", "experi3nce"); more is a code or noise.
MAX_LOOK_ALIKE_DIGITS = 3
MAX_DIGIT_TYPO_LENGTH = 20


class TypoIndex:
    """Words indexed by their deletions: :meth:`within` finds those within one or two edits of a word.

    ``two_edits_from``: the shortest word that may be reached with two edits (shorter ones are indexed for
    one edit only, which is all a look-up asks of them, and saves most of the index).
    """

    def __init__(self, words: Iterable[str], two_edits_from: int) -> None:
        self.words = tuple(sorted(set(words)))
        self._two_edits_from = two_edits_from
        hashes: list[int] = []
        numbers: list[int] = []
        for number, word in enumerate(self.words):
            found = deletions(word, 2 if len(word) >= two_edits_from else 1)
            hashes.extend(map(hash, found))
            numbers.extend([number] * len(found))
        order = np.argsort(np.asarray(hashes, dtype=np.int64), kind="stable")
        self._hashes = np.asarray(hashes, dtype=np.int64)[order]
        self._numbers = np.asarray(numbers, dtype=np.int32)[order]

    def within(self, word: str, limit: int) -> list[tuple[str, int]]:
        """Every indexed word at most ``limit`` (1 or 2) edits from ``word``, with its distance, in no order.

        Two edits are for words of at least ``two_edits_from`` + 2 letters (their candidates are that long)."""
        assert limit == 1 or len(word) - limit >= self._two_edits_from, "two edits are for long words"
        keys = np.fromiter(map(hash, deletions(word, limit)), dtype=np.int64)
        starts = np.searchsorted(self._hashes, keys, side="left")
        ends = np.searchsorted(self._hashes, keys, side="right")
        found: set[int] = set()
        for start, end in zip(starts[starts < ends].tolist(), ends[starts < ends].tolist(), strict=True):
            found.update(self._numbers[start:end].tolist())
        result = []
        for number in found:
            candidate = self.words[number]
            distance = OSA.distance(word, candidate, score_cutoff=limit)
            if distance <= limit:
                result.append((candidate, distance))
        return result


def built_on(word: str, other: str) -> bool:
    """Whether ``word`` is a real English word made of ``other`` (or another form of it) with letters added
    before or after, and not itself a form of ``other``: "taker" of "take" (and of "takes"), "atypical" of
    "typical", "hirer" of "hire".

    Such a word is a word of its own, one or two edits from the word it is built on; "correcting" it would
    change what the member asked. A form of the same word ("incomes" of "income", the same stem) may still
    be corrected: that changes nothing the member meant. A word no English list has ("roadmapp") is a typo.
    So is a word that only shares a shorter root with ``other`` ("planing" and "planning" both grow from
    "plan", "busyness" and "business" from "busy"): the form it is built on must be ``other`` give or take
    an ending of up to two letters ("takes" for "taker").
    """
    if english.frequency(word) == 0:
        return False
    family = _STEMMER.stem(other)
    if _STEMMER.stem(word) == family:
        return False
    ends = {word[:cut] for cut in range(1, len(word))} | {word[cut:] for cut in range(1, len(word))}
    return any(
        base == other or (english.frequency(base) > 0 and len(base) >= len(other) - 2 and _STEMMER.stem(base) == family)
        for base in ends
    )


def deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made by deleting up to ``depth`` of its letters."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def letter_spellings(token: str) -> list[str]:
    """``token`` (lower case, letters and digits) with each digit read as a letter it looks like, every way
    ("s1ze": "size", "slze"); none when a digit is no look-alike or there are fewer than three letters to a
    digit ("b2b", "10x", "h1b" stay what they are: names, not typos), and none for a word with more than
    :data:`MAX_LOOK_ALIKE_DIGITS` digits or longer than :data:`MAX_DIGIT_TYPO_LENGTH` characters, so a word
    never has more than eight spellings. The tokeniser splits "psp0" into "psp" and "0", so
    without this such a typo is never even seen as one word; which spelling is meant is search's decision."""
    digits = sum(c.isdigit() for c in token)
    if (
        not digits
        or digits > MAX_LOOK_ALIKE_DIGITS
        or len(token) > MAX_DIGIT_TYPO_LENGTH
        or len(token) - digits < 3 * digits
        or any(c.isdigit() and c not in LOOK_ALIKE_DIGITS for c in token)
    ):
        return []
    choices = [LOOK_ALIKE_DIGITS.get(c, c) for c in token]
    return ["".join(letters) for letters in itertools.product(*choices)]
