"""The ``not-covered`` kind: honest neighbours load, and every mistake is reported at its exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ask.content import NotCoveredList
from bot.ask.kind import NotCoveredKind
from bot.knowledge.loader import load_knowledge, require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE
from tests.test_validator import HEADER, KINDS, build, entry

KINDS_WITH_TOPICS = (*KINDS, NotCoveredKind())
FILE = "kb/not-covered.yaml"


def topic(topic_id: str, *, points_to: str = "a", question: str = "", extra: str = "") -> str:
    """One topic, five lines starting at '  - id:'; ``question`` first of its eight, all on one line."""
    first = question or f"what about {topic_id}"
    questions = ", ".join([f"'{first}'", *(f"'{topic_id} asked {i}'" for i in range(1, 8))])
    return (
        f"  - id: {topic_id}\n    title: {topic_id} title\n    questions: [{questions}]\n"
        f"    says: Not covered here; see what is.\n    points_to: [{points_to}]\n{extra}"
    )


def problems(root: Path, topics: str) -> list[str]:
    (root / "not-covered.yaml").write_text("kind: not-covered\ntopics:\n" + topics, encoding="utf-8")
    return [str(p) for p in load_knowledge(root, KINDS_WITH_TOPICS).problems]


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return build(Path("kb"), HEADER + entry("a") + entry("alpha-two"))


def test_the_shipped_topics_load_and_point_at_entries() -> None:
    topics = require_knowledge(SHIPPED_KNOWLEDGE).part(NotCoveredList).topics
    assert len(topics) >= 15
    assert topics["scrum-master"].title == "Scrum Master role"
    assert all(len(t.questions) >= 8 and t.points_to and t.says for t in topics.values())


def test_a_valid_file_loads(kb: Path) -> None:
    assert problems(kb, topic("tools", extra="    aliases: [jira]\n")) == []


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        pytest.param(
            topic("tools") + topic("tools", question="which tools"),
            [f"{FILE}:8:9: duplicate not-covered topic id 'tools' (first defined at {FILE}:3)"],
            id="duplicate-id",
        ),
        pytest.param(
            topic("a"),
            [
                f"{FILE}:3:9: not-covered topic id 'a' is also an entry id (kb/entries/t.yaml:4); "
                "a topic needs an id of its own"
            ],
            id="id-of-an-entry",
        ),
        pytest.param(
            topic("tools", points_to="alpha-tow"),
            [f"{FILE}:7:17: points_to entry 'alpha-tow' does not exist (did you mean 'alpha-two'?)"],
            id="points-to-nothing",
        ),
        pytest.param(
            topic("tools", question="What is A?"),
            [f"{FILE}:5:17: example question 'What is A?' is also on entry 'a' (kb/entries/t.yaml:4)"],
            id="question-of-an-entry",
        ),
        pytest.param(
            topic("tools", question="jira or not") + topic("apps", question="Jira, or not?"),
            [f"{FILE}:10:17: example question 'Jira, or not?' is also on not-covered topic 'tools' ({FILE}:3)"],
            id="question-of-another-topic",
        ),
        pytest.param(
            topic("tools").replace("'tools asked 7'", "").replace(", ]", "]"),
            [f"{FILE}:5:16: 'topics[0].questions' needs at least 8 item(s), has 7"],
            id="fewer-than-8-questions",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_exact_place(kb: Path, topics: str, expected: list[str]) -> None:
    assert problems(kb, topics) == expected
