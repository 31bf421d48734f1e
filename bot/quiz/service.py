"""What the front ends call to play a quiz: start, answer, skip, next, quit, stats and the leaderboard.

Every call takes the session id and position the member's click carried, re-reads the state from the
database and returns the screen to show. Nothing is kept in memory between clicks, so a restart, a
double click or a stale message all end up showing the member the quiz as it really stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from rapidfuzz import process, utils

from bot import limits
from bot.errors import UserFacingError
from bot.knowledge.entries import Entry, EntryLibrary
from bot.quiz import engine
from bot.quiz.content import QuestionBank, QuizQuestion
from bot.quiz.engine import (
    LENGTHS,
    Answer,
    LeaderboardRow,
    MemberStats,
    QuestionScreen,
    QuizSummary,
    ResultScreen,
    Screen,
    SummaryScreen,
)
from bot.quiz.store import QuizStore, SessionRecord
from bot.services import Services
from bot.sessions.engine import UNFINISHED, OpenSession, Status
from bot.sessions.lifecycle import Lifecycle


class QuizService:
    def __init__(self, services: Services, rng: random.Random | None = None) -> None:
        self.services = services
        self.store = QuizStore(services.db)
        self.rng = rng or random.Random()
        ttl = dt.timedelta(minutes=services.config.quiz.session_ttl_minutes)
        self.sessions = Lifecycle(self.store, services.clock, ttl, what="quiz", start="/quiz start")

    @property
    def bank(self) -> QuestionBank:
        return self.services.knowledge.current.part(QuestionBank)

    def themes(self) -> list[str]:
        return self.bank.themes()

    def theme_choices(self, typed: str) -> list[str]:
        """Themes containing what the member has typed so far, for autocomplete."""
        wanted = typed.strip().lower()
        return [t for t in self.themes() if wanted in t.lower()]

    def resolve_theme(self, text: str | None) -> str | None:
        """The theme named by the member (None or "all" for every theme), or a message listing the themes."""
        if text is None or not text.strip() or text.strip().lower() in ("all", "any", "all themes"):
            return None
        theme = self.bank.find_theme(text)
        if theme is None:
            themes = self.themes()
            near = process.extractOne(text, themes, processor=utils.default_process, score_cutoff=75)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise UserFacingError(f"There is no quiz theme '{limits.echo(text)}'{hint}. Themes: {', '.join(themes)}.")
        return theme

    def linked_entry(self, question: QuizQuestion) -> Entry | None:
        """The knowledge entry a question links to (to read after answering), if it is still there."""
        if not question.entry:
            return None
        return self.services.knowledge.current.part(EntryLibrary).entries.get(question.entry)

    @staticmethod
    def check_length(length: int) -> None:
        if length not in LENGTHS:
            raise UserFacingError(f"A quiz has {', '.join(map(str, LENGTHS[:-1]))} or {LENGTHS[-1]} questions.")

    async def start(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        theme: str | None,
        length: int,
        replacing: int | None = None,
    ) -> Screen | OpenSession:
        """Start a quiz of ``length`` questions on ``theme`` (a name a member typed; None for all themes).

        While the member has another active quiz, that one is returned as an :class:`OpenSession` for them
        to decide about, unless it is ``replacing``, which is then closed as abandoned.
        """
        chosen_theme = self.resolve_theme(theme)
        self.check_length(length)

        async def create(now: dt.datetime) -> int:
            pool = self.bank.in_theme(chosen_theme)
            if not pool:
                raise UserFacingError("There are no quiz questions loaded right now; ask a moderator to add some.")
            picked = engine.pick_questions(pool, await self.store.last_outcomes(user_id), length, self.rng)
            plan = engine.make_plan(picked, self.rng)
            return await self.store.create(user_id=user_id, guild_id=guild_id, theme=chosen_theme, plan=plan, now=now)

        started = await self.sessions.start(
            user_id, replacing=replacing, abandon=lambda old, now: self._end(old, "abandoned", now), create=create
        )
        if not isinstance(started, int):
            return self._open(started)
        first = await self.screen(started, user_id)
        if isinstance(first, QuestionScreen):  # said above the first question when the bank has fewer
            return dataclasses.replace(first, notice=engine.shortfall_notice(chosen_theme, first.total, length))
        return first

    async def screen(self, session_id: int, user_id: int) -> Screen:
        """What the quiz shows right now (to continue it, or after a restart)."""
        return await self._current(await self.sessions.owned(session_id, user_id))

    async def answer(self, session_id: int, user_id: int, position: int, option: int) -> Screen:
        """Pick option ``option`` (index in the question's file order) for the question at ``position``.

        Counted once: a second click, or a click on an answered question, shows the stored result.
        """
        session = await self.sessions.owned(session_id, user_id)
        item = self._item(session, position)
        answers = await self.store.answers(session.id)
        if position not in answers and session.active and session.position == position:
            question = self.bank.questions.get(item.question_id)
            if question is None:
                return await self._current(session)
            if not 0 <= option < len(question.options):
                raise UserFacingError("That answer is not one of this question's options any more.")
            outcome, points = engine.judge(question, option)
            answer = Answer(position, question.id, item.theme, points, option, outcome)
            if await self.store.record(session, answer, self.services.clock(), advance=False):
                session = await self._finish_if_complete(session)
        return await self._result_or_current(session, position)

    async def skip(self, session_id: int, user_id: int, position: int) -> Screen:
        """Skip the question at ``position`` (counts as missed) and show the next one."""
        session = await self.sessions.owned(session_id, user_id)
        item = self._item(session, position)
        answer = Answer(position, item.question_id, item.theme, 0, None, "skipped")
        if session.active and session.position == position:
            await self._record_and_move_on(session, answer)
        return await self._current(await self.sessions.reload(session))

    async def next(self, session_id: int, user_id: int, position: int) -> Screen:
        """Leave the result of ``position`` for the next question (or the summary after the last)."""
        session = await self.sessions.owned(session_id, user_id)
        self._item(session, position)
        if session.active:
            await self.store.advance(session.id, position, self.services.clock())
        return await self._current(await self.sessions.reload(session))

    async def quit(self, session_id: int, user_id: int) -> Screen:
        """Stop the quiz now; it counts as unfinished. Quitting an ended quiz shows its summary again."""
        session = await self.sessions.owned(session_id, user_id)
        if session.active:
            await self._end(session, "quit", self.services.clock())
        return await self._current(await self.sessions.reload(session))

    async def stats(self, user_id: int) -> MemberStats:
        await self.sessions.expire()
        counts = await self.store.status_counts(user_id)
        totals = sorted(await self.store.theme_totals(user_id), key=lambda t: t[0].lower())
        themes = [engine.ThemeScore(theme, right, asked) for theme, right, asked in totals]
        asked_themes = {s.theme for s in themes}
        return MemberStats(
            started=sum(counts.values()),
            finished=counts.get("finished", 0),
            unfinished=sum(counts.get(status, 0) for status in UNFINISHED),
            in_progress=counts.get("active", 0) > 0,
            best_score=await self.store.best_score(user_id),
            themes=tuple(themes),
            weakest=tuple(engine.weakest(themes)),
            untried=tuple(t for t in self.themes() if t not in asked_themes),
        )

    async def leaderboard(self, guild_id: int) -> list[LeaderboardRow]:
        """Everyone who started a quiz in this server, best first."""
        await self.sessions.expire()
        return engine.rank(await self.store.guild_players(guild_id))

    # -- internals -------------------------------------------------------------------------------

    async def _summary(self, session: SessionRecord) -> QuizSummary:
        answers = await self.store.answers(session.id)
        end = session.ended_at or self.services.clock()
        return engine.summarise(
            session_id=session.id,
            status=session.status,
            theme=session.theme,
            plan=session.plan,
            answers=answers.values(),
            duration=max(end - session.started_at, dt.timedelta(0)),
            best_before=await self.store.best_score(session.user_id, before_session=session.id),
        )

    async def _end(self, session: SessionRecord, status: Status, now: dt.datetime) -> None:
        """End an active quiz early (quit, abandoned), scoring what was answered."""
        answers = await self.store.answers(session.id)
        await self.store.end(session.id, status, engine.score(answers.values()), now)

    @staticmethod
    def _item(session: SessionRecord, position: int) -> engine.PlanItem:
        if not 0 <= position < len(session.plan):
            raise UserFacingError("That button belongs to a question this quiz does not have.")
        return session.plan[position]

    @staticmethod
    def _open(session: SessionRecord) -> OpenSession:
        return OpenSession(session.id, session.theme, session.position + 1, len(session.plan))

    async def _record_and_move_on(self, session: SessionRecord, answer: Answer) -> None:
        """Store a skip and show the next question; after the last one the quiz ends instead."""
        last = answer.position == len(session.plan) - 1
        if await self.store.record(session, answer, self.services.clock(), advance=not last):
            await self._finish_if_complete(session)

    async def _finish_if_complete(self, session: SessionRecord) -> SessionRecord:
        answers = await self.store.answers(session.id)
        if len(answers) == len(session.plan):
            await self.store.end(session.id, "finished", engine.score(answers.values()), self.services.clock())
        return await self.sessions.reload(session)

    async def _result_or_current(self, session: SessionRecord, position: int) -> Screen:
        answers = await self.store.answers(session.id)
        question = self.bank.questions.get(session.plan[position].question_id)
        given = answers.get(position)
        if given is None or question is None:
            return await self._current(session)
        return ResultScreen(
            session_id=session.id,
            position=position,
            total=len(session.plan),
            question=question,
            chosen=given.chosen if given.chosen is not None and given.chosen < len(question.options) else None,
            outcome=given.outcome,
            ended=not session.active,
        )

    async def _current(self, session: SessionRecord) -> Screen:
        while session.active:
            item = session.plan[session.position]
            answers = await self.store.answers(session.id)
            question = self.bank.questions.get(item.question_id)
            if question is None:
                # Removed from the bank since the quiz began: skip it rather than leave the member stuck.
                gone = Answer(session.position, item.question_id, item.theme, 0, None, "skipped")
                if session.position not in answers:
                    await self._record_and_move_on(session, gone)
                else:
                    await self.store.advance(session.id, session.position, self.services.clock())
                session = await self.sessions.reload(session)
                continue
            if session.position in answers:
                return await self._result_or_current(session, session.position)
            return QuestionScreen(
                session_id=session.id,
                position=session.position,
                total=len(session.plan),
                question=question,
                order=engine.fit_order(item.order, len(question.options)),
            )
        return SummaryScreen(await self._summary(session))
