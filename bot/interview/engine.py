"""The mock interview's rules as pure functions and plain values: no database, no Discord, no clock.

A session asks 3 to 6 drills. Its steps are numbered so a button can name one: step ``2 * i`` is drill
``i``'s question, step ``2 * i + 1`` its follow-up (drills without follow-ups have none). After the
question is answered, the interviewer probes: the first follow-up that probes a signal the answer did
not show, or, when the answer showed them all, the first follow-up, to go deeper.

A reply to a follow-up is judged by the same feedback engine, against the signals the follow-up probes
and nothing else (no general expectations, which a one-point reply cannot meet): all probed signals
shown is strong, some is mixed, none is weak, and a weak pattern next to a single probed signal (a red
flag, buzzwords) still makes it weak. The member sees which probed signals the reply showed, quoted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from bot.drills.content import Drill, FollowUp, Signal
from bot.drills.feedback import Feedback, Finding, Rating, assess
from bot.sessions.engine import Status

#: How many questions a mock interview can have, and how many it has when the member doesn't say.
QUESTIONS = (3, 4, 5, 6)
DEFAULT_QUESTIONS = 4
#: Strongest and weakest signals a summary names.
SUMMARY_SIGNALS = 3
RATINGS: tuple[Rating, ...] = ("strong", "mixed", "weak")
Next = Literal["follow-up", "question", "summary"]


@dataclass(frozen=True)
class PlanItem:
    """One question of a session, fixed at its start with the reason it was chosen."""

    drill_id: str
    reason: str


@dataclass(frozen=True)
class Answer:
    """One judged answer: to a drill's question (``follow_up`` None) or to its follow-up number ``follow_up``."""

    step: int
    drill_id: str
    follow_up: int | None
    feedback: Feedback


# -- steps ------------------------------------------------------------------------------------------


def question_step(index: int) -> int:
    return 2 * index


def question_index(step: int) -> int:
    return step // 2


def is_follow_up(step: int) -> bool:
    return step % 2 == 1


def next_step(step: int, *, has_follow_up: bool, total: int) -> int | None:
    """The step after ``step``: its follow-up, the next question, or None after the last."""
    if not is_follow_up(step) and has_follow_up:
        return step + 1
    following = question_index(step) + 1
    return question_step(following) if following < total else None


def choose_follow_up(drill: Drill, shown: Collection[str]) -> int | None:
    """The follow-up to ask after an answer that showed the signals ``shown``: the first that probes a
    missing signal, else the first; None when the drill has no follow-ups."""
    for index, follow_up in enumerate(drill.follow_ups):
        if any(signal not in shown for signal in follow_up.probes):
            return index
    return 0 if drill.follow_ups else None


def probed_signals(drill: Drill, follow_up: FollowUp) -> tuple[Signal, ...]:
    return tuple(s for s in drill.signals if s.id in follow_up.probes)


def judge(drill: Drill, answer: str, follow_up: int | None) -> Feedback:
    """Feedback on an answer to the drill's question, or on a reply to its follow-up ``follow_up``."""
    if follow_up is None:
        return assess(drill, answer)
    asked = drill.follow_ups[follow_up]
    probe = replace(
        drill,
        signals=probed_signals(drill, asked),
        expects=(),
        follow_ups=tuple(f for f in drill.follow_ups if f is not asked),
    )
    return assess(probe, answer)


def shown_ids(feedback: Feedback) -> set[str]:
    return {finding.id for finding in feedback.signals_found}


def read_feedback(data: Mapping[str, Any]) -> Feedback:
    """A feedback back from the shape ``Feedback.to_json`` stored."""

    def findings(key: str) -> tuple[Finding, ...]:
        return tuple(Finding(f["id"], f["name"], f["detail"]) for f in data.get(key, ()))

    return Feedback(
        rating=cast(Rating, data["rating"]),
        signals_found=findings("signals_found"),
        signals_missing=findings("signals_missing"),
        weak_patterns=findings("weak_patterns"),
        suggestion=str(data["suggestion"]),
    )


# -- screens ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptScreen:
    """A question or follow-up waiting for the member's answer."""

    session_id: int
    step: int
    total: int
    drill: Drill
    follow_up: FollowUp | None
    #: Why the drill was chosen (questions only).
    reason: str | None
    #: The follow-up's probed signals that the answer to the question did not show.
    missed: tuple[Signal, ...] = ()

    @property
    def number(self) -> int:
        return question_index(self.step) + 1


@dataclass(frozen=True)
class FeedbackScreen:
    """An answer just judged, and what comes next."""

    session_id: int
    step: int
    total: int
    drill: Drill
    follow_up: FollowUp | None
    feedback: Feedback
    next: Next

    @property
    def number(self) -> int:
        return question_index(self.step) + 1


# -- summaries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalScore:
    """How often a signal was shown in the answers judged on it."""

    signal_id: str
    name: str
    shown: int
    asked: int

    @property
    def ratio(self) -> float:
        return self.shown / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class Retry:
    drill_id: str
    prompt: str
    rating: Rating


@dataclass(frozen=True)
class SessionScore:
    """A session's answers in figures: signals shown of those judged, and the ratings of its questions."""

    session_id: int
    started_at: dt.datetime
    status: Status
    shown: int
    asked: int
    #: Ratings of the answers to questions (not follow-ups): strong, mixed, weak.
    ratings: tuple[int, int, int]

    @property
    def percent(self) -> int:
        return round(100 * self.shown / self.asked) if self.asked else 0

    @property
    def answered(self) -> int:
        return sum(self.ratings)


