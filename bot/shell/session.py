"""What a shell command gets: the services, a way to print, and a way to ask for a numbered choice.

Text goes out as :mod:`bot.shell.text` draws it: styled and wrapped in a terminal, plain through a pipe.
Lines come in through a daemon thread reading the raw file descriptor, so Ctrl-C at a prompt ends the
shell at once: nothing waits for a blocked read (a worker thread of asyncio's would hold the exit until
the next Enter).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import shutil
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.cards import Card, plain
from bot.services import Services
from bot.shell.text import strip_markdown, styled

#: The shell acts as one local member, outside any server; its data sits in the same database as the
#: bot's under this id, which no Discord account can have.
LOCAL_USER_ID = 0
#: Words typed alone that mean a shell command, not a question to ask.
BARE_WORDS = {"help": "help", "quit": "quit", "exit": "quit", "q": "quit", "clear": "clear"}
#: Other names of commands: ``/exit`` and ``/q`` leave, like ``/quit``.
ALIASES = {"exit": "quit", "q": "quit"}
#: Typed at a numbered choice: leave it.
STOP_WORDS = ("q", "quit", "exit")
CLEAR_SCREEN = "\x1b[H\x1b[2J"


@dataclass(frozen=True)
class ShellCommand:
    name: str
    usage: str
    help: str
    run: Callable[[Session, str], Awaitable[None]]


def parse_line(line: str) -> tuple[str, str]:
    """A typed line as (command name, rest): ``/name rest``, a bare shell word, or else a question to ask."""
    line = line.strip()
    if not line.startswith("/"):
        word = BARE_WORDS.get(line.lower())
        return (word, "") if word else ("ask", line)
    name, _, rest = line[1:].partition(" ")
    name = name.lower()
    return ALIASES.get(name, name), rest.strip()


class Session:
    def __init__(self, services: Services, stdin: TextIO, stdout: TextIO, commands: dict[str, ShellCommand]) -> None:
        self.services = services
        self.commands = commands
        self.user_id = LOCAL_USER_ID
        self.guild_id: int | None = None
        self._stdin = stdin
        self._stdout = stdout
        self._interactive = stdin.isatty()
        self._terminal = stdout.isatty() and os.environ.get("TERM") != "dumb"
        self._ansi = self._terminal and "NO_COLOR" not in os.environ
        self._pending: list[str] = []
        self._lines = _LineReader(stdin)

    def render(self, markdown: str, indent: str = "") -> str:
        """Card text as this output shows it: styled and wrapped in a terminal, plain through a pipe."""
        if self._terminal:
            return styled(markdown, shutil.get_terminal_size().columns - 1, indent, ansi=self._ansi)
        return "\n".join(indent + line for line in strip_markdown(markdown).split("\n"))

    def say(self, message: str = "") -> None:
        self._stdout.write(self.render(message) + "\n")
        self._stdout.flush()

    def show(self, card: Card) -> None:
        """A core :class:`~bot.cards.Card`, the shell's rendering of an embed (no colours: the tone is not shown)."""
        self.say(f"== **{card.title}** ==")
        if card.body:
            self.say(plain(card.body))
        for name, value in card.fields:
            self.say(f"-- **{name}**")
            self._stdout.write(self.render(plain(value), "   ") + "\n")
        if card.footer:
            self.say(f"({card.footer})")

    def clear(self) -> None:
        """Clear the terminal (nothing to clear in a pipe)."""
        if self._ansi:
            self._stdout.write(CLEAR_SCREEN)
            self._stdout.flush()

    async def read(self, prompt: str) -> str | None:
        """The next line, or None at end of input."""
        if self._pending:
            return self._pending.pop()
        if self._interactive:
            self._stdout.write(prompt)
            self._stdout.flush()
        return await self._lines.next()

    async def choose(self, prompt: str, options: Sequence[str]) -> int | None:
        """Show numbered options and return the index picked; None if the input ended or 'q' was typed.

        A ``/command`` typed instead of a number leaves the flow and runs, as the member clearly meant.
        """
        self.say(prompt)
        for number, option in enumerate(options, start=1):
            self.say(f"  {number}. {option}")
        while True:
            line = await self.read("choice> ")
            if line is None or line.strip().lower() in STOP_WORDS:
                return None
            entered = line.strip()
            if entered.startswith("/"):
                self._pending.append(entered)
                return None
            if entered.isdigit() and 1 <= int(entered) <= len(options):
                return int(entered) - 1
            self.say(f"Type a number from 1 to {len(options)} (or q to stop).")

    async def page(self, pages: Sequence[Card]) -> None:
        """Show a long list a page at a time, like the ◀ ▶ buttons in Discord: Enter for the next page,
        p for the previous one, a page number, or q (or a ``/command``) to stop."""
        index = 0
        while True:
            self.show(pages[index])
            if len(pages) == 1:
                return
            last = index == len(pages) - 1
            keys = ([] if last else ["Enter: next page"]) + (["p: previous"] if index else [])
            self.say(" · ".join([*keys, f"1-{len(pages)}: that page", "q: stop"]))
            line = await self.read("page> ")
            entered = "q" if line is None else line.strip().lower()
            if entered.startswith("/"):
                self._pending.append(entered)
                return
            if entered in ("", "n") and not last:
                index += 1
            elif entered == "p" and index:
                index -= 1
            elif entered.isdigit() and 1 <= int(entered) <= len(pages):
                index = int(entered) - 1
            else:
                return


class _LineReader:
    """Lines from ``stream``; a real file descriptor is read by a daemon thread, which never holds up exit."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        try:
            self._fd: int | None = stream.fileno()
        except (OSError, ValueError):  # an in-memory stream (the tests): reading it never blocks
            self._fd = None
        self._decoder = codecs.getincrementaldecoder(getattr(stream, "encoding", None) or "utf-8")("replace")
        self._buffer = ""
        self._ended = False

    async def next(self) -> str | None:
        if self._fd is None:
            line = self._stream.readline()
            return line.rstrip("\n") if line else None
        while "\n" not in self._buffer and not self._ended:
            chunk = await self._read_chunk(self._fd)
            self._ended = not chunk
            self._buffer += self._decoder.decode(chunk, final=self._ended)
        if not self._buffer:
            return None
        line, _, self._buffer = self._buffer.partition("\n")
        return line

    @staticmethod
    async def _read_chunk(fd: int) -> bytes:
        loop = asyncio.get_running_loop()
        chunk: asyncio.Future[bytes] = loop.create_future()

        def deliver(data: bytes) -> None:
            if not chunk.done():
                chunk.set_result(data)

        def work() -> None:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            with contextlib.suppress(RuntimeError):  # the shell ended meanwhile (Ctrl-C): nobody is waiting
                loop.call_soon_threadsafe(deliver, data)

        threading.Thread(target=work, name="pmpo-shell-input", daemon=True).start()
        return await chunk
