"""Answering members' questions from the knowledge base: the core behind ``/ask``, the "Answer this"
context menu, ``/topic``, ``/topics``, ``/compare``, ``/kb gaps`` and ``/kb stats``, the shell's
``/ask`` and ``pmpo-bot ask``.

Rendering is done here as plain :class:`~bot.cards.Card` values (title, body, fields) so Discord
embeds, the shell and the CLI show the same words; each front end only draws them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import limits
from bot.cards import Card
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import ComparisonTable, Entry, EntryLibrary, SourceList
from bot.search import SearchIndex, normalise, words
from bot.services import ReloadOutcome, Services

#: Entries offered when there is no confident answer.
SUGGESTIONS = 3
#: Entries listed per ``/topics`` page; a theme longer than this spans several pages.
TOPICS_PER_PAGE = 10

NO_ANSWER = "I don't have a curated answer to that yet, and I'd rather say so than guess."
NO_ANSWER_RECORDED = "I've noted the question (not who asked) so the moderators can consider adding one."
NO_ANSWER_SUGGEST = "These entries are the closest I have:"
NO_ANSWER_NOTHING = "Nothing in the knowledge base comes close. Try `/topics` to browse what I know."


@dataclass(frozen=True)
class Answer:
    """The outcome of one question: an entry (confident) or only suggestions (no curated answer)."""

    question: str
    entry: Entry | None
    confidence: float
    suggestions: tuple[Entry, ...] = ()
    related: tuple[Entry, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``pmpo-bot ask --json`` object; ``entry_id`` is null when there is no confident answer."""
        return {
            "entry_id": self.entry.id if self.entry else None,
            "title": self.entry.title if self.entry else None,
            "answer": self.entry.answer if self.entry else None,
            "score": round(self.confidence, 3),
            "suggestions": [{"entry_id": e.id, "title": e.title} for e in self.suggestions],
        }


@dataclass(frozen=True)
class EntryStat:
    entry_id: str
    title: str
    asked: int
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class AskStats:
    most_asked: tuple[EntryStat, ...]
    helpful: int
    unhelpful: int

    @property
    def helpful_ratio(self) -> float | None:
        votes = self.helpful + self.unhelpful
        return self.helpful / votes if votes else None


@dataclass(frozen=True)
class TopicPage:
    card: Card
    entries: tuple[Entry, ...] = field(default=())


#: Discord's markup for mentions and custom emoji. A question is stored without any member's id in it,
#: so mentions become what a reader sees in their place.
_MARKUP = (
    (re.compile(r"<@!?\d+>"), "@someone"),
    (re.compile(r"<@&\d+>"), "@role"),
    (re.compile(r"<#\d+>"), "#channel"),
    (re.compile(r"<a?:(\w+):\d+>"), r":\1:"),
)


def clean_question(text: str, max_length: int) -> str:
    """The question as searched and stored, or a :class:`UserFacingError` saying what to change.

    Control and zero-width characters are dropped, mentions replaced and whitespace collapsed first, so a
    question pasted with odd characters is judged by what a person would see, and stores no member's id.
    """
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf") or c in "\n\t")
    question = " ".join(visible.split())
    if not question:
        raise UserFacingError("Ask me a question, for example: *who owns the roadmap, the PM or the PO?*")
    if len(question) > max_length:
        raise UserFacingError(
            f"That question is {len(question)} characters long; please keep it to {max_length} or fewer."
        )
    if not words(question):
        raise UserFacingError("I couldn't find any words in that question. Try asking it in plain text.")
    return question


def answer_question(index: SearchIndex, knowledge: KnowledgeBase, question: str) -> Answer:
    """Search and package the result. Pure: recording the question is :meth:`AskService.ask`'s job."""
    result = index.search(question, limit=SUGGESTIONS)
    best = result.best
    if best is None:
        return Answer(
            question,
            None,
            result.hits[0].confidence if result.hits else 0.0,
            suggestions=tuple(hit.entry for hit in result.hits),
        )
    return Answer(question, best.entry, best.confidence, related=related_entries(knowledge, best.entry))


def related_entries(knowledge: KnowledgeBase, entry: Entry) -> tuple[Entry, ...]:
    entries = knowledge.part(EntryLibrary).entries
    return tuple(entries[i] for i in entry.related if i in entries)


def source_line(knowledge: KnowledgeBase, entry: Entry) -> str:
    """The article(s) an entry is based on, as one line: title, publisher and date when known."""
    sources = knowledge.part(SourceList).sources
    parts = []
    for source_id in entry.sources:
        source = sources.get(source_id)
        if source is None:
            continue
        extra = ", ".join(x for x in (source.publisher, f"updated {source.updated}" if source.updated else None) if x)
        parts.append(f"*{source.title}*" + (f" ({extra})" if extra else ""))
    return "; ".join(parts) or "—"


def entry_card(knowledge: KnowledgeBase, entry: Entry) -> Card:
    return Card(
        title=entry.title,
        body=entry.answer,
        fields=(("Source", source_line(knowledge, entry)), ("Last reviewed", entry.last_reviewed)),
        footer=f"Topic: {entry.theme} · id: {entry.id}",
    )


