"""Feedback on a practice answer: deterministic, explainable, and free of Discord.

Every verdict can be traced to words in the answer. The engine combines

* the drill's own **signals** (from its YAML): a signal counts as shown when one of its cue phrases
  matches, and the matched words are quoted back as evidence;
* **general detectors** that hold for every interview answer: specific numbers, ownership language
  ("I decided", "I killed", "I owned"), outcome metrics (retention, revenue, "business outcome"), and
  execution-only vocabulary (backlog, ceremonies, tickets, stakeholders);
* the drill's **red flags**, drill-specific weak patterns.

Rating, in words a member can check against the feedback they see:

* **weak**: the answer describes only execution (two or more execution terms, no drill signal, no
  owned decision, no outcome; only for drills that expect an owned decision or an outcome metric),
  or shows fewer than a third of the drill's signals;
* **strong**: at least 60% of the signals and no weak pattern at all;
* **mixed**: everything in between.

The suggestion is the single most useful next step, in a fixed order of priority: leave execution-only
territory, fix a red flag, add the first missing signal (signals are listed in order of importance),
add what a general check missed, write more; a strong answer gets a follow-up question to prepare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.drills.content import Drill
from bot.drills.cues import Token, compile_cue, first_match, tokenize

Rating = Literal["strong", "mixed", "weak"]

#: Fewer words than this cannot show enough to be strong, whatever they say.
MIN_WORDS = 25
STRONG_SHARE = 0.6
#: Distinct execution terms it takes to call an answer execution-only; one "user stories" is not a pattern.
EXECUTION_TERMS = 2
WEAK_SHARE = 1 / 3

OWNERSHIP_CUES = (
    "i .. decid/kill/chose/choos/cut/drop/stop/shelv/cancel/descop*/depriorit*/pivot/veto/scrap*/own",
    "i .. made/make .. call/decision",
    "i .. push/pushed back",
    "i .. said/say no",
    "i .. defin*/set .. metric*/goal/target/kpi*/outcome/success",
    "my call/decision/bet",
    "call was mine",
    "decision was mine",
    "i was accountable",
    "i .. took/take the decision",
    "the one who decid",
)
OUTCOME_CUES = (
    "retention/churn/conversion/revenue/activation/adoption/arr/mrr/nps/ltv/margin/renewal*/upsell*",
    "business outcome*",
    "outcome metric*",
    "unit economics",
    "lifetime value",
    "time to value",
    "willing* to pay",
    "pay for",
    "cost to serve",
    "win rate",
    "active user*",
)
EXECUTION_CUES = (
    "backlog*",
    "ceremon*",
    "ticket*",
    "stakeholder*",
    "user stor*",
    "sprint*",
    "groom*",
    "refinement",
    "standup*",
    "stand up/ups",
    "jira",
    "acceptance criteria",
    "velocity",
    "story point*",
    "retro*",
    "requirement*",
)


@dataclass(frozen=True)
class Finding:
    """One line of feedback: what it is and why it was (or was not) found, in the answer's own words."""

    id: str
    name: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "detail": self.detail}


