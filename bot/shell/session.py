"""What a shell command gets: the services, a way to print, and a way to ask for a numbered choice."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.cards import Card, plain
from bot.services import Services

#: The shell acts as one local member, outside any server; its data sits in the same database as the
#: bot's under this id, which no Discord account can have.
LOCAL_USER_ID = 0


@dataclass(frozen=True)
class ShellCommand:
    name: str
    usage: str
    help: str
    run: Callable[[Session, str], Awaitable[None]]


class Session:
    def __init__(self, services: Services, stdin: TextIO, stdout: TextIO, commands: dict[str, ShellCommand]) -> None:
        self.services = services
        self.commands = commands
        self.user_id = LOCAL_USER_ID
        self.guild_id: int | None = None
        self._stdin = stdin
        self._stdout = stdout
        self._interactive = stdin.isatty()
        self._pending: list[str] = []

    def say(self, text: str = "") -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()

    def show(self, card: Card) -> None:
        """A core :class:`~bot.cards.Card`, the shell's rendering of an embed (no colours: the tone is not shown)."""
        self.say(f"== {card.title} ==")
        if card.body:
            self.say(plain(card.body))
        for name, value in card.fields:
            self.say(f"-- {name}")
            self.say(textwrap.indent(plain(value), "   "))
        if card.footer:
            self.say(f"({card.footer})")

    async def read(self, prompt: str) -> str | None:
        """The next line, or None at end of input."""
        if self._pending:
            return self._pending.pop()
        if self._interactive:
            self._stdout.write(prompt)
            self._stdout.flush()
        line = await asyncio.to_thread(self._stdin.readline)
        return line.rstrip("\n") if line else None

    async def choose(self, prompt: str, options: Sequence[str]) -> int | None:
        """Show numbered options and return the index picked; None if the input ended or 'q' was typed.

        A ``/command`` typed instead of a number leaves the flow and runs, as the member clearly meant.
        """
        self.say(prompt)
        for number, option in enumerate(options, start=1):
            self.say(f"  {number}. {option}")
        while True:
            line = await self.read("choice> ")
            if line is None or line.strip().lower() in ("q", "quit"):
                return None
            text = line.strip()
            if text.startswith("/"):
                self._pending.append(text)
                return None
            if text.isdigit() and 1 <= int(text) <= len(options):
                return int(text) - 1
            self.say(f"Type a number from 1 to {len(options)} (or q to stop).")
