"""Other languages' everyday words: how search tells a question asked in another language.

Members sometimes ask in their own language with the domain's terms ("Quelle est la meilleure, PO ou PM ?").
Search reads words no entry uses as the request the knowledge base lacks ("figma", "SQL"), so such a
question was refused for its French words, though the meaning signal (``bot.ask.semantic``) is multilingual
and reads it well. A question is in another language when it holds :data:`MIN_FOREIGN` of the most frequent
words of a language other than English (its articles, pronouns and common verbs: "est", "ou", "pero",
"todo"), none of them an English word; search then lets its words that are not English stop counting against
answering (:meth:`bot.ask.search.SearchIndex.search`): they weigh nothing, the domain's words and the meaning
decide. A question with no domain word ("¿cuál es la mejor receta?") stays refused: nothing it asks is
known. The words are pyspellchecker's frequency lists, the ones ``bot.ask.english`` reads for English.
"""

from __future__ import annotations

import gzip
import heapq
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import spellchecker

from bot.ask import english
from bot.ask.vocabulary import words

#: The languages read: pyspellchecker's Spanish, French and Italian lists. Its German, Dutch and Portuguese
#: lists are three to four times larger and would take some 4 s more to read at every start.
LANGUAGES = ("es", "fr", "it")
#: The this-many most frequent words of each language are its everyday words: enough to see the language
#: in a sentence ("est", "pero", "questo"), too few to take in its nouns, which may be names or jargon
#: an English question uses ("tableau", "notion").
TOP_WORDS = 300
#: A question holding this many everyday words of another language (none English) is in that language: one
#: alone may be a name or a typo.
MIN_FOREIGN = 2
#: What the tokeniser leaves of English contractions ("I've" gives "ve", which is also Italian): English, not
#: another language's.
_CONTRACTION_PIECES = frozenset(words("I've we'll you're he'd don't I'm"))


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """The :data:`TOP_WORDS` most frequent words of each of :data:`LANGUAGES` that are not English words, as
    the tokeniser spells them (accents folded). Read once per process, when the first index is built."""
    folder = Path(spellchecker.__file__).parent / "resources"
    found: set[str] = set()
    for language in LANGUAGES:
        counts: dict[str, int] = json.loads(gzip.decompress((folder / f"{language}.json.gz").read_bytes()))
        top = heapq.nsmallest(TOP_WORDS, counts, key=lambda word: (-counts[word], word))  # sorted()[:n], unsorted rest
        found.update(w for word in top for w in words(word) if not english.frequency(w))
    return frozenset(found - _CONTRACTION_PIECES)


def in_another_language(question_words: Iterable[str]) -> bool:
    """Whether the words of a question (as :func:`~bot.ask.vocabulary.words` reads them) are another
    language's: they hold at least :data:`MIN_FOREIGN` distinct everyday words of other languages that are
    not English words."""
    return len(everyday_words().intersection(question_words)) >= MIN_FOREIGN
