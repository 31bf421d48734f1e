"""The check's rules and states: from a complete set of answers to a verdict (with its reasons, context
notes and salary context), and the screens a check session can be on.

Pure functions and plain data over :class:`CheckContent`, so the Discord flow, the shell, the CLI and the
tests all get exactly the same verdict for the same answers.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from bot.cards import Card
from bot.check.content import CheckContent, Note, Question, Rule, Verdict
from bot.check.rules import Answers, first_match
from bot.knowledge.entries import Entry


class AnswerError(ValueError):
    """Answers that don't fit the questions; the message names what is allowed."""


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    #: The rule that picked the verdict; None when an old verdict is shown again from history.
    rule: Rule | None
    answers: dict[str, str]
    #: The verdict's summary and next steps as worded for what is being checked (the answers' subject).
    summary: str
    next_steps: tuple[str, ...]
    reasons: tuple[str, ...]
    notes: tuple[Note, ...]
    salary: str | None
    #: The verdict's entries, then those of the matching notes, without repeats.
    entries: tuple[str, ...]


def evaluate(content: CheckContent, answers: Answers) -> CheckResult:
    """The verdict of the first rule matching ``answers``, which must answer every question."""
    missing = [q for q in content.questions if q.choice(answers.get(q.id)) is None]
    if missing:
        raise AnswerError("; ".join(f"no valid answer to '{q.id}' (allowed: {', '.join(q.values)})" for q in missing))
    index = first_match([rule.when for rule in content.rules], answers)
    if index is None:  # the validator proves this cannot happen for a loaded knowledge base
        raise AnswerError("no rule matches these answers")
    rule = content.rules[index]
    return explain(content, content.verdicts[rule.verdict], answers, rule)


def explain(content: CheckContent, verdict: Verdict, answers: Answers, rule: Rule | None = None) -> CheckResult:
    """Reasons, notes and salary context for ``verdict``; answers the content no longer knows are skipped."""
    reasons = []
    for question in content.questions:
        choice = question.choice(answers.get(question.id))
        if choice is not None and choice.reason:
            reasons.append(choice.reason.strip())
    notes = tuple(note for note in content.notes if note.when.matches(answers))
    entries = dict.fromkeys([*verdict.entries, *(note.entry for note in notes if note.entry)])
    wording = content.wording(verdict, answers)
    return CheckResult(
        verdict=verdict,
        rule=rule,
        answers=dict(answers),
        summary=wording.summary,
        next_steps=wording.next_steps,
        reasons=tuple(reasons),
        notes=notes,
        salary=content.salary_note if verdict.salary else None,
        entries=tuple(entries),
    )


def parse_pairs(text: str, option: str) -> dict[str, str]:
    """``"a=b,c=d"`` as a mapping; malformed or repeated keys are refused with the option's name."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not key or not value:
            raise AnswerError(f"{option}: expected question=answer pairs separated by commas, got '{item.strip()}'")
        if key in pairs:
            raise AnswerError(f"{option}: '{key}' is given twice")
        pairs[key] = value
    return pairs


def resolve_answers(
    content: CheckContent, given: Mapping[str, Mapping[str, str]], options: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Check answers given per section (``{"questions": {...}, "context": {...}}``) and fill in defaults.

    ``options`` names the command-line option of each section, so errors say where the fix goes.
    Returns the full answers and the ids of questions whose default was assumed.
    """
    answers: dict[str, str] = {}
    for section, pairs in given.items():
        in_section = [q for q in content.questions if q.section == section]
        for key, value in pairs.items():
            question = content.question(key)
            if question is None or question.section != section:
                hint = f"; '{key}' goes in {options[question.section]}" if question is not None else ""
                raise AnswerError(
                    f"{options[section]}: unknown question '{key}' "
                    f"(allowed: {', '.join(q.id for q in in_section)}){hint}"
                )
            if question.choice(value) is None:
                raise AnswerError(
                    f"{options[section]}: '{value}' is not an answer to '{key}' (allowed: {', '.join(question.values)})"
                )
            answers[key] = value
    assumed = []
    missing = []
    for question in content.questions:
        if question.id in answers:
            continue
        if question.default is not None:
            answers[question.id] = question.default
            assumed.append(question.id)
        else:
            missing.append(question)
    if missing:
        raise AnswerError(
            "missing " + "; ".join(f"{options[q.section]} {q.id}=… (allowed: {', '.join(q.values)})" for q in missing)
        )
    return answers, assumed


