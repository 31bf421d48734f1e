"""Porter stems ("stories" → "stori", "owning" → "own"), from PyStemmer (the Snowball project's C stemmers).

One stemmer for the entries and for the questions, so "stories" in a question finds "story" in an entry.
The original Porter algorithm rather than Snowball's newer "english": it is the one search quality was
tuned with (SQLite FTS5's tokenizer, which search used before, implements it too).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import Stemmer


class PorterStemmer:
    """A PyStemmer object (and its cache) is not thread-safe, and ``/ask`` searches in worker threads, several
    at once under load: a lock keeps one call at a time (uncontended, it costs well under a microsecond)."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("porter")
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        with self._lock:
            stem: str = self._stemmer.stemWord(word)  # PyStemmer caches recent words itself
        return stem

    def stem_all(self, vocabulary: Iterable[str]) -> dict[str, str]:
        """Each word's stem, in one call."""
        ordered = list(vocabulary)
        with self._lock:
            stems = self._stemmer.stemWords(ordered)
        return dict(zip(ordered, stems, strict=True))
