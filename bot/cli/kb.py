"""``pmpo-bot kb validate``: the check moderators run before committing a knowledge edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, SubParsers, add_command
from bot.config import Config
from bot.knowledge.loader import load_knowledge


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
        "standard error. Exit status: 0 valid, 1 problems found, 2 usage or configuration error. "
        "To run it before every commit, install scripts/pre-commit as a git hook (see the README).",
    )
    validate.add_argument("path", nargs="?", help="knowledge folder (default: the configured one)")


async def validate_command(args: argparse.Namespace, config: Config) -> int:
    root = Path(args.path) if args.path else config.knowledge_path
    result = load_knowledge(root)
    for problem in result.problems:
        print(problem)
    if result.knowledge is None:
        print(f"{len(result.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEMS
    counts = ", ".join(f"{len(items)} {label}" for label, items in result.knowledge.diff_items().items())
    print(f"OK: {len(result.knowledge.files)} file(s), {counts}.", file=sys.stderr)
    return EXIT_OK