class Status(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    ABANDONED = "abandoned"
    EXPIRED = "expired"


class Action(enum.StrEnum):
    """What a step button does; the values are what the buttons carry."""

    ANSWER = "a"
    BACK = "b"
    RESTART = "r"
    #: "Looks right, show the verdict": a posting check's answers as they stand, without the rest of the review.
    ACCEPT = "k"


class Closed(enum.Enum):
    EXPIRED = "This check expired. Start again with {start}."
    ABANDONED = "You abandoned this check for a new one. Start again with {start}."
    GONE = "This check no longer exists (it may have been deleted with /privacy forget). Start again with {start}."
    RETIRED = "That verdict is no longer in the knowledge base. Start a new check with {start}."
    AD_GONE = (
        "That ad is no longer kept (an ad waits at most as long as a check stays open, or you continued the other "
        "check). Paste it again with /check posting."
    )


@dataclass(frozen=True)
class CheckSession:
    id: int
    user_id: int
    guild_id: int | None
    channel_id: int | None
    step: int
    answers: dict[str, str]
    status: Status
    verdict_id: str | None
    verdict_title: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    shared_at: dt.datetime | None


@dataclass(frozen=True)
class AdNote:
    """What a job ad says about the question on screen, shown while a posting check is reviewed."""

    #: Whether the ad states it; the pre-filled answer is then the ad's.
    stated: bool
    #: The ad's sentences it was read from, trimmed.
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionScreen:
    content: CheckContent
    session: CheckSession
    step: int
    notice: str | None = None
    #: Reviewing the answers read from a job ad ("Looks right, show the verdict" is offered).
    reviewing: bool = False
    #: What the ad says about this question (None for questions the ad is not read for).
    ad: AdNote | None = None

    @property
    def question(self) -> Question:
        return self.content.questions[self.step]

    @property
    def selected(self) -> str | None:
        """The answer given to this question before (after Back), so it can be shown as picked."""
        return self.session.answers.get(self.question.id)


@dataclass(frozen=True)
class VerdictScreen:
    content: CheckContent
    session: CheckSession
    result: CheckResult
    #: The result's related entries, for "read more" buttons or choices.
    entries: tuple[Entry, ...]
    notice: str | None = None
    #: Next steps that quote the ad, before the verdict's own; only when the check ends (the ad is then deleted).
    ad_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClosedScreen:
    reason: Closed

    def message(self, start: str) -> str:
        """The explanation, naming the front end's command for a new check (``start``)."""
        return self.reason.value.format(start=start)


@dataclass(frozen=True)
class OpenCheck:
    """Starting a check while another is open: the member chooses to continue it or abandon it."""

    content: CheckContent
    session: CheckSession
    #: A job ad waiting to be checked once the member abandons the open check (``check_postings.id``).
    waiting_ad: int | None = None

    @property
    def step(self) -> int:
        """The step the open check is on, within the questions the content has now."""
        return min(self.session.step, len(self.content.questions) - 1)


@dataclass(frozen=True)
class ShareRequest:
    channel_id: int
    card: Card


Screen = QuestionScreen | VerdictScreen | ClosedScreen


@dataclass(frozen=True)
class HistoryLine:
    session_id: int
    finished_at: dt.datetime
    checked: str
    verdict_title: str

    def text(self) -> str:
        return f"{self.finished_at:%Y-%m-%d} · {self.checked} → {self.verdict_title}"
