"""The mock interview's pure rules: steps, which follow-up is asked and how its reply is judged, summaries,
progress per signal, and the adaptive choice of drills (``bot.drills.choice``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.drills import choice
from bot.drills.choice import Observation, SignalTally
from bot.drills.content import Drill, DrillBank
from bot.drills.feedback import Feedback, Finding
from bot.interview import engine
from bot.interview.engine import Answer, SessionScore
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(DrillBank)
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def drill(drill_id: str) -> Drill:
    return BANK.drills[drill_id]


def feedback(rating: str, shown: list[tuple[str, str]], missed: list[tuple[str, str]]) -> Feedback:
    return Feedback(
        rating,  # type: ignore[arg-type]
        tuple(Finding(i, n, "“quote”") for i, n in shown),
        tuple(Finding(i, n, "what it looks for") for i, n in missed),
        (),
        "Do this.",
    )


def test_most_drills_have_follow_ups_and_every_probe_names_one_of_its_signals() -> None:
    with_follow_ups = [d for d in BANK.drills.values() if d.follow_ups]
    assert len(with_follow_ups) >= 25
    for d in with_follow_ups:
        signals = {s.id for s in d.signals}
        assert all(set(f.probes) <= signals and f.probes for f in d.follow_ups), d.id


@pytest.mark.parametrize(
    ("step", "has_follow_up", "total", "expected"),
    [(0, True, 3, 1), (0, False, 3, 2), (1, True, 3, 2), (4, True, 3, 5), (5, True, 3, None), (4, False, 3, None)],
)
def test_steps_go_question_follow_up_next_question(
    step: int, has_follow_up: bool, total: int, expected: int | None
) -> None:
    assert engine.next_step(step, has_follow_up=has_follow_up, total=total) == expected


def test_the_follow_up_probes_what_the_answer_missed_else_the_first() -> None:
    d = drill("own-the-why")  # follow-ups probe [said-no, customer-evidence], [problem-worth-solving], ...
    every = {s.id for s in d.signals}
    assert engine.choose_follow_up(d, every) == 0
    assert engine.choose_follow_up(d, every - {"problem-worth-solving"}) == 1
    assert engine.choose_follow_up(d, every - {"customer-evidence", "problem-worth-solving"}) == 0
    assert engine.choose_follow_up(replace(d, follow_ups=()), set()) is None


def test_a_follow_up_reply_is_judged_on_the_probed_signals_only() -> None:
    d = drill("po-title-pm-scope")  # follow-up 0 probes counted-discovery
    reply = engine.judge(d, "I ran 12 customer interviews a quarter, and the fourth changed my mind on pricing.", 0)
    assert reply.rating == "strong"
    assert [f.id for f in reply.signals_found] == ["counted-discovery"] and reply.signals_missing == ()
    assert "12 customer interviews" in reply.signals_found[0].detail
    # The suggestion after a strong reply names another follow-up to prepare, not the one just answered.
    assert d.follow_ups[1].ask in reply.suggestion

    vague = engine.judge(d, "I talk to customers quite a lot, it is an important part of the job for me.", 0)
    assert vague.rating == "weak" and [f.id for f in vague.signals_missing] == ["counted-discovery"]
    assert vague.suggestion == next(s.tip for s in d.signals if s.id == "counted-discovery")


def test_a_two_signal_probe_needs_both_for_strong() -> None:
    d = drill("own-the-why")  # follow-up 0 probes said-no and customer-evidence
    one = engine.judge(d, "I said no to the reporting work and pushed back on sales, because it mattered less.", 0)
    assert one.rating == "mixed" and [f.id for f in one.signals_found] == ["said-no"]


def test_feedback_reads_back_as_it_was_stored() -> None:
    d = drill("killed-roadmap-bet")
    judged = engine.judge(d, d.strong_answer, None)
    assert engine.read_feedback(judged.to_json()) == judged


def test_signal_scores_strongest_weakest_and_the_session_score() -> None:
    a, b, c = ("a", "Signal A"), ("b", "Signal B"), ("c", "Signal C")
    answers = [
        Answer(0, "d1", None, feedback("strong", [a, b], [c])),
        Answer(1, "d1", 0, feedback("weak", [], [c])),
        Answer(2, "d2", None, feedback("mixed", [a], [b])),
    ]
    scores = engine.signal_scores(x.feedback for x in answers)
    assert [(s.signal_id, s.shown, s.asked) for s in scores] == [("a", 2, 2), ("b", 1, 2), ("c", 0, 2)]
    assert [s.signal_id for s in engine.strongest(scores)] == ["a", "b"]
    assert [s.signal_id for s in engine.weakest(scores)] == ["c", "b"]
    score = engine.session_score(7, NOW, "finished", answers)
    assert (score.shown, score.asked, score.percent, score.ratings) == (3, 6, 50, (1, 1, 0))

    summary = engine.summarise(
        score=score, theme=None, total=3, answers=answers, prompts={"d2": "Prompt two?"}, comparison=None
    )
    assert summary.follow_ups == (0, 0, 1)
    assert [(r.drill_id, r.prompt, r.rating) for r in summary.retry] == [("d2", "Prompt two?", "mixed")]


def test_comparison_with_the_previous_session_per_signal() -> None:
    now = engine.signal_scores([feedback("mixed", [("a", "A")], [("b", "B")]), feedback("mixed", [("c", "C")], [])])
    before = engine.signal_scores([feedback("mixed", [("b", "B")], [("a", "A")])])
    previous = SessionScore(1, NOW, "finished", 1, 2, (0, 1, 0))
    compared = engine.compare(now, previous, before)
    assert compared.improved == ("A",) and compared.slipped == ("B",) and compared.previous == previous


def test_progress_lists_the_weakest_signal_first_with_its_marks_in_order() -> None:
    marks = [("a", True), ("b", False), ("a", False), ("b", True), ("c", True), ("d", False)]
    found = engine.progress(marks, {"a": "A", "b": "B", "c": "C"})
    assert [(p.name, p.marks) for p in found] == [
        ("d", (False,)),  # a signal no longer in the bank keeps its id
        ("A", (True, False)),  # half shown, latest missed
        ("B", (False, True)),
        ("C", (True,)),
    ]


# -- adaptive choice ----------------------------------------------------------------------------------


def test_weakness_is_the_smoothed_miss_rate() -> None:
    assert SignalTally("x").weakness == 0.5
    assert SignalTally("x", shown=0, asked=1).weakness == pytest.approx(2 / 3)
    assert SignalTally("x", shown=1, asked=1).weakness == pytest.approx(1 / 3)


def test_observations_come_from_stored_feedback() -> None:
    d = drill("own-the-why")
    stored = engine.judge(d, d.weak_answer, None).to_json()
    seen = choice.observations_of(stored, NOW)
    assert {o.signal_id for o in seen} == {s.id for s in d.signals}
    assert choice.tally(seen)[d.signals[0].id].asked == 1


def test_choice_prefers_drills_with_missed_signals_then_untried_and_explains_why() -> None:
    missed = drill("discovery-practice")
    mastered = drill("own-the-why")
    observations = [Observation(s.id, s.id != "regular-cadence", NOW) for s in missed.signals]
    observations += [Observation(s.id, True, NOW) for s in mastered.signals]
    pool = [mastered, drill("killed-roadmap-bet"), missed]
    picks = choice.choose(pool, choice.tally(observations), 3, seed="1:8")
    assert [p.drill.id for p in picks] == ["discovery-practice", "killed-roadmap-bet", "own-the-why"]
    assert (
        picks[0].reason
        == "Chosen because your answers rarely show “A regular, counted cadence” (shown in 0 of 1 answer)."
    )
    assert picks[1].reason.startswith("Chosen because you haven't been judged on ")
    assert picks[2].reason.startswith("Chosen to keep ")


def test_choice_is_deterministic_and_the_seed_breaks_ties() -> None:
    pool = list(BANK.drills.values())
    first = [p.drill.id for p in choice.choose(pool, {}, 6, seed="42:0")]
    assert first == [p.drill.id for p in choice.choose(pool, {}, 6, seed="42:0")]
    others = {tuple(p.drill.id for p in choice.choose(pool, {}, 6, seed=f"42:{n}")) for n in range(1, 6)}
    assert len(others | {tuple(first)}) > 1
    assert len(set(first)) == 6
