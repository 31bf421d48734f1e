"""What every front end shares: configuration, the database, the current knowledge base and the clock.

The Discord cogs and the local shell both hold one :class:`Services` and call the same core with it, so
what a moderator previews in the shell is what members get in Discord.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.config import Config
from bot.knowledge.base import KnowledgeBase, LabelDiff, diff
from bot.knowledge.documents import Problem
from bot.knowledge.loader import load_knowledge, require_knowledge
from bot.storage import open_database
from bot.storage.database import Database

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
F = TypeVar("F")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ReloadOutcome:
    """A refused reload carries the problems; an accepted one says what changed."""

    problems: tuple[Problem, ...] = ()
    changes: dict[str, LabelDiff] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return not self.problems


class KnowledgeHolder:
    """The knowledge base being served. A reload swaps it only when the new one is free of problems."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._current = knowledge
        self._listeners: list[Callable[[KnowledgeBase], None]] = []

    @property
    def current(self) -> KnowledgeBase:
        return self._current

    def on_change(self, listener: Callable[[KnowledgeBase], None]) -> None:
        """Call ``listener`` with each newly accepted knowledge base (e.g. to rebuild a search index)."""
        self._listeners.append(listener)

    async def reload(self) -> ReloadOutcome:
        """Load, validate and rebuild derived data in a worker thread, then swap.

        A large knowledge base takes seconds to load; on the event loop that would stall every
        interaction and heartbeat meanwhile. Members keep being served the current version until the swap.
        """
        return await asyncio.to_thread(self._reload)

    def _reload(self) -> ReloadOutcome:
        result = load_knowledge(self._current.root)
        if result.knowledge is None:
            log.warning(
                "Knowledge reload refused: %d problem(s); still serving the last good version",
                len(result.problems),
            )
            return ReloadOutcome(problems=result.problems)
        changes = diff(self._current, result.knowledge)
        self._current = result.knowledge
        for listener in self._listeners:
            listener(result.knowledge)
        log.info(
            "Knowledge reloaded: %s",
            {label: len(c.added) + len(c.removed) + len(c.edited) for label, c in changes.items()},
        )
        return ReloadOutcome(changes=changes)


class Services:
    def __init__(self, config: Config, db: Database, knowledge: KnowledgeHolder, clock: Clock = utc_now) -> None:
        self.config = config
        self.db = db
        self.knowledge = knowledge
        self.clock = clock
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
        knowledge = require_knowledge(config.knowledge_path)
        db = await open_database(config)
        return cls(config, db, KnowledgeHolder(knowledge), clock)

    async def close(self) -> None:
        await self.db.close()
