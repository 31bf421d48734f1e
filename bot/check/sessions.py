"""Check sessions in SQLite: the flow's state machine, shared by Discord and the shell.

Everything a step needs is in the database, and every button names the session and the step it was
drawn for, so a click after a restart carries on where the member was. A click on a stale step (an old
message, a double click) changes nothing and gets the current state back. Updates are compare-and-set
on the step, so two clicks racing each other cannot both apply.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass

from bot.check.cards import (
    Card,
    HistoryLine,
    checked_label,
    open_check_card,
    question_card,
    share_card,
    verdict_card,
)
from bot.check.content import CheckContent, Question
from bot.check.engine import CheckResult, evaluate, explain
from bot.errors import UserFacingError
from bot.knowledge.entries import Entry, EntryLibrary
from bot.services import Services
from bot.storage.database import Row

STALE = "That button was from an earlier step, so here is where you are now."
FINISHED = "That check is already finished; here is its verdict."
RETIRED = "The verdict you got then has since been retired; this is what the check says now."
NOT_SET_UP = "The three-question check isn't set up here: the knowledge base has no check file."
NOT_YOURS = "This check belongs to someone else; start your own with /check."


class Status(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    ABANDONED = "abandoned"
    EXPIRED = "expired"


class Action(enum.StrEnum):
    """What a step button does; the values are what the buttons carry."""

    ANSWER = "a"
    BACK = "b"
    RESTART = "r"


class Closed(enum.Enum):
    EXPIRED = "This check expired. Start again with {start}."
    ABANDONED = "You abandoned this check for a new one. Start again with {start}."
    GONE = "This check no longer exists (it may have been deleted with /privacy forget). Start again with {start}."
    RETIRED = "That verdict is no longer in the knowledge base. Start a new check with {start}."


@dataclass(frozen=True)
class CheckSession:
    id: int
    user_id: int
    guild_id: int | None
    channel_id: int | None
    step: int
    answers: dict[str, str]
    status: Status
    verdict_id: str | None
    verdict_title: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    shared_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: Row) -> CheckSession:
        return cls(
            id=row["id"],
            user_id=row["user_id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            step=row["step"],
            answers=dict(json.loads(row["answers"])),
            status=Status(row["status"]),
            verdict_id=row["verdict_id"],
            verdict_title=row["verdict_title"],
            created_at=dt.datetime.fromisoformat(row["created_at"]),
            finished_at=_time(row["finished_at"]),
            shared_at=_time(row["shared_at"]),
        )


@dataclass(frozen=True)
class QuestionScreen:
    content: CheckContent
    session: CheckSession
    step: int
    notice: str | None = None

    @property
    def question(self) -> Question:
        return self.content.questions[self.step]

    @property
    def selected(self) -> str | None:
        """The answer given to this question before (after Back), so it can be shown as picked."""
        return self.session.answers.get(self.question.id)

    def card(self) -> Card:
        return question_card(self.content, self.step, self.session.answers, self.notice)


@dataclass(frozen=True)
class VerdictScreen:
    content: CheckContent
    session: CheckSession
    result: CheckResult
    #: The result's related entries, for "read more" buttons or choices.
    entries: tuple[Entry, ...]
    notice: str | None = None

    def card(self) -> Card:
        return verdict_card(self.content, self.result, self.notice)


@dataclass(frozen=True)
class ClosedScreen:
    reason: Closed

    def message(self, start: str) -> str:
        """The explanation, naming the front end's command for a new check (``start``)."""
        return self.reason.value.format(start=start)


@dataclass(frozen=True)
class OpenCheck:
    """Starting a check while another is open: the member chooses to continue it or abandon it."""

    content: CheckContent
    session: CheckSession

    def card(self) -> Card:
        step = min(self.session.step, len(self.content.questions) - 1)
        return open_check_card(self.content, step, self.session.answers, self.session.created_at)


@dataclass(frozen=True)
class ShareRequest:
    channel_id: int
    card: Card


Screen = QuestionScreen | VerdictScreen | ClosedScreen


