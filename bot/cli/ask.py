"""``pmpo-bot ask "QUESTION" [--json]``: what /ask would answer, from the terminal.

Reads only the knowledge folder (no database, no Discord, nothing recorded), so moderators can check
how an edit changes answers, and scripts can use ``--json``.
"""

from __future__ import annotations

import argparse

from bot.ask.cards import answer_card
from bot.ask.engine import Answer, answer_question, clean_question
from bot.ask.search import SearchIndex
from bot.cards import plain
from bot.cli.common import EXIT_OK, CommandError, SubParsers, add_command, add_knowledge_arg, knowledge_of, print_json
from bot.config import Config
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "ask",
        ask_command,
        help="answer a question from the knowledge base, as /ask would (records nothing)",
        description="Print the curated answer /ask gives, or why there is none (a topic the sources do not "
        "cover, a question too vague, nothing close) with the closest entries. With --json: one object "
        "{entry_id, title, answer, score, did_you_mean, refusal, suggestions}; entry_id is null exactly when "
        "refusal says why ({reason: not-covered|vague|no-match, and for not-covered: topic, title, says, "
        "points_to}). Exit status 0 either way.",
    )
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_knowledge_arg(parser)


async def ask_command(args: argparse.Namespace, config: Config) -> int:
    knowledge = knowledge_of(args, config)
    try:
        question = clean_question(args.question, config.ask.max_question_length)
    except UserFacingError as exc:
        raise CommandError(str(exc)) from None
    answer = answer_question(SearchIndex.from_knowledge(knowledge), knowledge, question)
    if args.json:
        print_json(answer.to_json())
    else:
        print(as_text(answer, knowledge))
    return EXIT_OK


def as_text(answer: Answer, knowledge: KnowledgeBase) -> str:
    """The answer as plain text: title, underline, body, fields, related entries."""
    card = answer_card(knowledge, answer, recorded=False)
    lines = [card.title, "=" * min(len(card.title), 80), plain(card.body)]
    lines.extend(f"\n{name}: {plain(value)}" for name, value in card.fields)
    if answer.related:
        lines.append("\nRelated: " + "; ".join(entry.title for entry in answer.related))
    return "\n".join(lines)
