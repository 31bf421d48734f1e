"""Everyday English, from word frequencies: which words are real words, and which are so common they say
nothing about a topic.

Search needs both. A real word must not be "corrected" into a knowledge-base word ("care" is not a typo of
"case", "manger" is only a typo of "manager" because "manager" is a hundred times more common), and a
one-word question made of an everyday word ("help", "team", "week") is no question about the domain,
however many entries happen to use the word. The frequencies are pyspellchecker's English list (built
from film and TV subtitles: how people talk, which is how members type), loaded once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from spellchecker import SpellChecker

#: The this-many most frequent words are everyday English: alone they carry no topic.
COMMON_WORDS = 10_000
#: A word seen fewer times than this in the list is more likely a typo the list caught than a word.
MIN_COUNT = 20


@lru_cache(maxsize=1)
def _frequencies() -> Mapping[str, int]:
    counts: Mapping[str, int] = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return counts


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The :data:`COMMON_WORDS` most frequent English words."""
    ranked = sorted(_frequencies().items(), key=lambda pair: (-pair[1], pair[0]))
    return frozenset(word for word, _ in ranked[:COMMON_WORDS])


def frequency(word: str) -> int:
    """How often ``word`` occurs in the list; 0 for a word it does not have (or has only as a rare typo)."""
    count = _frequencies().get(word, 0)
    return count if count >= MIN_COUNT else 0
