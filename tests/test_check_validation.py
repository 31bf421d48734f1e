"""`pmpo-bot kb validate` on the check: gaps, shadowed rules and dangling references, at file:line:col."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.check.content import CheckContent
from bot.check.kind import CheckKind
from bot.cli import main
from bot.knowledge.documents import Problem, load_document
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
    found: list[Problem] = []
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


# The small check with a subject question: verdicts then word their next steps per subject.
SUBJECT = """\
# yaml-language-server: $schema=../bot/knowledge/schemas/check.schema.json
kind: check
title: "Check"
intro: "Intro"
salary_note: "Salary"
questions:
  - id: subject
    section: context
    prompt: "Checking?"
    subject: true
    choices:
      - {value: posting, label: "A posting"}
      - {value: current, label: "My role"}
  - id: roadmap
    section: questions
    prompt: "Roadmap?"
    choices:
      - {value: role, label: "This role"}
      - {value: unsure, label: "Not sure"}
verdicts:
  - id: pm-job
    title: "PM job"
    summary: "It's a PM job."
    next_steps:
      posting: ["Ask for a recent roadmap call."]
      current: ["Say plainly that you hold PM scope."]
  - id: ask
    title: "Ask first"
    summary:
      posting: "Ask before you accept."
    next_steps:
      posting: ["Ask who owns the roadmap."]
  - id: find-out
    title: "Find out"
    summary: "Find out who decides."
    next_steps:
      current: ["Find out who owns the roadmap."]
rules:
  - when: {roadmap: role}
    verdict: pm-job
  - when: {subject: posting}
    verdict: ask
  - verdict: find-out
"""


def subject_edit(old: str, new: str) -> str:
    assert SUBJECT.count(old) == 1, old
    return SUBJECT.replace(old, new)


def test_per_subject_wording_is_valid_and_chosen_by_the_subject(tmp_path: Path) -> None:
    assert problems(tmp_path, SUBJECT) == []
    content = load_check(check_folder(tmp_path, SUBJECT)).knowledge.part(CheckContent)  # type: ignore[union-attr]
    verdict = content.verdicts["pm-job"]
    assert content.wording(verdict, {"subject": "current"}).next_steps == ("Say plainly that you hold PM scope.",)
    assert content.wording(verdict, {"subject": "posting"}).next_steps == ("Ask for a recent roadmap call.",)


def test_a_subject_a_verdict_is_given_for_needs_its_next_steps(tmp_path: Path) -> None:
    text = subject_edit('      current: ["Say plainly that you hold PM scope."]\n', "")
    assert problems(tmp_path, text) == [
        f"{FILE}:25:7: verdict 'pm-job' has no next steps for 'current' (My role), which it is given for; "
        "add next_steps: current: [...]"
    ]


def test_next_steps_for_a_subject_the_verdict_is_never_given_for_are_reported(tmp_path: Path) -> None:
    """'find-out' is reached only when checking one's own role: rule 2 takes every posting first."""
    text = subject_edit(
        '      current: ["Find out who owns the roadmap."]\n',
        '      current: ["Find out who owns the roadmap."]\n      posting: ["Never shown."]\n',
    )
    assert problems(tmp_path, text) == [
        f"{FILE}:38:16: verdict 'find-out': the next steps for 'posting' (A posting) are never shown: no rule "
        "gives this verdict when checking that"
    ]


def test_one_list_of_next_steps_is_refused_when_the_check_has_a_subject(tmp_path: Path) -> None:
    text = subject_edit(
        '    next_steps:\n      current: ["Find out who owns the roadmap."]\n',
        '    next_steps: ["Find out who owns the roadmap."]\n',
    )
    assert problems(tmp_path, text) == [
        f"{FILE}:36:17: verdict 'find-out': give the next steps per answer to 'subject' (posting: [...], "
        "current: [...]): what to do next depends on what is being checked"
    ]


def test_unknown_subjects_and_summaries_without_steps_are_reported(tmp_path: Path) -> None:
    text = subject_edit('      current: ["Say plainly', '      curent: ["Say plainly').replace(
        '      posting: "Ask before you accept."\n',
        '      posting: "Ask before you accept."\n      current: "Never used."\n',
    )
    assert problems(tmp_path, text) == [
        f"{FILE}:26:15: verdict 'pm-job': 'curent' is not an answer to 'subject' (did you mean 'current'?) "
        "(answers: posting, current)",
        f"{FILE}:31:16: verdict 'ask': a summary for 'current' but no next steps for it",
    ]


def test_per_subject_wording_needs_a_subject_question(tmp_path: Path) -> None:
    text = edit('    next_steps: ["Prepare a PM story."]', '    next_steps: {posting: ["Prepare a PM story."]}')
    assert problems(tmp_path, text) == [
        f"{FILE}:25:17: verdict 'pm-job': next_steps is given per subject, but no question says what is being "
        "checked (mark one with 'subject: true')"
    ]


def test_only_one_question_says_what_is_being_checked(tmp_path: Path) -> None:
    text = subject_edit('    prompt: "Roadmap?"\n', '    prompt: "Roadmap?"\n    subject: true\n')
    assert (
        f"{FILE}:17:14: question 'roadmap': only one question can say what is being checked; 'subject' already does"
        in problems(tmp_path, text)
    )
