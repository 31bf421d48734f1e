"""The ``check`` knowledge kind: reads ``knowledge/check.yaml`` and proves it sane before it is served.

Every reference must resolve (questions, answers, verdicts, entries), every combination of answers must
reach a verdict, no rule may be hidden behind earlier ones, and every verdict must fit in one Discord
message. Problems point at the offending rule or field as ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import limits
from bot.check.cards import verdict_card
from bot.check.content import ANY_SUBJECT, CheckContent, Choice, Note, Question, Rule, Verdict, Wording
from bot.check.engine import CheckResult
from bot.check.rules import MAX_COMBINATIONS, AnswerSpace, Condition, Coverage, analyse
from bot.knowledge.base import Kind, KnowledgeBase, Origin, did_you_mean, does_not_exist, second_file
from bot.knowledge.documents import Document, PathKey, Problem
from bot.knowledge.entries import EntryLibrary


class CheckKind(Kind[CheckContent]):
    name = "check"
    schema_file = "check.schema.json"
    part_type = CheckContent
    #: A folder without a check file still loads (other features work); /check then says it isn't set up.
    required = False

    def add(self, part: CheckContent, document: Document, problems: list[Problem]) -> None:
        if part.origin is not None:
            problems.append(second_file(document, "check", "check", part.origin))
            return
        data = document.data
        part.origin = Origin(document, ())
        part.title = data["title"].strip()
        part.intro = data["intro"].strip()
        part.salary_note = data["salary_note"].strip()
        before = len(problems)
        part.questions = _questions(document, data["questions"], problems)
        part.verdicts = _verdicts(document, data["verdicts"], part.subject, problems)
        known = {q.id: q for q in part.questions}
        part.notes = _notes(document, data.get("notes", []), known, problems)
        part.rules = _rules(document, data["rules"], known, part.verdicts, problems)
        if len(problems) == before:
            # Coverage over broken references would only repeat them in a more confusing form.
            _check_coverage(document, part, problems)
            _check_size(part, problems)

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        content = knowledge.part(CheckContent)
        entries = knowledge.part(EntryLibrary).entries
        for verdict in content.verdicts.values():
            for i, entry in enumerate(verdict.entries):
                if entry not in entries:
                    problems.append(
                        verdict.origin.problem(
                            ("entries", i),
                            f"verdict '{verdict.id}': entry '{entry}' {does_not_exist(entry, entries)}",
                        )
                    )
        for note in content.notes:
            if note.entry is not None and note.entry not in entries:
                problems.append(
                    note.origin.problem(
                        ("entry",),
                        f"note '{note.id}': entry '{note.entry}' {does_not_exist(note.entry, entries)}",
                    )
                )


def _questions(
    document: Document, raw_questions: list[dict[str, Any]], problems: list[Problem]
) -> tuple[Question, ...]:
    questions: dict[str, Question] = {}
    for index, raw in enumerate(raw_questions):
        path: PathKey = ("questions", index)
        choices: dict[str, Choice] = {}
        for c_index, raw_choice in enumerate(raw["choices"]):
            value = raw_choice["value"]
            if value in choices:
                problems.append(
                    document.problem(
                        (*path, "choices", c_index, "value"), f"question '{raw['id']}': answer '{value}' appears twice"
                    )
                )
                continue
            label = raw_choice["label"].strip()
            choices[value] = Choice(value, label, raw_choice.get("short", label).strip(), raw_choice.get("reason"))
        question = Question(
            id=raw["id"],
            section=raw["section"],
            prompt=raw["prompt"].strip(),
            help=raw.get("help"),
            default=raw.get("default"),
            in_history=raw.get("in_history", False),
            choices=tuple(choices.values()),
            subject=raw.get("subject", False),
        )
        if question.subject:
            earlier = next((q for q in questions.values() if q.subject), None)
            if earlier is not None:
                problems.append(
                    document.problem(
                        (*path, "subject"),
                        f"question '{question.id}': only one question can say what is being checked; "
                        f"'{earlier.id}' already does",
                    )
                )
        if question.default is not None and question.default not in choices:
            problems.append(
                document.problem(
                    (*path, "default"),
                    f"question '{question.id}': default '{question.default}' is not one of its answers "
                    f"({', '.join(choices)}){did_you_mean(question.default, list(choices))}",
                )
            )
        if question.id in questions:
            problems.append(document.problem((*path, "id"), f"question id '{question.id}' appears twice"))
            continue
        questions[question.id] = question
    return tuple(questions.values())


def _verdicts(
    document: Document, raw_verdicts: list[dict[str, Any]], subject: Question | None, problems: list[Problem]
) -> dict[str, Verdict]:
    verdicts: dict[str, Verdict] = {}
    for index, raw in enumerate(raw_verdicts):
        origin = Origin(document, ("verdicts", index))
        verdict = Verdict(
            id=raw["id"],
            title=raw["title"].strip(),
            wording=_wording(origin, raw, subject, problems),
            entries=tuple(raw.get("entries", ())),
            salary=raw.get("salary", False),
            origin=origin,
        )
        if verdict.id in verdicts:
            first = verdicts[verdict.id].origin
            problems.append(
                origin.problem(("id",), f"verdict id '{verdict.id}' appears twice (first at {first.file}:{first.line})")
            )
            continue
        verdicts[verdict.id] = verdict
    return verdicts


def _wording(
    origin: Origin, raw: Mapping[str, Any], subject: Question | None, problems: list[Problem]
) -> dict[str, Wording]:
    """A verdict's summary and next steps, per answer of the subject question when the check has one.

    What is being checked changes what to do next ("if you take it ..." is wrong about one's own role),
    so with a subject question the next steps must be given per subject; a summary may be shared.
    """
    what = f"verdict '{raw['id']}'"
    summary, steps = raw["summary"], raw["next_steps"]
    if subject is None:
        for key, value in (("summary", summary), ("next_steps", steps)):
            if isinstance(value, dict):
                problems.append(
                    origin.problem(
                        (key,),
                        f"{what}: {key} is given per subject, but no question says what is being checked "
                        "(mark one with 'subject: true')",
                    )
                )
        if isinstance(summary, dict) or isinstance(steps, dict):
            return {}
        return {ANY_SUBJECT: Wording(summary.strip(), tuple(step.strip() for step in steps))}
    if not isinstance(steps, dict):
        example = ", ".join(f"{value}: [...]" for value in subject.values)
        problems.append(
            origin.problem(
                ("next_steps",),
                f"{what}: give the next steps per answer to '{subject.id}' ({example}): what to do next depends "
                "on what is being checked",
            )
        )
        return {}
    wording: dict[str, Wording] = {}
    for value, texts in steps.items():
        if subject.choice(value) is None:
            problems.append(
                origin.problem(
                    ("next_steps", value),
                    f"{what}: '{value}' is not an answer to '{subject.id}'{did_you_mean(value, list(subject.values))} "
                    f"(answers: {', '.join(subject.values)})",
                )
            )
            continue
        if isinstance(summary, dict):
            if value not in summary:
                problems.append(origin.problem(("summary",), f"{what}: no summary for '{value}'"))
                continue
            text = summary[value]
        else:
            text = summary
        wording[value] = Wording(text.strip(), tuple(step.strip() for step in texts))
    if isinstance(summary, dict):
        for value in summary:
            if value not in steps:
                problems.append(
                    origin.problem(("summary", value), f"{what}: a summary for '{value}' but no next steps for it")
                )
    return wording


def _notes(
    document: Document, raw_notes: list[dict[str, Any]], questions: Mapping[str, Question], problems: list[Problem]
) -> tuple[Note, ...]:
    notes: dict[str, Note] = {}
    for index, raw in enumerate(raw_notes):
        origin = Origin(document, ("notes", index))
        what = f"note '{raw['id']}'"
        note = Note(
            id=raw["id"],
            when=_condition(document, (*origin.path, "when"), raw["when"], questions, what, problems),
            text=raw["text"].strip(),
            entry=raw.get("entry"),
            origin=origin,
        )
        if note.id in notes:
            problems.append(origin.problem(("id",), f"note id '{note.id}' appears twice"))
            continue
        notes[note.id] = note
    return tuple(notes.values())


def _rules(
    document: Document,
    raw_rules: list[dict[str, Any]],
    questions: Mapping[str, Question],
    verdicts: Mapping[str, Verdict],
    problems: list[Problem],
) -> tuple[Rule, ...]:
    rules = []
    for index, raw in enumerate(raw_rules):
        origin = Origin(document, ("rules", index))
        what = f"rule {index + 1}"
        when = _condition(document, (*origin.path, "when"), raw.get("when", {}), questions, what, problems)
        verdict = raw["verdict"]
        if verdict not in verdicts:
            problems.append(
                origin.problem(
                    ("verdict",), f"{what}: verdict '{verdict}' is not defined{did_you_mean(verdict, verdicts)}"
                )
            )
        rules.append(Rule(index + 1, when, verdict, origin))
    return tuple(rules)


def _condition(
    document: Document,
    path: PathKey,
    raw: Mapping[str, str | list[str]],
    questions: Mapping[str, Question],
    what: str,
    problems: list[Problem],
) -> Condition:
    """Read a ``when`` mapping, reporting unknown questions at their key and unknown answers at their value."""
    allowed: dict[str, frozenset[str]] = {}
    for question_id, wanted in raw.items():
        question = questions.get(question_id)
        if question is None:
            problems.append(
                document.problem(
                    (*path, question_id),
                    f"{what}: unknown question '{question_id}'{did_you_mean(question_id, questions)} "
                    f"(questions: {', '.join(questions)})",
                    key=True,
                )
            )
            continue
        values = [wanted] if isinstance(wanted, str) else wanted
        for i, value in enumerate(values):
            if value not in question.values:
                where = (*path, question_id) if isinstance(wanted, str) else (*path, question_id, i)
                problems.append(
                    document.problem(
                        where,
                        f"{what}: '{value}' is not an answer to '{question_id}'"
                        f"{did_you_mean(value, list(question.values))} (answers: {', '.join(question.values)})",
                    )
                )
        allowed[question_id] = frozenset(values)
    return Condition(allowed)


def _check_coverage(document: Document, content: CheckContent, problems: list[Problem]) -> None:
    """First match wins over every combination of answers: find the gaps and the rules that can never win.

    Only questions some rule looks at can change which rule wins, so the space is built from those alone.
    """
    used = {qid for rule in content.rules for qid in rule.when.allowed}
    space = AnswerSpace([(q.id, q.values) for q in content.questions if q.id in used])
    if space.size > MAX_COMBINATIONS:
        problems.append(
            document.problem(
                ("rules",),
                f"the rules look at {space.size:,} combinations of answers, too many to verify "
                f"(limit {MAX_COMBINATIONS:,}); use fewer questions or choices",
                key=True,
            )
        )
        return
    coverage = analyse(space, [rule.when for rule in content.rules])
    if coverage.example is not None:
        example = ", ".join(f"{qid}={value}" for qid, value in coverage.example.items())
        others = " (with any answer to the other questions)" if len(used) < len(content.questions) else ""
        problems.append(
            document.problem(
                ("rules",),
                f"the rules leave {coverage.uncovered:,} combination(s) of answers without a verdict, "
                f"e.g. {example}{others}; add a rule for it or end with a catch-all rule "
                "(one without 'when')",
                key=True,
            )
        )
    for index in coverage.unreachable():
        rule = content.rules[index]
        earlier = " and ".join(
            f"rule {content.rules[j].number} (line {content.rules[j].origin.line})" for j in coverage.shadowed_by[index]
        )
        problems.append(
            rule.origin.problem(
                (),
                f"rule {rule.number} (verdict '{rule.verdict}') can never match: every answer it matches is "
                f"already caught by {earlier}",
            )
        )
    dead = set(coverage.unreachable())
    reached = {rule.verdict for i, rule in enumerate(content.rules) if i not in dead}
    for verdict in content.verdicts.values():
        if verdict.id not in reached:
            problems.append(
                verdict.origin.problem(("id",), f"verdict '{verdict.id}' is never given: no reachable rule picks it")
            )
    _check_wording(content, space, coverage, problems)


def _check_wording(content: CheckContent, space: AnswerSpace, coverage: Coverage, problems: list[Problem]) -> None:
    """Every subject a verdict can be given for has its wording, and no wording is for a subject that can't."""
    subject = content.subject
    if subject is None:
        return
    reaching: dict[str, set[str]] = {verdict: set() for verdict in content.verdicts}
    for rule, decided in zip(content.rules, coverage.decided, strict=True):
        for value in subject.values:
            if decided & space.matching(Condition({subject.id: frozenset({value})})):
                reaching[rule.verdict].add(value)
    for verdict in content.verdicts.values():
        subjects = reaching[verdict.id]
        for value in subject.values:
            label = subject.choice(value)
            named = f"'{value}' ({label.label if label else value})"
            if value in subjects and value not in verdict.wording:
                problems.append(
                    verdict.origin.problem(
                        ("next_steps",),
                        f"verdict '{verdict.id}' has no next steps for {named}, which it is given for; "
                        f"add next_steps: {value}: [...]",
                    )
                )
            elif subjects and value not in subjects and value in verdict.wording:
                problems.append(
                    verdict.origin.problem(
                        ("next_steps", value),
                        f"verdict '{verdict.id}': the next steps for {named} are never shown: no rule gives this "
                        f"verdict when checking that",
                    )
                )


def _check_size(content: CheckContent, problems: list[Problem]) -> None:
    """Each verdict must fit one embed even with the longest reasons and every note at once.

    An upper bound (notes rarely all apply together), measured with the real renderer so it cannot
    drift from what members see; the renderer would otherwise have to cut the verdict short.
    """
    per_question = [[c.reason.strip() for c in q.choices if c.reason] for q in content.questions]
    reasons = tuple(max(texts, key=len) for texts in per_question if texts)
    widest = {q.id: max(q.choices, key=lambda c: len(c.short)).value for q in content.questions}
    for verdict in content.verdicts.values():
        if not verdict.wording:
            continue
        size = max(
            verdict_card(
                content,
                CheckResult(
                    verdict=verdict,
                    rule=None,
                    answers=widest,
                    summary=wording.summary,
                    next_steps=wording.next_steps,
                    reasons=reasons,
                    notes=content.notes,
                    salary=content.salary_note if verdict.salary else None,
                    entries=(),
                ),
            ).size()
            for wording in verdict.wording.values()
        )
        if size > limits.EMBED_TOTAL:
            problems.append(
                verdict.origin.problem(
                    ("id",),
                    f"verdict '{verdict.id}' can render up to {size:,} characters with the longest reasons and "
                    f"every note, over Discord's limit of {limits.EMBED_TOTAL:,} per message; shorten its text, "
                    "the reasons or the notes",
                )
            )
