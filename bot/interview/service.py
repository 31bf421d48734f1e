"""What the front ends call to run a mock interview: start, answer, next, quit, history, and the adaptive
choice of the next drill to practise.

Every call takes the session id and step the member's click or form carried, re-reads the state from the
database and returns the screen to show. Nothing is kept in memory between steps, so a restart, a double
submit or a stale message all end up showing the member the session as it really stands.
"""

from __future__ import annotations

import datetime as dt

from bot.drills.choice import Observation, Pick
from bot.drills.content import Drill, DrillBank
from bot.drills.service import DrillService
from bot.errors import UserFacingError
from bot.interview import engine
from bot.interview.engine import (
    DEFAULT_QUESTIONS,
    QUESTIONS,
    Answer,
    FeedbackScreen,
    History,
    InterviewSummary,
    PlanItem,
    PromptScreen,
    Screen,
    SummaryScreen,
)
from bot.interview.store import InterviewStore, SessionRecord
from bot.services import Services
from bot.sessions.engine import OpenSession
from bot.sessions.lifecycle import Lifecycle

#: Sessions ``/interview history`` lists.
HISTORY_SESSIONS = 5
ALL_THEMES = ("all", "any", "all themes")


class InterviewService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = InterviewStore(services.db)
        self.drills = services.feature(DrillService)
        ttl = dt.timedelta(minutes=services.config.interview.session_ttl_minutes)
        self.sessions = Lifecycle(self.store, services.clock, ttl, what="mock interview", start="/interview start")

    @property
    def bank(self) -> DrillBank:
        return self.services.knowledge.current.part(DrillBank)

    # -- choosing drills ------------------------------------------------------------------------------

    def resolve_theme(self, text: str | None) -> str | None:
        """The drill theme a member named (None or "all" for every theme), or a message listing the themes."""
        if text is None or not text.strip() or text.strip().lower() in ALL_THEMES:
            return None
        return self.drills.resolve_theme(text)

    def theme_choices(self, typed: str) -> list[str]:
        return self.drills.theme_choices(typed)

    @staticmethod
    def check_questions(questions: int) -> None:
        if questions not in QUESTIONS:
            raise UserFacingError(f"A mock interview has {QUESTIONS[0]} to {QUESTIONS[-1]} questions.")

    async def observations(self, user_id: int) -> list[Observation]:
        """Everything the member's answers showed, signal by signal, from practice and interviews, oldest first."""
        found = await self.drills.observations(user_id) + await self.store.observations(user_id)
        return sorted(found, key=lambda seen: seen.at)

    async def choose(self, user_id: int, *, count: int, theme: str | None = None) -> list[Pick]:
        """The drills that exercise the signals the member's answers show least (``bot.drills.choice``),
        with a tie-break seeded by the member and how many answers they have given, so the same history
        always gives the same choice."""
        observations = await self.observations(user_id)
        seed = f"{user_id}:{len(observations)}"
        return self.drills.choose(observations, count=count, seed=seed, theme=theme)

    async def next_drill(self, user_id: int, *, besides: str | None = None) -> Pick:
        """The drill ``/drill`` without a theme gives: the one the member needs most (other than ``besides``,
        the drill on screen when the member asks for another)."""
        picks = await self.choose(user_id, count=2)
        return next((pick for pick in picks if pick.drill.id != besides), picks[0])

    # -- a session ------------------------------------------------------------------------------------

    async def start(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        theme: str | None,
        questions: int = DEFAULT_QUESTIONS,
        replacing: int | None = None,
    ) -> Screen | OpenSession:
        """Start a session of ``questions`` drills on ``theme`` (as the member typed it; None for all).

        While the member has another active session, that one is returned as an :class:`OpenSession` for
        them to decide about, unless it is ``replacing``, which is then closed as abandoned.
        """
        chosen_theme = self.resolve_theme(theme)
        self.check_questions(questions)

        async def create(now: dt.datetime) -> int:
            picks = await self.choose(user_id, count=questions, theme=chosen_theme)
            plan = [PlanItem(pick.drill.id, pick.reason) for pick in picks]
            return await self.store.create(user_id=user_id, guild_id=guild_id, theme=chosen_theme, plan=plan, now=now)

        started = await self.sessions.start(
            user_id,
            replacing=replacing,
            abandon=lambda old, now: self.store.end(old.id, "abandoned", now),
            create=create,
        )
        if isinstance(started, int):
            return await self.screen(started, user_id)
        return self._open(started)

    async def screen(self, session_id: int, user_id: int) -> Screen:
        """What the session shows right now (to continue it, or after a restart)."""
        return await self._current(await self.sessions.owned(session_id, user_id))

    async def answer(self, session_id: int, user_id: int, step: int, text: str) -> Screen:
        """Judge and store the answer to ``step``; counted once: a second submit shows the stored feedback."""
        session = await self.sessions.owned(session_id, user_id)
        self._check_step(session, step)
        text = self.drills.check_answer(text)
        answers = await self.store.answers(session.id)
        if session.active and session.step == step and step not in answers:
            drill = self.bank.drills.get(session.plan[engine.question_index(step)].drill_id)
            follow_up = self._follow_up(drill, step, answers) if drill is not None else None
            if drill is None or (engine.is_follow_up(step) and follow_up is None):
                return await self._current(session)  # the content changed under the member: move on
            following = engine.next_step(step, has_follow_up=bool(drill.follow_ups), total=len(session.plan))
            await self.store.record(
                session,
                step=step,
                drill_id=drill.id,
                follow_up=follow_up,
                answer=text,
                feedback=engine.judge(drill, text, follow_up),
                now=self.services.clock(),
                last=following is None,
            )
            session = await self.sessions.reload(session)
        return await self._feedback_or_current(session, step)

    async def next(self, session_id: int, user_id: int, step: int) -> Screen:
        """Leave the feedback on ``step`` for the follow-up, the next question or the summary."""
        session = await self.sessions.owned(session_id, user_id)
        self._check_step(session, step)
        if session.active and session.step == step:
            drill = self.bank.drills.get(session.plan[engine.question_index(step)].drill_id)
            has_follow_up = drill is not None and bool(drill.follow_ups)
            following = engine.next_step(step, has_follow_up=has_follow_up, total=len(session.plan))
            now = self.services.clock()
            if following is None:
                await self.store.end(session.id, "finished", now)
            else:
                await self.store.advance(session.id, step, following, now)
        return await self._current(await self.sessions.reload(session))

    async def quit(self, session_id: int, user_id: int) -> Screen:
        """Stop now; the session counts as unfinished. Quitting an ended session shows its summary again."""
        session = await self.sessions.owned(session_id, user_id)
        if session.active:
            await self.store.end(session.id, "quit", self.services.clock())
        return await self._current(await self.sessions.reload(session))

    def answer_limit(self) -> int:
        """The longest answer accepted: practice answers' limit, ``drills.max_answer_length``."""
        return self.services.config.drills.max_answer_length

    async def history(self, user_id: int) -> History:
        """The member's last sessions and every signal they were judged on, weakest first."""
        await self.sessions.expire()
        sessions = (await self.store.sessions(user_id))[:HISTORY_SESSIONS]
        answers = await self.store.member_answers(user_id)
        scores = [engine.session_score(s.id, s.started_at, s.status, answers.get(s.id, [])) for s in sessions]
        names: dict[str, str] = {}
        for drill in self.bank.drills.values():
            for signal in drill.signals:
                names.setdefault(signal.id, signal.name)
        marks = [(seen.signal_id, seen.shown) for seen in await self.observations(user_id)]
        return History(tuple(scores), tuple(engine.progress(marks, names)))

    # -- internals ------------------------------------------------------------------------------------

    @staticmethod
    def _check_step(session: SessionRecord, step: int) -> None:
        if not 0 <= engine.question_index(step) < len(session.plan):
            raise UserFacingError("That button belongs to a question this mock interview does not have.")

    @staticmethod
    def _open(session: SessionRecord) -> OpenSession:
        return OpenSession(session.id, session.theme, engine.question_index(session.step) + 1, len(session.plan))

    @staticmethod
    def _follow_up(drill: Drill, step: int, answers: dict[int, Answer]) -> int | None:
        """The follow-up asked at ``step`` (None for a question's step), from the answer to its question."""
        if not engine.is_follow_up(step):
            return None
        main = answers.get(step - 1)
        return engine.choose_follow_up(drill, engine.shown_ids(main.feedback) if main else set())

    async def _skip(self, session: SessionRecord) -> SessionRecord:
        """Move past a step whose drill or follow-up left the bank, so the member is never stuck."""
        following = engine.next_step(session.step, has_follow_up=False, total=len(session.plan))
        now = self.services.clock()
        if following is None:
            await self.store.end(session.id, "finished", now)
        else:
            await self.store.advance(session.id, session.step, following, now, answered=False)
        return await self.sessions.reload(session)

    async def _feedback_or_current(self, session: SessionRecord, step: int) -> Screen:
        given = (await self.store.answers(session.id)).get(step)
        drill = self.bank.drills.get(given.drill_id) if given is not None else None
        if given is None or drill is None:
            return await self._current(session)
        return self._feedback(session, given, drill)

    @staticmethod
    def _feedback(session: SessionRecord, given: Answer, drill: Drill) -> FeedbackScreen:
        following = engine.next_step(given.step, has_follow_up=bool(drill.follow_ups), total=len(session.plan))
        asked = None
        if given.follow_up is not None and given.follow_up < len(drill.follow_ups):
            asked = drill.follow_ups[given.follow_up]
        return FeedbackScreen(
            session_id=session.id,
            step=given.step,
            total=len(session.plan),
            drill=drill,
            follow_up=asked,
            feedback=given.feedback,
            next="summary" if following is None else "follow-up" if engine.is_follow_up(following) else "question",
        )

    async def _current(self, session: SessionRecord) -> Screen:
        while session.active:
            step = session.step
            item = session.plan[engine.question_index(step)]
            answers = await self.store.answers(session.id)
            drill = self.bank.drills.get(item.drill_id)
            follow_up = self._follow_up(drill, step, answers) if drill is not None else None
            if drill is None or (engine.is_follow_up(step) and follow_up is None):
                session = await self._skip(session)
                continue
            if step in answers:
                return self._feedback(session, answers[step], drill)
            if follow_up is None:
                return PromptScreen(session.id, step, len(session.plan), drill, None, reason=item.reason)
            asked = drill.follow_ups[follow_up]
            main = answers.get(step - 1)
            shown = engine.shown_ids(main.feedback) if main else set()
            missed = tuple(s for s in engine.probed_signals(drill, asked) if s.id not in shown)
            return PromptScreen(session.id, step, len(session.plan), drill, asked, reason=None, missed=missed)
        return SummaryScreen(await self._summary(session))

    async def _summary(self, session: SessionRecord) -> InterviewSummary:
        answers = list((await self.store.answers(session.id)).values())
        score = engine.session_score(session.id, session.started_at, session.status, answers)
        comparison = None
        previous = await self.store.previous_finished(session.user_id, session.id)
        if previous is not None:
            earlier = list((await self.store.answers(previous.id)).values())
            comparison = engine.compare(
                engine.signal_scores(a.feedback for a in answers),
                engine.session_score(previous.id, previous.started_at, previous.status, earlier),
                engine.signal_scores(a.feedback for a in earlier),
            )
        prompts = {item.drill_id: self._prompt(item.drill_id) for item in session.plan}
        return engine.summarise(
            score=score,
            theme=session.theme,
            total=len(session.plan),
            answers=answers,
            prompts=prompts,
            comparison=comparison,
        )

    def _prompt(self, drill_id: str) -> str:
        drill = self.bank.drills.get(drill_id)
        return drill.prompt if drill is not None else drill_id
