"""Asking's kinds of knowledge file: ``not-covered`` (``knowledge/not-covered.yaml``, the honest neighbours)
and ``synonyms`` (``knowledge/synonyms.yaml``, the synonym groups search folds members' words with).

The JSON Schemas cover shapes and sizes (at least 8 example questions, a short ``says``, 2 phrases a
group); the rules here are the ones a schema cannot say. Topics: ids unique and distinct from entry ids
(``/kb gaps`` tags questions with them), every ``points_to`` an entry that exists, and no example question
shared with an entry or another topic, since search could then not tell "answer this" from "not covered"
for it. Synonyms: ids unique and not a concept search folds in code, and each phrase in one group only and
free of the role spellings search folds in code (a group holding "pm loop" would hide the "pm").
"""

from __future__ import annotations

from bot.ask.content import NotCoveredList, NotCoveredTopic, SynonymGroup, SynonymList
from bot.ask.vocabulary import CONCEPTS, words
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


#: Every phrase search folds in code, as words joined by one space → its concept.
_CODE_PHRASES = {" ".join(words(phrase)): concept for concept, phrases in CONCEPTS.items() for phrase in phrases}
#: Single words search folds in code ("pm", "po", "ba"): no synonym phrase may contain one.
_CODE_WORDS = {phrase: concept for phrase, concept in _CODE_PHRASES.items() if " " not in phrase}


class SynonymsKind(Kind[SynonymList]):
    name = "synonyms"
    schema_file = "synonyms.schema.json"
    part_type = SynonymList
    #: Without synonym groups search still works: it only misses members' words that no entry uses.
    required = False

    def new_part(self) -> SynonymList:
        return SynonymList()

    def add(self, part: SynonymList, document: Document, problems: list[Problem]) -> None:
        where: dict[str, tuple[str, Origin]] = {}  # a phrase -> the group it is in first
        for group in part.groups.values():
            for phrase in group.phrases:
                where.setdefault(" ".join(words(phrase)), (group.id, group.origin))
        for index, raw in enumerate(document.data["groups"]):
            origin = Origin(document, ("groups", index))
            group = SynonymGroup(id=raw["id"], phrases=tuple(raw["phrases"]), origin=origin)
            if group.id in part.groups:
                first = part.groups[group.id].origin
                problems.append(origin.problem(("id",), duplicate_id("synonym group id", group.id, first)))
                continue
            if group.id in CONCEPTS:
                problems.append(
                    origin.problem(("id",), f"'{group.id}' is a concept search folds in code; pick another id")
                )
            for i, phrase in enumerate(group.phrases):
                problem = _phrase_problem(phrase, group.id, where)
                if problem:
                    problems.append(origin.problem(("phrases", i), problem))
                where.setdefault(" ".join(words(phrase)), (group.id, origin))
            part.groups[group.id] = group


def _phrase_problem(phrase: str, group: str, where: dict[str, tuple[str, Origin]]) -> str | None:
    key = " ".join(words(phrase))
    if not key:
        return f"phrase '{phrase}' has no words"
    if key in _CODE_PHRASES:
        return f"phrase '{phrase}' is folded in code (into '{_CODE_PHRASES[key]}'); leave it out"
    inside = next((w for w in key.split() if w in _CODE_WORDS), None)
    if inside:
        return f"phrase '{phrase}' contains '{inside}', which search folds in code: the group would hide it"
    if key in where:
        other, origin = where[key]
        at = f"{origin.file}:{origin.line}"
        return (
            f"phrase '{phrase}' is already in group '{other}' ({at})"
            if other != group
            else (f"phrase '{phrase}' is twice in group '{group}'")
        )
    return None
