"""``pmpo-bot ask "QUESTION" [--json]``: what /ask would answer, from the terminal.

Reads only the knowledge folder (no database, no Discord, nothing recorded), so moderators can check
how an edit changes answers, and scripts can use ``--json``.
"""

from __future__ import annotations

import argparse

from bot.ask.cards import no_answer_card
from bot.ask.engine import Answer, answer_question, clean_question
from bot.ask.search import SearchIndex
from bot.cards import plain
from bot.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    SubParsers,
    add_command,
    add_knowledge_arg,
    knowledge_of,
    print_json,
)
from bot.config import Config
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.cards import entry_card


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "ask",
        ask_command,
        help="answer a question from the knowledge base, as /ask would (records nothing)",
        description="Print the curated answer /ask gives, or the closest entries when there is none. "
        "With --json: one object {entry_id, title, answer, score, suggestions}; entry_id is null "
        "when there is no confident answer. Exit status 0 either way; a question that can't be asked "
        '(empty, too long) prints {"error": "..."} with --json, and exits 2.',
    )
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_knowledge_arg(parser)


async def ask_command(args: argparse.Namespace, config: Config) -> int:
    knowledge = knowledge_of(args, config)
    try:
        question = clean_question(args.question, config.ask.max_question_length)
    except UserFacingError as exc:
        if args.json:  # a script reading JSON gets JSON, even for a question it can't ask
            print_json({"error": str(exc)})
            return EXIT_USAGE
        raise CommandError(str(exc)) from None
    answer = answer_question(SearchIndex.from_knowledge(knowledge), knowledge, question)
    if args.json:
        print_json(answer.to_json())
    else:
        print(as_text(answer, knowledge))
    return EXIT_OK


def as_text(answer: Answer, knowledge: KnowledgeBase) -> str:
    """The answer as plain text: title, underline, body, fields, related entries."""
    card = entry_card(knowledge, answer.entry) if answer.entry else no_answer_card(answer, recorded=False)
    lines = [card.title, "=" * min(len(card.title), 80), plain(card.body)]
    lines.extend(f"\n{name}: {plain(value)}" for name, value in card.fields)
    if answer.related:
        lines.append("\nRelated: " + "; ".join(entry.title for entry in answer.related))
    return "\n".join(lines)