def no_answer_card(answer: Answer, *, recorded: bool = True) -> Card:
    """Says plainly there is no curated answer; ``recorded`` when the question went to the gaps queue."""
    lines = [f"{NO_ANSWER} {NO_ANSWER_RECORDED}" if recorded else NO_ANSWER, ""]
    if answer.suggestions:
        lines.append(NO_ANSWER_SUGGEST)
        lines.extend(f"• {entry.title}" for entry in answer.suggestions)
    else:
        lines.append(NO_ANSWER_NOTHING)
    return Card(title="No curated answer yet", body="\n".join(lines))


def comparison_card(knowledge: KnowledgeBase) -> Card:
    table = knowledge.part(ComparisonTable)
    fields = tuple((row.aspect, f"**PM:** {row.pm}\n**PO:** {row.po}") for row in table.rows)
    sources = knowledge.part(SourceList).sources
    cited = "; ".join(sources[s].title for s in table.sources if s in sources)
    footer = " ".join(x for x in (table.footer, f"Sources: {cited}." if cited else None) if x)
    return Card(title=table.title or "PM vs PO", body=table.intro or "", fields=fields, footer=footer or None)


def topic_pages(knowledge: KnowledgeBase) -> list[TopicPage]:
    """Entries grouped by theme, at most :data:`TOPICS_PER_PAGE` per page, for ``/topics``."""
    chunks: list[tuple[str, list[Entry]]] = []
    for theme, entries in knowledge.part(EntryLibrary).by_theme().items():
        for start in range(0, len(entries), TOPICS_PER_PAGE):
            chunks.append((theme, entries[start : start + TOPICS_PER_PAGE]))
    pages = []
    for number, (theme, entries) in enumerate(chunks, start=1):
        body = "\n".join(f"• **{e.title}**" for e in entries)
        card = Card(
            title=f"Topics: {theme}",
            body=body,
            footer=f"Page {number}/{len(chunks)} · open one with /topic",
        )
        pages.append(TopicPage(card, tuple(entries)))
    return pages


