"""From a complete set of answers to a verdict with its reasons, context notes and salary context.

Pure functions over :class:`CheckContent`, so the Discord flow, the shell, the CLI and the tests all get
exactly the same verdict for the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.check.content import CheckContent, Note, Rule, Verdict
from bot.check.rules import Answers, first_match


class AnswerError(ValueError):
    """Answers that don't fit the questions; the message names what is allowed."""


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    #: The rule that picked the verdict; None when an old verdict is shown again from history.
    rule: Rule | None
    answers: dict[str, str]
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
    return CheckResult(
        verdict=verdict,
        rule=rule,
        answers=dict(answers),
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
