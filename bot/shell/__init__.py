"""The local shell: the bot's commands in a terminal, over the same core, database and knowledge.

For trying the bot without a Discord token, and for moderators previewing YAML edits. Where Discord
shows buttons, the shell shows numbered choices. It reads plain lines, so it also runs from a pipe
(``printf '/ask who owns the roadmap\\n' | pmpo-bot shell``), which is how the tests drive it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TextIO

from bot.errors import UserFacingError
from bot.services import Services
from bot.shell import ask, check, drill, general, interview, privacy, quiz
from bot.shell.session import Session, ShellCommand, parse_line

log = logging.getLogger(__name__)

MODULES = (general, ask, privacy, check, quiz, drill, interview)

BANNER = "PM-or-PO shell. Type help for the commands, or just ask a question; quit (or Ctrl-D) leaves."


def commands() -> dict[str, ShellCommand]:
    table: dict[str, ShellCommand] = {}
    for module in MODULES:
        for command in module.COMMANDS:
            table[command.name] = command
    return table


async def run_shell(services: Services, stdin: TextIO, stdout: TextIO) -> None:
    session = Session(services, stdin, stdout, commands())
    session.say(BANNER)
    while True:
        line = await session.read("pmpo> ")
        if line is None:
            break
        if not line.strip():
            continue
        name, rest = parse_line(line)
        command = session.commands.get(name)
        if command is None:
            session.say(f"Unknown command '/{name}'. Type /help to see what I can do.")
            continue
        if command.name == "quit":
            break
        try:
            await command.run(session, rest)
        except UserFacingError as error:
            session.say(str(error))
        except Exception:
            log.exception("Shell command /%s failed", command.name)
            session.say(f"Something went wrong running /{command.name}; the details are in the log above.")
        await asyncio.sleep(0)
