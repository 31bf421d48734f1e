"""The quiz question bank: validator rules with exact locations, and the shipped bank itself."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import EntriesKind, EntryLibrary, SourcesKind
from bot.knowledge.loader import load_knowledge
from bot.limits import BUTTON_LABEL, EMBED_DESCRIPTION
from bot.quiz.cards import longest_description
from bot.quiz.content import QuestionBank
from bot.quiz.kind import QuizKind
from tests.helpers import SHIPPED_KNOWLEDGE

#: Just enough of a knowledge base for quiz files to link to: two entries, one source.
SOURCES = """\
kind: sources
sources:
  - id: article
    title: "The article"
"""
ENTRIES = """\
kind: entries
theme: "In theory"
entries:
  - id: who-owns-the-roadmap
    title: "Who owns the roadmap?"
    answer: "The PM, in theory."
    questions: ["who owns the roadmap", "roadmap owner", "pm or po roadmap", "who decides the roadmap",
                "roadmap ownership", "does the po own the roadmap", "whose roadmap", "who sets direction"]
    sources: [article]
    last_reviewed: "2026-11-23"
  - id: build-trap
    title: "The build trap"
    answer: "Writing stories all week without context."
    questions: ["what is the build trap", "build trap", "stories all week", "feature factory", "shipping without why",
                "what is a feature factory", "stories with no context", "output over outcome"]
    sources: [article]
    last_reviewed: "2026-11-23"
"""
QUIZ_KINDS = (SourcesKind(), EntriesKind(), QuizKind())


def write_knowledge(root: Path, quiz_files: dict[str, str]) -> Path:
    """A knowledge folder with the two entries above and the given quiz files (name -> YAML)."""
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "entries.yaml").write_text(ENTRIES, encoding="utf-8")
    for name, text in quiz_files.items():
        (root / "quiz" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def load_quiz(root: Path) -> KnowledgeBase:
    result = load_knowledge(root, QUIZ_KINDS)
    assert result.knowledge is not None, [str(p) for p in result.problems]
    return result.knowledge


def problems(tmp_path: Path, text: str, *, extra: dict[str, str] | None = None) -> list[str]:
    root = write_knowledge(tmp_path / "kb", {"a.yaml": text, **(extra or {})})
    result = load_knowledge(root, QUIZ_KINDS)
    assert result.knowledge is None
    return [str(p).replace(f"{root}/quiz/", "") for p in result.problems]


GOOD = """\
kind: quiz
theme: "In theory"
questions:
  - id: roadmap
    difficulty: easy
    question: "Who owns the roadmap?"
    options:
      - text: "The PM"
        correct: true
      - text: "The PO"
    explanation: "The PM, in theory."
    entry: who-owns-the-roadmap
