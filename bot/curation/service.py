"""What ``/kb``, the shell and ``pmpo-bot kb`` call to curate the knowledge base.

Get it with ``services.feature(CurationService)``. Every edit goes one way, whoever asks for it: the
change is made to the file's text (:mod:`~bot.curation.yaml_edit`), the whole knowledge folder is
validated with it in place and the file replaced atomically (:mod:`~bot.curation.files`), the knowledge
is reloaded through :meth:`KnowledgeHolder.reload` (the path ``/kb reload`` takes, which reaches the
bot's other processes too), the file is committed when the folder is in a git work tree
(:mod:`~bot.curation.git`), and the edit is recorded for ``/kb history`` and ``/kb undo``. Only the
process handling the action writes; one edit at a time per process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.ask.content import NotCoveredList, NotCoveredTopic
from bot.ask.service import AskService
from bot.curation import files, git
from bot.curation.engine import (
    Action,
    Candidate,
    EditOutcome,
    EditRecord,
    Gap,
    Moderator,
    Wording,
    commit_message,
    revert_message,
    wordings,
)
from bot.curation.files import Refused, digest
from bot.curation.grouping import Grouper, Vocabulary, candidates, gaps
from bot.curation.store import CurationStore, Scope
from bot.curation.yaml_edit import (
    Block,
    EditError,
    Flow,
    Literal,
    Plain,
    Value,
    append_item,
    append_mapping,
    slug,
)
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.documents import Problem, display_name
from bot.knowledge.entries import Entry, EntryLibrary, normalise_question
from bot.knowledge.holder import ReloadOutcome
from bot.knowledge.schema_validation import schema
from bot.services import Services

#: Gaps ``/kb gaps`` shows (a select menu holds at most 25), and unanswered rows it groups at most.
GAPS_SHOWN = 10
ROWS_GROUPED = 2000
#: Edits ``/kb history`` lists.
HISTORY = 10


@dataclass(frozen=True)
class DraftLimits:
    """A schema's limits on a new entry or topic, which its form applies before the validator does."""

    title: int
    text: int  # an entry's answer, a topic's ``says``
    questions: int  # example questions needed at least

    @property
    def questions_label(self) -> str:
        needed = f" (at least {self.questions})" if self.questions > 1 else ""
        return f"Example questions, one per line{needed}"


def draft_limits(schema_file: str, items: str, text: str) -> DraftLimits:
    item = schema(schema_file)["properties"][items]["items"]["properties"]
    return DraftLimits(
        title=item["title"]["maxLength"], text=item[text]["maxLength"], questions=item["questions"]["minItems"]
    )


def entry_limits() -> DraftLimits:
    """The "Draft a new entry" form's limits: the entries schema's."""
    return draft_limits("entries.schema.json", "entries", "answer")


def topic_limits() -> DraftLimits:
    """The "New not-covered topic" form's limits: the not-covered schema's."""
    return draft_limits("not-covered.schema.json", "topics", "says")


