"""`pmpo-bot kb validate` on the check: gaps, shadowed rules and dangling references, at file:line:col."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.check.content import CheckContent
from bot.check.kind import CheckKind
from bot.cli import main
from bot.knowledge.documents import load_document
from tests.check_support import SHIPPED_CHECK, check_folder, load_check

FILE = "knowledge/check.yaml"

# Two questions, two verdicts, two rules: line numbers below are this text's.
SMALL = """\
# yaml-language-server: $schema=../bot/knowledge/schemas/check.schema.json
kind: check
title: "Check"
intro: "Intro"
salary_note: "Salary"
questions:
  - id: title
    section: context
    prompt: "Title?"
    default: po
    choices:
      - {value: pm, label: "PM"}
      - {value: po, label: "PO"}
  - id: roadmap
    section: questions
    prompt: "Roadmap?"
    choices:
      - {value: role, label: "This role", reason: "Owns it."}
      - {value: pm, label: "A PM above"}
      - {value: unsure, label: "Not sure"}
verdicts:
  - id: pm-job
    title: "PM job"
    summary: "It's a PM job."
    next_steps: ["Prepare a PM story."]
    entries: [three-questions]
  - id: po-job
    title: "PO job"
    summary: "It's a PO job."
    next_steps: ["Ask who owns the roadmap."]
notes:
  - id: po-title
    when: {title: po}
    text: "A PO title."
    entry: title-says-nothing
rules:
  - when: {roadmap: role}
    verdict: pm-job
  - when: {roadmap: [pm, unsure]}
    verdict: po-job
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    root = check_folder(tmp_path, text)
    result = load_check(root)
    prefix = f"{root.parent}/"
    return [str(p).removeprefix(prefix) for p in result.problems]


def edit(old: str, new: str) -> str:
    assert SMALL.count(old) == 1, old
    return SMALL.replace(old, new)


