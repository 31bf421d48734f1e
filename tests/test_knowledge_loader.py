"""The generic loading machinery: positions, kinds, diffs. Entry-specific validator cases live elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase, diff
from bot.knowledge.documents import DocumentError, parse_document
from bot.knowledge.entries import EntryLibrary
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import load_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

SOURCES = "kind: sources\nsources:\n  - id: a\n    title: A\n"
COMPARE = "kind: comparison\ntitle: T\nsources: [a]\nrows:\n  - aspect: Roadmap\n    pm: owns it\n    po: does not\n"


def entry(entry_id: str, question: str, answer: str = "An answer.") -> str:
    """One entry, six lines; its eight example questions are ``question`` and seven variations on one line."""
    questions = ", ".join(f"'{question}{f' {i}' if i else ''}'" for i in range(8))
    return (
        f"  - id: {entry_id}\n    title: {entry_id} title\n    answer: {answer}\n"
        f"    questions: [{questions}]\n    sources: [a]\n    last_reviewed: '2026-01-01'\n"
    )


def make_kb(root: Path, *entries: str) -> Path:
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "sources.yaml").write_text(SOURCES)
    (root / "compare.yaml").write_text(COMPARE)
    (root / "entries" / "t.yaml").write_text("kind: entries\ntheme: T\nentries:\n" + "".join(entries))
    return root


def test_positions_point_at_values_and_keys() -> None:
    doc = parse_document("a:\n  b: [1, 2]\n  c:\n    - x: y\n", "f.yaml")
    assert doc.position(("a", "b", 1)) == (2, 10)
    assert doc.position(("a", "c", 0, "x")) == (4, 10)
    assert doc.position(("a", "c", 0, "x"), key=True) == (4, 7)
    assert doc.position(("a", "missing")) == (2, 3)  # nearest known parent


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: [1,\n", "f.yaml:2:1", "YAML syntax error"),
        ("a: 1\na: 2\n", "f.yaml:2:1", "duplicate key 'a'"),
        ("? [1]\n: 2\n", "f.yaml:1:3", "keys must be text"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2:1", "YAML syntax error"),
        ("a: !!python/object:os.system x\n", "f.yaml:1:4", "YAML syntax error"),
    ],
)
def test_unreadable_yaml_is_located(text: str, where: str, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, "f.yaml")
    assert str(caught.value).startswith(where)
    assert message in str(caught.value)


def test_dates_are_kept_as_text() -> None:
    assert parse_document("d: 2026-01-02\n", "f.yaml").data == {"d": "2026-01-02"}


def test_shipped_knowledge_loads_cleanly() -> None:
    result = load_knowledge(SHIPPED_KNOWLEDGE)
    assert result.problems == ()
    assert result.knowledge is not None


def test_missing_or_unknown_kind_is_reported(tmp_path: Path) -> None:
    root = make_kb(tmp_path, entry("one", "what is one"))
    (root / "x.yaml").write_text("hello: 1\n")
    (root / "y.yaml").write_text("kind: recipes\n")
    messages = [str(p) for p in load_knowledge(root).problems]
    assert any("x.yaml:1:1: missing top-level 'kind:' (one of: " in m and "entries" in m for m in messages)
    assert any("y.yaml:1:7: unknown kind 'recipes'" in m for m in messages)


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    result = load_knowledge(tmp_path / "nowhere")
    assert not result.ok
    assert "knowledge folder does not exist" in str(result.problems[0])


async def test_reload_diff_and_refusal_keep_last_good(tmp_path: Path) -> None:
    root = make_kb(tmp_path, entry("one", "what is one"), entry("two", "what is two"))
    first = load_knowledge(root).knowledge
    assert first is not None
    holder = KnowledgeHolder(first)
    seen: list[KnowledgeBase] = []
    holder.derive(seen.append)

    make_kb(root, entry("one", "what is one", "A changed answer."), entry("three", "what is three"))
    outcome = await holder.reload()
    assert outcome.accepted
    change = outcome.changes["entries"]
    assert (change.added, change.removed, change.edited) == (("three",), ("two",), ("one",))
    assert seen == [holder.current]

    (root / "entries" / "t.yaml").write_text("kind: entries\ntheme: T\nentries: [oops\n")
    refused = await holder.reload()
    assert not refused.accepted and "YAML syntax error" in str(refused.problems[0])
    assert set(holder.current.part(EntryLibrary).entries) == {"one", "three"}
    assert diff(holder.current, holder.current) == {}
    assert len(seen) == 1
