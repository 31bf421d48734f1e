"""The kinds of knowledge file the loader understands; a feature adds its kind here."""

from typing import Any

from bot.knowledge.base import Kind
from bot.knowledge.entries import ComparisonKind, EntriesKind, SourcesKind

KINDS: tuple[Kind[Any], ...] = (
    SourcesKind(),
    EntriesKind(),
    ComparisonKind(),
)
