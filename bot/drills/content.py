"""The drill bank as typed objects: drills (one file per theme under ``knowledge/drills/``), their signals,
red flags and example answers.

Each drill carries everything the bot shows and everything the feedback engine needs: the signals a strong
answer shows (with the cue phrases that detect them), a strong and a weak example, follow-ups.
``bot.drills.kind`` reads and validates the files into these objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.knowledge.base import Origin

#: What anyone asking for a drill is told when the bank has none.
EMPTY_BANK = "There are no drills yet: add some under knowledge/drills/ (see the README)."


@dataclass(frozen=True)
class Signal:
    """Something a strong answer shows; ``looks_for`` is shown to members, ``cues`` drive detection."""

    id: str
    name: str
    looks_for: str
    cues: tuple[str, ...]
    tip: str


@dataclass(frozen=True)
class RedFlag:
    """A drill-specific weak pattern, e.g. pitching roadmap ownership for a team-level SAFe PO role."""

    id: str
    name: str
    cues: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class FollowUp:
    """A question an interviewer asks next to probe an answer, and the drill's signals a good reply shows.

    The mock interview judges the reply against ``probes`` only, so a follow-up says what it tests."""

    ask: str
    probes: tuple[str, ...]


@dataclass(frozen=True)
class Drill:
    id: str
    theme: str
    prompt: str
    situation: str
    signals: tuple[Signal, ...]
    expects: tuple[str, ...]
    red_flags: tuple[RedFlag, ...]
    strong_answer: str
    strong_shows: tuple[str, ...]
    weak_answer: str
    weak_why: str
    follow_ups: tuple[FollowUp, ...]
    related: tuple[str, ...]
    origin: Origin = field(compare=False, repr=False)


@dataclass
class DrillBank:
    """All drills by id, in file order."""

    drills: dict[str, Drill] = field(default_factory=dict)

    def themes(self) -> list[str]:
        return sorted({d.theme for d in self.drills.values()})

    def in_theme(self, theme: str) -> list[Drill]:
        return [d for d in self.drills.values() if d.theme == theme]

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"drills": self.drills}
