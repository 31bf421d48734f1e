"""Matching answers against conditions, and proving an ordered rule list total and free of dead rules.

The answer space is the product of every question's choices: small enough to enumerate, but
enumerating it combination by combination in Python on every knowledge reload would cost a noticeable
fraction of a second. Instead each set of combinations is a Python ``int`` used as a bitset (bit ``i``
is combination ``i`` in mixed-radix order), so "which combinations does this rule decide" is a handful
of big-integer ANDs, and the whole analysis takes milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Answers = Mapping[str, str]

#: Refuse to analyse answer spaces above this many combinations (the bitsets would not fit in memory).
MAX_COMBINATIONS = 1 << 22


@dataclass(frozen=True)
class Condition:
    """A rule's or note's ``when``: for each named question, the answers that match. Others match anything."""

    allowed: Mapping[str, frozenset[str]]

    def matches(self, answers: Answers) -> bool:
        return all(answers.get(question) in values for question, values in self.allowed.items())


class AnswerSpace:
    """Every combination of answers to ``questions`` (id -> choice values), addressable as bitsets."""

    def __init__(self, questions: Sequence[tuple[str, Sequence[str]]]) -> None:
        self.questions = tuple((qid, tuple(values)) for qid, values in questions)
        self.size = math.prod(len(values) for _, values in self.questions)
        strides = []
        stride = 1
        for _, values in reversed(self.questions):
            strides.append(stride)
            stride *= len(values)
        self._strides = tuple(reversed(strides))
        self.everything = (1 << self.size) - 1

    def matching(self, condition: Condition) -> int:
        """The combinations ``condition`` matches; questions outside this space are ignored."""
        bits = self.everything
        for (qid, values), stride in zip(self.questions, self._strides, strict=True):
            wanted = condition.allowed.get(qid)
            if wanted is None:
                continue
            column = 0
            for index, value in enumerate(values):
                if value in wanted:
                    column |= self._digit_equals(index, len(values), stride)
            bits &= column
        return bits

    def combination(self, index: int) -> dict[str, str]:
        """The answers of combination number ``index``."""
        answers = {}
        for (qid, values), stride in zip(self.questions, self._strides, strict=True):
            answers[qid] = values[(index // stride) % len(values)]
        return answers

    def _digit_equals(self, digit: int, radix: int, stride: int) -> int:
        """Bits of every combination whose answer at this position is choice ``digit``.

        Within each period of ``radix * stride`` combinations, that answer holds for one block of
        ``stride`` consecutive ones; multiplying the block by a repunit in base ``2**period`` repeats it.
        """
        period = radix * stride
        block = ((1 << stride) - 1) << (digit * stride)
        repeats = self.size // period
        return block * (((1 << (repeats * period)) - 1) // ((1 << period) - 1))


@dataclass(frozen=True)
class Coverage:
    """What an ordered rule list does with the answer space."""

    #: Per rule (by position), the earlier rules that between them catch everything it matches; empty
    #: when the rule decides at least one combination itself.
    shadowed_by: tuple[tuple[int, ...], ...]
    #: Per rule, the combinations it decides (a bitset of the space).
    decided: tuple[int, ...]
    #: How many combinations reach no rule, and one of them as an example.
    uncovered: int
    example: dict[str, str] | None

    def unreachable(self) -> list[int]:
        return [i for i, earlier in enumerate(self.shadowed_by) if earlier]


def analyse(space: AnswerSpace, conditions: Sequence[Condition]) -> Coverage:
    """Apply first-match-wins over the whole space: which rules are dead, and what falls through."""
    remaining = space.everything
    decided: list[int] = []
    shadowed: list[tuple[int, ...]] = []
    for condition in conditions:
        matched = space.matching(condition)
        own = matched & remaining
        decided.append(own)
        shadowed.append(() if own else tuple(j for j, earlier in enumerate(decided[:-1]) if earlier & matched))
        remaining &= ~own
    example = None
    if remaining:
        lowest = (remaining & -remaining).bit_length() - 1
        example = space.combination(lowest)
    return Coverage(tuple(shadowed), tuple(decided), remaining.bit_count(), example)


def first_match(conditions: Sequence[Condition], answers: Answers) -> int | None:
    """Position of the first condition that matches ``answers`` (the rule that decides), if any."""
    for index, condition in enumerate(conditions):
        if condition.matches(answers):
            return index
    return None
