"""Knowledge entries, the articles they come from, and the side-by-side comparison table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.knowledge.base import Kind, KnowledgeBase, Origin, did_you_mean, does_not_exist, duplicate_id, second_file
from bot.knowledge.documents import Document, Problem
from bot.limits import EMBED_DESCRIPTION, EMBED_FIELD_VALUE

#: Search finds an entry by its example questions: fewer than this and members' many ways of asking miss it.
MIN_EXAMPLE_QUESTIONS = 8
#: An answer members read at a glance in Discord; longer needs a reason (``long_answer``).
ANSWER_CHARACTERS = 900


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    answer: str
    questions: tuple[str, ...]
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: str
    theme: str
    origin: Origin = field(compare=False, repr=False)


@dataclass
class EntryLibrary:
    """All entries by id, in file order, plus the themes they are grouped under for ``/topics``."""

    entries: dict[str, Entry] = field(default_factory=dict)
    #: Where a theme comes in ``/topics`` (its file's ``order``); themes without one follow, in file order.
    theme_order: dict[str, int] = field(default_factory=dict)

    def by_theme(self) -> dict[str, list[Entry]]:
        """Entries per theme, themes in reading order: what the roles are before what to do about them."""
        themes: dict[str, list[Entry]] = {}
        for entry in self.entries.values():
            themes.setdefault(entry.theme, []).append(entry)
        last = len(self.theme_order) + len(themes)
        return dict(sorted(themes.items(), key=lambda item: self.theme_order.get(item[0], last)))

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"entries": self.entries}


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str | None
    updated: str | None


@dataclass
class SourceList:
    sources: dict[str, Source] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)


@dataclass(frozen=True)
class ComparisonRow:
    aspect: str
    pm: str
    po: str
    entry: str | None


@dataclass
class ComparisonTable:
    title: str = ""
    intro: str | None = None
    footer: str | None = None
    rows: tuple[ComparisonRow, ...] = ()
    sources: tuple[str, ...] = ()
    origin: Origin | None = None

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"comparison rows": {row.aspect: row for row in self.rows}}


def normalise_question(text: str) -> str:
    """Case, spacing and punctuation do not make two example questions different."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


class EntriesKind(Kind[EntryLibrary]):
    name = "entries"
    schema_file = "entries.schema.json"
    part_type = EntryLibrary

    def add(self, part: EntryLibrary, document: Document, problems: list[Problem]) -> None:
        theme = document.data["theme"]
        if "order" in document.data:
            part.theme_order.setdefault(theme, document.data["order"])
        for index, raw in enumerate(document.data["entries"]):
            origin = Origin(document, ("entries", index))
            entry = Entry(
                id=raw["id"],
                title=raw["title"].strip(),
                answer=raw["answer"].strip(),
                questions=tuple(raw["questions"]),
                aliases=tuple(raw.get("aliases", ())),
                related=tuple(raw.get("related", ())),
                sources=tuple(raw["sources"]),
                last_reviewed=raw["last_reviewed"],
                theme=theme,
                origin=origin,
            )
            if not entry.answer:
                problems.append(origin.problem(("answer",), f"entry '{entry.id}' has an empty answer"))
            if not entry.title:
                problems.append(origin.problem(("title",), f"entry '{entry.id}' has an empty title"))
            if len(entry.questions) < MIN_EXAMPLE_QUESTIONS:
                problems.append(
                    origin.problem(
                        ("questions",),
                        f"entry '{entry.id}' has {len(entry.questions)} example question(s); give it at least "
                        f"{MIN_EXAMPLE_QUESTIONS}, asked the ways members type "
                        "(short, slang, typos, long with context)",
                    )
                )
            if len(entry.answer) > ANSWER_CHARACTERS and not raw.get("long_answer"):
                problems.append(
                    origin.problem(
                        ("answer",),
                        f"answer of '{entry.id}' is {len(entry.answer)} characters, over {ANSWER_CHARACTERS}; "
                        "shorten it, or say why it must be longer with 'long_answer: <reason>'",
                    )
                )
            if len(entry.answer) > EMBED_DESCRIPTION:
                problems.append(
                    origin.problem(
                        ("answer",),
                        f"answer of '{entry.id}' is {len(entry.answer)} characters, over Discord's embed "
                        f"description limit of {EMBED_DESCRIPTION}",
                    )
                )
            if entry.id in part.entries:
                problems.append(origin.problem(("id",), duplicate_id("id", entry.id, part.entries[entry.id].origin)))
                continue
            part.entries[entry.id] = entry

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        library = knowledge.part(EntryLibrary)
        sources = knowledge.part(SourceList).sources
        seen_questions: dict[str, tuple[Entry, int]] = {}
        for entry in library.entries.values():
            for i, related in enumerate(entry.related):
                if related == entry.id:
                    problems.append(entry.origin.problem(("related", i), f"entry '{entry.id}' lists itself as related"))
                elif related not in library.entries:
                    problems.append(
                        entry.origin.problem(
                            ("related", i),
                            f"related id '{related}' {does_not_exist(related, library.entries)}",
                        )
                    )
            for i, source in enumerate(entry.sources):
                if source not in sources:
                    problems.append(
                        entry.origin.problem(
                            ("sources", i),
                            f"source '{source}' is not defined in a sources file{did_you_mean(source, sources)}",
                        )
                    )
            for i, question in enumerate(entry.questions):
                key = normalise_question(question)
                if key in seen_questions and seen_questions[key][0].id != entry.id:
                    other = seen_questions[key][0]
                    problems.append(
                        entry.origin.problem(
                            ("questions", i),
                            f"example question '{question}' is also on entry '{other.id}' "
                            f"({other.origin.file}:{other.origin.line})",
                        )
                    )
                seen_questions.setdefault(key, (entry, i))


