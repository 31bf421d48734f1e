"""The quiz core: question choice, scoring, expiry and idempotent clicks, against a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.errors import UserFacingError
from bot.knowledge.holder import KnowledgeHolder
from bot.quiz import engine
from bot.quiz.content import QuestionBank
from bot.quiz.engine import Answer, PlanItem, QuestionScreen, ResultScreen, SummaryScreen
from bot.quiz.service import QuizService
from bot.services import Services
from bot.sessions.engine import OpenSession
from bot.storage import open_database
from tests.helpers import FakeClock
from tests.test_quiz_content import load_quiz, write_knowledge

ALICE, BOB = 101, 202


def theme_file(theme: str, prefix: str, count: int, difficulty: str = "easy") -> str:
    """``count`` questions of three options, the first one right, all linked to an entry; ids ``<prefix>-1`` …"""
    lines = ["kind: quiz", f'theme: "{theme}"', "questions:"]
    for n in range(1, count + 1):
        lines += [
            f"  - id: {prefix}-{n}",
            f"    difficulty: {difficulty}",
            f'    question: "{theme} question {n}?"',
            "    options:",
            '      - text: "Right"',
            "        correct: true",
            '      - text: "Wrong"',
            '      - text: "Also wrong"',
            f'    explanation: "Because of {prefix} {n}."',
            "    entry: who-owns-the-roadmap",
        ]
    return "\n".join(lines) + "\n"


BANK = {
    "theory.yaml": theme_file("In theory", "theory", 8),
    "salary.yaml": theme_file("Salary", "salary", 4, difficulty="hard"),
}


@pytest.fixture
async def quiz_services(tmp_path: Path, config: Config, clock: FakeClock) -> AsyncIterator[Services]:
    knowledge = load_quiz(write_knowledge(tmp_path / "kb", BANK))
    db = await open_database(config)
    yield Services(config, db, KnowledgeHolder(knowledge), clock)
    await db.close()


@pytest.fixture
def quiz(quiz_services: Services) -> QuizService:
    return QuizService(quiz_services, rng=random.Random(5))


def right_option(screen: QuestionScreen) -> int:
    return screen.question.correct_index


def wrong_option(screen: QuestionScreen) -> int:
    return next(i for i in screen.order if i != screen.question.correct_index)


async def play(
    quiz: QuizService, screen: engine.Screen | OpenSession, user: int, *, right: set[int] | None = None
) -> engine.QuizSummary:
    """Answer every question (right at the positions in ``right``, else wrong) and return the summary."""
    while isinstance(screen, QuestionScreen):
        pick = right_option(screen) if right is None or screen.position in right else wrong_option(screen)
        result = await quiz.answer(screen.session_id, user, screen.position, pick)
        assert isinstance(result, ResultScreen)
        screen = await quiz.next(result.session_id, user, result.position)
    assert isinstance(screen, SummaryScreen)
    return screen.summary


# -- pure rules ------------------------------------------------------------------------------------


def bank_questions(tmp_path: Path) -> QuestionBank:
    return load_quiz(write_knowledge(tmp_path, BANK)).part(QuestionBank)


def test_pick_orders_unseen_then_missed_then_right_without_repeats(tmp_path: Path) -> None:
    pool = bank_questions(tmp_path).in_theme("In theory")
    history: dict[str, engine.Outcome] = {
        "theory-1": "right",
        "theory-2": "right",
        "theory-3": "wrong",
        "theory-4": "skipped",
        "theory-5": "right",
    }
    for seed in range(20):
        picked = engine.pick_questions(pool + pool[:2], history, 7, random.Random(seed))
        ids = [q.id for q in picked]
        assert len(ids) == len(set(ids)) == 7
        assert set(ids[:3]) == {"theory-6", "theory-7", "theory-8"}  # never seen
        assert set(ids[3:5]) == {"theory-3", "theory-4"}  # last missed (wrong or skipped)
        assert set(ids[5:]) <= {"theory-1", "theory-2", "theory-5"}


def test_pick_gives_a_short_quiz_when_the_theme_is_small(tmp_path: Path) -> None:
    pool = bank_questions(tmp_path).in_theme("Salary")
    assert len(engine.pick_questions(pool, {}, 10, random.Random(1))) == 4


def test_plan_shuffles_options_and_survives_edited_option_counts(tmp_path: Path) -> None:
    questions = bank_questions(tmp_path).in_theme("In theory")
    orders = {engine.make_plan(questions, random.Random(seed))[0].order for seed in range(30)}
    assert len(orders) > 1 and all(sorted(order) == [0, 1, 2] for order in orders)
    assert engine.fit_order((2, 0, 1), 2) == (0, 1)
    assert engine.fit_order((1, 0), 3) == (1, 0, 2)


def test_scoring_weights_difficulty_and_skips_score_nothing(tmp_path: Path) -> None:
    bank = bank_questions(tmp_path)
    easy, hard = bank.questions["theory-1"], bank.questions["salary-1"]
    assert engine.judge(easy, 0) == ("right", 1)
    assert engine.judge(hard, 0) == ("right", 3)
    assert engine.judge(hard, 2) == ("wrong", 0)
    assert engine.judge(hard, None) == ("skipped", 0)


def test_summary_breakdown_study_next_and_personal_best() -> None:
    plan = [PlanItem(f"q{i}", theme, 2, (0, 1)) for i, theme in enumerate(["A", "A", "B", "B", "C"])]
    answers = [
        Answer(0, "q0", "A", 2, 0, "right"),
        Answer(1, "q1", "A", 0, 1, "wrong"),
        Answer(2, "q2", "B", 0, None, "skipped"),
        Answer(3, "q3", "B", 0, 1, "wrong"),
        Answer(4, "q4", "C", 2, 0, "right"),
    ]
    summary = engine.summarise(
        session_id=1,
        status="finished",
        theme=None,
        plan=plan,
        answers=answers,
        duration=dt.timedelta(minutes=3, seconds=5),
        best_before=3,
    )
    assert (summary.right, summary.wrong, summary.skipped, summary.unanswered) == (2, 2, 1, 0)
    assert (summary.score, summary.max_score) == (4, 10)
    assert [(s.theme, s.right, s.asked) for s in summary.themes] == [("A", 1, 2), ("B", 0, 2), ("C", 1, 1)]
    assert summary.study_next == ("B", "A")
    assert summary.new_best and summary.personal_best == 4


def test_rank_orders_by_best_then_answered_and_shares_ties() -> None:
    rows = engine.rank([(1, 5, 10, 1), (2, None, 30, 0), (3, 9, 5, 1), (4, 5, 10, 2)])
    assert [(r.rank, r.user_id) for r in rows] == [(1, 3), (2, 1), (2, 4), (4, 2)]


# -- the service over SQLite -----------------------------------------------------------------------


async def test_a_full_quiz_asks_distinct_questions_and_scores_it(quiz: QuizService, clock: FakeClock) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=1, theme="salary", length=5)
    assert isinstance(screen, QuestionScreen) and screen.total == 4  # the theme has only 4 questions
    seen = []
    while isinstance(screen, QuestionScreen):
        seen.append(screen.question.id)
        clock.advance(seconds=20)
        pick = right_option(screen) if screen.position % 2 == 0 else wrong_option(screen)
        result = await quiz.answer(screen.session_id, ALICE, screen.position, pick)
        assert isinstance(result, ResultScreen)
        assert result.outcome == ("right" if screen.position % 2 == 0 else "wrong")
        assert result.ended == (screen.position == 3)
        screen = await quiz.next(result.session_id, ALICE, result.position)
    assert len(set(seen)) == 4
    assert isinstance(screen, SummaryScreen)
    summary = screen.summary
    assert summary.status == "finished"
    assert (summary.right, summary.wrong, summary.score, summary.max_score) == (2, 2, 6, 12)
    assert summary.duration == dt.timedelta(seconds=80)
    assert summary.new_best and summary.personal_best == 6
    assert not (await quiz.stats(ALICE)).in_progress


async def test_the_next_quiz_brings_unseen_then_missed_questions_first(quiz: QuizService) -> None:
    first = await quiz.start(user_id=ALICE, guild_id=None, theme="In theory", length=5)
    assert isinstance(first, QuestionScreen)
    order = []
    screen: engine.Screen = first
    while isinstance(screen, QuestionScreen):
        order.append(screen.question.id)
        wrong = screen.position in (0, 1)
        pick = wrong_option(screen) if wrong else right_option(screen)
        if screen.position == 4:
            screen = await quiz.skip(screen.session_id, ALICE, screen.position)
            continue
        await quiz.answer(screen.session_id, ALICE, screen.position, pick)
        screen = await quiz.next(screen.session_id, ALICE, screen.position)
    unseen = {f"theory-{n}" for n in range(1, 9)} - set(order)
    missed = {order[0], order[1], order[4]}  # two wrong, one skipped

    second = await quiz.start(user_id=ALICE, guild_id=None, theme="In theory", length=5)
    assert isinstance(second, QuestionScreen)
    session = await quiz.store.get(second.session_id)
    assert session is not None
    planned = [item.question_id for item in session.plan]
    assert set(planned[:3]) == unseen
    assert set(planned[3:]) <= missed and len(set(planned)) == 5


async def test_a_double_click_on_an_option_counts_once(quiz: QuizService) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=5)
    assert isinstance(screen, QuestionScreen)
    first, second = await asyncio.gather(
        quiz.answer(screen.session_id, ALICE, 0, wrong_option(screen)),
        quiz.answer(screen.session_id, ALICE, 0, right_option(screen)),
    )
    again = await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    assert isinstance(first, ResultScreen) and isinstance(second, ResultScreen) and isinstance(again, ResultScreen)
    assert first.outcome == second.outcome == again.outcome == "wrong"
    rows = await quiz.store.db.fetchall("SELECT outcome FROM quiz_answers WHERE session_id = ?", (screen.session_id,))
    assert [r["outcome"] for r in rows] == ["wrong"]


async def test_next_and_skip_clicked_twice_move_one_step(quiz: QuizService) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=5)
    assert isinstance(screen, QuestionScreen)
    await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    a, b = await asyncio.gather(quiz.next(screen.session_id, ALICE, 0), quiz.next(screen.session_id, ALICE, 0))
    assert isinstance(a, QuestionScreen) and isinstance(b, QuestionScreen) and a.position == b.position == 1
    skipped = await quiz.skip(screen.session_id, ALICE, 1)
    skipped_again = await quiz.skip(screen.session_id, ALICE, 1)
    assert isinstance(skipped, QuestionScreen) and skipped.position == 2
    assert isinstance(skipped_again, QuestionScreen) and skipped_again.position == 2
    # A click on the skipped question's option later shows its result instead of answering it.
    late = await quiz.answer(screen.session_id, ALICE, 1, 0)
    assert isinstance(late, ResultScreen) and late.outcome == "skipped" and late.chosen is None


async def test_an_idle_quiz_expires_and_counts_as_unfinished(
    quiz: QuizService, quiz_services: Services, clock: FakeClock
) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=1, theme=None, length=5)
    assert isinstance(screen, QuestionScreen)
    clock.advance(seconds=30)
    await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    clock.advance(minutes=quiz_services.config.quiz.session_ttl_minutes - 1)
    assert (await quiz.stats(ALICE)).in_progress
    clock.advance(minutes=2)
    assert not (await quiz.stats(ALICE)).in_progress  # expired on the next read

    late = await quiz.next(screen.session_id, ALICE, 0)
    assert isinstance(late, SummaryScreen)
    assert late.summary.status == "expired"
    assert late.summary.right == 1 and late.summary.unanswered == 4
    assert late.summary.duration == dt.timedelta(seconds=30)  # time taken ends at the last click
    stats = await quiz.stats(ALICE)
    assert (stats.started, stats.finished, stats.unfinished) == (1, 0, 1)
    assert isinstance(await quiz.start(user_id=ALICE, guild_id=1, theme=None, length=5), QuestionScreen)


async def test_one_quiz_at_a_time_and_replacing_abandons_the_old_one(quiz: QuizService) -> None:
    first = await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=10)
    assert isinstance(first, QuestionScreen)
    await quiz.answer(first.session_id, ALICE, 0, right_option(first))
    await quiz.next(first.session_id, ALICE, 0)
    raised = await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5)
    assert isinstance(raised, OpenSession) and raised.session_id == first.session_id
    assert (raised.position, raised.total) == (1, 10)
    # Bob is not affected by Alice's quiz.
    assert isinstance(await quiz.start(user_id=BOB, guild_id=None, theme=None, length=5), QuestionScreen)

    new = await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5, replacing=first.session_id)
    assert isinstance(new, QuestionScreen) and new.question.theme == "Salary"
    old = await quiz.screen(first.session_id, ALICE)
    assert isinstance(old, SummaryScreen) and old.summary.status == "abandoned"
    # A second press of the same "start new" button does not abandon the new quiz.
    again = await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5, replacing=first.session_id)
    assert isinstance(again, OpenSession)


async def test_quit_ends_with_a_partial_summary(quiz: QuizService) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=5)
    assert isinstance(screen, QuestionScreen)
    await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    ended = await quiz.quit(screen.session_id, ALICE)
    again = await quiz.quit(screen.session_id, ALICE)
    assert isinstance(ended, SummaryScreen) and isinstance(again, SummaryScreen)
    assert ended.summary.status == "quit" and ended.summary.right == 1 and ended.summary.unanswered == 4
    assert not ended.summary.new_best and ended.summary.personal_best is None


async def test_personal_best_compares_with_earlier_finished_quizzes(quiz: QuizService) -> None:
    first = await play(quiz, await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5), ALICE)
    worse = await play(quiz, await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5), ALICE, right={0})
    assert first.new_best and first.score == 12
    assert not worse.new_best and worse.score == 3 and worse.personal_best == 12


async def test_clicks_on_someone_elses_quiz_or_bad_buttons_are_refused(quiz: QuizService) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=5)
    assert isinstance(screen, QuestionScreen)
    with pytest.raises(UserFacingError, match="belongs to someone else"):
        await quiz.answer(screen.session_id, BOB, 0, 0)
    with pytest.raises(UserFacingError, match="does not have"):
        await quiz.answer(screen.session_id, ALICE, 99, 0)
    with pytest.raises(UserFacingError, match="not one of this question's options"):
        await quiz.answer(screen.session_id, ALICE, 0, 7)
    with pytest.raises(UserFacingError, match="no longer exists"):
        await quiz.screen(999, ALICE)


async def test_bad_theme_and_length_get_a_clear_message(quiz: QuizService) -> None:
    with pytest.raises(UserFacingError, match=r"no quiz theme 'salery' \(did you mean 'Salary'\?\)"):
        await quiz.start(user_id=ALICE, guild_id=None, theme="salery", length=5)
    with pytest.raises(UserFacingError, match="5, 10 or 15"):
        await quiz.start(user_id=ALICE, guild_id=None, theme=None, length=7)
    assert quiz.resolve_theme("in-THEORY") == "In theory"
    assert quiz.resolve_theme("all") is None


async def test_leaderboard_lists_only_members_who_played_in_that_server(quiz: QuizService) -> None:
    await play(quiz, await quiz.start(user_id=ALICE, guild_id=1, theme="salary", length=5), ALICE)
    await play(quiz, await quiz.start(user_id=BOB, guild_id=1, theme="salary", length=5), BOB, right={0, 1})
    await play(quiz, await quiz.start(user_id=303, guild_id=None, theme="salary", length=5), 303)  # in DMs
    unfinished = await quiz.start(user_id=404, guild_id=1, theme=None, length=5)
    assert isinstance(unfinished, QuestionScreen)
    await quiz.answer(unfinished.session_id, 404, 0, right_option(unfinished))

    rows = await quiz.leaderboard(1)
    assert [(r.rank, r.user_id, r.best_score, r.answered) for r in rows] == [
        (1, ALICE, 12, 4),
        (2, BOB, 6, 4),
        (3, 404, None, 1),
    ]
    assert await quiz.leaderboard(2) == []


async def test_stats_show_history_and_weakest_themes(quiz: QuizService) -> None:
    await play(quiz, await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5), ALICE, right={0})
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme="In theory", length=5)
    assert isinstance(screen, QuestionScreen)
    await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    stats = await quiz.stats(ALICE)
    assert (stats.started, stats.finished, stats.unfinished, stats.in_progress) == (2, 1, 0, True)
    assert (stats.answered, stats.right, stats.best_score) == (5, 2, 3)
    assert [(s.theme, s.right, s.asked) for s in stats.weakest] == [("Salary", 1, 4)]
    assert stats.untried == ()
    assert (await quiz.stats(BOB)).started == 0


async def test_a_question_removed_by_a_reload_is_skipped_not_stuck(
    quiz: QuizService, quiz_services: Services, tmp_path: Path
) -> None:
    screen = await quiz.start(user_id=ALICE, guild_id=None, theme="salary", length=5)
    assert isinstance(screen, QuestionScreen)
    session = await quiz.store.get(screen.session_id)
    assert session is not None
    second = session.plan[1].question_id
    number = int(second.rsplit("-", 1)[1])
    kept = theme_file("Salary", "salary", 4, difficulty="hard").split("  - id: ")
    text = "  - id: ".join(part for part in kept if not part.startswith(f"salary-{number}\n"))
    (tmp_path / "kb" / "quiz" / "salary.yaml").write_text(text, encoding="utf-8")
    quiz_services.knowledge = KnowledgeHolder(load_quiz(tmp_path / "kb"))  # what an accepted reload does

    await quiz.answer(screen.session_id, ALICE, 0, right_option(screen))
    after = await quiz.next(screen.session_id, ALICE, 0)
    assert isinstance(after, QuestionScreen) and after.position == 2
    assert (await quiz.store.answers(screen.session_id))[1].outcome == "skipped"
