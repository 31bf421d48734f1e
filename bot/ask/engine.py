"""Answering a question from the knowledge base: cleaning it, searching, and what an answer holds.

Pure functions over a :class:`~bot.ask.search.SearchIndex` and the knowledge it was built from: no
database, no clock, so ``pmpo-bot ask`` and the tests get exactly what ``/ask`` would answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.ask.search import SearchIndex, words
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary

#: Entries offered when there is no confident answer.
SUGGESTIONS = 3


@dataclass(frozen=True)
class Answer:
    """The outcome of one question: an entry (confident) or only suggestions (no curated answer)."""

    question: str
    entry: Entry | None
    confidence: float
    suggestions: tuple[Entry, ...] = ()
    related: tuple[Entry, ...] = ()
    #: The row the question was kept under for ``/kb gaps`` (set by :meth:`AskService.ask`), or None.
    unanswered_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``pmpo-bot ask --json`` object; ``entry_id`` is null when there is no confident answer."""
        return {
            "entry_id": self.entry.id if self.entry else None,
            "title": self.entry.title if self.entry else None,
            "answer": self.entry.answer if self.entry else None,
            "score": round(self.confidence, 3),
            "suggestions": [{"entry_id": e.id, "title": e.title} for e in self.suggestions],
        }


@dataclass(frozen=True)
class EntryStat:
    entry_id: str
    title: str
    asked: int
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class AskStats:
    most_asked: tuple[EntryStat, ...]
    helpful: int
    unhelpful: int

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful + self.unhelpful
        return self.helpful / votes if votes else None


#: Discord's markup for mentions and custom emoji. A question is stored without any member's id in it,
#: so mentions become what a reader sees in their place.
_MARKUP = (
    (re.compile(r"<@!?\d+>"), "@someone"),
    (re.compile(r"<@&\d+>"), "@role"),
    (re.compile(r"<#\d+>"), "#channel"),
    (re.compile(r"<a?:(\w+):\d+>"), r":\1:"),
)


def clean_question(text: str, max_length: int) -> str:
    """The question as searched and stored, or a :class:`UserFacingError` saying what to change.

    Control and zero-width characters are dropped, mentions replaced and whitespace collapsed first, so a
    question pasted with odd characters is judged by what a person would see, and stores no member's id.
    """
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\t")
    question = " ".join(visible.split())
    if not question:
        raise UserFacingError("Ask me a question, for example: *who owns the roadmap, the PM or the PO?*")
    if len(question) > max_length:
        raise UserFacingError(
            f"That question is {len(question)} characters long; please keep it to {max_length} or fewer."
        )
    if not words(question):
        raise UserFacingError("I couldn't find any words in that question. Try asking it in plain text.")
    return question


def answer_question(index: SearchIndex, knowledge: KnowledgeBase, question: str) -> Answer:
    """Search and package the result. Pure: recording the question is :meth:`AskService.ask`'s job."""
    result = index.search(question, limit=SUGGESTIONS)
    best = result.best
    if best is None:
        return Answer(
            question,
            None,
            result.hits[0].confidence if result.hits else 0.0,
            suggestions=tuple(hit.entry for hit in result.hits),
        )
    return Answer(question, best.entry, best.confidence, related=related_entries(knowledge, best.entry))


def related_entries(knowledge: KnowledgeBase, entry: Entry) -> tuple[Entry, ...]:
    entries = knowledge.part(EntryLibrary).entries
    return tuple(entries[i] for i in entry.related if i in entries)
