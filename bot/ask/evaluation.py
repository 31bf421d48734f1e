"""How well asking answers what members really ask: the evaluation behind ``pmpo-bot eval``.

Ten sets of questions, each written from the source articles and a list of intents only, never from the
entries, by someone who had not seen the other sets (:data:`SETS`): ``members`` is split in halves, ``dev``
may be looked at and tuned on, ``test`` is only measured; ``more`` (wider phrasing: words the articles never
use, claims instead of questions, mixed languages) is split two thirds ``tune``, one third ``check``, and
``check`` says whether a change made on the tuning splits generalises; ``fresh`` is split into ``dev`` and
``test`` like ``members``; ``fresh2``, ``fresh3``, ``fresh5``, ``fresh6``, ``fresh7`` and ``fresh8`` are each
one held-out split, ``test2``, ``test3``, ``test5``, ``test6``, ``test7`` and ``test8``, never tuned on; ``fresh4``
is one split, ``dev``, written blind like the others but to be tuned on, a fresh source of real-wording misses.
An answerable question counts when the bot answers it with an entry whose title and answer contain its key fact
(every group of regular expressions matches); a question to refuse counts when the bot gives no answer,
reported separately for near-domain, off-topic and generic questions.

Leave-one-out asks each entry's (and topic's) own example questions with that question taken out of it:
a measure of search that needs no eval set at all, so search constants are tuned on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.ask.content import NotCoveredTopic
from bot.ask.engine import Answer
from bot.ask.search import SearchIndex
from bot.ask.semantic import Memo
from bot.knowledge.entries import Entry

#: The kinds of question a member may ask that the bot must decline, each reported on its own.
REFUSE_KINDS = ("near-domain", "off-topic", "generic")


@dataclass(frozen=True)
class EvalSet:
    """One evaluation file and its splits: the one tuned on first, then the one only measured (if any). A set
    of one split is either wholly held out (``first_tuned_on=False``: fresh2, fresh3, fresh5 to fresh8) or
    wholly tuned on (fresh4)."""

    file: str
    splits: tuple[str, ...]
    #: Whether the first split may be tuned on (its misses listed by default).
    first_tuned_on: bool = True


#: The evaluation sets, by the name ``pmpo-bot eval --set`` takes; files relative to the project folder.
SETS = {
    "members": EvalSet("tests/eval/member_questions.yaml", ("dev", "test")),
    "more": EvalSet("tests/eval/member_questions_more.yaml", ("tune", "check")),
    "fresh": EvalSet("tests/eval/member_questions_fresh.yaml", ("dev", "test")),
    "fresh2": EvalSet("tests/eval/member_questions_fresh2.yaml", ("test2",), first_tuned_on=False),
    "fresh3": EvalSet("tests/eval/member_questions_fresh3.yaml", ("test3",), first_tuned_on=False),
    "fresh4": EvalSet("tests/eval/member_questions_fresh4.yaml", ("dev",)),
    "fresh5": EvalSet("tests/eval/member_questions_fresh5.yaml", ("test5",), first_tuned_on=False),
    "fresh6": EvalSet("tests/eval/member_questions_fresh6.yaml", ("test6",), first_tuned_on=False),
    "fresh7": EvalSet("tests/eval/member_questions_fresh7.yaml", ("test7",), first_tuned_on=False),
    "fresh8": EvalSet("tests/eval/member_questions_fresh8.yaml", ("test8",), first_tuned_on=False),
}
SPLITS = tuple(dict.fromkeys(split for eval_set in SETS.values() for split in eval_set.splits))  # each name once


@dataclass(frozen=True)
class Case:
    question: str
    intent: str
    expect: str  # "answer" or "refuse"
    split: str
    #: Answerable questions: groups of alternatives, every group must match the answer (IGNORECASE).
    facts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Outcome:
    case: Case
    passed: bool
    #: What the bot did: an entry id, or "refused (reason[: topic])".
    got: str


@dataclass(frozen=True)
class Score:
    passed: int
    asked: int

    @property
    def share(self) -> float:
        return self.passed / self.asked if self.asked else 0.0

    def text(self) -> str:
        return f"{self.share:.1%} ({self.passed}/{self.asked})"


@dataclass(frozen=True)
class Report:
    split: str
    outcomes: tuple[Outcome, ...] = field(repr=False)

    def _score(self, keep: Callable[[Outcome], bool]) -> Score:
        chosen = [o for o in self.outcomes if keep(o)]
        return Score(sum(o.passed for o in chosen), len(chosen))

    @property
    def answered(self) -> Score:
        """Answerable questions answered with an entry holding the key fact."""
        return self._score(lambda o: o.case.expect == "answer")

    def refused(self, kind: str) -> Score:
        return self._score(lambda o: o.case.expect == "refuse" and o.case.intent == kind)

    def by_intent(self) -> dict[str, Score]:
        intents = dict.fromkeys(o.case.intent for o in self.outcomes if o.case.expect == "answer")
        return {intent: self._score(lambda o, i=intent: o.case.intent == i) for intent in intents}  # type: ignore[misc]

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    def to_json(self) -> dict[str, Any]:
        def score(s: Score) -> dict[str, Any]:
            return {"passed": s.passed, "asked": s.asked, "share": round(s.share, 4)}

        return {
            "split": self.split,
            "answered_with_key_fact": score(self.answered),
            "refused": {kind: score(self.refused(kind)) for kind in REFUSE_KINDS},
            "by_intent": {intent: score(s) for intent, s in self.by_intent().items()},
            "misses": [
                {"question": o.case.question, "intent": o.case.intent, "expect": o.case.expect, "got": o.got}
                for o in self.misses
            ],
        }


def parse_cases(data: Mapping[str, Any]) -> list[Case]:
    """The cases of a member-questions file (see its header for the format)."""
    return [
        Case(
            question=raw["q"],
            intent=raw["intent"],
            expect=raw["expect"],
            split=raw["split"],
            facts=tuple(tuple(group) for group in raw.get("facts", ())),
        )
        for raw in data["questions"]
    ]


def has_key_fact(entry: Entry, facts: Sequence[Sequence[str]]) -> bool:
    text = f"{entry.title}\n{entry.answer}"
    return all(any(re.search(pattern, text, re.IGNORECASE) for pattern in group) for group in facts)


def judge(case: Case, answer: Answer) -> Outcome:
    if answer.entry is not None:
        passed = case.expect == "answer" and has_key_fact(answer.entry, case.facts)
        return Outcome(case, passed, answer.entry.id)
    refusal = answer.refusal
    got = (
        "refused"
        if refusal is None
        else f"refused ({refusal.reason}{f': {refusal.topic.id}' if refusal.topic else ''})"
    )
    return Outcome(case, case.expect == "refuse", got)


def evaluate(cases: Iterable[Case], split: str, ask: Callable[[str], Answer]) -> Report:
    """Ask every case of ``split`` (``ask`` is what /ask would answer) and judge it."""
    return Report(split, tuple(judge(case, ask(case.question)) for case in cases if case.split == split))


@dataclass(frozen=True)
class LeaveOneOut:
    entries: Score
    topics: Score


def leave_one_out(
    entries: Sequence[Entry],
    topics: Sequence[NotCoveredTopic],
    synonyms: Mapping[str, Sequence[str]] | None = None,
    embed: Memo | None = None,
) -> LeaveOneOut:
    """Each example question taken out of its entry (or topic) and asked: does that document rank first?
    ``embed``: the semantic signal's embedder, as ``/ask`` has it (``bot.ask.semantic.shipped_memo``)."""

    def asked(position: int, items: Sequence[Any], rebuild: Callable[[list[Any]], SearchIndex]) -> Score:
        item = items[position]
        passed = 0
        for question in item.questions:
            without = replace(item, questions=tuple(q for q in item.questions if q != question))
            result = rebuild([*items[:position], without, *items[position + 1 :]]).search(question, limit=1)
            passed += bool(result.hits) and result.hits[0].item.id == item.id
        return Score(passed, len(item.questions))

    def total(scores: Iterable[Score]) -> Score:
        listed = list(scores)
        return Score(sum(s.passed for s in listed), sum(s.asked for s in listed))

    return LeaveOneOut(
        entries=total(
            asked(i, entries, lambda changed: SearchIndex(changed, topics, synonyms, embed=embed))
            for i in range(len(entries))
        ),
        topics=total(
            asked(i, topics, lambda changed: SearchIndex(entries, changed, synonyms, embed=embed))
            for i in range(len(topics))
        ),
    )
