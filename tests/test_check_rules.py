"""The rule engine over the shipped check.yaml: every verdict, every context note, reasons, salary context."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.check.content import CheckContent
from bot.check.engine import AnswerError, evaluate, parse_pairs, resolve_answers
from bot.check.rules import AnswerSpace, Condition, analyse, first_match
from tests.check_support import BASE, EXAMPLES, shipped_content

OPTIONS = {"questions": "--answers", "context": "--context"}


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> CheckContent:
    return shipped_content(tmp_path_factory.mktemp("check"))


def test_examples_cover_every_shipped_verdict(content: CheckContent) -> None:
    assert set(EXAMPLES) == set(content.verdicts)


@pytest.mark.parametrize("verdict_id", sorted(EXAMPLES))
def test_each_verdict_is_reached_by_its_example(content: CheckContent, verdict_id: str) -> None:
    result = evaluate(content, EXAMPLES[verdict_id])
    assert result.verdict.id == verdict_id
    assert result.rule is not None and result.rule.verdict == verdict_id
    assert result.next_steps and result.summary


def test_the_wording_fits_what_is_being_checked(content: CheckContent) -> None:
    """A posting is weighed before accepting it; one's own role has been held (issue #13.5)."""
    for verdict in content.verdicts.values():
        posting, current = verdict.wording.get("posting"), verdict.wording.get("current")
        if current is not None:
            text = " ".join((current.summary, *current.next_steps)).lower()
            assert not any(words in text for words in ("if you take it", "before you accept", "posting")), verdict.id
        if posting is not None:
            text = " ".join((posting.summary, *posting.next_steps)).lower()
            assert not any(words in text for words in ("you held", "your role", "your title")), verdict.id


def test_every_combination_of_answers_gets_a_verdict(content: CheckContent) -> None:
    ids = [q.id for q in content.questions]
    conditions = [rule.when for rule in content.rules]
    for combo in itertools.product(*(q.values for q in content.questions)):
        assert first_match(conditions, dict(zip(ids, combo, strict=True))) is not None, combo


def test_the_articles_headline_case_all_three_the_po(content: CheckContent) -> None:
    """If the PO owns roadmap, customers and metrics, that is PM scope under a PO title, with the gap."""
    result = evaluate(content, EXAMPLES["pm-scope-under-po-title"])
    assert result.verdict.title == "PM scope under a PO title"
    assert result.salary is not None and "$159K" in result.salary and "$113K" in result.salary
    assert "$46K" in result.salary


def test_a_pm_above_handing_down_everything_is_an_order_taker_role(content: CheckContent) -> None:
    for title, expected in (
        ("po", "order-taker-po"),
        ("other", "order-taker-po"),
        ("pm", "pm-title-order-taker-scope"),
    ):
        answers = {**EXAMPLES["order-taker-po"], "title": title}
        assert evaluate(content, answers).verdict.id == expected


def test_safe_turns_the_order_taker_po_into_the_formal_role(content: CheckContent) -> None:
    answers = {**EXAMPLES["order-taker-po"], "model": "safe"}
    assert evaluate(content, answers).verdict.id == "formal-safe-po"


def test_not_knowing_means_ask_for_a_posting_and_find_out_for_your_own_role(content: CheckContent) -> None:
    for question in ("roadmap", "customers", "metrics"):
        answers = {**BASE, "roadmap": "role", "customers": "shared", "metrics": "role", question: "unsure"}
        assert evaluate(content, answers).verdict.id == "ask-before-you-accept"
        assert evaluate(content, {**answers, "subject": "current"}).verdict.id == "unclear-ownership"


def test_a_tiny_company_makes_the_title_meaningless_only_when_the_role_shapes_the_roadmap(
    content: CheckContent,
) -> None:
    small = {**EXAMPLES["pm-scope-under-po-title"], "size": "1-50"}
    assert evaluate(content, small).verdict.id == "startup-title-doesnt-matter"
    handed_down = {**EXAMPLES["order-taker-po"], "size": "1-50"}
    assert evaluate(content, handed_down).verdict.id == "order-taker-po"


def test_the_brief_example_is_a_hybrid_with_discovery_as_the_gap(content: CheckContent) -> None:
    answers, assumed = resolve_answers(
        content,
        {
            "questions": parse_pairs("roadmap=role,customers=pm,metrics=shared", "--answers"),
            "context": parse_pairs("size=5000+,model=safe,kind=enterprise", "--context"),
        },
        OPTIONS,
    )
    assert assumed == ["subject", "title"]
    result = evaluate(content, answers)
    assert result.verdict.id == "hybrid-discovery-gap"
    assert [note.id for note in result.notes] == ["larger-company", "safe", "enterprise"]


