"""``pmpo-bot check --posting FILE|-``: read a job ad, show the evidence per question, then the verdict.

Not a sub-command of its own: ``bot.cli.check`` hands over when ``--posting`` is given. Input that is not
an ad (empty, binary, not UTF-8, over 1 MB or over ``CLI_LIMIT`` characters) is one line and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bot.check.content import CheckContent
from bot.check.posting.intake import CLI_LIMIT, MAX_BYTES, PostingInputError, decode_posting
from bot.check.posting.reader import read
from bot.check.posting.rules import PostingRules
from bot.check.posting.verdict import PostingVerdict, judge
from bot.cli.common import EXIT_OK, CommandError, print_json
from bot.knowledge.base import KnowledgeBase

NOT_STATED = "not stated in the ad"


def check_posting(knowledge: KnowledgeBase, source: str, *, as_json: bool) -> int:
    content, rules = knowledge.part(CheckContent), knowledge.part(PostingRules)
    if not rules.loaded:
        raise CommandError(f"{knowledge.root} has no posting rules (a YAML file with 'kind: posting')")
    try:
        text = decode_posting(_read_bytes(source), CLI_LIMIT)
    except PostingInputError as exc:
        raise CommandError(str(exc)) from None
    judged = judge(content, rules, read(rules, text))
    if as_json:
        print_json(as_dict(judged))
    else:
        print(as_text(content, judged))
    return EXIT_OK


def _read_bytes(source: str) -> bytes:
    """At most one byte over the limit, so a huge input is refused without being read whole."""
    try:
        if source == "-":
            return sys.stdin.buffer.read(MAX_BYTES + 1)
        with Path(source).open("rb") as file:
            return file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror or exc}") from None


def as_dict(judged: PostingVerdict) -> dict[str, Any]:
    reading = judged.reading
    result = judged.result
    return {
        "answers": dict(reading.answers),
        "context": dict(reading.context),
        "evidence": {question: [quote.shown() for quote in quotes] for question, quotes in reading.evidence.items()},
        "context_evidence": {key: quote.shown() for key, quote in reading.context_evidence.items()},
        "role_type": reading.role_type,
        "closest_entry": judged.not_product.entry if judged.not_product else None,
        "verdict_id": judged.verdict_id,
        "title": judged.title,
        "summary": judged.summary,
        "reasons": list(judged.reasons),
        "context_notes": [{"id": note.id, "text": note.text} for note in result.notes] if result else [],
        "next_steps": list(judged.next_steps),
        "entries": list(judged.entries),
        "check_answers": judged.answers,
        "assumed": list(judged.assumed),
    }


def as_text(content: CheckContent, judged: PostingVerdict) -> str:
    reading = judged.reading
    lines = ["What the ad says:"]
    for question, answer in reading.answers.items():
        check_question = content.question(question)
        choice = check_question.choice(judged.answers[question]) if check_question else None
        label = (
            choice.short if choice is not None and answer != "not_stated" else f"{question.capitalize()}: {NOT_STATED}"
        )
        lines.append(f"  {label}")
        lines += [f"    “{quote.shown()}”" for quote in reading.evidence[question]]
    context = ", ".join(f"{key}={value}" for key, value in reading.context.items())
    lines += ["", f"Context read: {context}"]
    if judged.assumed:
        lines.append(f"Not in the ad (assumed): {', '.join(f'{k}={judged.answers[k]}' for k in judged.assumed)}")
    lines += ["", f"Verdict: {judged.title}" + (f" ({judged.verdict_id})" if judged.verdict_id else ""), ""]
    lines.append(judged.summary)
    if judged.reasons:
        lines += ["", "Why:", *(f"  - {reason}" for reason in judged.reasons)]
    if judged.result is not None and judged.result.notes:
        lines += ["", "What the context changes:", *(f"  - {note.text}" for note in judged.result.notes)]
    lines += ["", "Next steps:", *(f"  {i}. {step}" for i, step in enumerate(judged.next_steps, 1))]
    lines += ["", f"Entries: {', '.join(judged.entries)}"]
    return "\n".join(lines)
