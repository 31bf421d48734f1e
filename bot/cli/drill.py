"""``pmpo-bot drill``: show a drill, or score an answer, without Discord or a database.

For members practising in a terminal and for moderators checking that a drill's cues catch what they
should: ``pmpo-bot drill score --id own-the-why --answer "..." --json``. Reads only the knowledge folder.
"""

from __future__ import annotations

import argparse
import random
import sys

from bot.cli.common import EXIT_OK, CommandError, SubParsers, add_command, add_knowledge_arg, knowledge_of, print_json
from bot.config import Config
from bot.drills.cards import drill_card, feedback_card, strong_card, weak_card
from bot.drills.content import EMPTY_BANK, Drill, DrillBank
from bot.drills.feedback import assess
from bot.drills.service import check_answer, find_drill, resolve_theme
from bot.errors import UserFacingError


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "drill",
        show_command,
        help="show an interview drill (prompt, situation, strong and weak answers, follow-ups)",
        description="Show a drill: by id, or a random one (optionally from one theme).",
    )
    parser.add_argument("--id", dest="show_id", metavar="ID", help="the drill id (default: a random drill)")
    parser.add_argument("--theme", metavar="THEME", help="pick the random drill from this theme")
    add_knowledge_arg(parser)
    sub = parser.add_subparsers(dest="drill_command", metavar="COMMAND")
    score = add_command(
        sub,
        "score",
        score_command,
        help="feedback on an answer to a drill",
        description="Judge an answer with the same engine the bot uses; nothing is stored.",
    )
    score.add_argument("--id", dest="score_id", metavar="ID", required=True, help="the drill id")
    score.add_argument("--answer", required=True, metavar="TEXT", help="the answer ('-' reads it from stdin)")
    score.add_argument("--json", action="store_true", help="print the feedback as JSON")
    add_knowledge_arg(score)


def _bank(args: argparse.Namespace, config: Config) -> DrillBank:
    bank = knowledge_of(args, config).part(DrillBank)
    if not bank.drills:
        raise CommandError(EMPTY_BANK)
    return bank


def _find(bank: DrillBank, drill_id: str) -> Drill:
    try:
        return find_drill(bank, drill_id)
    except UserFacingError as exc:
        raise CommandError(str(exc)) from None


async def show_command(args: argparse.Namespace, config: Config) -> int:
    bank = _bank(args, config)
    if args.show_id:
        drill = _find(bank, args.show_id)
    else:
        pool = list(bank.drills.values())
        if args.theme:
            try:
                theme = resolve_theme(bank, args.theme)
            except UserFacingError as exc:
                raise CommandError(str(exc)) from None
            pool = [d for d in pool if d.theme == theme]
        drill = random.choice(pool)
    for card in (drill_card(drill), strong_card(drill), weak_card(drill)):
        print(card.text())
        print()
    return EXIT_OK


async def score_command(args: argparse.Namespace, config: Config) -> int:
    drill = _find(_bank(args, config), args.score_id)
    answer = sys.stdin.read() if args.answer == "-" else args.answer
    try:
        text = check_answer(answer, config.drills.max_answer_length)
    except UserFacingError as exc:
        raise CommandError(str(exc)) from None
    feedback = assess(drill, text)
    if args.json:
        print_json({"drill": drill.id, **feedback.to_json()})
    else:
        print(feedback_card(feedback).text())
    return EXIT_OK