class CurationService:
    def __init__(self, services: Services) -> None:
        self._services = services
        self.store = CurationStore(services.db)
        services.feature(AskService)  # registers the search index, so every reload builds it before the swap
        services.knowledge.derive(Vocabulary.from_knowledge)
        self._writing = asyncio.Lock()

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._services.knowledge.current

    def _grouper(self) -> tuple[KnowledgeBase, Grouper]:
        served = self._services.knowledge.served
        index = served.get(self._services.feature(AskService).build_index)
        grouper = Grouper(index, served.get(Vocabulary.from_knowledge))
        return served.knowledge, grouper

    # -- gaps ---------------------------------------------------------------------------------------

    async def gaps(self, scope: Scope, limit: int | None = GAPS_SHOWN) -> list[Gap]:
        """Unanswered questions grouped by what they ask, most asked first, each with the closest entries."""
        knowledge, grouper = self._grouper()
        found, of_row = wordings(await self.store.open_questions(scope, ROWS_GROUPED))
        signals = await self.store.signals(scope)
        pairs = candidates(signals, self._services.clock(), of_row, knowledge.part(EntryLibrary))
        # In a worker thread: grouping searches every wording, and search embeds each one (bot.ask.semantic),
        # hundreds of milliseconds the event loop must not wait for.
        return await asyncio.to_thread(self._grouped, grouper, found, pairs, limit)

    def _grouped(
        self, grouper: Grouper, found: Sequence[Wording], pairs: Sequence[Candidate], limit: int | None
    ) -> list[Gap]:
        return [
            dataclasses.replace(gap, topic=self._honest_neighbour(gap)) for gap in gaps(grouper, found, pairs, limit)
        ]

    def _honest_neighbour(self, gap: Gap) -> NotCoveredTopic | None:
        """The not-covered topic the knowledge served now refuses the gap's most asked wording as, if any:
        asked again, so a topic added since tags it and one since turned into an entry no longer does."""
        try:
            refusal = self._services.feature(AskService).answer(gap.wordings[0].question).refusal
        except UserFacingError:  # longer than ask.max_question_length allows now
            return None
        return refusal.topic if refusal else None

    async def gap(self, scope: Scope, wording_id: int) -> Gap:
        """The gap one of whose wordings has this id, as it is now (a button may be old)."""
        for gap in await self.gaps(scope, limit=None):
            if gap.wording(wording_id) is not None:
                return gap
        raise UserFacingError("Those questions were already handled (or pruned). Run `/kb gaps` again.")

    async def dismiss(self, scope: Scope, wording_id: int) -> Gap:
        gap = await self.gap(scope, wording_id)
        await self._handled(scope, gap, "dismiss")
        return gap

    async def _handled(self, scope: Scope, gap: Gap, action: Action) -> None:
        await self.store.handle(scope, [w.normalised for w in gap.wordings], action, self._services.clock())

    async def find_entries(self, text: str, limit: int = 25) -> list[Entry]:
        """Entries for the moderator's search text: search's ranking, then titles and aliases that match."""
        return await asyncio.to_thread(self._entries_matching, text, limit)

    def _entries_matching(self, text: str, limit: int) -> list[Entry]:
        _, grouper = self._grouper()
        ranked = [hit.entry for hit in grouper.index.search(text, limit=limit).hits if hit.entry is not None]
        return [*dict.fromkeys([*ranked, *grouper.index.titles_matching(text, limit=limit)])][:limit]

    def topics(self) -> list[NotCoveredTopic]:
        """The not-covered topics being served (the honest neighbours), in file order."""
        return list(self.knowledge.part(NotCoveredList).topics.values())

    # -- actions on a gap ---------------------------------------------------------------------------

    async def add_from_gap(self, scope: Scope, wording_id: int, entry_id: str, moderator: Moderator) -> EditOutcome:
        gap = await self.gap(scope, wording_id)
        outcome = await self.add_question(entry_id, self._wording(gap, wording_id), moderator)
        if outcome.accepted:
            await self._handled(scope, gap, "add-question")
        return outcome

    async def not_covered_from_gap(
        self, scope: Scope, wording_id: int, topic_id: str, moderator: Moderator
    ) -> EditOutcome:
        gap = await self.gap(scope, wording_id)
        outcome = await self.mark_not_covered(topic_id, self._wording(gap, wording_id), moderator)
        if outcome.accepted:
            await self._handled(scope, gap, "not-covered")
        return outcome

    async def topic_from_gap(
        self, scope: Scope, wording_id: int, draft: TopicDraft, moderator: Moderator
    ) -> EditOutcome:
        gap = await self.gap(scope, wording_id)
        outcome = await self.new_topic(draft, moderator)
        if outcome.accepted:
            await self._handled(scope, gap, "new-topic")
        return outcome

    async def entry_from_gap(
        self, scope: Scope, wording_id: int, draft: EntryDraft, moderator: Moderator
    ) -> EditOutcome:
        gap = await self.gap(scope, wording_id)
        outcome = await self.new_entry(draft, moderator)
        if outcome.accepted:
            await self._handled(scope, gap, "new-entry")
        return outcome

    @staticmethod
    def _wording(gap: Gap, wording_id: int) -> str:
        wording = gap.wording(wording_id)
        return (wording or gap.wordings[0]).question

    # -- edits ----------------------------------------------------------------------------------------

    async def add_question(self, entry_id: str, question: str, moderator: Moderator) -> EditOutcome:
        """Add ``question`` to an entry's example questions (``pmpo-bot kb add-question`` and /kb gaps)."""
        entry = self.knowledge.part(EntryLibrary).entries.get(entry_id.strip())
        if entry is None:
            raise UserFacingError(f"There is no entry with the id '{entry_id.strip()}'.")
        question = " ".join(question.split())
        summary = f"add an example question to {entry.id}"
        file = absolute(entry.origin.file)
        if normalise_question(question) in {normalise_question(q) for q in entry.questions}:
            return self._refused(summary, file, f"'{question}' is already a question of {entry.id}")
        path = entry.origin.path
        return await self._edit(
            file,
            lambda text: append_item(text, (*path, "questions"), question),
            action="add-question",
            summary=summary,
            body=f'"{question}" added to the example questions of entry {entry.id} ({self._relative(file)}).',
            moderator=moderator,
        )

    async def mark_not_covered(self, topic_id: str, question: str, moderator: Moderator) -> EditOutcome:
        """Add ``question`` to a not-covered topic's questions: the bot then says honestly it isn't covered."""
        topic = self.knowledge.part(NotCoveredList).topics.get(topic_id)
        if topic is None:
            raise UserFacingError(f"There is no not-covered topic with the id '{topic_id}'.")
        question = " ".join(question.split())
        summary = f"mark a question as not covered ({topic.id})"
        file = absolute(topic.origin.file)
        if normalise_question(question) in {normalise_question(q) for q in topic.questions}:
            return self._refused(summary, file, f"'{question}' is already a question of {topic.id}")
        path = topic.origin.path
        return await self._edit(
            file,
            lambda text: append_item(text, (*path, "questions"), question),
            action="not-covered",
            summary=summary,
            body=f'"{question}" added to not-covered topic {topic.id} ({self._relative(file)}).',
            moderator=moderator,
        )

    async def new_topic(self, draft: TopicDraft, moderator: Moderator) -> EditOutcome:
        """A new not-covered topic, appended to the file of the first topic (every not-covered file has one)."""
        topics = self.topics()
        if not topics:
            raise UserFacingError("There is no not-covered file in the knowledge folder to add a topic to.")
        file = absolute(topics[0].origin.file)
        topic_id = slug(draft.title, self._taken_ids())
        item: dict[str, Value] = {
            "id": Plain(topic_id),
            "title": draft.title,
            "questions": Block(draft.questions),
            "says": draft.says,
            "points_to": Flow(draft.points_to),
        }
        return await self._edit(
            file,
            lambda text: append_mapping(text, ("topics",), item),
            action="new-topic",
            summary=f"new not-covered topic {topic_id}",
            body=f"Topic {topic_id} ({draft.title}) added to {self._relative(file)}.",
            moderator=moderator,
        )

    async def new_entry(self, draft: EntryDraft, moderator: Moderator) -> EditOutcome:
        """A new entry in the file (theme) of its first related entry, citing the related entries' sources."""
        entries = self.knowledge.part(EntryLibrary).entries
        related = [entries[i] for i in draft.related if i in entries]
        if not related:
            raise UserFacingError(
                "Name at least one existing related entry (by id): the new entry goes in its theme's file "
                "and cites its sources, for you to check in the commit."
            )
        entry_id = slug(draft.title, self._taken_ids())
        file = absolute(related[0].origin.file)
        item: dict[str, Value] = {
            "id": Plain(entry_id),
            "title": draft.title,
            "answer": Literal(draft.answer),
            "questions": Block(draft.questions),
            "related": Flow(draft.related),
            "sources": Flow(tuple(dict.fromkeys(s for e in related for s in e.sources))),
            "last_reviewed": self._services.clock().date().isoformat(),
        }
        return await self._edit(
            file,
            lambda text: append_mapping(text, ("entries",), item),
            action="new-entry",
            summary=f"new entry {entry_id}",
            body=f"Entry {entry_id} ({draft.title}) added to {self._relative(file)}.",
            moderator=moderator,
        )

    async def undo(self, moderator: Moderator) -> EditOutcome:
        """Revert the newest edit not reverted yet, as a new edit (and a new commit in git)."""
        target = await self.store.last_undoable()
        if target is None:
            raise UserFacingError("Nothing to undo: every edit made with /kb or pmpo-bot kb is already reverted.")
        original = target.record
        file = absolute(self.knowledge.root) / original.file

        def revert(text: str) -> str:
            if digest(text) != target.after_sha256:
                raise EditError(f"{original.file} changed after that edit; revert it by hand (or with git)")
            return target.before_text

        return await self._edit(
            file,
            revert,
            action="undo",
            summary=f"undo: {original.summary}",
            body="",
            moderator=moderator,
            message=revert_message(original, moderator),
            reverts=original.id,
        )

    async def history(self, limit: int = HISTORY) -> list[EditRecord]:
        return await self.store.edits(limit)

    async def unhelpful(self, scope: Scope, limit: int = 10) -> list[tuple[Entry | None, str, str, int]]:
        """(entry, entry id, question, votes) behind "not helpful" votes, for ``/kb stats``."""
        entries = self.knowledge.part(EntryLibrary).entries
        return [(entries.get(e), e, q, n) for e, q, n in await self.store.unhelpful(scope, limit)]

    async def reload(self) -> ReloadOutcome:
        """The one reload: the same as ``/kb reload``, which also tells the other bot processes."""
        return await self._services.reload_knowledge()

    # -- the one way an edit is made ------------------------------------------------------------------

    def check_may_edit(self, moderator: Moderator) -> None:
        """Refuse an edit asked for in a server not listed in ``curation.edit_servers``.

        Every server the bot is in shares one knowledge folder, so moderating one server must not be enough
        to change what all of them are told: the operator names the servers whose moderators may. The
        terminal (no server) is where the operator runs the bot, so ``pmpo-bot kb`` always may. Every edit
        checks it (:meth:`_edit`); ``/kb`` checks it again before opening a form, so nobody fills one in vain.
        """
        server = moderator.guild_id
        if server is not None and server not in self._services.config.curation.edit_servers:
            raise UserFacingError(
                "Editing the knowledge base from Discord is not allowed on this server. Every server the bot is "
                "in shares the same knowledge, so the bot's operator lists the servers whose moderators may edit "
                f"it in the config key `curation.edit_servers` (this server's id: {server}). "
                "Here you can still review `/kb gaps`, dismiss groups and see `/kb stats` and `/kb history`."
            )

    async def _edit(
        self,
        file: Path,
        transform: Callable[[str], str],
        *,
        action: Action,
        summary: str,
        body: str,
        moderator: Moderator,
        message: str | None = None,
        reverts: int | None = None,
    ) -> EditOutcome:
        self.check_may_edit(moderator)
        root = absolute(self.knowledge.root)
        shown = self._relative(file)
        async with self._writing:
            try:
                written = await asyncio.to_thread(files.apply, root, file, transform)
            except Refused as refused:
                return EditOutcome(summary, shown, problems=refused.problems)
            except (EditError, OSError) as error:
                return self._refused(summary, file, str(error))
            reload = await self.reload()
            sha, note = None, written.note
            if written.work_tree is not None:
                try:
                    sha = await asyncio.to_thread(
                        git.commit, written.work_tree, file, message or commit_message(summary, body, moderator)
                    )
                except git.GitError as error:
                    note = f"{error}; the edit is saved but not committed"
            await self.store.record_edit(
                made_at=self._services.clock(),
                guild_id=moderator.guild_id,
                moderator_id=moderator.user_id,
                moderator=moderator.name,
                action=action,
                file=shown,
                summary=summary,
                before_text=written.before,
                after_sha256=digest(written.after),
                commit_sha=sha,
                commit_note=note,
                reverts=reverts,
            )
        return EditOutcome(summary, shown, reload=reload, commit_sha=sha, commit_note=note)

    def _taken_ids(self) -> set[str]:
        """Entry and topic ids: a new one must differ from all of them (the validator refuses a shared id)."""
        return {*self.knowledge.part(EntryLibrary).entries, *self.knowledge.part(NotCoveredList).topics}

    def _refused(self, summary: str, file: Path, message: str) -> EditOutcome:
        return EditOutcome(summary, self._relative(file), problems=(Problem(display_name(file), 1, 1, message),))

    def _relative(self, file: Path) -> str:
        """``file`` relative to the knowledge folder, as history and commits name it."""
        try:
            return absolute(file).relative_to(absolute(self.knowledge.root)).as_posix()
        except ValueError:
            return str(file)


