"""The member-questions evaluation (tests/eval/member_questions.yaml): its DEV half only, with bars a little
below what it measures, so a change that makes answers worse fails here. The test half is never read by a
test: it is measured with ``pmpo-bot eval --split test`` and reported, not tuned on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask import english
from bot.ask.engine import answer_question
from bot.ask.evaluation import SETS, Report, evaluate, parse_cases
from bot.ask.search import SearchIndex
from bot.cli import main
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import require_knowledge
from tests.helpers import REPO, SHIPPED_KNOWLEDGE

EVAL_FILE = REPO / "tests" / "eval" / "member_questions.yaml"
#: Measured on the dev half when these bars were set (with the semantic signal): 98.3 %, 96.3 %, 100 %, 100 %.
BARS = {"answered": 0.97, "near-domain": 0.92, "off-topic": 0.94, "generic": 0.88}

KNOWLEDGE: KnowledgeBase = require_knowledge(SHIPPED_KNOWLEDGE)
INDEX = SearchIndex.from_knowledge(KNOWLEDGE)


@pytest.fixture(scope="module")
def dev() -> Report:
    cases = [c for c in parse_cases(yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))) if c.split == "dev"]
    return evaluate(cases, "dev", lambda question: answer_question(INDEX, KNOWLEDGE, question))


def test_dev_half_answers_with_the_key_fact(dev: Report) -> None:
    misses = [(o.case.question, o.got) for o in dev.misses if o.case.expect == "answer"]
    assert dev.answered.share >= BARS["answered"], f"{dev.answered.text()}; misses: {misses}"


@pytest.mark.parametrize("kind", ["near-domain", "off-topic", "generic"])
def test_dev_half_refuses_what_is_not_covered(dev: Report, kind: str) -> None:
    answered = [(o.case.question, o.got) for o in dev.misses if o.case.intent == kind]
    assert dev.refused(kind).share >= BARS[kind], f"{dev.refused(kind).text()}; answered: {answered}"


#: Every word the index knows and the most common English words, less those that alone name the domain.
GENERIC_WORDS = sorted(w for w in INDEX.vocabulary | english.common_words() if not INDEX.informative(w))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(GENERIC_WORDS), st.sampled_from(["", "?", "!!", " ?", "..."]), st.booleans())
def test_a_one_word_generic_question_is_never_answered(word: str, punctuation: str, shout: bool) -> None:
    question = (word.upper() if shout else word) + punctuation
    assert INDEX.search(question).best is None, question


def test_generic_words_are_most_of_everyday_english() -> None:
    """The property above must not be vacuous: thousands of words, "help", "week" and "team" among them."""
    assert len(GENERIC_WORDS) > 5000 and {"help", "week", "team", "test"} <= set(GENERIC_WORDS)
    assert not {"pspo", "roadmap", "backlog", "scrum"} & set(GENERIC_WORDS)


def test_cli_eval_reports_the_dev_half(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "--json", "--file", str(EVAL_FILE), "--knowledge", str(SHIPPED_KNOWLEDGE)]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "dev"
    assert set(report["refused"]) == {"near-domain", "off-topic", "generic"}
    assert len(report["by_intent"]) == 12
    assert report["answered_with_key_fact"]["asked"] == 120
    assert main(["eval", "--file", "nowhere.yaml", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2


def test_cli_eval_takes_the_set_and_refuses_a_split_it_does_not_have(capsys: pytest.CaptureFixture[str]) -> None:
    more = REPO / "tests" / "eval" / "member_questions_more.yaml"
    assert main(["eval", "--set", "more", "--json", "--file", str(more), "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "tune" and report["answered_with_key_fact"]["asked"] > 150
    assert main(["eval", "--set", "more", "--split", "test", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2
    assert "the more set has the splits tune and check, not test" in capsys.readouterr().err


def test_cli_eval_leaves_the_questions_of_a_measured_split_out(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "--split", "test", "--file", str(EVAL_FILE), "--knowledge", str(SHIPPED_KNOWLEDGE)]
    assert main([*args, "--json"]) == 0
    assert "misses" not in json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert "(listed with --show-misses; not to tune on)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("fresh2", "test2"),
        ("fresh3", "test3"),
        ("fresh5", "test5"),
        ("fresh6", "test6"),
        ("fresh7", "test7"),
        ("fresh8", "test8"),
    ],
)
def test_a_wholly_held_out_set_lists_no_question_by_default(
    name: str, split: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SETS[name].splits == (split,) and not SETS[name].first_tuned_on
    held = tmp_path / "held.yaml"
    held.write_text(
        "intents: [difference]\nquestions:\n"
        f'  - {{q: "zzz qqq", intent: difference, expect: answer, facts: [["scrum"]], split: {split}}}\n',
        encoding="utf-8",
    )
    args = ["eval", "--set", name, "--file", str(held), "--knowledge", str(SHIPPED_KNOWLEDGE)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"Evaluation, {split} split" in out and "zzz qqq" not in out
    assert main([*args, "--show-misses"]) == 0
    assert "zzz qqq" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "split", "tuned_on", "answerable", "refused"),
    [
        ("fresh3", "test3", False, 108, [24, 12, 6]),
        ("fresh4", "dev", True, 168, [40, 20, 12]),
        ("fresh5", "test5", False, 108, [24, 12, 6]),
        ("fresh6", "test6", False, 144, [24, 12, 6]),
        ("fresh7", "test7", False, 144, [24, 12, 6]),
        ("fresh8", "test8", False, 144, [24, 12, 6]),
    ],
)
def test_a_one_split_set_loads_without_asking_it(
    name: str, split: str, tuned_on: bool, answerable: int, refused: list[int]
) -> None:
    """Its format only (counts per kind, one split, held out or tuned on): the questions are never asked by a
    test, only by ``pmpo-bot eval --set NAME``, and a held-out set's are never shown unless --show-misses."""
    assert SETS[name].splits == (split,) and SETS[name].first_tuned_on is tuned_on
    cases = parse_cases(yaml.safe_load((REPO / SETS[name].file).read_text(encoding="utf-8")))
    assert {c.split for c in cases} == {split} and len(cases) == answerable + sum(refused)
    asked = [c for c in cases if c.expect == "answer"]
    assert len(asked) == answerable and len({c.intent for c in asked}) == 12
    assert all(c.facts for c in asked)
    declined = [c.intent for c in cases if c.expect == "refuse"]
    assert [declined.count(kind) for kind in ("near-domain", "off-topic", "generic")] == refused
