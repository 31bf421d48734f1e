"""The quiz's rules as pure functions and plain data: no database, no Discord, no clock.

Which questions a quiz asks, in which option order, what an answer scores and what the end screen
says are decided here, so they can be tested exactly and the service only moves rows around.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.quiz.content import QuizQuestion
from bot.sessions.engine import Status

Outcome = Literal["right", "wrong", "skipped"]

LENGTHS = (5, 10, 15)
STUDY_NEXT_LIMIT = 3


@dataclass(frozen=True)
class PlanItem:
    """One question of a quiz as fixed at its start: later edits to the bank do not change a running quiz."""

    question_id: str
    theme: str
    points: int
    order: tuple[int, ...]  # option indexes (file order) in the order the buttons show them


@dataclass(frozen=True)
class Answer:
    position: int
    question_id: str
    theme: str
    points: int  # earned: the question's worth when right, else 0
    chosen: int | None
    outcome: Outcome


def shortfall_notice(theme: str | None, available: int, asked_for: int) -> str | None:
    """Why a quiz has fewer questions than the member asked for, or None when it has them all.

    A 5-question quiz that quietly ends after 4 looks broken; saying why up front does not.
    """
    if available >= asked_for:
        return None
    where = f"The {theme} theme" if theme else "The quiz bank"
    questions = "question" if available == 1 else "questions"
    return f"{where} has only {available} {questions}, so this quiz has {available}."


def pick_questions(
    pool: Sequence[QuizQuestion], last_outcomes: Mapping[str, Outcome], length: int, rng: random.Random
) -> list[QuizQuestion]:
    """Up to ``length`` distinct questions: never seen first, then last missed, then last answered right.

    Random within each group, so two quizzes in a row differ, but a member keeps meeting what they have
    not learnt yet before anything they already know.
    """

    def group(question: QuizQuestion) -> int:
        last = last_outcomes.get(question.id)
        if last is None:
            return 0
        return 1 if last != "right" else 2

    shuffled = list({q.id: q for q in pool}.values())
    rng.shuffle(shuffled)
    shuffled.sort(key=group)
    return shuffled[:length]


def make_plan(questions: Iterable[QuizQuestion], rng: random.Random) -> list[PlanItem]:
    plan = []
    for question in questions:
        order = list(range(len(question.options)))
        rng.shuffle(order)
        plan.append(PlanItem(question.id, question.theme, question.points, tuple(order)))
    return plan


def fit_order(order: Sequence[int], count: int) -> tuple[int, ...]:
    """The stored button order, still valid if a moderator changed the number of options since."""
    kept = [i for i in order if 0 <= i < count]
    return (*kept, *(i for i in range(count) if i not in kept))


def judge(question: QuizQuestion, chosen: int | None) -> tuple[Outcome, int]:
    """The outcome of picking option ``chosen`` (None: skipped) and the points it earns."""
    if chosen is None:
        return "skipped", 0
    if question.options[chosen].correct:
        return "right", question.points
    return "wrong", 0


def score(answers: Iterable[Answer]) -> int:
    return sum(answer.points for answer in answers)


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    right: int
    asked: int

    @property
    def missed(self) -> int:
        return self.asked - self.right

    @property
    def ratio(self) -> float:
        return self.right / self.asked if self.asked else 0.0


def theme_scores(items: Iterable[tuple[str, bool]]) -> list[ThemeScore]:
    """Per theme, how many of the ``(theme, was_right)`` items were right; themes in name order."""
    right: dict[str, int] = {}
    asked: dict[str, int] = {}
    for theme, was_right in items:
        asked[theme] = asked.get(theme, 0) + 1
        right[theme] = right.get(theme, 0) + int(was_right)
    return [ThemeScore(theme, right[theme], asked[theme]) for theme in sorted(asked, key=str.lower)]


def weakest(scores: Iterable[ThemeScore], limit: int = STUDY_NEXT_LIMIT) -> list[ThemeScore]:
    """Themes with a miss, the lowest share right first (then the most misses), at most ``limit``."""
    missed = [s for s in scores if s.missed]
    return sorted(missed, key=lambda s: (s.ratio, -s.missed, s.theme.lower()))[:limit]


@dataclass(frozen=True)
class QuizSummary:
    """The end screen of one quiz (also shown for a quiz that was quit or expired)."""

    session_id: int
    status: Status
    theme: str | None
    total: int
    right: int
    wrong: int
    skipped: int
    score: int
    max_score: int
    duration: dt.timedelta
    themes: tuple[ThemeScore, ...]
    study_next: tuple[str, ...]
    best_before: int | None  # best score of the member's earlier finished quizzes

    @property
    def unanswered(self) -> int:
        return self.total - self.right - self.wrong - self.skipped

    @property
    def new_best(self) -> bool:
        beaten = self.best_before is None or self.score > self.best_before
        return self.status == "finished" and self.score > 0 and beaten

    @property
    def personal_best(self) -> int | None:
        own = self.score if self.status == "finished" else None
        candidates = [s for s in (self.best_before, own) if s is not None]
        return max(candidates) if candidates else None


def summarise(
    *,
    session_id: int,
    status: Status,
    theme: str | None,
    plan: Sequence[PlanItem],
    answers: Iterable[Answer],
    duration: dt.timedelta,
    best_before: int | None,
) -> QuizSummary:
    given = list(answers)
    themes = theme_scores((a.theme, a.outcome == "right") for a in given)
    return QuizSummary(
        session_id=session_id,
        status=status,
        theme=theme,
        total=len(plan),
        right=sum(a.outcome == "right" for a in given),
        wrong=sum(a.outcome == "wrong" for a in given),
        skipped=sum(a.outcome == "skipped" for a in given),
        score=score(given),
        max_score=sum(item.points for item in plan),
        duration=duration,
        themes=tuple(themes),
        study_next=tuple(s.theme for s in weakest(themes)),
        best_before=best_before,
    )


@dataclass(frozen=True)
class MemberStats:
    """A member's quiz history across every server, DMs and the shell."""

    started: int
    finished: int
    unfinished: int
    in_progress: bool
    best_score: int | None
    themes: tuple[ThemeScore, ...]
    weakest: tuple[ThemeScore, ...]
    untried: tuple[str, ...]  # themes of the current bank the member has never been asked about

    @property
    def answered(self) -> int:
        return sum(s.asked for s in self.themes)

    @property
    def right(self) -> int:
        return sum(s.right for s in self.themes)


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user_id: int
    best_score: int | None  # None: played here but never finished a quiz
    answered: int  # questions answered (not skipped) in quizzes started in this server
    finished: int


