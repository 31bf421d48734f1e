"""`pmpo-bot check`: the verdict for given answers, as JSON or text; bad input exits 2 naming what is allowed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.helpers import SHIPPED_KNOWLEDGE

EXAMPLE = [
    "check",
    "--answers",
    "roadmap=role,customers=pm,metrics=shared",
    "--context",
    "size=5000+,model=safe,kind=enterprise",
]


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped folder to edit, run from a folder without a config.yaml."""
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    monkeypatch.chdir(tmp_path)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_verdict_for_the_documented_example(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, *EXAMPLE, "--json")
    assert status == 0, err
    verdict = json.loads(out)
    assert verdict["verdict_id"] == "hybrid-discovery-gap"
    assert verdict["title"] == "Hybrid: discovery is the gap"
    assert [r.split(".**")[0] for r in verdict["reasons"]] == [
        "**Roadmap: this role",
        "**Customers: a PM above",
        "**Metrics: shared",
    ]
    assert verdict["next_steps"] and all(isinstance(step, str) for step in verdict["next_steps"])
    assert [note["id"] for note in verdict["context_notes"]] == ["larger-company", "safe", "enterprise"]
    assert verdict["salary"] is None
    assert verdict["assumed"] == ["subject", "title"]
    assert verdict["answers"] == {
        "subject": "posting",
        "title": "po",
        "size": "5000+",
        "model": "safe",
        "kind": "enterprise",
        "roadmap": "role",
        "customers": "pm",
        "metrics": "shared",
    }
    assert verdict["rule"]["number"] == 13 and verdict["rule"]["at"].startswith("knowledge/check.yaml:")
    assert "safe-enterprise-orgs" in verdict["entries"]


def test_readable_text_without_json(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *EXAMPLE, "--context", "size=5000+,model=safe,kind=enterprise,title=po")
    assert status == 0
    assert out.startswith("Verdict: Hybrid: discovery is the gap (hybrid-discovery-gap)\n")
    assert "Why:\n  - **Roadmap: this role.**" in out
    assert "Next steps:\n  1. " in out
    assert "Assumed (defaults): subject=posting" in out
    assert "Decided by rule 13 at knowledge/check.yaml:" in out


def test_salary_context_appears_where_it_applies(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = "size=51-500,model=none,kind=eu-saas,title=po,subject=current"
    status, out, _ = run(
        capsys, "check", "--answers", "roadmap=role,customers=role,metrics=role", "--context", context, "--json"
    )
    verdict = json.loads(out)
    assert status == 0 and verdict["verdict_id"] == "pm-scope-under-po-title"
    assert "$159K" in verdict["salary"] and "$46K" in verdict["salary"]


@pytest.mark.parametrize(
    ("answers", "title", "posting_says", "current_says"),
    [
        ("roadmap=pm,customers=pm,metrics=pm", "pm", "If you take it", "Find out who sets direction"),
        ("roadmap=role,customers=role,metrics=role", "po", "before you accept", "say plainly that you held PM scope"),
    ],
)
def test_next_steps_fit_what_is_being_checked(
    knowledge: Path, capsys: pytest.CaptureFixture[str], answers: str, title: str, posting_says: str, current_says: str
) -> None:
    """Issue #13.5: one's own role gets no "If you take it", a posting no "say that you held PM scope"."""
    steps = {}
    for subject in ("posting", "current"):
        context = f"subject={subject},title={title},size=501-5000,model=scrum,kind=other"
        status, out, _ = run(capsys, "check", "--answers", answers, "--context", context, "--json")
        assert status == 0
        steps[subject] = " ".join(json.loads(out)["next_steps"])
    assert posting_says in steps["posting"] and posting_says not in steps["current"]
    assert current_says in steps["current"] and current_says not in steps["posting"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--answers", "roadmap=role,customer=pm,metrics=shared"],
            "--answers: unknown question 'customer' (allowed: roadmap, customers, metrics)",
        ),
        (
            ["--answers", "roadmap=boss,customers=pm,metrics=shared"],
            "--answers: 'boss' is not an answer to 'roadmap' (allowed: role, pm, shared, unsure)",
        ),
        (
            ["--answers", "roadmap=role,customers=pm,metrics=shared,size=1-50"],
            "--answers: unknown question 'size' (allowed: roadmap, customers, metrics); 'size' goes in --context",
        ),
        (
            ["--answers", "roadmap=role"],
            "missing --context size=… (allowed: 1-50, 51-500, 501-5000, 5000+)",
        ),
    ],
)
def test_bad_answers_exit_2_naming_the_allowed_ones(
    knowledge: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "check", *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("pmpo-bot: ") and message in err and "Traceback" not in err


def add_first_rule(knowledge: Path, rule: str) -> None:
    check = knowledge / "check.yaml"
    check.write_text(check.read_text(encoding="utf-8").replace("rules:\n", f"rules:\n{rule}", 1), encoding="utf-8")


def test_a_rule_change_is_tried_before_committing(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The moderator's loop: edit check.yaml, ask for a verdict, see the new rule decide."""
    add_first_rule(knowledge, "  - when: {model: safe, customers: pm, metrics: shared}\n    verdict: formal-safe-po\n")
    status, out, _ = run(capsys, *EXAMPLE, "--json")
    assert status == 0
    verdict = json.loads(out)
    assert verdict["verdict_id"] == "formal-safe-po" and verdict["rule"]["number"] == 1


def test_a_rule_change_that_hides_another_rule_is_refused(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_first_rule(knowledge, "  - when: {model: safe, customers: pm}\n    verdict: formal-safe-po\n")
    status, out, err = run(capsys, *EXAMPLE, "--json")
    assert status == 2 and out == ""
    assert (
        "rule 5 (verdict 'formal-safe-po') can never match: every answer it matches is already caught by rule 1" in err
    )


def test_a_broken_check_file_is_reported_not_evaluated(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check = knowledge / "check.yaml"
    check.write_text(check.read_text(encoding="utf-8").replace("verdict: shared-scope", "verdict: shared"))
    status, out, err = run(capsys, *EXAMPLE)
    assert status == 2 and out == ""
    assert "knowledge/check.yaml:" in err and "verdict 'shared' is not defined (did you mean 'shared-scope'?)" in err


def test_without_a_check_file(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (knowledge / "check.yaml").unlink()
    status, _, err = run(capsys, *EXAMPLE, "--knowledge", str(knowledge))
    assert status == 2 and "has no check file" in err
