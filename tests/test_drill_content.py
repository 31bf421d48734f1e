"""The drills validator: every rule reports file:line:col at the offending value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.drills.content import DrillBank
from bot.knowledge.loader import load_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

HEADER = "# yaml-language-server: $schema=../../bot/knowledge/schemas/drills.schema.json\nkind: drills\n"

GOOD = """\
  - id: {id}
    prompt: "Why should we hire you as a PM?"
    situation: "You are a PO applying for a PM role."
    expects: [numbers]
    signals:
      - id: counted
        name: "Counted discovery"
        looks_for: "How many customer interviews you ran."
        cues: ["# interview*"]
        tip: "Give the count."
      - id: killed
        name: "Killed a bet"
        looks_for: "A bet you stopped on viability grounds."
        cues: ["kill* .. bet*"]
        tip: "Name the bet you killed."
    strong:
      answer: >-
        I ran 12 interviews a quarter and I killed two bets when nobody would pay for them,
        which freed the team for work that customers would pay for.
      shows: [counted, killed]
    weak:
      answer: "I manage the backlog."
      why: "Execution only."
    follow_ups:
      - ask: "Which interview changed your mind?"
        probes: [counted]
    related: [{related}]
"""


def knowledge_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """The shipped knowledge without its drills, plus the given drill files."""
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root, ignore=shutil.ignore_patterns("drills"))
    (root / "drills").mkdir()
    for name, body in files.items():
        (root / "drills" / name).write_text(HEADER + body, encoding="utf-8")
    return root


def drills_file(theme: str, *drills: str) -> str:
    return f'theme: "{theme}"\ndrills:\n' + "".join(drills)


def good(drill_id: str = "po-drill", related: str = "why-this-problem") -> str:
    return GOOD.format(id=drill_id, related=related)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle`` in a file written by :func:`knowledge_with`."""
    hits = [i for i, line in enumerate((HEADER + text).splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def problems(root: Path) -> list[str]:
    return [str(p) for p in load_knowledge(root).problems]


def test_a_valid_file_loads(tmp_path: Path) -> None:
    result = load_knowledge(knowledge_with(tmp_path, {"a.yaml": drills_file("Theme", good())}))
    assert result.problems == ()
    assert result.knowledge is not None
    assert list(result.knowledge.part(DrillBank).drills) == ["po-drill"]


def test_knowledge_without_drills_still_loads(tmp_path: Path) -> None:
    result = load_knowledge(knowledge_with(tmp_path, {}))
    assert result.knowledge is not None and not result.knowledge.part(DrillBank).drills


def test_duplicate_ids_across_files_point_at_the_second_and_name_the_first(tmp_path: Path) -> None:
    a, b = drills_file("A", good("same-id")), drills_file("B", good("same-id"))
    found = problems(knowledge_with(tmp_path, {"a.yaml": a, "b.yaml": b}))
    assert found == [
        f"{tmp_path}/knowledge/drills/b.yaml:{line_of(b, 'id: same-id')}:9: duplicate drill id 'same-id' "
        f"(first defined at {tmp_path}/knowledge/drills/a.yaml:{line_of(a, '- id: same-id')})"
    ]


def test_dangling_related_entry_is_located_with_a_hint(tmp_path: Path) -> None:
    text = drills_file("A", good(related="why-this-problm"))
    found = problems(knowledge_with(tmp_path, {"a.yaml": text}))
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path}/knowledge/drills/a.yaml:{line_of(text, 'related:')}:")
    assert "related entry 'why-this-problm' does not exist (did you mean 'why-this-problem'?)" in found[0]


def test_follow_ups_are_optional(tmp_path: Path) -> None:
    body = good()
    start = body.index("    follow_ups:")
    text = drills_file("A", body[:start] + body[body.index("    related:") :])
    result = load_knowledge(knowledge_with(tmp_path, {"a.yaml": text}))
    assert result.problems == () and result.knowledge is not None
    assert result.knowledge.part(DrillBank).drills["po-drill"].follow_ups == ()


def test_whitespace_only_texts_are_empty(tmp_path: Path) -> None:
    text = drills_file("A", good().replace('why: "Execution only."', 'why: "   "'))
    found = problems(knowledge_with(tmp_path, {"a.yaml": text}))
    assert f"a.yaml:{line_of(text, 'why:')}:12: 'weak.why' of drill 'po-drill' is empty" in "\n".join(found)


@pytest.mark.parametrize(
    ("edit", "at", "message"),
    [
        pytest.param(
            ("shows: [counted, killed]", "shows: [counted, kiled]"),
            "shows:",
            "'kiled' is not a signal of drill 'po-drill' (did you mean 'killed'?) (signals: counted, killed)",
            id="unknown-signal-in-shows",
        ),
        pytest.param(
            ("probes: [counted]", "probes: [countd]"),
            "probes:",
            "'countd' is not a signal of drill 'po-drill' (did you mean 'counted'?)",
            id="unknown-signal-probed-by-a-follow-up",
        ),
        pytest.param(
            ('cues: ["kill* .. bet*"]', 'cues: ["kill*|stop* bet*"]'),
            "kill*|stop*",
            "write 'a/b' for one-word alternatives",
            id="broken-cue",
        ),
        pytest.param(
            ('cues: ["kill* .. bet*"]', 'cues: ["kill* .. bet*/road map/roadmap"]'),
            "road map",
            "drill 'po-drill': cue 'kill* .. bet*/road map/roadmap': 'road map' reads as one alternative",
            id="phrase-inside-an-alternation",
        ),
        pytest.param(
            ("I killed two bets", "I paused two ideas"),
            "answer: >-",
            "rates the strong example of 'po-drill' as mixed (listed in 'shows' but not detected: killed)",
            id="strong-example-misjudged",
        ),
        pytest.param(
            ('answer: "I manage the backlog."', 'answer: "I killed 3 bets."'),
            'answer: "I killed 3 bets."',
            "rates the weak example of 'po-drill' as mixed (signals found: killed)",
            id="weak-example-rated-too-well",
        ),
    ],
)
def test_one_mistake_is_one_problem_at_its_line(tmp_path: Path, edit: tuple[str, str], at: str, message: str) -> None:
    """Unknown signals (with the closest known one), cues the matcher cannot read and examples the feedback
    engine misjudges: exactly one problem each, on the line a moderator has to fix, saying why."""
    text = drills_file("A", good().replace(*edit))
    found = problems(knowledge_with(tmp_path, {"a.yaml": text}))
    assert len(found) == 1, found
    assert f"a.yaml:{line_of(text, at)}:" in found[0] and message in found[0], found


def test_a_card_over_discords_field_limit_is_reported(tmp_path: Path) -> None:
    long_signals = "".join(
        f"""      - id: s{i}
        name: "{"Signal name " * 6}"
        looks_for: "{"What the engine looks for, at length. " * 7}"
        cues: ["# interview*"]
        tip: "Tip."
"""
        for i in range(4)
    )
    text = drills_file(
        "A",
        good()
        .replace("    signals:\n", "    signals:\n" + long_signals)
        .replace("shows: [counted, killed]", "shows: [s0, s1, s2, s3]"),
    )
    found = problems(knowledge_with(tmp_path, {"a.yaml": text}))
    assert any(
        f"a.yaml:{line_of(text, 'shows:')}:" in p
        and "'What it shows' of drill 'po-drill' renders to" in p
        and "over Discord's field limit of 1024" in p
        for p in found
    ), found


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("prompt: ", "prompts: "), "unknown key 'prompts'"),
        (("id: po-drill", "id: PO Drill"), "does not match the expected form"),
        (("expects: [numbers]", "expects: [vibes]"), "is 'vibes', expected one of: numbers, owned-decision"),
        (("probes: [counted]", "probes: []"), "needs at least 1 item(s)"),
        (('- ask: "Which interview', '- question: "Which interview'), "unknown key 'question'"),
    ],
)
def test_schema_problems_are_located(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    text = drills_file("A", good().replace(*edit))
    found = problems(knowledge_with(tmp_path, {"a.yaml": text}))
    assert any(message in p and p.startswith(f"{tmp_path}/knowledge/drills/a.yaml:") for p in found), found


def test_the_shipped_bank_is_valid() -> None:
    result = load_knowledge(SHIPPED_KNOWLEDGE)
    assert result.problems == ()