class SourcesKind(Kind[SourceList]):
    name = "sources"
    schema_file = "sources.schema.json"
    part_type = SourceList

    def add(self, part: SourceList, document: Document, problems: list[Problem]) -> None:
        for index, raw in enumerate(document.data["sources"]):
            origin = Origin(document, ("sources", index))
            if raw["id"] in part.sources:
                problems.append(origin.problem(("id",), duplicate_id("source id", raw["id"], part.origins[raw["id"]])))
                continue
            part.sources[raw["id"]] = Source(raw["id"], raw["title"], raw.get("publisher"), raw.get("updated"))
            part.origins[raw["id"]] = origin


class ComparisonKind(Kind[ComparisonTable]):
    name = "comparison"
    schema_file = "comparison.schema.json"
    part_type = ComparisonTable

    def add(self, part: ComparisonTable, document: Document, problems: list[Problem]) -> None:
        if part.origin is not None:
            problems.append(second_file(document, "comparison", "table", part.origin))
            return
        data = document.data
        part.origin = Origin(document, ())
        part.title = data["title"]
        part.intro = data.get("intro")
        part.footer = data.get("footer")
        part.sources = tuple(data["sources"])
        part.rows = tuple(ComparisonRow(row["aspect"], row["pm"], row["po"], row.get("entry")) for row in data["rows"])
        for i, row in enumerate(part.rows):
            cell = f"**PM:** {row.pm}\n**PO:** {row.po}"
            if len(cell) > EMBED_FIELD_VALUE:
                problems.append(
                    part.origin.problem(
                        ("rows", i),
                        f"row '{row.aspect}' renders to {len(cell)} characters, "
                        f"over Discord's field limit of {EMBED_FIELD_VALUE}",
                    )
                )

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        table = knowledge.part(ComparisonTable)
        if table.origin is None:
            return
        entries = knowledge.part(EntryLibrary).entries
        sources = knowledge.part(SourceList).sources
        for i, row in enumerate(table.rows):
            if row.entry is not None and row.entry not in entries:
                problems.append(
                    table.origin.problem(
                        ("rows", i, "entry"),
                        f"entry '{row.entry}' {does_not_exist(row.entry, entries)}",
                    )
                )
        for i, source in enumerate(table.sources):
            if source not in sources:
                problems.append(
                    table.origin.problem(("sources", i), f"source '{source}' is not defined in a sources file")
                )
