"""/ask, /topic, /topics and /compare in the shell, over the same core as Discord.

Where Discord shows related-entry buttons, the shell offers them as numbered choices; picking one shows
that entry and its own related entries, until the member types q (or the input ends).
"""

from __future__ import annotations

from bot.ask.cards import answer_card, comparison_card, topic_pages
from bot.ask.engine import related_entries
from bot.ask.service import AskService
from bot.errors import UserFacingError
from bot.knowledge.cards import entry_card
from bot.knowledge.entries import Entry
from bot.shell.session import Session, ShellCommand


async def browse(session: Session, service: AskService, entry: Entry) -> None:
    """Show an entry, then offer its related entries as numbered choices, following the member's picks."""
    while True:
        session.show(entry_card(service.knowledge, entry))
        related = related_entries(service.knowledge, entry)
        if not related:
            return
        picked = await session.choose("Related (number to open, q to stop):", [e.title for e in related])
        if picked is None:
            return
        entry = related[picked]


async def ask_command(session: Session, rest: str) -> None:
    """The answer card, then its runner-up and related entries (or a refusal's suggestions) as choices."""
    service = session.services.feature(AskService)
    try:
        answer = await service.ask(rest, session.guild_id)
    except UserFacingError as exc:
        session.say(str(exc))
        return
    session.show(answer_card(service.knowledge, answer))
    if answer.entry is None:
        offered = answer.suggestions
    else:
        related = related_entries(service.knowledge, answer.entry)
        offered = (answer.did_you_mean, *related) if answer.did_you_mean else related
    if not offered:
        return
    picked = await session.choose("Open one (number, q to stop):", [e.title for e in offered])
    if picked is not None:
        await browse(session, service, offered[picked])


async def topic_command(session: Session, rest: str) -> None:
    if not rest.strip():
        session.say("Usage: /topic NAME (a title, an alias or an id; /topics lists them)")
        return
    service = session.services.feature(AskService)
    try:
        entry = service.topic(rest)
    except UserFacingError as exc:
        session.say(str(exc))
        return
    await browse(session, service, entry)


async def topics_command(session: Session, _: str) -> None:
    service = session.services.feature(AskService)
    await session.page([page.card for page in topic_pages(service.knowledge)])


async def compare_command(session: Session, _: str) -> None:
    session.show(comparison_card(session.services.feature(AskService).knowledge))


COMMANDS = [
    ShellCommand("ask", "/ask QUESTION", "answer a question from the knowledge base", ask_command),
    ShellCommand("topic", "/topic NAME", "show one entry by title, alias or id", topic_command),
    ShellCommand("topics", "/topics", "every entry, by theme", topics_command),
    ShellCommand("compare", "/compare", "the PM vs PO comparison table", compare_command),
]
