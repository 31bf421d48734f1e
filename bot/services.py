"""What every front end shares: configuration, the database, the current knowledge base and the clock.

The Discord cogs and the local shell both hold one :class:`Services` and call the same core with it, so
what a moderator previews in the shell is what members get in Discord.

Several bot processes (shard ranges) may share one database: :meth:`Services.reload_knowledge` is the one
way to reload the knowledge, and it tells the other processes to reload too (``LISTEN``/``NOTIFY`` on
PostgreSQL), so every process answers from the same version.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from bot.ask.capacity import knowledge_warnings
from bot.config import Config, ConfigError, Location, redact_password
from bot.knowledge.holder import KnowledgeHolder, ReloadOutcome
from bot.knowledge.loader import require_knowledge
from bot.storage import open_database
from bot.storage.database import Database

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
F = TypeVar("F")
#: The channel on which a process that reloaded the knowledge tells the others (payload: its instance id).
KNOWLEDGE_RELOADED = "pmpo_knowledge_reloaded"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Services:
    def __init__(
        self,
        config: Config,
        db: Database,
        knowledge: KnowledgeHolder,
        clock: Clock = utc_now,
        *,
        knowledge_location: Location | None = None,
    ) -> None:
        self.config = config
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
        #: Which knowledge folder is served and why that one, for ``/about``.
        self.knowledge_location = knowledge_location
        self.started_at = clock()
        self._features: dict[Callable[[Services], Any], Any] = {}
        #: Tells this process's own reload notices from the other processes'.
        self.instance_id = uuid.uuid4().hex
        self._reloads: set[asyncio.Task[ReloadOutcome]] = set()

    def feature(self, factory: Callable[[Services], F]) -> F:
        """The one instance of a feature's core (e.g. the search index) shared by every front end."""
        if factory not in self._features:
            self._features[factory] = factory(self)
        instance: F = self._features[factory]
        return instance

    @classmethod
    async def open(cls, config: Config, clock: Clock = utc_now) -> Services:
        """Load the knowledge first (cheap, and the likelier thing to be broken), then open the database."""
        location = config.knowledge_location()
        knowledge = require_knowledge(location.path)
        log.info("Knowledge: %s", location)
        if config.database.url:
            db = await open_database(config)
            log.info("Database: PostgreSQL at %s", redact_password(config.database.url))
        else:
            database = config.database_location()
            try:
                database.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ConfigError(
                    f"cannot create the database folder {database.path.parent.resolve()} ({error.strerror}); "
                    f"it is {database.source}: set database.path to a file in a folder the bot may write to"
                ) from None
            db = await open_database(config)
            log.info("Database: %s", database)
        services = cls(config, db, KnowledgeHolder(knowledge), clock, knowledge_location=location)
        await db.listen(KNOWLEDGE_RELOADED, services._reloaded_elsewhere)
        return services

    async def reload_knowledge(self) -> ReloadOutcome:
        """Reload the knowledge here and, when accepted, in every other process sharing the database.

        The one reload path: ``/kb reload`` and whatever edits the knowledge go through it, so no process
        keeps answering from the old version. The notice carries no content: each process reads its own
        knowledge folder (the same files, deployed to every host) and validates it itself.
        """
        outcome = await self.knowledge.reload()
        if not outcome.accepted:
            return outcome
        await self.db.notify(KNOWLEDGE_RELOADED, self.instance_id)
        return replace(outcome, warnings=tuple(knowledge_warnings(self.knowledge.current)))

    def _reloaded_elsewhere(self, origin: str) -> None:
        if origin == self.instance_id:
            return
        log.info("Another bot process reloaded the knowledge; reloading here too")
        task = asyncio.get_running_loop().create_task(self.knowledge.reload())
        self._reloads.add(task)
        task.add_done_callback(self._reloads.discard)

    async def close(self) -> None:
        if self._reloads:
            await asyncio.gather(*self._reloads, return_exceptions=True)
        await self.db.close()
