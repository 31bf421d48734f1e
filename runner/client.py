"""The bot: a ``commands.Bot`` that wires the core into discord.py, loads every cog and syncs commands.

Cogs are typed against :class:`PmPoBot` (``async def setup(bot: PmPoBot)``) and reach the core through
:attr:`PmPoBot.services`; everything they call lives in the Discord-free core so the shell and the tests
can use it directly.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import sys

import discord
import yarl
from discord import app_commands
from discord.ext import commands

import cogs
from bot.config import Config
from bot.services import Services
from bot.shards import shard_of
from bot.storage.meta import MetaStore
from cogs._errors import ErrorReportingTree

log = logging.getLogger(__name__)

TREE_HASH_KEY = "command_tree_hash"
PLAIN_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"

# The bot has no voice: discord.py's warnings that PyNaCl and davey (voice libraries) are missing are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

#: Discord starts at most ``max_concurrency`` gateway sessions per this many seconds, one per bucket
#: (``shard_id % max_concurrency``).
IDENTIFY_WINDOW = 5.0


def configure_logging(config: Config, *filters: logging.Filter) -> None:
    """discord.py's log format, in colour only on a terminal (its own check also colours inside any Docker
    container, which writes escape codes into journald and ``docker logs``)."""
    plain = None if sys.stderr.isatty() else logging.Formatter(PLAIN_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    level = logging.getLevelName(config.logging.level.upper())
    discord.utils.setup_logging(level=level, root=True, formatter=plain or discord.utils.MISSING)
    for handler in logging.getLogger().handlers:
        for extra in filters:
            handler.addFilter(extra)


def apply_endpoints(config: Config) -> None:
    """Point discord.py at the configured REST and gateway URLs (rate-limit proxies, the loopback server).

    discord.py reads both from class attributes, so this is process-wide: one bot per process.
    """
    discord.http.Route.BASE = config.discord.api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.discord.gateway_url)


def extension_names() -> list[str]:
    """Every module in ``cogs/`` is an extension, except private helpers whose names start with '_'."""
    return sorted(f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if not m.name.startswith("_"))


def intents() -> discord.Intents:
    """Only the guilds intent: channels, roles and permissions for drills. Nothing privileged."""
    return discord.Intents(guilds=True)


class PmPoBot(commands.AutoShardedBot):
    def __init__(self, config: Config, services: Services | None = None, *, sync_on_start: bool = True) -> None:
        apply_endpoints(config)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ErrorReportingTree,
            # Installed with a server unless a command says otherwise (cogs._ui.anywhere: also a member's own).
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            shard_count=config.discord.shard_count,
            shard_ids=config.discord.shard_ids,  # type: ignore[arg-type]  # None means "all", as at runtime
        )
        self.config = config
        self._services = services
        #: Services the bot opened itself (in setup_hook) are the bot's to close; given ones, the giver's.
        self._owns_services = services is None
        self._sync_on_start = sync_on_start and config.discord.sync_commands
        self._identify_concurrency = 1
        self._identified: dict[int, float] = {}  # bucket -> when its last session started (loop time)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are opened in setup_hook; nothing should need them before")
        return self._services

    async def setup_hook(self) -> None:
        if self._services is None:
            self._services = await Services.open(self.config)
        if not self.extensions:  # a login retried after a network failure comes here again
            for name in extension_names():
                await self.load_extension(name)
        if self._sync_on_start:
            await self.sync_if_changed()
        if len(self.local_shards()) > 1:
            self._identify_concurrency = max((await self.fetch_session_start_limits()).max_concurrency, 1)

    async def on_ready(self) -> None:
        shards = self.local_shards() if self.shard_ids is not None else []
        where = f"shards {','.join(map(str, shards))} of {self.shard_count}" if shards else "all shards"
        log.info("Ready: %d server(s) on %s", len(self.guilds), where)

    def local_shards(self) -> list[int]:
        """The shards this process runs (empty before the shard count is known)."""
        if self.shard_ids is not None:
            return sorted(self.shard_ids)
        return list(range(self.shard_count)) if self.shard_count else []

    def shard_share(self) -> float:
        """This process's part of the bot's shards (1.0 when it runs them all): Discord's global rate limit is
        per bot, not per process, so each process may use this share of it."""
        if self.shard_ids is None or not self.shard_count:
            return 1.0
        return len(self.shard_ids) / self.shard_count

    def serves(self, guild_id: int) -> bool:
        """Whether ``guild_id`` is on one of this process's shards: its events come here, and its background
        work (drill posts) is done here and nowhere else."""
        if self.shard_ids is None:
            return True
        return shard_of(guild_id, self.shard_count or 1) in self.shard_ids

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Start shards as fast as Discord allows: ``max_concurrency`` buckets, each one session per 5 s.

        discord.py waits 5 s before every shard but the first, so a process running 16 shards of a large
        bot (``max_concurrency`` 16) would take 75 s to connect instead of none.
        """
        loop = asyncio.get_running_loop()
        bucket = (shard_id or 0) % self._identify_concurrency
        last = self._identified.get(bucket)
        if last is not None and loop.time() - last < IDENTIFY_WINDOW:
            await asyncio.sleep(IDENTIFY_WINDOW - (loop.time() - last))
        self._identified[bucket] = loop.time()

    async def close(self) -> None:
        await super().close()
        if self._owns_services and self._services is not None:
            await self._services.close()
            self._services = None

    def command_tree_hash(self) -> str:
        payload = sorted((c.to_dict(self.tree) for c in self.tree.get_commands()), key=lambda c: str(c["name"]))
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_if_changed(self) -> None:
        """Upload the global commands only when they differ from the last upload (Discord rate-limits sync)."""
        current = self.command_tree_hash()
        if await MetaStore(self.services.db).get(TREE_HASH_KEY) == current:
            log.info("Command tree unchanged since the last sync; not re-uploading")
            return
        await self.sync_commands()

    async def sync_commands(self, guild_id: int | None = None) -> int:
        guild = discord.Object(id=guild_id) if guild_id is not None else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        if guild is None:
            await MetaStore(self.services.db).set(TREE_HASH_KEY, self.command_tree_hash())
        log.info("Synced %d command(s)%s", len(synced), f" to guild {guild_id}" if guild_id else "")
        return len(synced)
