"""Sets of words → the one document they belong to, in 12 bytes a set: how search recognises a question asked
exactly as one of a document's example questions (its words, in any order).

A dict from each example question's ``frozenset`` of words to its document held every word as a string of
its own and a set object per question: some 800 bytes a question, 800 MiB at 100,000 entries of eight
questions each. Here a question is its set's hash and its document's number in two sorted numpy arrays; a
hit is confirmed against the document's own questions, so two sets sharing a hash never confuse it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

WordSet = frozenset[str]


class WordSetTable:
    """``keys(number)`` gives the word sets of document ``number`` (of ``count``). A set in two documents
    names neither, and is left out; an empty set names nothing."""

    def __init__(self, count: int, keys: Callable[[int], Iterable[WordSet]]) -> None:
        self._keys = keys
        hashes: list[int] = []
        numbers: list[int] = []
        for number in range(count):
            for key in set(keys(number)):
                if key:
                    hashes.append(hash(key))
                    numbers.append(number)
        hashed = np.asarray(hashes, dtype=np.int64)
        owner = np.asarray(numbers, dtype=np.int32)
        order = np.argsort(hashed, kind="stable")
        hashed, owner = hashed[order], owner[order]
        # A hash more than one document shares: a set in both (ambiguous), or two sets with one hash (kept,
        # exactly, in a small dict of their own).
        shared = np.zeros(len(hashed), dtype=bool)
        same_hash = hashed[1:] == hashed[:-1]
        different_owner = owner[1:] != owner[:-1]
        for i in np.flatnonzero(same_hash & different_owner).tolist():
            shared[i] = shared[i + 1] = True
        shared_hashes = set(hashed[shared].tolist())
        shared |= np.isin(hashed, list(shared_hashes)) if shared_hashes else shared
        self.exact: dict[WordSet, int] = {}
        ambiguous: set[WordSet] = set()
        for number in sorted(set(owner[shared].tolist())):
            for key in set(keys(number)):
                if hash(key) in shared_hashes and self.exact.setdefault(key, number) != number:
                    ambiguous.add(key)
        for key in ambiguous:
            del self.exact[key]
        unique = ~shared & np.concatenate(([True], hashed[1:] != hashed[:-1]))  # one row per (hash, document)
        self._hashes = hashed[unique]
        self._numbers = owner[unique]

    def get(self, key: WordSet) -> int | None:
        """The document ``key`` is an example question of, or None."""
        if key in self.exact:
            return self.exact[key]
        hashed = hash(key)
        at = int(np.searchsorted(self._hashes, hashed))
        if at == len(self._hashes) or self._hashes[at] != hashed:
            return None
        number = int(self._numbers[at])
        return number if any(key == found for found in self._keys(number)) else None  # stops at the first equal