@dataclass(frozen=True)
class EntryDraft:
    """A new entry as the "Draft a new entry" form collects it."""

    title: str
    answer: str
    questions: tuple[str, ...]
    related: tuple[str, ...]

    @classmethod
    def from_form(cls, title: str, answer: str, questions: str, related: str) -> EntryDraft:
        return cls(title.strip(), answer.strip(), lines(questions), ids(related))


@dataclass(frozen=True)
class TopicDraft:
    """A new not-covered topic as its form collects it."""

    title: str
    says: str
    questions: tuple[str, ...]
    points_to: tuple[str, ...]

    @classmethod
    def from_form(cls, title: str, says: str, questions: str, points_to: str) -> TopicDraft:
        return cls(title.strip(), " ".join(says.split()), lines(questions), ids(points_to))


def absolute(path: str | Path) -> Path:
    """``path`` made absolute against the working directory, as knowledge files are named (no disk access)."""
    return Path(os.path.abspath(path))


def lines(text: str) -> tuple[str, ...]:
    """One question per line, blank lines dropped."""
    return tuple(" ".join(line.split()) for line in text.splitlines() if line.strip())


def ids(text: str) -> tuple[str, ...]:
    """Entry ids separated by commas or spaces."""
    return tuple(dict.fromkeys(part for part in text.replace(",", " ").split()))
