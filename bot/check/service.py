"""What the front ends call to run a check: the flow's state machine, shared by Discord and the shell.

Everything a step needs is in the database (:class:`~bot.check.store.CheckStore`), and every button
names the session and the step it was drawn for, so a click after a restart carries on where the
member was. A click on a stale step (an old
message, a double click) changes nothing and gets the current state back. Updates are compare-and-set
on the step, so two clicks racing each other cannot both apply.
"""

from __future__ import annotations

import datetime as dt

from bot.check.cards import checked_label, share_card
from bot.check.content import CheckContent
from bot.check.engine import (
    Action,
    CheckSession,
    Closed,
    ClosedScreen,
    HistoryLine,
    OpenCheck,
    QuestionScreen,
    Screen,
    ShareRequest,
    Status,
    VerdictScreen,
    evaluate,
    explain,
)
from bot.check.store import CheckStore
from bot.errors import UserFacingError
from bot.knowledge.entries import EntryLibrary
from bot.services import Services

STALE = "That button was from an earlier step, so here is where you are now."
FINISHED = "That check is already finished; here is its verdict."
RETIRED = "The verdict you got then has since been retired; this is what the check says now."
NOT_SET_UP = "The three-question check isn't set up here: the knowledge base has no check file."
NOT_YOURS = "This check belongs to someone else; start your own with /check."


class CheckService:
    """The check's core for one :class:`Services`; get it with ``services.feature(CheckService)``."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = CheckStore(services.db)

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
        session, created = await self.store.start(user_id, guild_id, channel_id, now, expired_before=now - self._ttl)
        return QuestionScreen(content, session, 0) if created else OpenCheck(content, session)

    async def resume(self, session_id: int, user_id: int) -> Screen:
        """The current state of a check, e.g. for "Continue the open one"."""
        session = await self._owned(session_id, user_id)
        return await self._current(session) if session is not None else ClosedScreen(Closed.GONE)

    async def abandon_and_start(
        self, session_id: int, user_id: int, guild_id: int | None, channel_id: int | None
    ) -> Screen | OpenCheck:
        """Abandon the open check ``session_id`` and start a fresh one where the new one was asked for."""
        await self._owned(session_id, user_id)
        await self.store.abandon(session_id, user_id, self.services.clock())
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
        now = self.services.clock()
        if following == len(content.questions):
            verdict = evaluate(content, answers).verdict
            changed = await self.store.finish(session, following, answers, (verdict.id, verdict.title), now)
        else:
            changed = await self.store.move(session, following, answers, now)
        updated = await self._require(session.id)
        return self._screen(updated, notice=None if changed else STALE)

    async def history(self, user_id: int, limit: int = 10) -> list[HistoryLine]:
        """The member's finished checks, newest first."""
        lines = []
        for session in await self.store.finished(user_id, limit):
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

    async def share(self, session_id: int, user_id: int) -> ShareRequest:
        """Claim the one public post of a finished check; :meth:`unshare` if posting then fails."""
        session = await self._owned(session_id, user_id)
        screen = self._screen(session) if session is not None else ClosedScreen(Closed.GONE)
        if session is None or not isinstance(screen, VerdictScreen):
            raise UserFacingError("Only a finished check can be shared.")
        if session.guild_id is None or session.channel_id is None:
            raise UserFacingError("This check was started in DMs, so there is no server channel to share it in.")
        if not await self.store.claim_share(session.id, self.services.clock()):
            raise UserFacingError("You already shared this verdict.")
        return ShareRequest(session.channel_id, share_card(self.content, screen.result, user_id))

    async def unshare(self, session_id: int) -> None:
        await self.store.unshare(session_id)

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
            await self.store.expire(session.id, self.services.clock())
            return ClosedScreen(Closed.EXPIRED)
        return self._screen(session, notice)

    @property
    def _ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.services.config.check.session_ttl_hours)

    def _expired(self, session: CheckSession) -> bool:
        return session.status is Status.OPEN and self.services.clock() - session.created_at > self._ttl

    def _valid_answers(self, session: CheckSession) -> dict[str, str]:
        """Stored answers the current content still knows; edits to check.yaml may retire some."""
        return {q.id: session.answers[q.id] for q in self.content.questions if q.choice(session.answers.get(q.id))}

    def _current_step(self, session: CheckSession) -> int:
        return min(session.step, len(self.content.questions) - 1)

    async def _owned(self, session_id: int, user_id: int) -> CheckSession | None:
        session = await self.store.get(session_id)
        if session is None:
            return None
        if session.user_id != user_id:
            raise UserFacingError(NOT_YOURS)
        return session

    async def _require(self, session_id: int) -> CheckSession:
        session = await self.store.get(session_id)
        if session is None:
            raise LookupError(f"check session {session_id} vanished")
        return session
