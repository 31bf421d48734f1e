"""Answering a question from the knowledge base: cleaning it, searching, and what an answer holds.

Pure functions over a :class:`~bot.ask.search.SearchIndex` and the knowledge it was built from: no
database, no clock, so ``pmpo-bot ask`` and the tests get exactly what ``/ask`` would answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from bot.ask.content import NotCoveredTopic
from bot.ask.search import SearchIndex
from bot.ask.vocabulary import words
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary

#: Entries offered when there is no confident answer.
SUGGESTIONS = 3

RefusalReason = Literal["not-covered", "vague", "no-match"]


@dataclass(frozen=True)
class Refusal:
    """Why there is no answer: a topic the sources do not cover, a question too vague, or nothing close."""

    reason: RefusalReason
    topic: NotCoveredTopic | None = None


@dataclass(frozen=True)
class Answer:
    """The outcome of one question: an entry (confident) or a refusal with the closest entries."""

    question: str
    entry: Entry | None
    confidence: float
    #: With a refusal: the entries to offer instead (a not-covered topic's ``points_to``, else the closest).
    suggestions: tuple[Entry, ...] = ()
    related: tuple[Entry, ...] = ()
    #: The row the question was kept under for ``/kb gaps`` (set by :meth:`AskService.ask`), or None.
    unanswered_id: int | None = None
    refusal: Refusal | None = None
    #: With an answer: a close second entry ("Did you mean …?").
    did_you_mean: Entry | None = None

    @property
    def records_gap(self) -> bool:
        """A refusal worth a moderator's look in ``/kb gaps``: not a one-word "help" or "hello"."""
        return self.refusal is not None and self.refusal.reason != "vague"

    def to_json(self) -> dict[str, Any]:
        """The ``pmpo-bot ask --json`` object; ``entry_id`` is null exactly when ``refusal`` says why."""
        return {
            "entry_id": self.entry.id if self.entry else None,
            "title": self.entry.title if self.entry else None,
            "answer": self.entry.answer if self.entry else None,
            "score": round(self.confidence, 3),
            "did_you_mean": _entry_json(self.did_you_mean) if self.did_you_mean else None,
            "refusal": _refusal_json(self.refusal, self.suggestions) if self.refusal else None,
            "suggestions": [_entry_json(e) for e in self.suggestions],
        }


def _entry_json(entry: Entry) -> dict[str, str]:
    return {"entry_id": entry.id, "title": entry.title}


def _refusal_json(refusal: Refusal, suggestions: tuple[Entry, ...]) -> dict[str, Any]:
    if refusal.topic is None:
        return {"reason": refusal.reason}
    topic = refusal.topic
    return {
        "reason": refusal.reason,
        "topic": topic.id,
        "title": topic.title,
        "says": topic.says,
        "points_to": [_entry_json(e) for e in suggestions],
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
    if "<" in text:  # every piece of markup starts with one
        for pattern, replacement in _MARKUP:
            text = pattern.sub(replacement, text)
    # Printable text has no control or format character (both are Unicode's "Other"): nothing to drop.
    visible = text if text.isprintable() else "".join(c for c in text if _visible(c))
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


def ask(index: SearchIndex, knowledge: KnowledgeBase, text: str, max_length: int) -> Answer:
    """What ``/ask`` does with what a member typed, before anything is recorded: clean it, search, package.

    One function for every front end and for the benchmarks, so the call they time is the one members get;
    raises :class:`UserFacingError` for a question that can't be asked (:func:`clean_question`)."""
    return answer_question(index, knowledge, clean_question(text, max_length))


def _visible(character: str) -> bool:
    return unicodedata.category(character) not in ("Cc", "Cf") or character in "\n\t"


def answer_question(index: SearchIndex, knowledge: KnowledgeBase, question: str) -> Answer:
    """Search and package the result. Pure: recording the question is :meth:`AskService.ask`'s job."""
    result = index.search(question, limit=SUGGESTIONS)
    best = result.best
    if best is not None and best.entry is not None:
        return Answer(
            question,
            best.entry,
            best.confidence,
            related=tuple(e for e in related_entries(knowledge, best.entry) if e != result.runner_up),
            did_you_mean=result.runner_up,
        )
    confidence = result.hits[0].confidence if result.hits else 0.0
    topic = result.topic
    if topic is not None:
        entries = knowledge.part(EntryLibrary).entries
        pointed = tuple(entries[i] for i in topic.points_to if i in entries)
        return Answer(question, None, confidence, pointed, refusal=Refusal("not-covered", topic))
    if result.verdict == "vague":  # nothing to go on: any entry offered would be a guess
        return Answer(question, None, confidence, refusal=Refusal("vague"))
    return Answer(question, None, confidence, result.entries[:SUGGESTIONS], refusal=Refusal("no-match"))


def related_entries(knowledge: KnowledgeBase, entry: Entry) -> tuple[Entry, ...]:
    entries = knowledge.part(EntryLibrary).entries
    return tuple(entries[i] for i in entry.related if i in entries)
