"""Which drill to practise next: the ones that exercise the signals a member's answers show least.

Every judged answer (a practice answer, an answer in a mock interview, a reply to a follow-up) says, for
each signal it was judged on, whether the answer showed it. From those observations each signal gets a
*weakness*: the share of answers that missed it, smoothed so one answer does not decide everything,
``(missed + 1) / (asked + 2)``. A signal never asked for sits at 0.5, between one miss (0.67) and one
hit (0.33). A drill is as urgent as its weakest signal (then the mean of its signals); equal drills are
ordered by a hash of the seed and the drill id, so the same history and seed always give the same
choice, and a new answer (a new seed) can break a tie differently. Each pick says why it was chosen,
naming the signal and the counts behind it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.drills.content import Drill, Signal


@dataclass(frozen=True)
class Observation:
    """One signal in one judged answer: was it shown?"""

    signal_id: str
    shown: bool
    at: dt.datetime


@dataclass(frozen=True)
class SignalTally:
    """How often a member's answers showed a signal when they were judged on it."""

    signal_id: str
    shown: int = 0
    asked: int = 0

    @property
    def weakness(self) -> float:
        return (self.asked - self.shown + 1) / (self.asked + 2)


@dataclass(frozen=True)
class Pick:
    """A chosen drill, the signal that decided it, and the sentence that explains the choice."""

    drill: Drill
    signal: Signal
    tally: SignalTally
    reason: str


def observations_of(feedback: Mapping[str, object], at: dt.datetime) -> list[Observation]:
    """The observations in one stored feedback (the shape ``Feedback.to_json`` writes)."""

    def ids(key: str) -> list[str]:
        findings = feedback.get(key)
        return [str(f["id"]) for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []

    found = [Observation(signal, True, at) for signal in ids("signals_found")]
    return found + [Observation(signal, False, at) for signal in ids("signals_missing")]


def tally(observations: Iterable[Observation]) -> dict[str, SignalTally]:
    counts: dict[str, SignalTally] = {}
    for seen in observations:
        old = counts.get(seen.signal_id, SignalTally(seen.signal_id))
        counts[seen.signal_id] = SignalTally(seen.signal_id, old.shown + seen.shown, old.asked + 1)
    return counts


def reason(signal: Signal, counts: SignalTally) -> str:
    """Why a drill was chosen, in the member's terms."""
    if counts.asked == 0:
        return f"Chosen because you haven't been judged on “{signal.name}” yet."
    share = f"shown in {counts.shown} of {counts.asked} answer{'s' if counts.asked != 1 else ''}"
    if counts.shown * 2 < counts.asked or counts.shown == 0:
        return f"Chosen because your answers rarely show “{signal.name}” ({share})."
    if counts.shown < counts.asked:
        return f"Chosen because your answers don't always show “{signal.name}” ({share})."
    return f"Chosen to keep “{signal.name}” sharp ({share})."


def _tie_break(seed: str, drill_id: str) -> str:
    return hashlib.sha256(f"{seed}:{drill_id}".encode()).hexdigest()


def choose(drills: Sequence[Drill], counts: Mapping[str, SignalTally], count: int, seed: str) -> list[Pick]:
    """Up to ``count`` distinct drills, the ones whose signals the member's answers show least first."""

    def weakest(drill: Drill) -> Signal:
        # The first most-missed signal: signals are listed most important first.
        return max(drill.signals, key=lambda s: counts.get(s.id, SignalTally(s.id)).weakness)

    def key(drill: Drill) -> tuple[float, float, str]:
        weaknesses = [counts.get(s.id, SignalTally(s.id)).weakness for s in drill.signals]
        return (-max(weaknesses), -sum(weaknesses) / len(weaknesses), _tie_break(seed, drill.id))

    ordered = sorted({d.id: d for d in drills}.values(), key=key)[:count]
    picks = []
    for drill in ordered:
        signal = weakest(drill)
        counted = counts.get(signal.id, SignalTally(signal.id))
        picks.append(Pick(drill, signal, counted, reason(signal, counted)))
    return picks
