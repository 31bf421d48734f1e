"""``BotHarness``: runs the real, unmodified ``PmPoBot`` against a LoopbackDiscord.

The bot is configured exactly as in production, through ``load_config`` overrides: endpoints point
at the loopback server and the database lives under the test's tmp_path. ``restart`` closes the
bot and starts a new one on the same database, as a redeploy would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import discord

from bot.config import load_config
from runner.client import PmPoBot
from tests.helpers import SHIPPED_KNOWLEDGE, shipped_vectors
from tests.loopback.server import LoopbackDiscord

# discord.py waits this long after the last GUILD_CREATE before on_ready (2 s by default). It has
# no public setter for an existing client, so the harness shortens it on the connection state.
GUILD_READY_TIMEOUT = 0.05


class BotHarness:
    def __init__(
        self, server: LoopbackDiscord, tmp_path: Path, *, startup_timeout: float = 10.0, **sections: dict[str, Any]
    ) -> None:
        """``sections`` override config sections, e.g. ``ask={"max_results": 3}``."""
        overrides: dict[str, Any] = {
            "database": {"path": str(tmp_path / "pmpo.sqlite3")},
            "knowledge": {"path": str(SHIPPED_KNOWLEDGE)},
        }
        for name, values in sections.items():
            overrides[name] = {**overrides.get(name, {}), **values}
        overrides["discord"] = {
            **overrides.get("discord", {}),
            "api_base_url": server.api_base_url,
            "gateway_url": server.gateway_url,
        }
        self.config = load_config(None, overrides=overrides)
        self._server = server
        self._startup_timeout = startup_timeout
        self._bot: PmPoBot | None = None
        self._connection: asyncio.Task[None] | None = None
        self._saved_endpoints = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    @property
    def bot(self) -> PmPoBot:
        if self._bot is None:
            raise RuntimeError("the bot is not running; use 'async with BotHarness(...)'")
        return self._bot

    async def start(self) -> PmPoBot:
        """Log in (setup_hook: extensions, command sync), connect, and wait until ready."""
        # The first index a process builds embeds the knowledge base (10-25 s of CPU on a loaded machine): a cold
        # start, which bench/startup.py measures; here it is paid before the start-up clock, once per process.
        await asyncio.to_thread(shipped_vectors)
        bot = PmPoBot(self.config)
        bot._connection.guild_ready_timeout = GUILD_READY_TIMEOUT
        self._bot = bot
        try:
            await asyncio.wait_for(bot.login(self._server.token), self._startup_timeout)
            self._connection = connection = asyncio.create_task(bot.connect(), name="pmpo-bot gateway")
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({ready, connection}, timeout=self._startup_timeout, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                if connection.done():
                    connection.result()  # re-raise why the bot could not connect
                raise TimeoutError(f"PmPoBot was not ready within {self._startup_timeout}s")
        except BaseException:
            await self.stop()  # a half-started bot still holds an HTTP session and maybe a socket
            raise
        return bot

    async def stop(self) -> None:
        bot, connection = self._bot, self._connection
        self._bot = self._connection = None
        if bot is not None:
            await bot.close()
        if connection is not None:
            await asyncio.wait_for(connection, self._startup_timeout)

    async def cached(self, event: str, condition: Callable[[], bool]) -> None:
        """Wait until the bot has handled a gateway ``event`` after which ``condition`` holds (its cache caught up).

        Gateway events reach the bot asynchronously; waiting on the event itself, not a fixed sleep, keeps
        tests both fast and free of timing guesses.
        """
        if not condition():
            await asyncio.wait_for(self.bot.wait_for(event, check=lambda *_: condition()), self._startup_timeout)

    async def restart(self) -> PmPoBot:
        """Close the bot and start a fresh PmPoBot on the same database and config."""
        await self.stop()
        return await self.start()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.stop()
        finally:
            # PmPoBot points discord.py's process-wide endpoints at this server; put them back.
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved_endpoints
