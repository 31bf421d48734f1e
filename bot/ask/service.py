"""What the front ends call to answer members' questions: ``/ask``, the "Answer this" context menu,
``/topic``, ``/topics``, ``/compare`` and ``/kb stats``, the shell's ``/ask``; and what ``/kb gaps`` groups
(:mod:`bot.curation`) comes from what it records.

Get it with ``services.feature(AskService)``: it holds the search index of the knowledge being served
and records, through :class:`~bot.ask.store.AskStore`, what ``/kb`` reports on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from bot import limits
from bot.ask.embedding_cache import EmbeddingCache
from bot.ask.engine import Answer, AskStats, EntryStat, ask
from bot.ask.search import SearchIndex
from bot.ask.store import AskStore
from bot.ask.vocabulary import normalise
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary
from bot.services import Services


class AskService:
    """The search index of the knowledge being served, plus what /ask records in the database."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.store = AskStore(services.db)
        self._cache = EmbeddingCache(services.config.embedding_cache_location().path)
        services.knowledge.derive(self.build_index)  # every reload builds the new index before serving it

    def build_now(self) -> None:
        """Build the served version's index ahead of the first question. It blocks for seconds on a cold
        start (embedding the knowledge base), so the bot calls it in a worker thread; registering the index
        (``__init__``) stays on the event loop, so a reload that starts meanwhile builds it too."""
        self._served()

    def build_index(self, knowledge: KnowledgeBase) -> SearchIndex:
        """The search index of one knowledge version, its vectors kept on disk between starts. The key of the
        index among what is derived from a version (``served.get(service.build_index)``)."""
        return SearchIndex.from_knowledge(knowledge, self._cache)

    def _served(self) -> tuple[KnowledgeBase, SearchIndex]:
        """The knowledge being served and its index, from one version: a reload swaps both at once."""
        served = self._services.knowledge.served
        return served.knowledge, served.get(self.build_index)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge.current

    def answer(self, question: str) -> Answer:
        """Validate and answer without recording anything."""
        knowledge, index = self._served()
        return ask(index, knowledge, question, self._services.config.ask.max_question_length)

    async def ask(
        self, question: str, guild_id: int | None, *, keep_unanswered: bool = True, user_id: int | None = None
    ) -> Answer:
        """Answer, and record it: the entry for ``/kb stats``, or the question for ``/kb gaps``.

        The member who asked is deliberately not recorded in either case. ``keep_unanswered=False`` is for
        text someone else wrote (the context menu): its author never asked the bot to keep it. ``user_id``
        only closes the member's open suggestion signals (asking again means the entry they opened was
        not the end of it); it is not stored with the question.
        """
        # In a worker thread: the question is embedded (bot.ask.semantic), some milliseconds the event
        # loop should not wait for. The index is immutable and safe to share.
        answer = await asyncio.to_thread(self.answer, question)
        now = self._services.clock()
        if user_id is not None:
            await self.store.note_member_asked(user_id, now)
        if answer.entry is not None:
            await self.store.log_answer(answer.entry.id, guild_id, now)
        elif keep_unanswered and answer.records_gap:
            kept = await self.store.log_unanswered(normalise(answer.question), answer.question, guild_id, now)
            answer = dataclasses.replace(answer, unanswered_id=kept)
        return answer

    async def open_suggestion(self, *, unanswered_id: int, entry_id: str, user_id: int) -> None:
        """The member whose question had no answer opened a suggested entry: a signal for ``/kb gaps``."""
        await self.store.log_suggestion_open(unanswered_id, entry_id, user_id, self._services.clock())

    def entry(self, entry_id: str) -> Entry | None:
        return self.knowledge.part(EntryLibrary).entries.get(entry_id)

    def topic(self, name: str) -> Entry:
        """The entry a member picked or typed in ``/topic``: an id, a title, an alias, or close to one."""
        index = self._served()[1]
        entry = self.entry(name.strip()) or index.lookup(name)
        if entry is None:
            closest = "; ".join(f"*{e.title}*" for e in index.closest_titles(name))
            raise UserFacingError(
                f"I have no topic called '{limits.echo(name)}'."
                + (f" The closest I have: {closest}." if closest else "")
                + " Try `/topics` to browse."
            )
        return entry

    def autocomplete(self, current: str) -> list[tuple[str, str]]:
        """(name, entry id) pairs for Discord's autocomplete: at most 25, names at most 100 characters."""
        return [
            (limits.trim(entry.title, limits.AUTOCOMPLETE_NAME), entry.id)
            for entry in self._served()[1].titles_matching(current, limit=limits.AUTOCOMPLETE_CHOICES)
        ]

    async def vote(
        self,
        *,
        user_id: int,
        entry_id: str,
        message_id: int,
        guild_id: int | None,
        helpful: bool,
        question: str | None = None,
        unanswered_id: int | None = None,
    ) -> bool:
        """Store a member's vote on one answer message; returns True when it replaced a different vote.

        ``question``: what the answer answered, listed by ``/kb stats`` under a "not helpful" vote.
        ``unanswered_id``: the vote is on an entry suggested for that unanswered question.
        """
        if unanswered_id is not None and question is None:
            question = await self.store.unanswered_question(unanswered_id)
        previous = await self.store.vote(
            user_id=user_id,
            entry_id=entry_id,
            message_id=message_id,
            guild_id=guild_id,
            helpful=helpful,
            now=self._services.clock(),
            question=question,
            unanswered_id=unanswered_id,
        )
        return previous is not None and previous != helpful

    async def stats(self, guild_id: int | None, limit: int = 10) -> AskStats:
        by_entry = await self.store.votes(guild_id)
        most_asked = []
        for entry_id, asked in await self.store.most_asked(guild_id, limit):
            entry = self.entry(entry_id)
            yes, no = by_entry.get(entry_id, (0, 0))
            title = entry.title if entry else f"(removed entry {entry_id})"
            most_asked.append(EntryStat(entry_id, title, asked, yes, no))
        return AskStats(
            tuple(most_asked),
            helpful=sum(yes for yes, _ in by_entry.values()),
            unhelpful=sum(no for _, no in by_entry.values()),
        )

    async def prune_unanswered(self) -> int:
        """Delete unanswered questions past ``ask.unanswered_retention_days``; returns how many went."""
        days = self._services.config.ask.unanswered_retention_days
        return await self.store.prune_unanswered(self._services.clock() - dt.timedelta(days=days))
