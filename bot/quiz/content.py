"""The question bank as typed objects: questions, their options and points, grouped by theme.

``bot.quiz.kind`` reads and validates ``knowledge/quiz/*.yaml`` into these; the engine, the service and
every front end use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.knowledge.base import Origin

Difficulty = Literal["easy", "medium", "hard"]

#: Harder questions are worth more, so a quiz of hard questions can beat a lucky run of easy ones.
POINTS: Mapping[str, int] = {"easy": 1, "medium": 2, "hard": 3}


@dataclass(frozen=True)
class QuizOption:
    text: str
    correct: bool


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    theme: str
    difficulty: Difficulty
    question: str
    options: tuple[QuizOption, ...]
    explanation: str
    entry: str | None
    origin: Origin = field(compare=False, repr=False)

    @property
    def correct_index(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.correct)

    @property
    def points(self) -> int:
        return POINTS[self.difficulty]


def theme_key(name: str) -> str:
    """Case, spacing and punctuation do not make two theme names different ("in-practice-by-company")."""
    return "-".join(re.sub(r"[^\w\s]", " ", name.lower()).split())


@dataclass
class QuestionBank:
    """All questions by id, in file order."""

    questions: dict[str, QuizQuestion] = field(default_factory=dict)
    #: Where each theme (by :func:`theme_key`) was first named, so two spellings of one theme are caught.
    theme_origins: dict[str, tuple[str, Origin]] = field(default_factory=dict)

    def themes(self) -> list[str]:
        return sorted({q.theme for q in self.questions.values()}, key=str.lower)

    def find_theme(self, text: str) -> str | None:
        """The theme a member meant: its name in any case, or a part only one theme has ("theory")."""
        wanted = theme_key(text)
        if not wanted:
            return None
        exact = [theme for theme in self.themes() if theme_key(theme) == wanted]
        partial = [theme for theme in self.themes() if wanted in theme_key(theme)]
        found = exact or partial
        return found[0] if len(found) == 1 else None

    def in_theme(self, theme: str | None) -> list[QuizQuestion]:
        return [q for q in self.questions.values() if theme is None or q.theme == theme]

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"quiz questions": self.questions}
