"""The shell as a person meets it (issue #13, point 3): in a terminal (a pty), and through a pipe.

In a terminal, Markdown emphasis is drawn and lines are wrapped to the terminal's width, and Ctrl-C at a
prompt ends the shell at once; through a pipe, plain text. Long lists come a page at a time, and the
bare words help, clear, quit, exit and q are commands, never questions.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.services import Services
from bot.shell import run_shell
from bot.shell.text import strip_markdown, styled
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, give_shipped_vectors

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
COLUMNS = 60


async def piped(services: Services, script: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(script), out)
    return out.getvalue()


@pytest.mark.parametrize("word", ["exit", "quit", "q", "EXIT"])
async def test_bare_shell_words_are_commands_never_questions(services: Services, word: str) -> None:
    output = await piped(services, f"help\nclear\n{word}\n/about\n")
    assert "/topics" in output and "these words alone: clear, exit, help, q, quit" in output  # help ran
    assert "Version" not in output  # the shell left before /about
    assert "No curated answer" not in output
    assert await services.db.fetchall("SELECT * FROM unanswered_questions") == []


async def test_piped_output_is_plain_text(services: Services) -> None:
    output = await piped(services, "/ask who owns the roadmap?\nq\n/quiz salary 5\n1\n")
    assert "the PM owns the roadmap" in output
    assert "**" not in output and "\x1b" not in output
    assert "*The Salary theme has only" not in output and "The Salary theme has only 4 questions" in output


async def test_topics_come_a_page_at_a_time(services: Services) -> None:
    output = await piped(services, "/topics\n\n3\np\nq\n/about\n")
    pages = re.findall(r"\(Page (\d+)/\d+ · open one with /topic\)", output)
    assert pages == ["1", "2", "3", "2"]
    assert "Enter: next page · 1-" in output and "Enter: next page · p: previous · 1-" in output
    assert "Version" in output  # q left the list, and the shell went on


def test_markdown_is_drawn_and_wrapped_without_splitting_words() -> None:
    text = "In the textbook split, **the PM owns the roadmap**. The PO works *from* it, see [the guide](https://x.y)."
    drawn = styled(text, 30)
    assert "\x1b[1mthe PM owns the roadmap\x1b[22m" in drawn.replace("\n", " ") or "\x1b[1mthe PM" in drawn
    assert "\x1b[3mfrom\x1b[23m" in drawn and "\x1b[4mthe guide\x1b[24m (https://x.y)" in drawn.replace("\n", " ")
    lines = ANSI.sub("", drawn).split("\n")
    assert all(len(line) <= 30 for line in lines) and " ".join(lines) == strip_markdown(text)
    assert styled("- a list item long enough to need a second line here", 30).split("\n")[1].startswith("  ")


class Pty:
    """The shell in a pseudo-terminal of ``COLUMNS`` columns, as a person's terminal would run it."""

    def __init__(self, tmp_path: Path) -> None:
        give_shipped_vectors(tmp_path / "db.sqlite3")  # or the first /ask waits for the whole base to embed
        (tmp_path / "config.yaml").write_text(
            f"database:\n  path: {tmp_path / 'db.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
        )
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "DISCORD_TOKEN")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "shell"],
            stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, start_new_session=True,
            env={**env, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)},
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the pty is its controlling terminal
        )  # fmt: skip
        os.close(slave)
        self.output = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def read_until(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.output):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                raise AssertionError(f"no {pattern!r} in the terminal within {timeout} s:\n{self.output}")
            try:
                self.output += os.read(self.master, 65536).decode(errors="replace")
            except OSError:  # the shell exited and closed the terminal
                raise AssertionError(f"the shell ended before {pattern!r}:\n{self.output}") from None
        return self.output

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Pty]:
    pty = Pty(tmp_path)
    yield pty
    pty.close()


def test_in_a_terminal_emphasis_is_drawn_lines_fit_and_ctrl_c_exits_at_once(terminal: Pty) -> None:
    terminal.read_until(r"pmpo> ")
    terminal.type("/ask who owns the roadmap?\r")
    terminal.type("q\r")
    screen = terminal.read_until(r"(?s)pmpo> .*pmpo> ")
    assert "\x1b[1m" in screen and "**" not in screen  # bold drawn, markers gone
    lines = [ANSI.sub("", line) for line in screen.replace("\r\n", "\n").split("\n")]
    assert max(len(line) for line in lines) <= COLUMNS, "\n".join(line for line in lines if len(line) > COLUMNS)
    assert any(len(line) > COLUMNS * 2 // 3 for line in lines)  # wrapped near the edge, not at a fixed width

    started = time.monotonic()
    terminal.type("\x03")  # Ctrl-C at the prompt
    status = terminal.process.wait(timeout=5)
    assert status == 130 and time.monotonic() - started < 3
    assert "Traceback" not in terminal.read_until(r"interrupted")
