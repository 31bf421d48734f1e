"""`pmpo-bot kb validate` on the posting rules: broken cues, references and misread examples at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_posting_support import FILE, SHIPPED_POSTING, load_posting, posting_folder

SHIPPED = SHIPPED_POSTING.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _relative_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Problems name files relative to the working directory, as a moderator running the CLI sees them."""
    monkeypatch.chdir(tmp_path)


def problems(tmp_path: Path, text: str) -> list[str]:
    return [str(p) for p in load_posting(posting_folder(tmp_path, text)).problems]


def edit(old: str, new: str, text: str = SHIPPED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def where(text: str, snippet: str, offset: int = 0, *, last: bool = False) -> str:
    """``line:col`` (1-based) of ``snippet`` (its first or ``last`` occurrence) in ``text``, plus ``offset``."""
    index = text.rindex(snippet) if last else text.index(snippet)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1 + offset
    return f"{line}:{col}"


def test_the_shipped_file_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path, SHIPPED) == []


def test_an_example_read_differently_is_reported_at_its_expected_answer(tmp_path: Path) -> None:
    old = "      answers: {roadmap: shared, customers: role, metrics: shared}"
    text = edit(old, old.replace("roadmap: shared", "roadmap: role"))
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'role, customers: role, metrics: shared}')}: example 'input-only': roadmap read as "
        "'shared' (“You will help shape the roadmap and contribute to the success metrics, and you run the "
        "usability tests for the team yourself.”), expected 'role'; add or change cues, or reword the example"
    ]


def test_a_context_key_read_but_not_expected_is_reported_at_the_context(tmp_path: Path) -> None:
    old = '      context: {title: po, size: "51-500", kind: other}'
    text = edit(old, "      context: {title: po, kind: other}")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, '{title: po, kind: other}')}: example 'input-only': size read as '51-500', "
        "expected not stated"
    ]


def test_an_example_whose_verdict_differs_is_reported_at_the_verdict(tmp_path: Path) -> None:
    text = edit("      verdict: shared-scope\n", "      verdict: real-pm-role\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'real-pm-role')}: example 'input-only': the check gives 'shared-scope' for this "
        "reading, expected 'real-pm-role'"
    ]


def test_a_misread_job_type_is_reported(tmp_path: Path) -> None:
    text = edit("      role_type: project-manager\n", "      role_type: scrum-master\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'scrum-master', last=True)}: example 'project-manager': read as a project-manager job, "
        "expected scrum-master; check the titles' cues or the example's title"
    ]


def test_a_cue_that_does_not_compile_is_reported_at_its_line(tmp_path: Path) -> None:
    text = edit('    - "big bets"\n', '    - "big|bets"\n')
    at = where(text, '"big|bets')
    assert problems(tmp_path, text) == [
        f"{FILE}:{at}: cue 'big|bets' uses '|'; write 'a/b' for one-word alternatives and a "
        "separate cue for each phrase"
    ]


def test_a_broken_shared_pattern_is_reported_once_at_its_own_line(tmp_path: Path) -> None:
    text = edit('    - "influenc* ... topic"\n', '    - "influenc* ... topic/what\'s"\n')
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    at = where(text, '"influenc*')
    assert found[0].startswith(f"{FILE}:{at}: cue 'influenc* ... topic/what's'")


def test_a_topic_that_is_not_a_synonym_word(tmp_path: Path) -> None:
    text = edit("    topics: [metrics]\n", "    topics: [metric]\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'metric]')}: question 'metrics': topic 'metric' is not a synonym word "
        "(did you mean 'metrics'?) "
        "(words: contact, discovery, metrics, pm, reports, roadmap, strategy, unrelated, users, you)"
    ]


def test_a_job_type_without_an_explanation(tmp_path: Path) -> None:
    text = edit("    role_type: delivery-manager\n    cues:", "    role_type: delivery-lead\n    cues:")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'non_product:')}: job type 'delivery-lead' (from titles) has no entry in non_product"
    ]


def test_a_closest_entry_that_does_not_exist(tmp_path: Path) -> None:
    text = edit("    entry: po-filled-from-within\n", "    entry: po-filled-within\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'po-filled-within')}: entry 'po-filled-within' does not exist "
        "(did you mean 'po-filled-from-within'?)",
    ]


def test_values_the_check_does_not_know(tmp_path: Path) -> None:
    text = edit("  - value: none\n", "  - value: kanban\n")
    text = edit('  fill: {size: "51-500", model: unsure, kind: other}', '  fill: {size: "51-500", model: unsure}', text)
    found = problems(tmp_path, text)
    assert found[:2] == [
        f"{FILE}:{where(text, '{size:')}: no value to fill in when the ad leaves out: kind",
        f"{FILE}:{where(text, 'kanban')}: 'kanban' is not an answer to the check's 'model' "
        "(answers: safe, scrum, none, unsure)",
    ]
    # and the examples that read a model of 'none' now read 'kanban'
    assert (
        f"{FILE}:{where(text, 'none, kind: startup}')}: example 'startup-product-person': model read as "
        "'kanban', expected 'none'" in found
    )


def test_next_steps_may_only_quote(tmp_path: Path) -> None:
    text = edit(
        '    not_stated: "The ad never says who owns the roadmap:',
        '    not_stated: "The ad never says who owns the roadmap ({quote}):',
    )
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'The ad never says who owns the roadmap (', -1)}: unknown placeholder(s) {{quote}}; "
        "a 'not_stated' step has no quote to show"
    ]


def test_bands_must_grow(tmp_path: Path) -> None:
    text = edit('    - {value: "501-5000", up_to: 5000}', '    - {value: "501-5000", up_to: 400}')
    assert problems(tmp_path, text) == [f"{FILE}:{where(text, '400')}: bands must grow: 400 after 500"]


def test_schema_problems_are_reported_first(tmp_path: Path) -> None:
    text = edit("  subject: posting\n", "  subject: posting\n  colour: red\n")
    assert problems(tmp_path, text) == [
        f"{FILE}:{where(text, 'colour')}: unknown key 'colour' in 'check' (allowed: fill, not_stated, subject)"
    ]


def test_without_a_check_file_the_rules_still_load(tmp_path: Path) -> None:
    root = posting_folder(tmp_path)
    (root / "check.yaml").unlink()
    assert [str(p) for p in load_posting(root).problems] == []
