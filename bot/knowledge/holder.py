"""The knowledge being served, with the data derived from it, and reloading both as one.

Features derive data from the knowledge (asking builds a search index over the entries). A version's
derived data is built before the version is served, and the pair is swapped in one assignment, so a
member is never answered from new knowledge through an old index, or the other way round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.knowledge.base import KnowledgeBase, LabelDiff, diff
from bot.knowledge.documents import Problem
from bot.knowledge.loader import load_knowledge

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Builds derived data (e.g. ``SearchIndex.from_knowledge``) from one knowledge version; it is also its key.
Derivation = Callable[[KnowledgeBase], Any]


@dataclass(frozen=True)
class ReloadOutcome:
    """A refused reload carries the problems; an accepted one says what changed, and what in the new version
    is worth a moderator's attention without being a problem (``bot.ask.capacity``)."""

    problems: tuple[Problem, ...] = ()
    changes: dict[str, LabelDiff] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.problems


class Served:
    """One knowledge version and what was derived from it: read both from the same ``Served``."""

    def __init__(self, knowledge: KnowledgeBase, derived: dict[Derivation, Any] | None = None) -> None:
        self.knowledge = knowledge
        self._derived = derived or {}

    def get(self, derive: Callable[[KnowledgeBase], T]) -> T:
        """``derive(knowledge)`` for this version, built once (on first use if it was not built ahead)."""
        if derive not in self._derived:
            self._derived[derive] = derive(self.knowledge)
        value: T = self._derived[derive]
        return value


class KnowledgeHolder:
    """The knowledge base being served. A reload swaps it only when the new one is free of problems."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self._served = Served(knowledge)
        self._derivations: list[Derivation] = []

    @property
    def served(self) -> Served:
        return self._served

    @property
    def current(self) -> KnowledgeBase:
        return self._served.knowledge

    def derive(self, derivation: Derivation) -> None:
        """Build ``derivation`` for every version a reload accepts from now on, before it is served."""
        if derivation not in self._derivations:
            self._derivations.append(derivation)

    async def reload(self) -> ReloadOutcome:
        """Load, validate and derive in a worker thread, then swap.

        A large knowledge base takes seconds to load and index; on the event loop that would stall every
        interaction and heartbeat meanwhile. Members keep being served the current version until the swap.
        """
        return await asyncio.to_thread(self._reload)

    def _reload(self) -> ReloadOutcome:
        result = load_knowledge(self.current.root)
        if result.knowledge is None:
            log.warning(
                "Knowledge reload refused: %d problem(s); still serving the last good version",
                len(result.problems),
            )
            return ReloadOutcome(problems=result.problems)
        changes = diff(self.current, result.knowledge)
        served = Served(result.knowledge)
        for derivation in list(self._derivations):
            served.get(derivation)
        self._served = served
        log.info(
            "Knowledge reloaded: %s",
            {label: len(c.added) + len(c.removed) + len(c.edited) for label, c in changes.items()},
        )
        return ReloadOutcome(changes=changes)
