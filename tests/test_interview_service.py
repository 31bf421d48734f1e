"""The mock interview against a real database: sessions, answers counted once, follow-ups, expiry, the
summary and its comparison, history, the adaptive choice, and /privacy forget."""

from __future__ import annotations

import pytest

from bot.drills.content import Drill, DrillBank
from bot.drills.service import DrillService
from bot.errors import UserFacingError
from bot.interview.engine import FeedbackScreen, PromptScreen, Screen, SummaryScreen
from bot.interview.service import InterviewService
from bot.privacy.service import PrivacyService
from bot.services import Services
from bot.sessions.engine import OpenSession
from tests.helpers import FakeClock

ALICE, BOB = 21, 22
FOLLOW_UP_REPLY = "I ran 12 customer interviews that quarter, and I decided to stop the feature nobody would pay for."


def service(services: Services) -> InterviewService:
    return services.feature(InterviewService)


def bank(services: Services) -> DrillBank:
    return services.knowledge.current.part(DrillBank)


async def start(services: Services, user: int = ALICE, **options: object) -> PromptScreen:
    screen = await service(services).start(user_id=user, guild_id=None, theme=None, **options)  # type: ignore[arg-type]
    assert isinstance(screen, PromptScreen)
    return screen


async def answer(services: Services, screen: Screen, text: str | None = None, user: int = ALICE) -> Screen:
    assert isinstance(screen, PromptScreen)
    if text is None:
        text = screen.drill.strong_answer if screen.follow_up is None else FOLLOW_UP_REPLY
    return await service(services).answer(screen.session_id, user, screen.step, text)


async def play_out(services: Services, screen: Screen, main: str | None = None) -> SummaryScreen:
    """Answer everything (questions with ``main`` or the strong example, follow-ups with one reply)."""
    while not isinstance(screen, SummaryScreen):
        if isinstance(screen, PromptScreen):
            screen = await answer(services, screen, main if screen.follow_up is None else None)
        else:
            screen = await service(services).next(screen.session_id, ALICE, screen.step)
    return screen


async def test_a_session_question_feedback_follow_up_and_next(services: Services) -> None:
    first = await start(services, questions=3)
    assert first.step == 0 and first.total == 3 and first.follow_up is None and first.reason
    judged = await answer(services, first)
    assert isinstance(judged, FeedbackScreen) and judged.next == "follow-up" and judged.feedback.rating == "strong"

    # A second submit of the same step, and a stale one, change nothing and show the stored feedback.
    again = await service(services).answer(first.session_id, ALICE, 0, "A different answer that is long enough.")
    assert again == judged
    rows = await services.db.fetchall("SELECT step, user_id FROM interview_answers")
    assert [(r["step"], r["user_id"]) for r in rows] == [(0, ALICE)]

    follow_up = await service(services).next(first.session_id, ALICE, 0)
    assert isinstance(follow_up, PromptScreen) and follow_up.step == 1 and follow_up.follow_up is not None
    assert follow_up.follow_up == first.drill.follow_ups[0]  # everything shown: the first follow-up
    assert follow_up.missed == ()
    replied = await answer(services, follow_up)
    assert isinstance(replied, FeedbackScreen) and replied.next == "question"
    assert {f.id for f in replied.feedback.signals_found + replied.feedback.signals_missing} == set(
        follow_up.follow_up.probes
    )
    second = await service(services).next(first.session_id, ALICE, 1)
    assert isinstance(second, PromptScreen) and second.step == 2 and second.drill.id != first.drill.id
    assert await service(services).next(first.session_id, ALICE, 1) == second  # a second Next: no skip


async def test_a_weak_answer_is_probed_where_it_missed(services: Services) -> None:
    first = await start(services, questions=3)
    judged = await answer(services, first, first.drill.weak_answer)
    assert isinstance(judged, FeedbackScreen)
    probe = await service(services).next(first.session_id, ALICE, 0)
    assert isinstance(probe, PromptScreen) and probe.missed
    shown = {f.id for f in judged.feedback.signals_found}
    assert all(s.id not in shown for s in probe.missed)


async def test_answers_at_the_limit_are_judged_and_longer_or_shorter_ones_refused(services: Services) -> None:
    first = await start(services, questions=3)
    limit = service(services).answer_limit()
    assert limit == services.config.drills.max_answer_length == 1500
    with pytest.raises(UserFacingError, match="the limit is 1500"):
        await answer(services, first, "x " * 751)
    with pytest.raises(UserFacingError, match="too short"):
        await answer(services, first, "I decided.")
    text = (first.drill.strong_answer + " " + "More detail. " * 200)[:limit]
    judged = await answer(services, first, text)
    assert isinstance(judged, FeedbackScreen)
    row = await services.db.fetchone("SELECT length(answer) AS n FROM interview_answers")
    assert row is not None and row["n"] == limit


