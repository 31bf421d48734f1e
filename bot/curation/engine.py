"""What curation works with, as values, and the rules that need no database: which signals make a
candidate, which edit ``/kb undo`` reverts, how a moderator and a change read in a commit message.

Pure: no database, no clock (times are passed in), no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.ask.content import NotCoveredTopic
from bot.knowledge.documents import Problem
from bot.knowledge.entries import Entry
from bot.knowledge.holder import ReloadOutcome

#: A member who opened a suggested entry and asked nothing more for this long was, we take it, answered.
QUIET_WINDOW = dt.timedelta(minutes=10)

Action = Literal["add-question", "not-covered", "new-topic", "new-entry", "dismiss", "undo"]


@dataclass(frozen=True)
class Asked:
    """One unanswered question (a row) no moderator handled yet."""

    id: int
    normalised: str
    question: str
    asked_at: dt.datetime


@dataclass(frozen=True)
class Wording:
    """One distinct unanswered question (same words after normalising) and how often it was asked."""

    id: int  # the latest row asked this way: buttons carry it
    question: str
    normalised: str
    count: int
    last_asked: dt.datetime


@dataclass(frozen=True)
class Signal:
    """The member whose question had no answer opened a suggested entry; what they did next."""

    unanswered_id: int
    entry_id: str
    helpful: bool | None
    opened_at: dt.datetime
    next_asked_at: dt.datetime | None


@dataclass(frozen=True)
class Candidate:
    """A question members' signals say ``entry`` answers: an example question waiting to be added."""

    wording: Wording
    entry: Entry
    helpful: int  # members who voted the opened entry helpful
    quiet: int  # members who opened it and asked nothing more within QUIET_WINDOW


@dataclass(frozen=True)
class Gap:
    """Unanswered questions that ask the same thing, most asked wording first, with the closest entries;
    ``topic``: the honest neighbour (not-covered topic) the bot now refuses its most asked wording as."""

    wordings: tuple[Wording, ...]
    proposals: tuple[Entry, ...]
    candidates: tuple[Candidate, ...] = ()
    topic: NotCoveredTopic | None = None

    @property
    def key(self) -> int:
        """The gap's handle in buttons: its most asked wording's id."""
        return self.wordings[0].id

    @property
    def count(self) -> int:
        return sum(w.count for w in self.wordings)

    def wording(self, unanswered_id: int) -> Wording | None:
        return next((w for w in self.wordings if w.id == unanswered_id), None)


def wordings(asked: Sequence[Asked]) -> tuple[list[Wording], dict[int, Wording]]:
    """Rows asked with the same words as one wording (the latest row's id and text, and how many), and
    each row's wording by row id."""
    by_words: dict[str, list[Asked]] = {}
    for row in asked:
        by_words.setdefault(row.normalised, []).append(row)
    found: list[Wording] = []
    of_row: dict[int, Wording] = {}
    for normalised, rows in by_words.items():
        latest = max(rows, key=lambda r: r.id)
        wording = Wording(latest.id, latest.question, normalised, len(rows), latest.asked_at)
        found.append(wording)
        of_row.update((r.id, wording) for r in rows)
    return found, of_row


def signal_kind(signal: Signal, now: dt.datetime) -> Literal["helpful", "quiet"] | None:
    """``helpful``: voted the opened entry helpful. ``quiet``: opened it, no vote, and asked nothing more
    within :data:`QUIET_WINDOW` (and the window is over). A "not helpful" vote is never a candidate."""
    if signal.helpful is not None:
        return "helpful" if signal.helpful else None
    window_end = signal.opened_at + QUIET_WINDOW
    if now < window_end:
        return None
    return "quiet" if signal.next_asked_at is None or signal.next_asked_at > window_end else None


@dataclass(frozen=True)
class EditRecord:
    """One knowledge edit made from Discord or the terminal, as ``/kb history`` lists it."""

    id: int
    made_at: dt.datetime
    #: The server the edit was made in; None for the terminal (``pmpo-bot kb``).
    guild_id: int | None
    moderator: str
    action: str
    file: str
    summary: str
    commit_sha: str | None
    commit_note: str | None
    reverted_by: int | None
    reverts: int | None


@dataclass(frozen=True)
class EditOutcome:
    """What an action did: refused with the validator's problems, or written (and reloaded, committed)."""

    summary: str
    file: str
    problems: tuple[Problem, ...] = ()
    reload: ReloadOutcome | None = None
    commit_sha: str | None = None
    commit_note: str | None = None

    @property
    def accepted(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Moderator:
    """Who made an edit, as the commit message and ``/kb history`` name them."""

    name: str
    user_id: int | None = None
    guild_id: int | None = None
    where: str | None = None  # the server's name, or "the terminal"

    def describe(self) -> str:
        who = f"{self.name} (Discord user {self.user_id})" if self.user_id is not None else self.name
        return f"{who} in {self.where}" if self.where else who


def commit_message(subject: str, body: str, moderator: Moderator) -> str:
    """``kb: <subject>``, what changed, and who asked for it (git's first line kept under 72 characters)."""
    first = f"kb: {subject}"
    if len(first) > 72:
        first = first[:71] + "…"
    return f"{first}\n\n{body}\n\nModerator: {moderator.describe()}\n"


def revert_message(original: EditRecord, moderator: Moderator) -> str:
    """The message ``git revert`` would write, naming the moderator who undid the edit."""
    subject = f'Revert "kb: {original.summary}"'
    reverts = f"This reverts commit {original.commit_sha}." if original.commit_sha else "The edit had no commit."
    return f"{subject}\n\n{reverts}\n\nModerator: {moderator.describe()}\n"
