"""Builders for the check's tests: the shipped check.yaml with only what it depends on.

Loading just sources, entries and the check keeps these tests about the check: content another feature
is still writing cannot break them. The whole shipped folder is covered by the loader's own test.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bot.check.content import CheckContent
from bot.check.kind import CheckKind
from bot.check.posting.kind import PostingKind
from bot.config import Config
from bot.knowledge.base import Kind, KnowledgeBase
from bot.knowledge.entries import EntriesKind, SourcesKind
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import LoadResult, load_knowledge
from bot.services import Services
from bot.storage import open_database
from tests.helpers import SHIPPED_KNOWLEDGE, FakeClock

KINDS: tuple[Kind[Any], ...] = (SourcesKind(), EntriesKind(), CheckKind())
#: The check and how it reads job ads, for the posting check's tests.
POSTING_KINDS: tuple[Kind[Any], ...] = (*KINDS, PostingKind())
SHIPPED_CHECK = SHIPPED_KNOWLEDGE / "check.yaml"


def check_folder(tmp_path: Path, check_text: str | None = None) -> Path:
    """A knowledge folder with the shipped sources and entries and ``check_text`` (default: shipped)."""
    root = tmp_path / "knowledge"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED_KNOWLEDGE / "sources.yaml", root / "sources.yaml")
    shutil.copytree(SHIPPED_KNOWLEDGE / "entries", root / "entries", dirs_exist_ok=True)
    (root / "check.yaml").write_text(
        check_text if check_text is not None else SHIPPED_CHECK.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return root


def load_check(root: Path) -> LoadResult:
    return load_knowledge(root, KINDS)


def shipped_knowledge(tmp_path: Path) -> KnowledgeBase:
    result = load_check(check_folder(tmp_path))
    assert result.knowledge is not None, [str(p) for p in result.problems]
    return result.knowledge


def shipped_content(tmp_path: Path) -> CheckContent:
    return shipped_knowledge(tmp_path).part(CheckContent)


async def open_services(config: Config, tmp_path: Path, clock: FakeClock, *, posting: bool = False) -> Services:
    """Services over a fresh database and the check's knowledge only (with ``posting``, its job-ad rules too)."""
    db = await open_database(config)
    if not posting:
        return Services(config, db, KnowledgeHolder(shipped_knowledge(tmp_path)), clock)
    root = check_folder(tmp_path)
    shutil.copy(SHIPPED_KNOWLEDGE / "check-posting.yaml", root / "check-posting.yaml")
    result = load_knowledge(root, POSTING_KINDS)
    assert result.knowledge is not None, [str(p) for p in result.problems]
    return Services(config, db, KnowledgeHolder(result.knowledge), clock)


#: Answers per verdict of the shipped check.yaml, each reaching its verdict through a different rule.
BASE = {"subject": "posting", "title": "po", "size": "501-5000", "model": "scrum", "kind": "other"}
EXAMPLES: dict[str, dict[str, str]] = {
    "startup-title-doesnt-matter": {
        **BASE,
        "size": "1-50",
        "kind": "startup",
        "roadmap": "shared",
        "customers": "pm",
        "metrics": "unsure",
    },
    "pm-scope-under-po-title": {**BASE, "roadmap": "role", "customers": "role", "metrics": "role"},
    "real-pm-role": {**BASE, "title": "pm", "roadmap": "role", "customers": "role", "metrics": "role"},
    "formal-safe-po": {**BASE, "model": "safe", "roadmap": "pm", "customers": "pm", "metrics": "shared"},
    "pm-title-order-taker-scope": {**BASE, "title": "pm", "roadmap": "pm", "customers": "pm", "metrics": "pm"},
    "order-taker-po": {**BASE, "roadmap": "pm", "customers": "pm", "metrics": "pm"},
    "ask-before-you-accept": {**BASE, "roadmap": "role", "customers": "unsure", "metrics": "role"},
    "unclear-ownership": {**BASE, "subject": "current", "roadmap": "role", "customers": "role", "metrics": "unsure"},
    "hybrid-discovery-gap": {**BASE, "roadmap": "role", "customers": "pm", "metrics": "shared"},
    "hybrid-roadmap-gap": {**BASE, "roadmap": "pm", "customers": "role", "metrics": "role"},
    "shared-scope": {**BASE, "roadmap": "shared", "customers": "role", "metrics": "pm"},
}
