"""The check's content as typed objects: questions, verdicts, context notes and ordered rules.

Everything a moderator may want to tune lives in ``knowledge/check.yaml``; ``bot.check.kind`` reads and
validates it into these objects, which the engine, the sessions and every front end use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.check.rules import Condition
from bot.knowledge.base import Origin

CONTEXT = "context"
QUESTIONS = "questions"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    #: The label in recaps and history, where the button text would be too long.
    short: str
    reason: str | None


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    prompt: str
    help: str | None
    default: str | None
    in_history: bool
    choices: tuple[Choice, ...]
    #: The answer says what is being checked (a job posting, the member's own role): verdicts word
    #: their summary and next steps per answer of this question.
    subject: bool = False

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def choice(self, value: str | None) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


#: The key of a verdict's wording when it is the same whatever is being checked.
ANY_SUBJECT = ""


@dataclass(frozen=True)
class Wording:
    """What a verdict says for one subject: a posting is weighed before accepting, one's own role is not."""

    summary: str
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    id: str
    title: str
    #: Per answer of the subject question (``ANY_SUBJECT`` when the check has none).
    wording: Mapping[str, Wording]
    entries: tuple[str, ...]
    salary: bool
    origin: Origin = field(compare=False, repr=False)

    def worded(self, subject: str | None) -> Wording:
        """The wording for ``subject``; the first one for a subject it has none for (a retired answer)."""
        found = self.wording.get(subject if subject is not None else ANY_SUBJECT)
        return found if found is not None else next(iter(self.wording.values()))


@dataclass(frozen=True)
class Note:
    """What a piece of context changes; shown with every verdict whose answers it matches."""

    id: str
    when: Condition
    text: str
    entry: str | None
    origin: Origin = field(compare=False, repr=False)


@dataclass(frozen=True)
class Rule:
    #: 1-based position in the file, as moderators count rules.
    number: int
    when: Condition
    verdict: str
    origin: Origin = field(compare=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.origin.file}:{self.origin.line}"


@dataclass
class CheckContent:
    """The loaded check; empty until a file of kind ``check`` is added."""

    title: str = ""
    intro: str = ""
    salary_note: str = ""
    questions: tuple[Question, ...] = ()
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    rules: tuple[Rule, ...] = ()
    origin: Origin | None = None

    @property
    def loaded(self) -> bool:
        return self.origin is not None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def subject(self) -> Question | None:
        """The question whose answer says what is being checked, if the check has one."""
        return next((q for q in self.questions if q.subject), None)

    def wording(self, verdict: Verdict, answers: Mapping[str, str]) -> Wording:
        """The verdict's wording for what these answers say is being checked."""
        subject = self.subject
        return verdict.worded(answers.get(subject.id) if subject is not None else None)

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {
            "check verdicts": self.verdicts,
            "check rules": {f"rule {rule.number}": rule for rule in self.rules},
        }