async def test_one_session_at_a_time_and_replacing_abandons(services: Services) -> None:
    first = await start(services, questions=4)
    again = await service(services).start(user_id=ALICE, guild_id=None, theme="career", questions=3)
    assert again == OpenSession(first.session_id, None, 1, 4)
    new = await service(services).start(
        user_id=ALICE, guild_id=5, theme="career", questions=3, replacing=first.session_id
    )
    assert isinstance(new, PromptScreen) and new.drill.theme == "Career changer"
    rows = await services.db.fetchall("SELECT status, theme, guild_id FROM interview_sessions ORDER BY id")
    assert [tuple(r) for r in rows] == [("abandoned", None, None), ("active", "Career changer", 5)]
    with pytest.raises(UserFacingError, match="belongs to someone else"):
        await service(services).screen(new.session_id, BOB)


@pytest.mark.parametrize("questions", [2, 7])
async def test_three_to_six_questions(services: Services, questions: int) -> None:
    with pytest.raises(UserFacingError, match="3 to 6 questions"):
        await start(services, questions=questions)


async def test_an_idle_session_expires_like_a_quiz(services: Services, clock: FakeClock) -> None:
    first = await start(services, questions=3)
    await answer(services, first)
    clock.advance(minutes=services.config.interview.session_ttl_minutes + 1)
    screen = await service(services).screen(first.session_id, ALICE)
    assert isinstance(screen, SummaryScreen) and screen.summary.score.status == "expired"
    assert screen.summary.score.answered == 1
    assert isinstance(await start(services, questions=3), PromptScreen)  # a new one can start


async def test_the_summary_compares_with_the_previous_finished_session(services: Services) -> None:
    one = await play_out(services, await start(services, questions=3))
    assert one.summary.comparison is None and one.summary.score.status == "finished"
    assert one.summary.score.ratings == (3, 0, 0) and one.summary.retry == ()
    two = await play_out(
        services, await start(services, questions=3), main="I managed the backlog and ran the sprints."
    )
    compared = two.summary.comparison
    assert compared is not None and compared.previous == one.summary.score
    assert two.summary.score.ratings[0] == 0 and len(two.summary.retry) == 3
    assert two.summary.score.percent < one.summary.score.percent


async def test_practice_and_interview_answers_steer_the_next_choice(services: Services) -> None:
    drills = services.feature(DrillService)
    weak: Drill = bank(services).drills["killed-roadmap-bet"]
    await drills.practise(user_id=ALICE, guild_id=None, drill_id=weak.id, post_id=None, answer=weak.weak_answer)
    pick = await service(services).next_drill(ALICE)
    assert pick.drill.id == weak.id and pick.reason.startswith("Chosen because your answers rarely show")
    first = await start(services, questions=3)
    assert first.drill.id == weak.id and first.reason == pick.reason
    assert (await service(services).next_drill(ALICE, besides=weak.id)).drill.id != weak.id

    # Answering it strongly in the interview moves it down for the next choice.
    await answer(services, first)
    assert (await service(services).next_drill(ALICE)).drill.id != weak.id
    # Another member's answers do not count.
    assert (await service(services).next_drill(BOB)).reason.startswith("Chosen because you haven't been judged")


async def test_history_shows_sessions_and_each_signal_over_time(services: Services, clock: FakeClock) -> None:
    drills = services.feature(DrillService)
    d = bank(services).drills["own-the-why"]
    await drills.practise(user_id=ALICE, guild_id=None, drill_id=d.id, post_id=None, answer=d.weak_answer)
    clock.advance(minutes=1)
    summary = await play_out(services, await start(services, questions=3))
    history = await service(services).history(ALICE)
    assert [s.session_id for s in history.sessions] == [summary.summary.score.session_id]
    assert history.sessions[0] == summary.summary.score
    marks = {p.signal_id: p.marks for p in history.signals}
    assert marks["problem-worth-solving"][0] is False  # the practice answer came first
    assert marks["problem-worth-solving"][-1] is True  # then the strong answer in the interview
    assert history.signals[0].shown / history.signals[0].asked <= history.signals[-1].shown / history.signals[-1].asked
    empty = await service(services).history(BOB)
    assert empty.sessions == () and empty.signals == ()


async def test_privacy_forget_deletes_interview_data(services: Services) -> None:
    await play_out(services, await start(services, questions=3))
    await start(services, BOB, questions=3)
    assert {"interview_sessions", "interview_answers"} <= set(await services.db.user_tables())
    shown = await services.feature(PrivacyService).stored(ALICE)
    assert shown.counts["interview_sessions"] == 1 and shown.counts["interview_answers"] == 6
    await services.feature(PrivacyService).forget(ALICE)
    rows = await services.db.fetchall("SELECT user_id FROM interview_sessions")
    assert [r["user_id"] for r in rows] == [BOB]
    assert await services.db.fetchall("SELECT * FROM interview_answers") == []
