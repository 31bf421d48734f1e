"""Shell commands that are not a feature of their own: /help, /about, /clear, /quit."""

from __future__ import annotations

from bot.about import about_card
from bot.shell.session import BARE_WORDS, Session, ShellCommand


async def help_command(session: Session, _: str) -> None:
    session.say("Commands:")
    for command in session.commands.values():
        session.say(f"  {command.usage:<28} {command.help}")
    words = ", ".join(sorted(BARE_WORDS))
    session.say(f"A line without a leading / is asked as a question, except these words alone: {words}.")


async def about_command(session: Session, _: str) -> None:
    session.show(about_card(session.services))


async def clear_command(session: Session, _: str) -> None:
    session.clear()


async def quit_command(session: Session, _: str) -> None:
    """Handled by the loop itself; listed so /help shows it."""


COMMANDS = [
    ShellCommand("help", "/help", "this list", help_command),
    ShellCommand("about", "/about", "version, knowledge size and uptime", about_command),
    ShellCommand("clear", "/clear", "clear the screen", clear_command),
    ShellCommand("quit", "/quit", "leave the shell (also /exit, /q, Ctrl-D)", quit_command),
]
