"""The ``not-covered`` kind of knowledge file: reads ``knowledge/not-covered.yaml`` into the honest neighbours.

The JSON Schema covers shapes and sizes (at least 8 example questions, a short ``says``); the rules here
are the ones a schema cannot say: ids unique and distinct from entry ids (``/kb gaps`` tags questions
with them), every ``points_to`` an entry that exists, and no example question shared with an entry or
another topic, since search could then not tell "answer this" from "not covered" for it.
"""

from __future__ import annotations

from bot.ask.content import NotCoveredList, NotCoveredTopic
from bot.knowledge.base import Kind, KnowledgeBase, Origin, does_not_exist, duplicate_id
from bot.knowledge.documents import Document, Problem
from bot.knowledge.entries import EntryLibrary, normalise_question


class NotCoveredKind(Kind[NotCoveredList]):
    name = "not-covered"
    schema_file = "not-covered.schema.json"
    part_type = NotCoveredList
    #: Without honest neighbours asking still works: it only refuses near-domain questions less precisely.
    required = False

    def new_part(self) -> NotCoveredList:
        return NotCoveredList()

    def add(self, part: NotCoveredList, document: Document, problems: list[Problem]) -> None:
        for index, raw in enumerate(document.data["topics"]):
            origin = Origin(document, ("topics", index))
            topic = NotCoveredTopic(
                id=raw["id"],
                title=raw["title"].strip(),
                questions=tuple(raw["questions"]),
                aliases=tuple(raw.get("aliases", ())),
                says=" ".join(raw["says"].split()),
                points_to=tuple(raw["points_to"]),
                origin=origin,
            )
            for name in ("title", "says"):
                if not getattr(topic, name):
                    problems.append(origin.problem((name,), f"not-covered topic '{topic.id}' has an empty {name}"))
            if topic.id in part.topics:
                first = part.topics[topic.id].origin
                problems.append(origin.problem(("id",), duplicate_id("not-covered topic id", topic.id, first)))
                continue
            part.topics[topic.id] = topic

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        entries = knowledge.part(EntryLibrary).entries
        asked_on: dict[str, tuple[str, Origin]] = {}  # a normalised question -> where it is asked first
        for entry in entries.values():
            for question in entry.questions:
                asked_on.setdefault(normalise_question(question), (f"entry '{entry.id}'", entry.origin))
        for topic in knowledge.part(NotCoveredList).topics.values():
            if topic.id in entries:
                where = entries[topic.id].origin
                problems.append(
                    topic.origin.problem(
                        ("id",),
                        f"not-covered topic id '{topic.id}' is also an entry id ({where.file}:{where.line}); "
                        "a topic needs an id of its own",
                    )
                )
            for i, entry_id in enumerate(topic.points_to):
                if entry_id not in entries:
                    problems.append(
                        topic.origin.problem(
                            ("points_to", i), f"points_to entry '{entry_id}' {does_not_exist(entry_id, entries)}"
                        )
                    )
            here = f"not-covered topic '{topic.id}'"
            for i, question in enumerate(topic.questions):
                key = normalise_question(question)
                other, where = asked_on.setdefault(key, (here, topic.origin))
                if other != here:
                    problems.append(
                        topic.origin.problem(
                            ("questions", i),
                            f"example question '{question}' is also on {other} ({where.file}:{where.line})",
                        )
                    )
