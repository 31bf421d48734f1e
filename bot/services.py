"""What every front end shares: configuration, the database, the current knowledge base and the clock.

The Discord cogs and the local shell both hold one :class:`Services` and call the same core with it, so
what a moderator previews in the shell is what members get in Discord.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.config import Config, ConfigError, Location
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import require_knowledge
from bot.storage import open_database
from bot.storage.database import Database

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
F = TypeVar("F")


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
        return cls(config, db, KnowledgeHolder(knowledge), clock, knowledge_location=location)

    async def close(self) -> None:
        await self.db.close()