@pytest.mark.parametrize(
    ("changes", "notes"),
    [
        ({}, ["scrum"]),
        ({"size": "1-50"}, ["small-company", "scrum"]),
        ({"size": "501-5000"}, ["larger-company", "scrum"]),
        ({"size": "5000+"}, ["larger-company", "scrum"]),
        ({"model": "safe"}, ["safe"]),
        ({"model": "none"}, ["no-framework"]),
        ({"model": "unsure"}, ["model-unknown"]),
        ({"kind": "bigtech"}, ["scrum", "bigtech"]),
        ({"kind": "enterprise"}, ["scrum", "enterprise"]),
        ({"kind": "eu-saas"}, ["scrum", "eu-saas"]),
        ({"kind": "startup"}, ["scrum"]),
    ],
)
def test_context_notes_follow_the_context(content: CheckContent, changes: dict[str, str], notes: list[str]) -> None:
    """Every matching note is shown, in file order; its entry joins the verdict's own entries, once."""
    answers = {**EXAMPLES["shared-scope"], "size": "51-500", "model": "scrum", "kind": "other", **changes}
    result = evaluate(content, answers)
    assert [note.id for note in result.notes] == notes
    assert result.entries[: len(result.verdict.entries)] == result.verdict.entries
    assert {note.entry for note in result.notes} <= set(result.entries)
    assert len(set(result.entries)) == len(result.entries)


def test_the_context_notes_say_what_each_context_changes(content: CheckContent) -> None:
    texts = {note.id: note.text for note in content.notes}
    assert "interchangeably" in texts["small-company"]
    assert "team level" in texts["safe"] and "program level" in texts["safe"]
    assert "don't use the PO title" in texts["bigtech"]
    assert "own discovery" in texts["eu-saas"]


def test_reasons_follow_each_of_the_three_answers_in_order(content: CheckContent) -> None:
    result = evaluate(content, EXAMPLES["hybrid-discovery-gap"])
    assert [reason.split(":")[0] for reason in result.reasons] == ["**Roadmap", "**Customers", "**Metrics"]
    assert "this role" in result.reasons[0] and "a PM above" in result.reasons[1] and "shared" in result.reasons[2]


def test_salary_context_only_where_the_verdict_asks_for_it(content: CheckContent) -> None:
    for verdict_id, answers in EXAMPLES.items():
        result = evaluate(content, answers)
        assert (result.salary is not None) == content.verdicts[verdict_id].salary


def test_incomplete_or_unknown_answers_are_refused(content: CheckContent) -> None:
    with pytest.raises(AnswerError, match="no valid answer to 'metrics' \\(allowed: role, pm, shared, unsure\\)"):
        evaluate(content, {k: v for k, v in EXAMPLES["shared-scope"].items() if k != "metrics"})
    with pytest.raises(AnswerError, match="no valid answer to 'roadmap'"):
        evaluate(content, {**EXAMPLES["shared-scope"], "roadmap": "boss"})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"questions": {"roadmp": "role"}},
            "--answers: unknown question 'roadmp' (allowed: roadmap, customers, metrics)",
        ),
        (
            {"questions": {"size": "1-50"}},
            "--answers: unknown question 'size' (allowed: roadmap, customers, metrics); ",
        ),
        (
            {"questions": {"roadmap": "boss"}},
            "--answers: 'boss' is not an answer to 'roadmap' (allowed: role, pm, shared",
        ),
        (
            {"context": {"model": "kanban"}},
            "--context: 'kanban' is not an answer to 'model' (allowed: safe, scrum, none",
        ),
        ({"questions": {"roadmap": "role"}}, "missing --context size=… (allowed: 1-50, 51-500, 501-5000, 5000+); "),
    ],
)
def test_resolve_answers_names_what_is_allowed(
    content: CheckContent, given: dict[str, dict[str, str]], message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        resolve_answers(content, given, OPTIONS)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("roadmap", "--answers: expected question=answer pairs separated by commas, got 'roadmap'"),
        ("roadmap=role,roadmap=pm", "--answers: 'roadmap' is given twice"),
        ("roadmap=", "expected question=answer pairs"),
    ],
)
def test_parse_pairs_refuses_malformed_text(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message.replace("(", "\\(").replace(")", "\\)")):
        parse_pairs(text, "--answers")


# -- the analysis itself, against brute force ----------------------------------------------------------

SPACE = [("a", ("1", "2", "3")), ("b", ("x", "y")), ("c", ("p", "q", "r", "s"))]


def _conditions() -> st.SearchStrategy[Condition]:
    def build(picked: dict[str, list[str]]) -> Condition:
        return Condition({k: frozenset(v) for k, v in picked.items()})

    per_question = {qid: st.lists(st.sampled_from(values), min_size=1, unique=True) for qid, values in SPACE}
    return st.fixed_dictionaries({}, optional=per_question).map(build)


@settings(max_examples=150, deadline=None)
@given(st.lists(_conditions(), min_size=1, max_size=6))
def test_bitset_analysis_agrees_with_trying_every_combination(conditions: list[Condition]) -> None:
    space = AnswerSpace(SPACE)
    coverage = analyse(space, conditions)
    combos = [dict(zip([q for q, _ in SPACE], c, strict=True)) for c in itertools.product(*(v for _, v in SPACE))]
    winners = [first_match(conditions, combo) for combo in combos]
    assert coverage.uncovered == winners.count(None)
    assert (coverage.example is None) == (None not in winners)
    if coverage.example is not None:
        assert first_match(conditions, coverage.example) is None
    for index, condition in enumerate(conditions):
        matched = [i for i, combo in enumerate(combos) if condition.matches(combo)]
        if index in winners:
            assert coverage.shadowed_by[index] == ()
        else:
            assert set(coverage.shadowed_by[index]) == {winners[i] for i in matched}
