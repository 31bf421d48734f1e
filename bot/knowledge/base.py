"""The loaded knowledge base and the contract each kind of knowledge file fulfils.

A knowledge file says what it is with a top-level ``kind:`` key. Each kind (entries, sources, the
comparison table, the check's rules, quiz questions, drills) is a :class:`Kind`: it names its JSON
Schema, turns validated documents into typed objects (its *part* of the knowledge base) and, once every
file is read, checks references across files. Features add a kind without touching the loader.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast, runtime_checkable

from rapidfuzz import process

from bot.knowledge.documents import Document, PathKey, Problem

P = TypeVar("P")


@dataclass(frozen=True)
class Origin:
    """Where an item was defined, so cross-file checks can point at the exact line of a field."""

    document: Document = field(compare=False, repr=False)
    path: PathKey = field(compare=False)

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def line(self) -> int:
        return self.document.position(self.path)[0]

    def problem(self, sub_path: PathKey, message: str) -> Problem:
        return self.document.problem((*self.path, *sub_path), message)


@runtime_checkable
class Diffable(Protocol):
    """A part that can say, per label ("entries", "quiz questions"), which items it holds by id."""

    def diff_items(self) -> Mapping[str, Mapping[str, object]]: ...


class Kind(ABC, Generic[P]):
    """One kind of knowledge file. Subclasses set the class attributes and fill in the hooks."""

    name: str
    schema_file: str
    part_type: type[P]
    #: A knowledge base without any file of this kind is refused (the feature would have nothing to show).
    required: bool = True

    def new_part(self) -> P:
        """An empty part that files of this kind are added to: a new ``part_type()``."""
        return self.part_type()

    @abstractmethod
    def add(self, part: P, document: Document, problems: list[Problem]) -> None:
        """Add a schema-valid document; append problems found within it (duplicates, limits)."""

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        """Check references into other parts once everything is loaded."""


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything loaded from one knowledge folder; immutable so a reload can swap it atomically."""

    root: Path
    files: tuple[str, ...]
    parts: Mapping[type, Any]

    def part(self, part_type: type[P]) -> P:
        return cast(P, self.parts[part_type])

    def diff_items(self) -> dict[str, Mapping[str, object]]:
        merged: dict[str, Mapping[str, object]] = {}
        for value in self.parts.values():
            if isinstance(value, Diffable):
                merged.update(value.diff_items())
        return merged


@dataclass(frozen=True)
class LabelDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    edited: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.edited)


def diff(old: KnowledgeBase, new: KnowledgeBase) -> dict[str, LabelDiff]:
    """What a reload changed, per label; labels with no change are left out."""
    before, after = old.diff_items(), new.diff_items()
    changes: dict[str, LabelDiff] = {}
    for label in sorted(set(before) | set(after)):
        a, b = before.get(label, {}), after.get(label, {})
        change = LabelDiff(
            added=tuple(sorted(set(b) - set(a))),
            removed=tuple(sorted(set(a) - set(b))),
            edited=tuple(sorted(k for k in set(a) & set(b) if a[k] != b[k])),
        )
        if change:
            changes[label] = change
    return changes


def did_you_mean(name: str, known: Mapping[str, object] | list[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for a mistyped id, because most dangling references are typos."""
    match = process.extractOne(name, list(known), score_cutoff=75)
    return f" (did you mean '{match[0]}'?)" if match else ""


def does_not_exist(name: str, known: Mapping[str, object] | list[str]) -> str:
    """How every kind ends a message about a reference to nothing: 'does not exist', plus a typo hint."""
    return f"does not exist{did_you_mean(name, known)}"


def duplicate_id(what: str, item_id: str, first: Origin) -> str:
    """How every kind reports an id defined twice: at the second definition, naming where the first is."""
    return f"duplicate {what} '{item_id}' (first defined at {first.file}:{first.line})"


def second_file(document: Document, kind: str, what: str, first: Origin) -> Problem:
    """How a kind with one file (the check, the comparison table) reports another: at its ``kind:``,
    naming the file that already defines ``what``."""
    return document.problem(("kind",), f"a second {kind} file; the {what} is already defined in {first.file}")