"""


def test_a_valid_file_loads_with_theme_points_and_link(tmp_path: Path) -> None:
    knowledge = load_quiz(write_knowledge(tmp_path, {"a.yaml": GOOD}))
    question = knowledge.part(QuestionBank).questions["roadmap"]
    assert question.theme == "In theory"
    assert question.points == 1
    assert question.correct_index == 0
    assert question.entry == "who-owns-the-roadmap"
    assert knowledge.diff_items()["quiz questions"] == {"roadmap": question}


def test_one_option_is_too_few(tmp_path: Path) -> None:
    text = GOOD.replace('      - text: "The PO"\n', "")
    assert problems(tmp_path, text) == ["a.yaml:8:7: 'questions[0].options' needs at least 2 item(s), has 1"]


def test_six_options_are_too_many(tmp_path: Path) -> None:
    more = "".join(f'      - text: "Option {n}"\n' for n in range(4))
    text = GOOD.replace('      - text: "The PO"\n', '      - text: "The PO"\n' + more)
    assert problems(tmp_path, text) == ["a.yaml:8:7: 'questions[0].options' needs at most 5 item(s), has 6"]


def test_no_correct_option(tmp_path: Path) -> None:
    text = GOOD.replace("        correct: true\n", "")
    assert problems(tmp_path, text) == [
        "a.yaml:8:7: question 'roadmap' has no correct option; mark one with 'correct: true'"
    ]


def test_two_correct_options_point_at_the_second(tmp_path: Path) -> None:
    text = GOOD.replace('      - text: "The PO"\n', '      - text: "The PO"\n        correct: true\n')
    assert problems(tmp_path, text) == [
        "a.yaml:11:18: question 'roadmap' has more than one correct option (the first is on line 8); "
        "exactly one may be correct"
    ]


def test_missing_explanation(tmp_path: Path) -> None:
    text = GOOD.replace('    explanation: "The PM, in theory."\n', "")
    assert problems(tmp_path, text) == ["a.yaml:4:5: missing required key 'explanation' in 'questions[0]'"]


def test_empty_explanation(tmp_path: Path) -> None:
    text = GOOD.replace('explanation: "The PM, in theory."', 'explanation: "  "')
    assert problems(tmp_path, text) == ["a.yaml:11:18: question 'roadmap' has an empty explanation"]


def test_link_to_a_missing_entry_suggests_the_near_miss(tmp_path: Path) -> None:
    text = GOOD.replace("entry: who-owns-the-roadmap", "entry: who-owns-the-roadmp")
    assert problems(tmp_path, text) == [
        "a.yaml:12:12: question 'roadmap' links to entry 'who-owns-the-roadmp', which does not exist "
        "(did you mean 'who-owns-the-roadmap'?)"
    ]


def test_duplicate_id_across_files_points_at_the_first(tmp_path: Path) -> None:
    found = problems(tmp_path, GOOD, extra={"b.yaml": GOOD})
    assert found == ["b.yaml:4:9: duplicate question id 'roadmap' (first defined at a.yaml:4)"]


def test_button_label_over_80_characters(tmp_path: Path) -> None:
    long_label = "x" * (BUTTON_LABEL + 1)
    text = GOOD.replace('text: "The PO"', f'text: "{long_label}"')
    assert problems(tmp_path, text) == [
        f"a.yaml:10:15: 'questions[0].options[1].text' is {BUTTON_LABEL + 1} characters, over the limit of 80"
    ]


def test_same_option_twice(tmp_path: Path) -> None:
    text = GOOD.replace('text: "The PO"', 'text: "the pm"')
    assert problems(tmp_path, text) == [
        "a.yaml:10:15: question 'roadmap' has the option 'the pm' twice; buttons must differ"
    ]


def test_question_and_explanation_too_long_for_one_embed(tmp_path: Path) -> None:
    text = GOOD.replace('question: "Who owns the roadmap?"', f'question: "{"q" * 2000}"').replace(
        'explanation: "The PM, in theory."', f'explanation: "{"e" * 2500}"'
    )
    (message,) = problems(tmp_path, text)
    assert message.startswith("a.yaml:11:18: question 'roadmap' renders to 45")
    assert f"over Discord's embed description limit of {EMBED_DESCRIPTION}" in message


def test_unknown_difficulty_and_bad_id(tmp_path: Path) -> None:
    text = GOOD.replace("difficulty: easy", "difficulty: tricky").replace("id: roadmap", "id: Road Map")
    assert problems(tmp_path, text) == [
        "a.yaml:4:9: 'questions[0].id' 'Road Map' does not match the expected form ^[a-z0-9]+(-[a-z0-9]+)*$",
        "a.yaml:5:17: 'questions[0].difficulty' is 'tricky', expected one of: easy, medium, hard",
    ]


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    result = load_knowledge(SHIPPED_KNOWLEDGE)
    assert result.knowledge is not None, "\n".join(map(str, result.problems))
    return result.knowledge


def test_the_shipped_bank_loads_and_is_big_enough(shipped: KnowledgeBase) -> None:
    bank = shipped.part(QuestionBank)
    assert len(bank.questions) >= 45
    assert len(bank.themes()) >= 6
    assert all(len(bank.in_theme(theme)) >= 4 for theme in bank.themes())
    assert {q.difficulty for q in bank.questions.values()} == {"easy", "medium", "hard"}


def test_the_shipped_bank_fits_discord_and_links_to_real_entries(shipped: KnowledgeBase) -> None:
    entries = shipped.part(EntryLibrary).entries
    for question in shipped.part(QuestionBank).questions.values():
        assert 2 <= len(question.options) <= 5, question.id
        assert sum(o.correct for o in question.options) == 1, question.id
        assert all(len(o.text) <= BUTTON_LABEL for o in question.options), question.id
        assert longest_description(question) <= EMBED_DESCRIPTION, question.id
        assert question.explanation, question.id
        assert question.entry is None or question.entry in entries, question.id


def test_shipped_files_name_their_schema() -> None:
    for path in sorted((SHIPPED_KNOWLEDGE / "quiz").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../bot/knowledge/schemas/quiz.schema.json", path


def test_blank_option_and_blank_theme(tmp_path: Path) -> None:
    text = GOOD.replace('text: "The PO"', 'text: "   "').replace('theme: "In theory"', 'theme: " ?! "')
    assert problems(tmp_path, text) == [
        "a.yaml:2:8: the theme needs letters or digits; members type it",
        "a.yaml:10:15: question 'roadmap' has an empty option",
    ]


def test_one_theme_spelled_two_ways(tmp_path: Path) -> None:
    other = GOOD.replace("id: roadmap", "id: roadmap-2").replace('theme: "In theory"', 'theme: "in  THEORY"')
    assert problems(tmp_path, GOOD, extra={"b.yaml": other}) == [
        "b.yaml:2:8: theme 'in  THEORY' is spelled 'In theory' in a.yaml; use one spelling for one theme"
    ]