def rank(rows: Iterable[tuple[int, int | None, int, int]]) -> list[LeaderboardRow]:
    """Order ``(user_id, best_score, answered, finished)`` by best score, then questions answered.

    Members with equal best score and answered count share a rank.
    """
    ordered = sorted(rows, key=lambda r: (-(r[1] if r[1] is not None else -1), -r[2], r[0]))
    ranked: list[LeaderboardRow] = []
    for index, (user_id, best, answered, finished) in enumerate(ordered):
        previous = ranked[-1] if ranked else None
        same = previous is not None and (previous.best_score, previous.answered) == (best, answered)
        position = previous.rank if same and previous is not None else index + 1
        ranked.append(LeaderboardRow(position, user_id, best, answered, finished))
    return ranked


@dataclass(frozen=True)
class QuestionScreen:
    """A question waiting for an answer; ``order`` is the button order (option indexes in file order)."""

    session_id: int
    position: int
    total: int
    question: QuizQuestion
    order: tuple[int, ...]
    #: Said above the first question when the quiz is shorter than asked for (see :func:`shortfall_notice`).
    notice: str | None = None


@dataclass(frozen=True)
class ResultScreen:
    """An answered question: right or wrong, the right option and the explanation."""

    session_id: int
    position: int
    total: int
    question: QuizQuestion
    chosen: int | None
    outcome: Outcome
    ended: bool  # the quiz is over: the next step is the summary, not another question


@dataclass(frozen=True)
class SummaryScreen:
    summary: QuizSummary


Screen = QuestionScreen | ResultScreen | SummaryScreen
