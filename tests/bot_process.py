"""``pmpo-bot run`` as a real child process on the loopback Discord: what tests of several bot processes
(shard ranges, a killed process) and the benchmarks start.

The process gets its database URL through ``DATABASE_URL`` (as a deployment would, keeping the password
out of the file) and its shards on the command line; everything else is in a config file of its own.
Its log is kept (``log``) so a failing test can show what the bot said. The drill helpers below set
servers' drills due on the real clock (a child process can't share a test's fake clock) and count them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
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


class BotProcess:
    def __init__(
        self,
        server: LoopbackDiscord,
        folder: Path,
        *,
        database_url: str | None = None,
        sqlite_path: Path | None = None,
        shards: str | None = None,
        shard_count: int | None = None,
        knowledge: Path = SHIPPED_KNOWLEDGE,
        config: str = "",
    ) -> None:
        """``config``: more YAML sections, e.g. ``"drills:\\n  poll_seconds: 0.5\\n"``."""
        folder.mkdir(parents=True, exist_ok=True)
        self.server = server
        self.folder = folder
        self.database_url = database_url
        self.shards, self.shard_count = shards, shard_count
        self.config = folder / "config.yaml"
        database = sqlite_path or folder / "pmpo.sqlite3"
        give_shipped_vectors(database)  # a copied or edited knowledge base embeds only the texts that differ
        self.config.write_text(
            f"database:\n  path: {database}\nknowledge:\n  path: {knowledge}\n"
            f"discord:\n  api_base_url: {server.api_base_url}\n  gateway_url: {server.gateway_url}\n"
            f"logging:\n  level: INFO\n{config}"
        )
        self.process: asyncio.subprocess.Process | None = None
        self.log: list[str] = []
        self._reader: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    def serves(self, guild_id: int) -> bool:
        """Whether the server is on this process's shards."""
        if self.shards is None or self.shard_count is None:
            return True
        return shard_of(guild_id, self.shard_count) in parse_shards(self.shards)

    def command(self) -> list[str]:
        shards = ["--shards", self.shards] if self.shards else []
        count = ["--shard-count", str(self.shard_count)] if self.shard_count else []
        return [sys.executable, "-m", "runner", "--config", str(self.config), "run", *shards, *count]

    async def start(self, within: float = 60) -> None:
        """Start and wait until the bot logged that it is ready (every one of its shards connected)."""
        env = {**os.environ, "DISCORD_TOKEN": self.server.token, "PYTHONPATH": str(REPO)}
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        self._ready.clear()
        self.process = await asyncio.create_subprocess_exec(
            *self.command(), env=env, cwd=self.folder, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        self._reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait_for(self._ready.wait(), within)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"the bot was not ready within {within}s:\n{self.output()}") from None

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            self.log.append(text)
            if READY in text:
                self._ready.set()
        self._ready.set()  # ended: start() reports the log instead of waiting on

    def output(self) -> str:
        return "\n".join(self.log[-60:])

    async def kill(self) -> None:
        """SIGKILL, as a crash or a lost host: nothing is finished or closed."""
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
        await asyncio.wait_for(self.process.wait(), 30)
        if self._reader is not None:
            await self._reader


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