@dataclass(frozen=True)
class Feedback:
    rating: Rating
    signals_found: tuple[Finding, ...]
    signals_missing: tuple[Finding, ...]
    weak_patterns: tuple[Finding, ...]
    suggestion: str

    def to_json(self) -> dict[str, Any]:
        """The shape ``pmpo-bot drill score --json`` prints and the database stores."""
        return {
            "rating": self.rating,
            "signals_found": [f.to_json() for f in self.signals_found],
            "signals_missing": [f.to_json() for f in self.signals_missing],
            "weak_patterns": [f.to_json() for f in self.weak_patterns],
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class _Detector:
    id: str
    name: str
    cues: tuple[str, ...]
    #: Why its absence matters, shown as the weak pattern's detail when a drill expects it.
    missing: str
    tip: str

    def detect(self, tokens: list[Token], text: str) -> str | None:
        return first_match(self.cues, tokens, text)


GENERAL: dict[str, _Detector] = {
    "numbers": _Detector(
        "no-numbers",
        "No numbers",
        ("#",),
        "Nothing is counted or measured, so the interviewer has to take the scope on trust.",
        "Put a number on it: how many customer interviews, how many bets you stopped, how much a metric moved.",
    ),
    "owned-decision": _Detector(
        "no-owned-decision",
        "No decision you owned",
        OWNERSHIP_CUES,
        "Nothing says which call was yours ('I decided', 'I killed', 'I owned'); 'we' and 'helped' hide it.",
        "Name one decision that was yours and say it in the first person: 'I decided…', 'I killed…'.",
    ),
    "outcome-metric": _Detector(
        "no-outcome-metric",
        "No outcome metric",
        OUTCOME_CUES,
        "Success is described as output (shipped, delivered) rather than a business outcome.",
        "Say how you measured success as a business outcome, e.g. retention, conversion or revenue, not 'shipped'.",
    ),
}
_EXECUTION_ONLY = Finding(
    "execution-only",
    "Describes only execution",
    "Backlog, ceremonies, tickets and stakeholders say how the work got done, not which problem you chose "
    "or what it changed for the business.",
)
_EXECUTION_TIP = (
    "Swap the list of tasks for one story: a problem you decided was worth solving, why, and what happened."
)
_TOO_SHORT = Finding(
    "too-short", "Too short", f"Under {MIN_WORDS} words can't carry a situation, a decision and a result."
)
_TOO_SHORT_TIP = "Expand it to four to six sentences: the situation, your decision, the evidence, the result."


def judges_execution(drill: Drill) -> bool:
    """Execution-only is a weak pattern only where the drill asks for PM-level judgment.

    For a team-level SAFe PO role, backlog, stories and acceptance *are* the job; flagging them there
    would push members towards the very mismatch those drills warn about.
    """
    return "owned-decision" in drill.expects or "outcome-metric" in drill.expects


def assess(drill: Drill, answer: str) -> Feedback:
    """Judge ``answer`` to ``drill``; pure and deterministic, so the same answer always gets the same verdict."""
    text = answer.strip()
    tokens = tokenize(text)
    found: list[Finding] = []
    missing: list[Finding] = []
    signal_tips: list[str] = []
    for signal in drill.signals:
        evidence = first_match(signal.cues, tokens, text)
        if evidence is not None:
            found.append(Finding(signal.id, signal.name, f"“{evidence}”"))
        else:
            missing.append(Finding(signal.id, signal.name, signal.looks_for))
            signal_tips.append(signal.tip)

    general = {key: detector.detect(tokens, text) for key, detector in GENERAL.items()}
    patterns: list[Finding] = []
    first_tips: list[str] = []  # execution-only and red flags outrank a missing signal
    last_tips: list[str] = []  # general checks and length come after it
    execution_terms = sum(compile_cue(cue).search(tokens) is not None for cue in EXECUTION_CUES)
    execution_only = (
        judges_execution(drill)
        and execution_terms >= EXECUTION_TERMS
        and not found
        and general["owned-decision"] is None
        and general["outcome-metric"] is None
    )
    if execution_only:
        patterns.append(_EXECUTION_ONLY)
        first_tips.append(_EXECUTION_TIP)
    for flag in drill.red_flags:
        evidence = first_match(flag.cues, tokens, text)
        if evidence is not None:
            patterns.append(Finding(flag.id, flag.name, f"“{evidence}”: {flag.why}"))
            first_tips.append(f"Rework “{evidence}”: {flag.why}")
    for key in drill.expects:
        if general[key] is None:
            detector = GENERAL[key]
            patterns.append(Finding(detector.id, detector.name, detector.missing))
            last_tips.append(detector.tip)
    if len(tokens) < MIN_WORDS:
        patterns.append(_TOO_SHORT)
        last_tips.append(_TOO_SHORT_TIP)
    tips = first_tips + signal_tips[:1] + last_tips

    share = len(found) / len(drill.signals)
    rating: Rating
    if execution_only or share < WEAK_SHARE:
        rating = "weak"
    elif share >= STRONG_SHARE and not patterns:
        rating = "strong"
    else:
        rating = "mixed"
    suggestion = tips[0] if tips else f"Strong answer. Now prepare the follow-up: {drill.follow_ups[0]}"
    return Feedback(rating, tuple(found), tuple(missing), tuple(patterns), suggestion)
