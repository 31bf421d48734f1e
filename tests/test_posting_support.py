"""Builders for the posting reader's tests (no tests here): the shipped rules with only what they need.

Loading sources, entries, the check and the posting rules keeps these tests about the reader: content
another feature is still writing cannot break them.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from bot.check.content import CheckContent
from bot.check.kind import CheckKind
from bot.check.posting.kind import PostingKind
from bot.check.posting.rules import PostingRules
from bot.knowledge.base import Kind
from bot.knowledge.entries import EntriesKind, SourcesKind
from bot.knowledge.loader import LoadResult, load_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

KINDS: tuple[Kind[Any], ...] = (SourcesKind(), EntriesKind(), CheckKind(), PostingKind())
SHIPPED_POSTING = SHIPPED_KNOWLEDGE / "check-posting.yaml"
FILE = "knowledge/check-posting.yaml"


def posting_folder(tmp_path: Path, posting_text: str | None = None) -> Path:
    """A knowledge folder with the shipped sources, entries and check, and ``posting_text`` (default: shipped)."""
    root = tmp_path / "knowledge"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED_KNOWLEDGE / "sources.yaml", root / "sources.yaml")
    shutil.copy(SHIPPED_KNOWLEDGE / "check.yaml", root / "check.yaml")
    shutil.copytree(SHIPPED_KNOWLEDGE / "entries", root / "entries", dirs_exist_ok=True)
    text = posting_text if posting_text is not None else SHIPPED_POSTING.read_text(encoding="utf-8")
    (root / "check-posting.yaml").write_text(text, encoding="utf-8")
    return root


def load_posting(root: Path) -> LoadResult:
    return load_knowledge(root, KINDS)


@cache
def shipped() -> tuple[CheckContent, PostingRules]:
    """The shipped check and posting rules, loaded once per test run."""
    with tempfile.TemporaryDirectory() as folder:
        result = load_posting(posting_folder(Path(folder)))
    assert result.knowledge is not None, [str(p) for p in result.problems]
    return result.knowledge.part(CheckContent), result.knowledge.part(PostingRules)
