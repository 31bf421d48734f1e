"""What the front ends call to run a check: the flow's state machine, shared by Discord and the shell.

Everything a step needs is in the database (:class:`~bot.check.store.CheckStore`), and every button
names the session and the step it was drawn for, so a click after a restart carries on where the
member was. A click on a stale step (an old
message, a double click) changes nothing and gets the current state back. Updates are compare-and-set
on the step, so two clicks racing each other cannot both apply.

A posting check (:meth:`CheckService.start_posting`) is the same check started from a job ad: the ad is
read (``bot.check.posting``), the answers it states are filled in, and the member reviews them with the
same buttons, or accepts them at once. The ad is kept beside the check only while it is open, so each
step can show what the ad says; it is deleted when the check ends, is abandoned or expires.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.check.cards import checked_label, recap, share_card
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
from bot.check.posting.intake import MODAL_LIMIT, clean_posting
from bot.check.posting.reader import Reading, read
from bot.check.posting.rules import PostingRules
from bot.check.posting.verdict import PostingStart, ad_notes, ad_steps, check_answers, judge, prefill
from bot.check.store import CheckStore
from bot.errors import UserFacingError
from bot.knowledge.entries import EntryLibrary
from bot.services import Services

STALE = "That button was from an earlier step, so here is where you are now."
FINISHED = "That check is already finished; here is its verdict."
RETIRED = "The verdict you got then has since been retired; this is what the check says now."
NOT_SET_UP = "The three-question check isn't set up here: the knowledge base has no check file."
NOT_YOURS = "This check belongs to someone else; start your own with /check."
NO_POSTING_RULES = "Reading job ads isn't set up here: the knowledge base has no posting rules."
ASSUMED = "The ad doesn't say, so these were assumed (no verdict depends on them): {assumed}."


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

    async def start_posting(
        self, user_id: int, guild_id: int | None, channel_id: int | None, text: str, *, limit: int = MODAL_LIMIT
    ) -> PostingStart | OpenCheck:
        """Read a job ad and open a check with the answers it states, at the first answer to review.

        An ad for a job that is not a PM or PO role opens nothing and keeps nothing: it is said to be that
        job. With a check already open, the ad waits (``OpenCheck.waiting_ad``) while the member decides.
        Input that is not an ad raises :class:`~bot.check.posting.intake.PostingInputError`.
        """
        content, rules = self.content, self._posting_rules
        ad = clean_posting(text, limit)
        reading = read(rules, ad)
        judged = judge(content, rules, reading)
        if judged.result is None:
            return PostingStart(judged, None)
        now = self.services.clock()
        await self.store.sweep(now, expired_before=now - self._ttl)
        step = self._review_step
        session, created = await self.store.start(
            user_id,
            guild_id,
            channel_id,
            now,
            expired_before=now - self._ttl,
            prefilled=(step, prefill(rules, reading), ad),
        )
        if not created:
            return OpenCheck(content, session, await self.store.keep_waiting_ad(user_id, ad, now))
        return PostingStart(judged, self._question(session, step, None, reading))

    def require_posting(self) -> None:
        """Raise what :meth:`start_posting` would say when the knowledge base can't read ads."""
        _ = self.content, self._posting_rules

    async def resume(self, session_id: int, user_id: int, *, waiting_ad: int | None = None) -> Screen:
        """The current state of a check, e.g. for "Continue the open one" (an ad waiting meanwhile is dropped)."""
        if waiting_ad is not None:
            await self.store.drop_waiting_ad(waiting_ad, user_id)
        session = await self._owned(session_id, user_id)
        return await self._current(session) if session is not None else ClosedScreen(Closed.GONE)

    async def abandon_and_start(
        self,
        session_id: int,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        *,
        waiting_ad: int | None = None,
    ) -> Screen | OpenCheck | PostingStart:
        """Abandon the open check ``session_id`` and start a fresh one where the new one was asked for:
        on the ad that was waiting, if there is one."""
        await self._owned(session_id, user_id)
        now = self.services.clock()
        ad = None
        if waiting_ad is not None:
            ad = await self.store.waiting_ad(waiting_ad, user_id, kept_since=now - self._ttl)
            if ad is None:
                return ClosedScreen(Closed.AD_GONE)
        await self.store.abandon(session_id, user_id, now)
        if waiting_ad is None or ad is None:
            return await self.start(user_id, guild_id, channel_id)
        await self.store.drop_waiting_ad(waiting_ad, user_id)
        return await self.start_posting(user_id, guild_id, channel_id, ad, limit=len(ad))

    async def sweep(self) -> int:
        """Expire checks left open too long and delete every ad no longer needed; how many ads went."""
        now = self.services.clock()
        return await self.store.sweep(now, expired_before=now - self._ttl)

    async def act(self, session_id: int, user_id: int, step: int, action: Action, value: str | None = None) -> Screen:
        """Apply a button drawn for ``step``; on a stale step, change nothing and show the current state."""
        session = await self._owned(session_id, user_id)
        if session is None:
            return ClosedScreen(Closed.GONE)
        if session.status is not Status.OPEN or self._expired(session):
            return await self._current(session, notice=FINISHED if session.status is Status.DONE else None)
        content = self.content
        current = self._current_step(session)
        reading = await self._reading(session)
        if step != current or (action is Action.ACCEPT and reading is None):
            return self._screen(session, notice=STALE, reading=reading)
        answers = self._valid_answers(session)
        notice = None
        if action is Action.ANSWER:
            question = content.questions[current]
            choice = question.choice(value)
            if choice is None:
                return self._screen(
                    session, notice="That answer is no longer offered; please pick again.", reading=reading
                )
            answers[question.id] = choice.value
            following = current + 1
            if following == len(content.questions):
                # A question added to the file mid-check is asked before the verdict, not skipped.
                following = self._first_unanswered(answers)
        elif action is Action.BACK:
            following = max(current - 1, 0)
        elif action is Action.ACCEPT and reading is not None:
            answers, notice = self._accepted(answers, reading)
            following = self._first_unanswered(answers)
        elif reading is not None:  # Start over on a posting check: back to what the ad says
            answers, following = prefill(self._posting_rules, reading), self._review_step
        else:
            answers, following = {}, 0
        now = self.services.clock()
        if following < len(content.questions):
            changed = await self.store.move(session, following, answers, now)
            return self._screen(await self._require(session.id), notice=None if changed else STALE, reading=reading)
        verdict = evaluate(content, answers).verdict
        quoting = self._ad_steps(reading, answers) if reading is not None else ()
        changed = await self.store.finish(session, following, answers, (verdict.id, verdict.title), now)
        screen = self._screen(await self._require(session.id), notice=notice if changed else STALE)
        if changed and isinstance(screen, VerdictScreen):
            screen = dataclasses.replace(screen, ad_steps=quoting)
        return screen

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

    def _screen(self, session: CheckSession, notice: str | None = None, *, reading: Reading | None = None) -> Screen:
        """What ``session`` shows now; ``reading`` is its ad's, for a posting check still open."""
        content = self.content
        if session.status is Status.OPEN:
            if self._expired(session):
                return ClosedScreen(Closed.EXPIRED)
            return self._question(session, self._current_step(session), notice, reading)
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
        return self._screen(session, notice, reading=await self._reading(session))

    def _question(
        self, session: CheckSession, step: int, notice: str | None, reading: Reading | None
    ) -> QuestionScreen:
        if reading is None:
            return QuestionScreen(self.content, session, step, notice)
        note = ad_notes(reading).get(self.content.questions[step].id)
        return QuestionScreen(self.content, session, step, notice, reviewing=True, ad=note)

    @property
    def _posting_rules(self) -> PostingRules:
        rules = self._loaded_rules()
        if rules is None:
            raise UserFacingError(NO_POSTING_RULES)
        return rules

    def _loaded_rules(self) -> PostingRules | None:
        """How ads are read, if the knowledge base says (a folder may leave the posting file out)."""
        rules = self.services.knowledge.current.parts.get(PostingRules)
        return rules if isinstance(rules, PostingRules) and rules.loaded else None

    async def _reading(self, session: CheckSession) -> Reading | None:
        """The ad behind an open posting check, read again (the ad is kept, not its reading); else None."""
        if session.status is not Status.OPEN:
            return None
        ad = await self.store.ad_text(session.id)
        rules = self._loaded_rules()
        return read(rules, ad) if ad is not None and rules is not None else None

    def _accepted(self, answers: dict[str, str], reading: Reading) -> tuple[dict[str, str], str | None]:
        """ "Looks right": the answers as they stand, with what the ad leaves out filled as the CLI does."""
        filled, _ = check_answers(self._posting_rules, reading)
        assumed = {key: value for key, value in filled.items() if key not in answers}
        complete = {q.id: answers.get(q.id, filled.get(q.id, "")) for q in self.content.questions}
        complete = {key: value for key, value in complete.items() if value}
        notice = ASSUMED.format(assumed=recap(self.content, assumed)) if assumed else None
        return complete, notice

    def _ad_steps(self, reading: Reading, answers: dict[str, str]) -> tuple[str, ...]:
        """Next steps quoting the ad, for the answers the member kept as read, when a posting was checked."""
        rules = self._loaded_rules()
        if rules is None or rules.check is None or answers.get("subject") != rules.check.subject:
            return ()
        return tuple(ad_steps(rules, reading, answers))

    @property
    def _review_step(self) -> int:
        """Where reviewing an ad's answers starts: after "what are you checking", which the ad answers."""
        return next((i for i, q in enumerate(self.content.questions) if not q.subject), 0)

    def _first_unanswered(self, answers: dict[str, str]) -> int:
        questions = self.content.questions
        return next((i for i, q in enumerate(questions) if q.id not in answers), len(questions))

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