@pytest.fixture(autouse=True)
def _relative_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Problems name files relative to the working directory, as a moderator running the CLI sees them."""
    monkeypatch.chdir(tmp_path)


def test_the_small_file_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path, SMALL) == []


def test_a_gap_in_coverage_names_an_uncovered_combination_at_the_rules_key(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: [pm, unsure]}", "  - when: {roadmap: pm}")
    assert problems(tmp_path, text) == [
        f"{FILE}:36:1: the rules leave 1 combination(s) of answers without a verdict, e.g. roadmap=unsure "
        "(with any answer to the other questions); add a rule for it or end with a catch-all rule (one without 'when')"
    ]


def test_a_gap_over_several_questions_lists_each_answer(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: role}\n", "  - when: {roadmap: role, title: pm}\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:36:1: the rules leave 1 combination(s) of answers without a verdict, e.g. title=po, roadmap=role; "
        "add a rule for it or end with a catch-all rule (one without 'when')"
    ]


def test_a_shadowed_rule_names_the_earlier_rule(tmp_path: Path) -> None:
    text = SMALL + "  - when: {roadmap: role, title: po}\n    verdict: po-job\n"
    assert problems(tmp_path, text) == [
        f"{FILE}:41:5: rule 3 (verdict 'po-job') can never match: every answer it matches is already caught by "
        "rule 1 (line 37)"
    ]


def test_a_rule_shadowed_by_several_names_them_all(tmp_path: Path) -> None:
    text = SMALL + "  - when: {title: pm}\n    verdict: pm-job\n"
    assert problems(tmp_path, text) == [
        f"{FILE}:41:5: rule 3 (verdict 'pm-job') can never match: every answer it matches is already caught by "
        "rule 1 (line 37) and rule 2 (line 39)"
    ]


def test_a_catch_all_before_the_end_shadows_what_follows(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: role}\n", "  - when: {}\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:27:9: verdict 'po-job' is never given: no reachable rule picks it",
        f"{FILE}:39:5: rule 2 (verdict 'po-job') can never match: every answer it matches is already caught by "
        "rule 1 (line 37)",
    ]


def test_a_final_catch_all_without_when_closes_a_gap(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: [pm, unsure]}\n", "  - when: {roadmap: pm}\n") + "  - verdict: po-job\n"
    assert problems(tmp_path, text) == []


def test_a_dangling_verdict_is_reported_at_the_rule_with_a_hint(tmp_path: Path) -> None:
    text = edit("    verdict: po-job\n", "    verdict: po-jobs\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:40:14: rule 2: verdict 'po-jobs' is not defined (did you mean 'po-job'?)"
    ]


def test_an_unknown_question_is_reported_at_its_key(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: role}", "  - when: {roadmp: role}")
    assert problems(tmp_path, text) == [
        f"{FILE}:37:12: rule 1: unknown question 'roadmp' (did you mean 'roadmap'?) (questions: title, roadmap)"
    ]


def test_an_unknown_answer_is_reported_at_the_value_in_a_list(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: [pm, unsure]}", "  - when: {roadmap: [pm, unsur]}")
    assert problems(tmp_path, text) == [
        f"{FILE}:39:26: rule 2: 'unsur' is not an answer to 'roadmap' (did you mean 'unsure'?) "
        "(answers: role, pm, unsure)"
    ]


def test_an_unknown_answer_in_a_note_is_reported_at_the_note(tmp_path: Path) -> None:
    text = edit("    when: {title: po}", "    when: {title: owner}")
    assert problems(tmp_path, text) == [
        f"{FILE}:33:19: note 'po-title': 'owner' is not an answer to 'title' (answers: pm, po)"
    ]


def test_a_dangling_entry_is_reported_for_verdicts_and_notes(tmp_path: Path) -> None:
    text = edit("    entries: [three-questions]", "    entries: [three-question]").replace(
        "    entry: title-says-nothing", "    entry: no-such-entry"
    )
    assert problems(tmp_path, text) == [
        f"{FILE}:26:15: verdict 'pm-job': entry 'three-question' does not exist (did you mean 'three-questions'?)",
        f"{FILE}:35:12: note 'po-title': entry 'no-such-entry' does not exist",
    ]


def test_a_default_that_is_not_an_answer(tmp_path: Path) -> None:
    text = edit("    default: po", "    default: pp")
    assert problems(tmp_path, text) == [
        f"{FILE}:10:14: question 'title': default 'pp' is not one of its answers (pm, po)"
    ]


def test_duplicate_ids_and_answers(tmp_path: Path) -> None:
    text = edit('      - {value: po, label: "PO"}', '      - {value: pm, label: "PO"}').replace(
        "  - id: po-job", "  - id: pm-job"
    )
    found = problems(tmp_path, text)
    assert f"{FILE}:13:17: question 'title': answer 'pm' appears twice" in found
    assert f"{FILE}:27:9: verdict id 'pm-job' appears twice (first at {FILE}:22)" in found


def test_schema_problems_come_first_and_stop_the_rest(tmp_path: Path) -> None:
    text = edit("  - when: {roadmap: role}\n    verdict: pm-job\n", "  - when: {roadmap: role}\n")
    assert problems(tmp_path, text) == [f"{FILE}:37:5: missing required key 'verdict' in 'rules[0]'"]


def test_a_second_check_file_is_refused(tmp_path: Path) -> None:
    root = check_folder(tmp_path, SMALL)
    (root / "more-check.yaml").write_text(SMALL, encoding="utf-8")
    found = [str(p) for p in load_check(root).problems]
    assert found == [
        "knowledge/more-check.yaml:2:7: a second check file; the check is already defined in knowledge/check.yaml"
    ]


def test_the_shipped_file_validates_quickly() -> None:
    """The analysis runs on every load and reload, so it must stay far below anything a moderator notices."""
    document = load_document(SHIPPED_CHECK)
    started = time.perf_counter()
    found: list[object] = []
    CheckKind().add(CheckKind().new_part(), document, found)
    assert found == []
    assert time.perf_counter() - started < 0.05


def test_kb_validate_prints_check_problems_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = check_folder(tmp_path, edit("    verdict: po-job\n", "    verdict: po-jobs\n"))
    status = main(["kb", "validate", str(root)])
    out = capsys.readouterr().out
    assert status == 1
    assert f"{FILE}:40:14: rule 2: verdict 'po-jobs' is not defined (did you mean 'po-job'?)" in out


def test_a_folder_without_a_check_file_still_loads(tmp_path: Path) -> None:
    """Other features keep working; the check's front ends say it isn't set up (see the session tests)."""
    root = check_folder(tmp_path)
    (root / "check.yaml").unlink()
    result = load_check(root)
    assert result.problems == ()
    assert result.knowledge is not None and not result.knowledge.part(CheckContent).loaded


def test_a_verdict_that_could_outgrow_one_message_is_reported(tmp_path: Path) -> None:
    """Sixteen long notes could all apply at once: over Discord's 6,000 characters per embed."""
    notes = "".join(f'  - id: long-{i}\n    when: {{title: po}}\n    text: "{"x" * 390}"\n' for i in range(16))
    found = problems(tmp_path, edit("rules:\n", notes + "rules:\n"))
    assert [p.split(" can render")[0] for p in found] == [
        f"{FILE}:22:9: verdict 'pm-job'",
        f"{FILE}:27:9: verdict 'po-job'",
    ]
    assert all(
        p.endswith("over Discord's limit of 6,000 per message; shorten its text, the reasons or the notes")
        for p in found
    )
