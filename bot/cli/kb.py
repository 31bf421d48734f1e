"""``pmpo-bot kb validate``: the check moderators run before committing a knowledge edit, with warnings about
a valid knowledge base near a limit; ``pmpo-bot kb gaps`` and ``pmpo-bot kb add-question``: ``/kb gaps`` and
its "Add as example question" for moderators who script (the same grouping, editor, validator, reload and
commit; the edit shows in ``/kb history``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from bot.ask.capacity import knowledge_warnings
from bot.cards import plain
from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, CommandError, SubParsers, add_command, print_json
from bot.config import Config
from bot.curation.cards import gaps_card, outcome_card
from bot.curation.engine import Moderator
from bot.curation.service import CurationService
from bot.errors import UserFacingError
from bot.knowledge.loader import load_knowledge
from bot.services import Services


def register(subparsers: SubParsers) -> None:
    kb = subparsers.add_parser("kb", help="knowledge base tools for moderators")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="COMMAND", required=True)
    validate = add_command(
        kb_sub,
        "validate",
        validate_command,
        help="check every knowledge file; prints file:line:col: message per problem, exit 1 if any",
        description="Check every knowledge file the way /kb reload does. Problems go to standard output, "
        "one 'file:line:col: message' per line (editors and CI can jump to them); the summary goes to "
        "standard error, after any warnings (a valid knowledge base close to a limit, such as the titles and "
        "example questions /ask can match by meaning). Exit status: 0 valid (warnings or not), 1 problems found, "
        "2 usage or configuration error. "
        "To run it before every commit, install scripts/pre-commit as a git hook (see the README).",
    )
    validate.add_argument("path", nargs="?", help="knowledge folder (default: the configured one)")
    gaps = add_command(
        kb_sub,
        "gaps",
        gaps_command,
        help="unanswered questions grouped by what they ask, with the closest entries (as /kb gaps)",
        description="The groups /kb gaps shows, from the configured database: every server's questions, or "
        "one server's with --guild. With --json: a list of {count, wordings: [{id, question, count}], "
        "proposals: [entry ids], candidates: [{question, entry_id, helpful, quiet}]}.",
    )
    gaps.add_argument("--guild", type=int, metavar="ID", help="only this server's questions")
    gaps.add_argument("--limit", type=int, default=25, help="groups to show (default 25)")
    gaps.add_argument("--json", action="store_true", help="print JSON")
    add = add_command(
        kb_sub,
        "add-question",
        add_question_command,
        help="add an example question to an entry: validated, written in place, reloaded and committed",
        description="Add QUESTION to ENTRY's example questions the way /kb gaps does: the file is edited in "
        "place (only the new line changes), the whole knowledge folder is validated first (problems are "
        "printed as file:line:col: message, exit 1, nothing written), and when the folder is in a git work "
        "tree the change is committed. Exit status: 0 done, 1 refused, 2 usage error.",
    )
    add.add_argument("entry", help="the entry id")
    add.add_argument("question", help="the question, in quotes")


async def validate_command(args: argparse.Namespace, config: Config) -> int:
    root = Path(args.path) if args.path else config.knowledge_path
    result = load_knowledge(root)
    for problem in result.problems:
        print(problem)
    if result.knowledge is None:
        print(f"{len(result.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    warnings = knowledge_warnings(result.knowledge)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    counts = ", ".join(f"{len(items)} {label}" for label, items in result.knowledge.diff_items().items())
    noted = f" ({len(warnings)} warning(s) above)" if warnings else ""
    print(f"OK: {len(result.knowledge.files)} file(s), {counts}{noted}.", file=sys.stderr)
    return EXIT_OK


async def gaps_command(args: argparse.Namespace, config: Config) -> int:
    services = await Services.open(config)
    try:
        found = await services.feature(CurationService).gaps(args.guild if args.guild else "all", args.limit)
    finally:
        await services.close()
    if args.json:
        print_json(
            [
                {
                    "count": gap.count,
                    "wordings": [{"id": w.id, "question": w.question, "count": w.count} for w in gap.wordings],
                    "proposals": [entry.id for entry in gap.proposals],
                    "not_covered": gap.topic.id if gap.topic else None,
                    "candidates": [
                        {"question": c.wording.question, "entry_id": c.entry.id, "helpful": c.helpful, "quiet": c.quiet}
                        for c in gap.candidates
                    ],
                }
                for gap in found
            ]
        )
        return EXIT_OK
    print(gaps_card(found).text())
    for number, gap in enumerate(found, start=1):
        print(f"\n{number}. closest: {', '.join(entry.id for entry in gap.proposals) or '-'}")
        for wording in gap.wordings:
            print(f"   {wording.count}x {wording.question}")
    return EXIT_OK


async def add_question_command(args: argparse.Namespace, config: Config) -> int:
    services = await Services.open(config)
    try:
        moderator = Moderator(getpass.getuser(), where="the terminal")
        outcome = await services.feature(CurationService).add_question(args.entry, args.question, moderator)
    except UserFacingError as exc:
        raise CommandError(str(exc)) from None
    finally:
        await services.close()
    if not outcome.accepted:
        for problem in outcome.problems:
            print(problem)
        print(f"Refused: {outcome.summary}; nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(plain(outcome_card(outcome).body))
    print("A bot already running serves it after /kb reload (or when its reload reaches every process).")
    return EXIT_OK
