"""Asking's own knowledge: the honest neighbours, near-domain topics the sources do not cover, and the
synonym groups search folds members' words with.

Entries (what asking answers with) are every feature's knowledge and live in :mod:`bot.knowledge.entries`.
A :class:`NotCoveredTopic` is the opposite of an entry: a topic members ask about (the Scrum Master role,
salaries outside the US, tools) that the two source articles say nothing about. Search ranks topics
alongside entries, so a question about one is refused honestly, "not covered here", and pointed at the
closest covered entries, instead of being answered with a loosely related entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.knowledge.base import Origin


@dataclass(frozen=True)
class NotCoveredTopic:
    id: str
    title: str
    #: Example questions as members type them: search matches on these, as on an entry's.
    questions: tuple[str, ...]
    aliases: tuple[str, ...]
    #: What the refusal says: not covered here, and what is.
    says: str
    #: Ids of the covered entries closest to the topic, offered with the refusal.
    points_to: tuple[str, ...]
    origin: Origin = field(compare=False, repr=False)


@dataclass
class NotCoveredList:
    """Every honest neighbour by id, in file order."""

    topics: dict[str, NotCoveredTopic] = field(default_factory=dict)

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"not-covered topics": self.topics}


@dataclass(frozen=True)
class SynonymGroup:
    """Words and phrases members use for one concept of the domain ("paycheck", "take-home pay" for pay).

    Search reads every one of them, in the entries and in questions alike, as the one token ``id``, so a
    member who writes "paycheck" finds the entry that says "salary". Content, not code: when ``/kb gaps``
    shows members asking with a word no entry uses, a moderator adds it to its group."""

    id: str
    phrases: tuple[str, ...]
    origin: Origin = field(compare=False, repr=False)


@dataclass
class SynonymList:
    """Every synonym group by id, in file order."""

    groups: dict[str, SynonymGroup] = field(default_factory=dict)

    def folding(self) -> dict[str, tuple[str, ...]]:
        """Group id → its phrases: what :func:`bot.ask.vocabulary.thesaurus` folds with."""
        return {group.id: group.phrases for group in self.groups.values()}

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"synonym groups": self.groups}
