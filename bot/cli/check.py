"""``pmpo-bot check``: the verdict for a given set of answers, for moderators trying a rule change.

Reads only the knowledge folder (no database, no Discord), so it answers instantly and can run in CI
or in tests: ``pmpo-bot check --answers roadmap=role,customers=pm,metrics=shared --context size=5000+ --json``.
With ``--posting FILE`` (or ``-`` for stdin) the answers are read from a job ad instead (``bot.cli.posting``).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.check.cards import recap
from bot.check.content import CONTEXT, QUESTIONS, CheckContent
from bot.check.engine import AnswerError, CheckResult, evaluate, parse_pairs, resolve_answers
from bot.check.posting.intake import CLI_LIMIT
from bot.cli.common import EXIT_OK, CommandError, SubParsers, add_command, add_knowledge_arg, knowledge_of, print_json
from bot.cli.posting import check_posting
from bot.config import Config

OPTIONS = {QUESTIONS: "--answers", CONTEXT: "--context"}


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "check",
        check_command,
        help="the three-question check's verdict for given answers (to try a change to check.yaml)",
        description="Print the verdict the check gives for these answers. Context questions with a default "
        "in check.yaml may be left out; the output says which defaults were assumed. With --posting, the "
        "answers are read from a job ad, each with the sentences it came from.",
    )
    parser.add_argument(
        "--answers",
        metavar="Q=A,...",
        default="",
        help="the three questions, e.g. roadmap=role,customers=pm,metrics=shared",
    )
    parser.add_argument(
        "--context",
        metavar="Q=A,...",
        default="",
        help="the context, e.g. size=5000+,model=safe,kind=enterprise (also subject=..., title=...)",
    )
    parser.add_argument(
        "--posting",
        metavar="FILE",
        help=f"read the answers from a job ad in FILE ('-' for stdin; UTF-8 text, at most {CLI_LIMIT:,} characters)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    add_knowledge_arg(parser)


async def check_command(args: argparse.Namespace, config: Config) -> int:
    knowledge = knowledge_of(args, config)
    content = knowledge.part(CheckContent)
    if not content.loaded:
        raise CommandError(f"{knowledge.root} has no check file (a YAML file with 'kind: check')")
    if args.posting is not None:
        if args.answers.strip() or args.context.strip():
            raise CommandError("--posting reads the answers from the ad; leave out --answers and --context")
        return check_posting(knowledge, args.posting, as_json=args.json)
    try:
        given = {
            QUESTIONS: parse_pairs(args.answers, "--answers") if args.answers.strip() else {},
            CONTEXT: parse_pairs(args.context, "--context") if args.context.strip() else {},
        }
        answers, assumed = resolve_answers(content, given, OPTIONS)
        result = evaluate(content, answers)
    except AnswerError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json(as_json(result, assumed))
    else:
        print(as_text(content, result, assumed))
    return EXIT_OK


def as_json(result: CheckResult, assumed: list[str]) -> dict[str, Any]:
    verdict = result.verdict
    return {
        "verdict_id": verdict.id,
        "title": verdict.title,
        "summary": result.summary,
        "reasons": list(result.reasons),
        "context_notes": [{"id": note.id, "text": note.text} for note in result.notes],
        "salary": result.salary,
        "next_steps": list(result.next_steps),
        "entries": list(result.entries),
        "answers": result.answers,
        "assumed": assumed,
        "rule": {"number": result.rule.number, "at": result.rule.where} if result.rule else None,
    }


def as_text(content: CheckContent, result: CheckResult, assumed: list[str]) -> str:
    verdict = result.verdict
    lines = [f"Verdict: {verdict.title} ({verdict.id})", "", result.summary, "", "Why:"]
    lines += [f"  - {reason}" for reason in result.reasons]
    if result.notes:
        lines += ["", "What the context changes:", *(f"  - {note.text}" for note in result.notes)]
    if result.salary:
        lines += ["", f"Salary context: {result.salary}"]
    lines += ["", "Next steps:", *(f"  {i}. {step}" for i, step in enumerate(result.next_steps, 1))]
    if result.entries:
        lines += ["", f"Entries: {', '.join(result.entries)}"]
    lines += ["", f"Answers: {recap(content, result.answers)}"]
    if assumed:
        lines.append(f"Assumed (defaults): {', '.join(f'{q}={result.answers[q]}' for q in assumed)}")
    if result.rule:
        lines.append(f"Decided by rule {result.rule.number} at {result.rule.where}")
    return "\n".join(lines)
