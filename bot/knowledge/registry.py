"""The kinds of knowledge file the loader understands; a feature adds its kind here."""

from typing import Any

from bot.ask.kind import NotCoveredKind, SynonymsKind
from bot.check.kind import CheckKind
from bot.check.posting.kind import PostingKind
from bot.drills.kind import DrillsKind
from bot.knowledge.base import Kind
from bot.knowledge.entries import ComparisonKind, EntriesKind, SourcesKind
from bot.quiz.kind import QuizKind

KINDS: tuple[Kind[Any], ...] = (
    SourcesKind(),
    EntriesKind(),
    ComparisonKind(),
    CheckKind(),
    PostingKind(),
    DrillsKind(),
    QuizKind(),
    NotCoveredKind(),
    SynonymsKind(),
)
