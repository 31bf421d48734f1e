"""The "not covered" topics a question can be marked as (the honest neighbours of answer quality work).

They live in files of ``kind: not-covered`` (``knowledge/not-covered.yaml``): ``topics``, each with a
stable ``id``, a ``title``, example ``questions``, what the bot ``says`` and the entries it ``points_to``.
Read here straight from the YAML (only ids, titles and questions are needed, and where each topic sits
in its file), so curation does not depend on how the answer-quality feature types them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.documents import DocumentError, load_document
from bot.knowledge.loader import knowledge_files

KIND = "not-covered"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    questions: tuple[str, ...]
    file: Path
    index: int  # position in the file's ``topics``


def not_covered_files(root: Path) -> list[Path]:
    """The knowledge files of kind ``not-covered`` (a cheap text test first: most files are not)."""
    found = []
    for path in knowledge_files(root):
        if f"kind: {KIND}" not in path.read_text(encoding="utf-8"):
            continue
        try:
            data = load_document(path).data
        except DocumentError:
            continue
        if isinstance(data, dict) and data.get("kind") == KIND:
            found.append(path)
    return found


def not_covered_topics(root: Path) -> list[Topic]:
    topics = []
    for path in not_covered_files(root):
        data = load_document(path).data
        for index, raw in enumerate(data.get("topics") or []):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                questions = tuple(q for q in raw.get("questions") or [] if isinstance(q, str))
                topics.append(Topic(raw["id"], str(raw.get("title", raw["id"])), questions, path, index))
    return topics