class AskService:
    """The search index of the knowledge being served, plus what /ask records in the database."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._index = SearchIndex.from_knowledge(services.knowledge.current)
        services.knowledge.on_change(self._rebuild)

    def _rebuild(self, knowledge: KnowledgeBase) -> None:
        """A reload swapped the knowledge: search the new entries (the old index is simply dropped)."""
        self._index = SearchIndex.from_knowledge(knowledge)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge.current

    def answer(self, question: str) -> Answer:
        """Validate and answer without recording anything."""
        text = clean_question(question, self._services.config.ask.max_question_length)
        return answer_question(self._index, self.knowledge, text)

    async def ask(self, question: str, guild_id: int | None, *, keep_unanswered: bool = True) -> Answer:
        """Answer, and record it: the entry for ``/kb stats``, or the question for ``/kb gaps``.

        The member who asked is deliberately not recorded in either case. ``keep_unanswered=False`` is for
        text someone else wrote (the context menu): its author never asked the bot to keep it.
        """
        answer = self.answer(question)
        now = self._services.clock().isoformat()
        if answer.entry is not None:
            await self._services.db.execute(
                "INSERT INTO ask_log (entry_id, guild_id, asked_at) VALUES (?, ?, ?)",
                (answer.entry.id, guild_id, now),
            )
        elif keep_unanswered:
            await self._services.db.execute(
                "INSERT INTO unanswered_questions (normalised, question, guild_id, asked_at) VALUES (?, ?, ?, ?)",
                (normalise(answer.question), answer.question, guild_id, now),
            )
        return answer

    def entry(self, entry_id: str) -> Entry | None:
        return self.knowledge.part(EntryLibrary).entries.get(entry_id)

    def topic(self, name: str) -> Entry:
        """The entry a member picked or typed in ``/topic``: an id, a title, an alias, or close to one."""
        entry = self.entry(name.strip()) or self._index.lookup(name)
        if entry is None:
            raise UserFacingError(f"I have no topic called '{limits.echo(name)}'. Try `/topics` to browse.")
        return entry

    def autocomplete(self, current: str) -> list[tuple[str, str]]:
        """(name, entry id) pairs for Discord's autocomplete: at most 25, names at most 100 characters."""
        return [
            (limits.trim(entry.title, limits.AUTOCOMPLETE_NAME), entry.id)
            for entry in self._index.titles_matching(current, limit=limits.AUTOCOMPLETE_CHOICES)
        ]

    async def vote(self, *, user_id: int, entry_id: str, message_id: int, guild_id: int | None, helpful: bool) -> bool:
        """Store a member's vote on one answer message; returns True when it replaced a different vote."""
        async with self._services.db.transaction() as tx:
            previous = await tx.fetchone(
                "SELECT helpful FROM helpful_votes WHERE user_id = ? AND entry_id = ? AND message_id = ?",
                (user_id, entry_id, message_id),
            )
            await tx.execute(
                "INSERT INTO helpful_votes (user_id, entry_id, message_id, guild_id, helpful, voted_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, entry_id, message_id) "
                "DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at",
                (user_id, entry_id, message_id, guild_id, int(helpful), self._services.clock().isoformat()),
            )
        return previous is not None and bool(previous[0]) != helpful

    async def gaps(self, guild_id: int | None, limit: int = 10) -> list[tuple[str, int]]:
        """The most frequent unanswered questions in a server, as (an example wording, count)."""
        rows = await self._services.db.fetchall(
            "SELECT MAX(question) AS question, COUNT(*) AS n FROM unanswered_questions "
            "WHERE guild_id IS ? GROUP BY normalised ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(str(row["question"]), int(row["n"])) for row in rows]

    async def stats(self, guild_id: int | None, limit: int = 10) -> AskStats:
        rows = await self._services.db.fetchall(
            "SELECT entry_id, COUNT(*) AS n FROM ask_log WHERE guild_id IS ? "
            "GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
            (guild_id, limit),
        )
        votes = await self._services.db.fetchall(
            "SELECT entry_id, SUM(helpful) AS yes, SUM(1 - helpful) AS no FROM helpful_votes "
            "WHERE guild_id IS ? GROUP BY entry_id",
            (guild_id,),
        )
        by_entry = {str(v["entry_id"]): (int(v["yes"]), int(v["no"])) for v in votes}
        most_asked = []
        for row in rows:
            entry = self.entry(str(row["entry_id"]))
            yes, no = by_entry.get(str(row["entry_id"]), (0, 0))
            title = entry.title if entry else f"(removed entry {row['entry_id']})"
            most_asked.append(EntryStat(str(row["entry_id"]), title, int(row["n"]), yes, no))
        return AskStats(
            tuple(most_asked),
            helpful=sum(yes for yes, _ in by_entry.values()),
            unhelpful=sum(no for _, no in by_entry.values()),
        )

    async def prune_unanswered(self) -> int:
        """Delete unanswered questions past ``ask.unanswered_retention_days``; returns how many went."""
        days = self._services.config.ask.unanswered_retention_days
        cutoff = (self._services.clock() - dt.timedelta(days=days)).isoformat()
        return await self._services.db.execute("DELETE FROM unanswered_questions WHERE asked_at < ?", (cutoff,))


def describe_stats(stats: AskStats) -> Card:
    """``/kb stats`` as a card, shared by Discord and the shell."""
    ratio = stats.helpful_ratio
    votes = stats.helpful + stats.unhelpful
    summary = (
        f"Helpful: **{ratio:.0%}** of {votes} vote(s) ({stats.helpful} yes, {stats.unhelpful} no)."
        if ratio is not None
        else "No helpful votes yet."
    )
    lines = [
        f"{i}. {s.title} — asked {s.asked}×" + (f", {s.helpful}👍 {s.unhelpful}👎" if s.helpful + s.unhelpful else "")
        for i, s in enumerate(stats.most_asked, start=1)
    ]
    return Card(
        title="Knowledge base stats",
        body=summary,
        fields=(("Most asked", "\n".join(lines) or "Nothing asked yet."),),
    )


def describe_gaps(gaps: Sequence[tuple[str, int]]) -> Card:
    """``/kb gaps`` as a card: what members asked that had no curated answer."""
    if not gaps:
        return Card(title="Unanswered questions", body="No unanswered questions recorded. 🎉")
    lines = [f"{n}× {limits.trim(question, 150)}" for question, n in gaps]
    return Card(title="Unanswered questions", body="Most frequent first:\n" + "\n".join(lines))


def describe_reload(outcome: ReloadOutcome) -> Card:
    """``/kb reload``'s report: the problems that refused it (as many as fit), or what changed per label."""
    if not outcome.accepted:
        header = (
            f"Reload refused: {len(outcome.problems)} problem(s). "
            "Still serving the last good version; nothing changed for members.\n"
        )
        more = "\n…and {} more: run `pmpo-bot kb validate` for the full list."
        budget = limits.EMBED_DESCRIPTION - len(header) - len(more) - 10
        lines: list[str] = []
        for problem in outcome.problems:
            line = f"`{limits.trim(str(problem), 500)}`"
            if sum(len(x) + 1 for x in lines) + len(line) > budget:
                break
            lines.append(line)
        body = header + "\n".join(lines)
        if len(lines) < len(outcome.problems):
            body += more.format(len(outcome.problems) - len(lines))
        return Card(title="Knowledge reload refused", body=body, tone="warn")
    if not outcome.changes:
        return Card(
            title="Knowledge reloaded", body="No changes: the files match what was already served.", tone="good"
        )
    fields = []
    for label, change in outcome.changes.items():
        parts = [
            f"{verb}: {', '.join(ids)}"
            for verb, ids in (("added", change.added), ("removed", change.removed), ("edited", change.edited))
            if ids
        ]
        fields.append((label.capitalize(), "\n".join(parts)))
    return Card(title="Knowledge reloaded", body="Now serving the new version.", fields=tuple(fields), tone="good")
