"""``pmpo-bot run`` as a real child process on the loopback Discord: what tests of starting and stopping
(signals, exit statuses and standard error, which can only be seen from outside), tests of several bot
processes (shard ranges, a killed process) and the benchmarks start.

The process gets its database URL through ``DATABASE_URL`` (as a deployment would, keeping the password
out of the file) and its shards on the command line; everything else is in a config file of its own.
Its standard error is kept line by line (``lines``) so a test can wait for a log line and a failing one can
show what the bot said. The drill helpers below set servers' drills due on the real clock (a child process
can't share a test's fake clock) and count them.
"""

# Waits take ``timeout`` on purpose: on expiry the error names what the bot failed to do in time.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import parse_shards
from bot.drills.engine import Schedule
from bot.drills.schedule import ALL_DAYS, Rule
from bot.drills.store import DrillStore
from bot.shards import shard_of
from bot.storage.database import Database
from bot.storage.postgres import PostgresDatabase
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, give_shipped_vectors
from tests.loopback.server import LoopbackDiscord
from tests.loopback.state import Channel

READY = "Ready:"
#: A gateway nothing listens on, for a bot that is not meant to get that far.
NO_GATEWAY = "ws://127.0.0.1:9/gateway"


def write_config(
    folder: Path,
    api_base_url: str,
    gateway_url: str = NO_GATEWAY,
    *,
    database: Path | None = None,
    knowledge: Path = SHIPPED_KNOWLEDGE,
    sections: str = "",
) -> Path:
    """``folder``/config.yaml for a bot on these Discord endpoints, its database ``folder``/pmpo.sqlite3
    unless given; ``sections``: more YAML, e.g. ``"drills:\n  poll_seconds: 0.5\n"``. The shipped
    knowledge base's vectors are put beside the database, so the bot does not embed it all first (a copied
    or edited knowledge base embeds only the texts that differ)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = database or folder / "pmpo.sqlite3"
    give_shipped_vectors(database)
    config = folder / "config.yaml"
    config.write_text(
        f"database:\n  path: {database}\nknowledge:\n  path: {knowledge}\n"
        f"discord:\n  api_base_url: {api_base_url}\n  gateway_url: {gateway_url}\n"
        f"logging:\n  level: INFO\n{sections}"
    )
    return config


class BotProcess:
    """One ``pmpo-bot run`` child process (started again after it ended, when a test restarts it)."""

    def __init__(
        self,
        config: Path,
        token: str,
        *,
        database_url: str | None = None,
        shards: str | None = None,
        shard_count: int | None = None,
    ) -> None:
        self.config = config
        self.token = token
        self.database_url = database_url
        self.shards, self.shard_count = shards, shard_count
        self.process: asyncio.subprocess.Process | None = None
        #: Every standard-error line of every run, in order.
        self.lines: list[str] = []
        self._run_starts = 0  # where the current run's lines start
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @classmethod
    def on_loopback(
        cls,
        server: LoopbackDiscord,
        folder: Path,
        *,
        database_url: str | None = None,
        sqlite_path: Path | None = None,
        shards: str | None = None,
        shard_count: int | None = None,
        knowledge: Path = SHIPPED_KNOWLEDGE,
        config: str = "",
    ) -> BotProcess:
        """A bot for ``server`` with its config in ``folder``; ``config``: more YAML sections."""
        written = write_config(
            folder, server.api_base_url, server.gateway_url, database=sqlite_path, knowledge=knowledge, sections=config
        )
        return cls(written, server.token, database_url=database_url, shards=shards, shard_count=shard_count)

    def serves(self, guild_id: int) -> bool:
        """Whether the server is on this process's shards."""
        if self.shards is None or self.shard_count is None:
            return True
        return shard_of(guild_id, self.shard_count) in parse_shards(self.shards)

    def command(self) -> list[str]:
        shards = ["--shards", self.shards] if self.shards else []
        count = ["--shard-count", str(self.shard_count)] if self.shard_count else []
        return [sys.executable, "-m", "runner", "--config", str(self.config), "run", *shards, *count]

    async def launch(self) -> None:
        """Start the process and return at once: for a bot that may never be ready."""
        env = {**os.environ, "DISCORD_TOKEN": self.token, "PYTHONPATH": str(REPO)}
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        self._run_starts = len(self.lines)
        self.process = await asyncio.create_subprocess_exec(
            *self.command(), env=env, cwd=self.config.parent,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self._reader = asyncio.create_task(self._read())

    async def start(self, within: float = 60) -> None:
        """Start and wait until the bot logged that it is ready (every one of its shards connected)."""
        await self.launch()
        try:
            await self.wait_for_lines(READY, timeout=within)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"the bot was not ready within {within}s:\n{self.output()}") from None

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))
            self._changed.set()
        self._changed.set()  # ended: a wait reports the log instead of waiting on

    async def wait_for_lines(self, pattern: str, count: int = 1, timeout: float = 20.0) -> list[str]:
        """The first ``count`` standard-error lines of this run matching ``pattern``, once there are that many."""
        async with asyncio.timeout(timeout):
            while True:
                self._changed.clear()
                found = [line for line in self.lines[self._run_starts :] if re.search(pattern, line)]
                if len(found) >= count:
                    return found[:count]
                if self._reader is not None and self._reader.done():
                    raise AssertionError(f"the bot exited before logging {pattern!r}:\n{self.output()}")
                await self._changed.wait()

    async def exit_status(self, timeout: float = 20.0) -> int:
        """Wait for the process to end (and its last lines to be read)."""
        assert self.process is not None
        status = await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            await self._reader
        return status

    def send_signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def kill(self) -> None:
        """SIGKILL, as a crash or a lost host: nothing is finished or closed. Nothing when it has ended."""
        await self._end(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, as a deploy does: writes finish, the database is closed, exit status 0."""
        await self._end(signal.SIGTERM)
        assert self.process is not None and self.process.returncode == 0, self.output()

    async def _end(self, signum: int) -> None:
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.send_signal(signum)
        await self.exit_status(30)

    @property
    def stderr(self) -> str:
        """Everything the process wrote to standard error."""
        return "\n".join(self.lines)

    def output(self) -> str:
        """The last lines of standard error, for a failing assertion."""
        return "\n".join(self.lines[-60:])


async def until(server: LoopbackDiscord, condition: Callable[[], bool], what: str, within: float = 60.0) -> None:
    """Wait until ``condition`` holds, checked whenever loopback's world changes (a message, a session)."""
    await server.world.wait_for(lambda: True if condition() else None, within, what)


async def due_now(db: Database, channels: list[Channel]) -> None:
    """Give every channel's server a drill due a minute ago (UTC, every day, no thread), as /drills setup does."""
    now = dt.datetime.now(dt.UTC)
    rule = Rule((now - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0), ZoneInfo("UTC"), ALL_DAYS)
    since = now - dt.timedelta(days=1)
    store = DrillStore(db)
    for channel in channels:
        assert channel.guild_id is not None
        schedule = Schedule(channel.guild_id, channel.id, rule, None, False, False, None, since, None)
        await store.save_schedule(schedule, now)


async def ledger(url: str, status: str) -> int:
    """How many rows of the post ledger have ``status``."""
    db = await PostgresDatabase.open(url)
    try:
        row = await db.fetchone("SELECT count(*) FROM drill_posts WHERE status = ?", (status,))
    finally:
        await db.close()
    return int(row[0]) if row else 0


def drills_in(loopback: LoopbackDiscord, channel: Channel) -> int:
    """Drill messages the bot posted in ``channel``."""
    return sum(1 for m in loopback.messages_in(channel) if m.embeds and "drill" in str(m.embeds[0]).lower())