@dataclass(frozen=True)
class Comparison:
    """This session against the member's previous finished one."""

    previous: SessionScore
    #: Signals judged in both sessions, by name, shown more often now / less often now.
    improved: tuple[str, ...]
    slipped: tuple[str, ...]


@dataclass(frozen=True)
class InterviewSummary:
    score: SessionScore
    theme: str | None
    total: int
    follow_ups: tuple[int, int, int]
    strongest: tuple[SignalScore, ...]
    weakest: tuple[SignalScore, ...]
    retry: tuple[Retry, ...]
    comparison: Comparison | None


@dataclass(frozen=True)
class SummaryScreen:
    summary: InterviewSummary


Screen = PromptScreen | FeedbackScreen | SummaryScreen


def signal_scores(feedbacks: Iterable[Feedback]) -> list[SignalScore]:
    """Per signal, in the order first judged: how many of the answers judged on it showed it."""
    names: dict[str, str] = {}
    shown: dict[str, int] = {}
    asked: dict[str, int] = {}
    for feedback in feedbacks:
        for finding, was_shown in [(f, True) for f in feedback.signals_found] + [
            (f, False) for f in feedback.signals_missing
        ]:
            names.setdefault(finding.id, finding.name)
            asked[finding.id] = asked.get(finding.id, 0) + 1
            shown[finding.id] = shown.get(finding.id, 0) + was_shown
    return [SignalScore(signal, names[signal], shown[signal], asked[signal]) for signal in names]


def strongest(scores: Sequence[SignalScore], limit: int = SUMMARY_SIGNALS) -> list[SignalScore]:
    """Signals shown, the highest share first, then the most often (ties keep the order judged)."""
    return sorted((s for s in scores if s.shown), key=lambda s: (-s.ratio, -s.shown))[:limit]


def weakest(scores: Sequence[SignalScore], limit: int = SUMMARY_SIGNALS) -> list[SignalScore]:
    """Signals missed, the lowest share first, then the most often missed."""
    return sorted((s for s in scores if s.shown < s.asked), key=lambda s: (s.ratio, s.shown - s.asked))[:limit]


def _ratings(feedbacks: Iterable[Feedback]) -> tuple[int, int, int]:
    given = [f.rating for f in feedbacks]
    strong, mixed, weak = (given.count(rating) for rating in RATINGS)
    return strong, mixed, weak


def session_score(session_id: int, started_at: dt.datetime, status: Status, answers: Sequence[Answer]) -> SessionScore:
    scores = signal_scores(a.feedback for a in answers)
    return SessionScore(
        session_id=session_id,
        started_at=started_at,
        status=status,
        shown=sum(s.shown for s in scores),
        asked=sum(s.asked for s in scores),
        ratings=_ratings(a.feedback for a in answers if a.follow_up is None),
    )


def compare(
    current: Sequence[SignalScore], previous: SessionScore, previous_scores: Sequence[SignalScore]
) -> Comparison:
    before = {s.signal_id: s for s in previous_scores}
    both = [(s, before[s.signal_id]) for s in current if s.signal_id in before]
    return Comparison(
        previous=previous,
        improved=tuple(now.name for now, then in both if now.ratio > then.ratio),
        slipped=tuple(now.name for now, then in both if now.ratio < then.ratio),
    )


def summarise(
    *,
    score: SessionScore,
    theme: str | None,
    total: int,
    answers: Sequence[Answer],
    prompts: Mapping[str, str],
    comparison: Comparison | None,
) -> InterviewSummary:
    """The end screen. ``prompts`` maps drill ids to their question, for the drills to retry."""
    scores = signal_scores(a.feedback for a in answers)
    order = {rating: index for index, rating in enumerate(("weak", "mixed"))}
    retry = sorted(
        (a for a in answers if a.follow_up is None and a.feedback.rating != "strong"),
        key=lambda a: (order[a.feedback.rating], a.step),
    )
    return InterviewSummary(
        score=score,
        theme=theme,
        total=total,
        follow_ups=_ratings(a.feedback for a in answers if a.follow_up is not None),
        strongest=tuple(strongest(scores)),
        weakest=tuple(weakest(scores)),
        retry=tuple(Retry(a.drill_id, prompts.get(a.drill_id, a.drill_id), a.feedback.rating) for a in retry),
        comparison=comparison,
    )


# -- history ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalProgress:
    """One signal over time: shown or not in each answer judged on it, oldest first."""

    signal_id: str
    name: str
    marks: tuple[bool, ...]

    @property
    def shown(self) -> int:
        return sum(self.marks)

    @property
    def asked(self) -> int:
        return len(self.marks)


@dataclass(frozen=True)
class History:
    """``/interview history``: the member's sessions (newest first) and every signal they were judged on,
    the weakest first, from interview answers and practice answers alike."""

    sessions: tuple[SessionScore, ...]
    signals: tuple[SignalProgress, ...]


def progress(marks: Iterable[tuple[str, bool]], names: Mapping[str, str]) -> list[SignalProgress]:
    """Per signal, its marks in the order given (oldest first); the weakest first (lowest share shown,
    then the latest mark a miss, then the most answers), then by name."""
    per_signal: dict[str, list[bool]] = {}
    for signal, shown in marks:
        per_signal.setdefault(signal, []).append(shown)
    found = [SignalProgress(s, names.get(s, s), tuple(m)) for s, m in per_signal.items()]
    return sorted(found, key=lambda p: (p.shown / p.asked, p.marks[-1], -p.asked, p.name.lower()))