class CheckService:
    """The check's core for one :class:`Services`; get it with ``services.feature(CheckService)``."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def content(self) -> CheckContent:
        content = self.services.knowledge.current.part(CheckContent)
        if not content.loaded:
            raise UserFacingError(NOT_SET_UP)
        return content

    async def start(self, user_id: int, guild_id: int | None, channel_id: int | None) -> QuestionScreen | OpenCheck:
        """A new check at step 1, unless one is open (then the member decides); an expired one is closed."""
        content = self.content  # before any write: a knowledge base without the check leaves nothing behind
        now = self.services.clock()
        async with self.services.db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM check_sessions WHERE user_id = ? AND status = 'open'", (user_id,))
            if row is not None:
                session = CheckSession.from_row(row)
                if not self._expired(session):
                    return OpenCheck(content, session)
                await tx.execute(
                    "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ?",
                    (now.isoformat(), session.id),
                )
            created = await tx.fetchone(
                "INSERT INTO check_sessions (user_id, guild_id, channel_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (user_id, guild_id, channel_id, now.isoformat(), now.isoformat()),
            )
            assert created is not None  # RETURNING gives the inserted row
            session_id = int(created["id"])
        return QuestionScreen(content, await self._require(session_id), 0)

    async def resume(self, session_id: int, user_id: int) -> Screen:
        """The current state of a check, e.g. for "Continue the open one"."""
        session = await self._owned(session_id, user_id)
        return await self._current(session) if session is not None else ClosedScreen(Closed.GONE)

    async def abandon_and_start(
        self, session_id: int, user_id: int, guild_id: int | None, channel_id: int | None
    ) -> Screen | OpenCheck:
        """Abandon the open check ``session_id`` and start a fresh one where the new one was asked for."""
        await self._owned(session_id, user_id)
        now = self.services.clock()
        await self.services.db.execute(
            "UPDATE check_sessions SET status = 'abandoned', updated_at = ? "
            "WHERE id = ? AND user_id = ? AND status = 'open'",
            (now.isoformat(), session_id, user_id),
        )
        return await self.start(user_id, guild_id, channel_id)

    async def act(self, session_id: int, user_id: int, step: int, action: Action, value: str | None = None) -> Screen:
        """Apply a button drawn for ``step``; on a stale step, change nothing and show the current state."""
        session = await self._owned(session_id, user_id)
        if session is None:
            return ClosedScreen(Closed.GONE)
        if session.status is not Status.OPEN or self._expired(session):
            return await self._current(session, notice=FINISHED if session.status is Status.DONE else None)
        content = self.content
        current = self._current_step(session)
        if step != current:
            return self._screen(session, notice=STALE)
        answers = self._valid_answers(session)
        if action is Action.ANSWER:
            question = content.questions[current]
            choice = question.choice(value)
            if choice is None:
                return self._screen(session, notice="That answer is no longer offered; please pick again.")
            answers[question.id] = choice.value
            following = current + 1
            if following == len(content.questions):
                # A question added to the file mid-check is asked before the verdict, not skipped.
                following = next(
                    (i for i, q in enumerate(content.questions) if q.id not in answers), len(content.questions)
                )
        elif action is Action.BACK:
            following = max(current - 1, 0)
        else:
            answers, following = {}, 0
        now = self.services.clock().isoformat()
        if following == len(content.questions):
            result = evaluate(content, answers)
            sql = (
                "UPDATE check_sessions SET step = ?, answers = ?, status = 'done', verdict_id = ?, verdict_title = ?, "
                "finished_at = ?, updated_at = ? WHERE id = ? AND step = ? AND status = 'open'"
            )
            params: tuple[object, ...] = (
                following,
                json.dumps(answers),
                result.verdict.id,
                result.verdict.title,
                now,
                now,
                session.id,
                session.step,
            )
        else:
            sql = (
                "UPDATE check_sessions SET step = ?, answers = ?, updated_at = ? "
                "WHERE id = ? AND step = ? AND status = 'open'"
            )
            params = (following, json.dumps(answers), now, session.id, session.step)
        changed = await self.services.db.execute(sql, params)
        updated = await self._require(session.id)
        return self._screen(updated, notice=None if changed else STALE)

    async def history(self, user_id: int, limit: int = 10) -> list[HistoryLine]:
        """The member's finished checks, newest first."""
        rows = await self.services.db.fetchall(
            "SELECT * FROM check_sessions WHERE user_id = ? AND status = 'done' "
            "ORDER BY finished_at DESC, id DESC LIMIT ?",
            (user_id, limit),
        )
        lines = []
        for row in rows:
            session = CheckSession.from_row(row)
            lines.append(
                HistoryLine(
                    session_id=session.id,
                    finished_at=session.finished_at or session.created_at,
                    checked=checked_label(self.content, session.answers),
                    verdict_title=session.verdict_title or session.verdict_id or "?",
                )
            )
        return lines

    async def reopen(self, session_id: int, user_id: int) -> Screen:
        """A finished check's verdict, shown again (from /check history)."""
        session = await self._owned(session_id, user_id)
        if session is None:
            return ClosedScreen(Closed.GONE)
        return await self._current(session)

    async def share(self, session_id: int, user_id: int, who: str) -> ShareRequest:
        """Claim the one public post of a finished check; :meth:`unshare` if posting then fails."""
        session = await self._owned(session_id, user_id)
        screen = self._screen(session) if session is not None else ClosedScreen(Closed.GONE)
        if session is None or not isinstance(screen, VerdictScreen):
            raise UserFacingError("Only a finished check can be shared.")
        if session.guild_id is None or session.channel_id is None:
            raise UserFacingError("This check was started in DMs, so there is no server channel to share it in.")
        claimed = await self.services.db.execute(
            "UPDATE check_sessions SET shared_at = ? WHERE id = ? AND shared_at IS NULL",
            (self.services.clock().isoformat(), session.id),
        )
        if not claimed:
            raise UserFacingError("You already shared this verdict.")
        return ShareRequest(session.channel_id, share_card(self.content, screen.result, who))

    async def unshare(self, session_id: int) -> None:
        await self.services.db.execute("UPDATE check_sessions SET shared_at = NULL WHERE id = ?", (session_id,))

    def _screen(self, session: CheckSession, notice: str | None = None) -> Screen:
        content = self.content
        if session.status is Status.OPEN:
            if self._expired(session):
                return ClosedScreen(Closed.EXPIRED)
            return QuestionScreen(content, session, self._current_step(session), notice)
        if session.status is Status.DONE:
            verdict = content.verdicts.get(session.verdict_id or "")
            try:
                if verdict is not None:
                    result = explain(content, verdict, session.answers)
                else:
                    result, notice = evaluate(content, session.answers), RETIRED
            except ValueError:
                return ClosedScreen(Closed.RETIRED)
            library = self.services.knowledge.current.part(EntryLibrary).entries
            entries = tuple(library[e] for e in result.entries if e in library)
            return VerdictScreen(content, session, result, entries, notice)
        return ClosedScreen(Closed.ABANDONED if session.status is Status.ABANDONED else Closed.EXPIRED)

    async def _current(self, session: CheckSession, notice: str | None = None) -> Screen:
        """:meth:`_screen`, also recording an expiry noticed just now so the check is closed for good."""
        if self._expired(session):
            await self.services.db.execute(
                "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'open'",
                (self.services.clock().isoformat(), session.id),
            )
            return ClosedScreen(Closed.EXPIRED)
        return self._screen(session, notice)

    def _expired(self, session: CheckSession) -> bool:
        ttl = dt.timedelta(hours=self.services.config.check.session_ttl_hours)
        return session.status is Status.OPEN and self.services.clock() - session.created_at > ttl

    def _valid_answers(self, session: CheckSession) -> dict[str, str]:
        """Stored answers the current content still knows; edits to check.yaml may retire some."""
        return {q.id: session.answers[q.id] for q in self.content.questions if q.choice(session.answers.get(q.id))}

    def _current_step(self, session: CheckSession) -> int:
        return min(session.step, len(self.content.questions) - 1)

    async def _owned(self, session_id: int, user_id: int) -> CheckSession | None:
        row = await self.services.db.fetchone("SELECT * FROM check_sessions WHERE id = ?", (session_id,))
        if row is None:
            return None
        session = CheckSession.from_row(row)
        if session.user_id != user_id:
            raise UserFacingError(NOT_YOURS)
        return session

    async def _require(self, session_id: int) -> CheckSession:
        row = await self.services.db.fetchone("SELECT * FROM check_sessions WHERE id = ?", (session_id,))
        if row is None:
            raise LookupError(f"check session {session_id} vanished")
        return CheckSession.from_row(row)


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
