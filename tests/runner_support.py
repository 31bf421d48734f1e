"""``pmpo-bot run`` as its own process against the loopback Discord, for tests of starting and stopping.

Signals, exit statuses and what reaches standard error can only be seen from outside the process.
"""

# Waits take ``timeout`` on purpose: on expiry the error names what the bot failed to do in time.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from tests.helpers import REPO, SHIPPED_KNOWLEDGE, give_shipped_vectors


def write_config(folder: Path, api_base_url: str, gateway_url: str = "ws://127.0.0.1:9/gateway") -> Path:
    config = folder / "config.yaml"
    give_shipped_vectors(folder / "pmpo.sqlite3")
    config.write_text(
        f"database:\n  path: {folder / 'pmpo.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
        f"discord:\n  api_base_url: {api_base_url}\n  gateway_url: {gateway_url}\n"
        "ask:\n  cooldown_seconds: 0.01\n"
    )
    return config


class BotProcess:
    """The bot process; collects its standard error line by line so tests can wait for a log line."""

    def __init__(self, config: Path, token: str) -> None:
        self.config = config
        self.token = token
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        env = {**os.environ, "DISCORD_TOKEN": self.token, "PYTHONPATH": str(REPO)}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "runner", "--config", str(self.config), "run",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, cwd=self.config.parent,
        )  # fmt: skip
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode().rstrip("\n"))
            self._changed.set()

    async def wait_for_lines(self, pattern: str, count: int = 1, timeout: float = 20.0) -> list[str]:
        """The first ``count`` standard-error lines matching ``pattern``, once there are that many."""
        async with asyncio.timeout(timeout):
            while True:
                self._changed.clear()
                found = [line for line in self.lines if re.search(pattern, line)]
                if len(found) >= count:
                    return found[:count]
                if self._reader is not None and self._reader.done():
                    raise AssertionError(f"the bot exited before logging {pattern!r}:\n{self.stderr}")
                await self._changed.wait()

    async def exit_status(self, timeout: float = 20.0) -> int:
        assert self.process is not None
        status = await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            await self._reader
        return status

    def send_signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)
