"""The ``synonyms`` kind and how search folds with it: groups load, members' words find the entries that say
it otherwise, and every mistake is reported at its exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ask.content import SynonymList
from bot.ask.kind import SynonymsKind
from bot.ask.search import SearchIndex
from bot.knowledge.loader import load_knowledge, require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE
from tests.test_validator import HEADER, KINDS, build, entry

KINDS_WITH_SYNONYMS = (*KINDS, SynonymsKind())
FILE = "kb/synonyms.yaml"
KNOWLEDGE = require_knowledge(SHIPPED_KNOWLEDGE)


def problems(root: Path, groups: str) -> list[str]:
    (root / "synonyms.yaml").write_text("kind: synonyms\ngroups:\n" + groups, encoding="utf-8")
    return [str(p) for p in load_knowledge(root, KINDS_WITH_SYNONYMS).problems]


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return build(Path("kb"), HEADER + entry("a"))


def test_the_shipped_groups_load() -> None:
    groups = KNOWLEDGE.part(SynonymList).groups
    assert {"salary", "certification", "interview", "roadmap", "customers", "metrics"} <= set(groups)
    assert "paycheck" in groups["salary"].phrases


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("how big is a po paycheck in the usa", "salary-figures"),
        ("who owns the kpis, po or pm", "customers-and-metrics"),
    ],
)
def test_a_members_word_finds_the_entry_that_says_it_otherwise(question: str, entry_id: str) -> None:
    best = SearchIndex.from_knowledge(KNOWLEDGE).search(question).best
    assert best is not None and best.item.id == entry_id


def test_without_the_group_the_word_is_unknown() -> None:
    index = SearchIndex.from_knowledge(KNOWLEDGE)
    bare = SearchIndex(index.entries, index.topics)
    assert "salary" in index.search("po paycheck").terms and "paycheck" in bare.search("po paycheck").terms


def test_a_valid_file_loads(kb: Path) -> None:
    assert problems(kb, "  - id: pay\n    phrases: [salary, paycheck, take home pay]\n") == []


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        pytest.param(
            "  - id: pay\n    phrases: [salary, wage]\n  - id: pay\n    phrases: [income, earnings]\n",
            [f"{FILE}:5:9: duplicate synonym group id 'pay' (first defined at {FILE}:3)"],
            id="duplicate-id",
        ),
        pytest.param(
            "  - id: pay\n    phrases: [salary, wage]\n  - id: money\n    phrases: [cash, Salary]\n",
            [f"{FILE}:6:21: phrase 'Salary' is already in group 'pay' ({FILE}:3)"],
            id="phrase-in-two-groups",
        ),
        pytest.param(
            "  - id: pay\n    phrases: [salary, pm pay]\n",
            [f"{FILE}:4:23: phrase 'pm pay' contains 'pm', which search folds in code: the group would hide it"],
            id="role-spelling-inside",
        ),
        pytest.param(
            "  - id: owner\n    phrases: [product owner, owner]\n",
            [f"{FILE}:4:15: phrase 'product owner' is folded in code (into 'productowner'); leave it out"],
            id="phrase-folded-in-code",
        ),
        pytest.param(
            "  - id: productowner\n    phrases: [owner, proprietor]\n",
            [f"{FILE}:3:9: 'productowner' is a concept search folds in code; pick another id"],
            id="id-of-a-code-concept",
        ),
        pytest.param(
            "  - id: pay\n    phrases: [salary]\n",
            [f"{FILE}:4:14: 'groups[0].phrases' needs at least 2 item(s), has 1"],
            id="one-phrase",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_exact_place(kb: Path, groups: str, expected: list[str]) -> None:
    assert problems(kb, groups) == expected
