"""Read a knowledge folder into a :class:`KnowledgeBase`, collecting every problem instead of stopping.

A moderator who broke three files should see three problems in one run, each with ``file:line:col``.
A knowledge base with any problem is never served: the caller keeps the last good one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.base import Kind, KnowledgeBase
from bot.knowledge.documents import DocumentError, Problem, display_name, load_document
from bot.knowledge.registry import KINDS
from bot.knowledge.schema_validation import schema_problems


@dataclass(frozen=True)
class LoadResult:
    knowledge: KnowledgeBase | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.knowledge is not None


class KnowledgeError(Exception):
    """The knowledge base has problems; ``problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = tuple(problems)


def knowledge_files(root: Path) -> list[Path]:
    return sorted(p for pattern in ("*.yaml", "*.yml") for p in root.rglob(pattern) if p.is_file())


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk load.

    Loading creates hundreds of thousands of small containers that all stay alive; the collector would
    scan them again and again (a 10,000-entry folder loads 4× slower with it running).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_knowledge(root: str | Path, kinds: Sequence[Kind[Any]] = KINDS) -> LoadResult:
    with paused_gc():
        return _load(Path(root), kinds)


def _load(root: Path, kinds: Sequence[Kind[Any]]) -> LoadResult:
    problems: list[Problem] = []
    if not root.is_dir():
        where = display_name(root)
        return LoadResult(None, (Problem(where, 1, 1, f"knowledge folder does not exist ({root.resolve()})"),))
    by_name = {kind.name: kind for kind in kinds}
    parts: dict[type, Any] = {kind.part_type: kind.new_part() for kind in kinds}
    seen_kinds: set[str] = set()
    unreadable = 0  # files that failed syntax or schema: cross-file checks would only echo their absence
    files = knowledge_files(root)
    documents = []
    for path in files:
        try:
            document = load_document(path)
        except DocumentError as exc:
            problems.append(exc.problem)
            unreadable += 1
            continue
        documents.append(document)
        data = document.data
        if not isinstance(data, dict) or "kind" not in data:
            problems.append(document.problem((), f"missing top-level 'kind:' (one of: {', '.join(sorted(by_name))})"))
            unreadable += 1
            continue
        kind = by_name.get(data["kind"]) if isinstance(data["kind"], str) else None
        if kind is None:
            problems.append(
                document.problem(("kind",), f"unknown kind '{data['kind']}' (one of: {', '.join(sorted(by_name))})")
            )
            unreadable += 1
            continue
        found = schema_problems(document, kind.schema_file)
        if found:
            problems.extend(found)
            unreadable += 1
            continue
        seen_kinds.add(kind.name)
        kind.add(parts[kind.part_type], document, problems)
        document.release()  # its items keep it for positions: the file is read again if one is asked for
    knowledge = KnowledgeBase(root=root, files=tuple(display_name(p) for p in files), parts=parts)
    if not unreadable:
        for kind in kinds:
            if kind.required and kind.name not in seen_kinds:
                problems.append(Problem(display_name(root), 1, 1, f"no file of kind '{kind.name}' found"))
        for kind in kinds:
            kind.check(knowledge, problems)
    for document in documents:
        document.release()  # and the node trees the problems above were placed with
    if problems:
        return LoadResult(None, tuple(sorted(set(problems))))
    return LoadResult(knowledge, ())


def require_knowledge(root: str | Path) -> KnowledgeBase:
    """Load or raise :class:`KnowledgeError`; for start-up, where a broken knowledge base must stop the bot."""
    result = load_knowledge(root)
    if result.knowledge is None:
        raise KnowledgeError(result.problems)
    return result.knowledge
