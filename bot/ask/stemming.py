"""Porter stems ("stories" → "stori", "owning" → "own"), from PyStemmer (the Snowball project's C stemmers).

One stemmer for the entries and for the questions, so "stories" in a question finds "story" in an entry.
The original Porter algorithm rather than Snowball's newer "english": it is the one search quality was
tuned with (SQLite FTS5's tokenizer, which search used before, implements it too).
"""

from __future__ import annotations

from collections.abc import Iterable

import Stemmer


class PorterStemmer:
    """Not thread-safe (a PyStemmer object is not): each search index has its own, used by one thread at a time."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("porter")

    def stem(self, word: str) -> str:
        stem: str = self._stemmer.stemWord(word)  # PyStemmer caches recent words itself
        return stem

    def stem_all(self, vocabulary: Iterable[str]) -> dict[str, str]:
        """Each word's stem, in one call."""
        ordered = list(vocabulary)
        return dict(zip(ordered, self._stemmer.stemWords(ordered), strict=True))
