"""The ``quiz`` kind of knowledge file: reads ``knowledge/quiz/*.yaml`` into the question bank.

The JSON Schema covers shapes and sizes (2 to 5 options, 80-character button labels); the rules here are
the ones a schema cannot say well: exactly one correct option, ids unique across files, what a question
renders to in Discord, and links to knowledge entries that must exist.
"""

from __future__ import annotations

from bot.knowledge.base import Kind, KnowledgeBase, Origin, does_not_exist, duplicate_id
from bot.knowledge.documents import Document, Problem
from bot.knowledge.entries import EntryLibrary
from bot.limits import EMBED_DESCRIPTION
from bot.quiz.cards import longest_description
from bot.quiz.content import QuestionBank, QuizOption, QuizQuestion, theme_key


class QuizKind(Kind[QuestionBank]):
    name = "quiz"
    schema_file = "quiz.schema.json"
    part_type = QuestionBank
    #: Other features' tests build small knowledge folders without quiz files; the quiz then says it has
    #: no questions instead of the whole knowledge base being refused.
    required = False

    def add(self, part: QuestionBank, document: Document, problems: list[Problem]) -> None:
        theme = document.data["theme"].strip()
        key, where = theme_key(theme), Origin(document, ())
        if not key:
            problems.append(where.problem(("theme",), "the theme needs letters or digits; members type it"))
        elif key in part.theme_origins and part.theme_origins[key][0] != theme:
            spelled, named_at = part.theme_origins[key]
            problems.append(
                where.problem(
                    ("theme",),
                    f"theme '{theme}' is spelled '{spelled}' in {named_at.file}; use one spelling for one theme",
                )
            )
        part.theme_origins.setdefault(key, (theme, where))
        for index, raw in enumerate(document.data["questions"]):
            origin = Origin(document, ("questions", index))
            question = QuizQuestion(
                id=raw["id"],
                theme=theme,
                difficulty=raw["difficulty"],
                question=raw["question"].strip(),
                options=tuple(QuizOption(o["text"].strip(), bool(o.get("correct", False))) for o in raw["options"]),
                explanation=raw["explanation"].strip(),
                entry=raw.get("entry"),
                origin=origin,
            )
            problems.extend(_question_problems(question))
            if question.id in part.questions:
                first = part.questions[question.id].origin
                problems.append(origin.problem(("id",), duplicate_id("question id", question.id, first)))
                continue
            part.questions[question.id] = question

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        entries = knowledge.part(EntryLibrary).entries
        for question in knowledge.part(QuestionBank).questions.values():
            if question.entry is not None and question.entry not in entries:
                problems.append(
                    question.origin.problem(
                        ("entry",),
                        f"question '{question.id}' links to entry '{question.entry}', "
                        f"which {does_not_exist(question.entry, entries)}",
                    )
                )


def _question_problems(question: QuizQuestion) -> list[Problem]:
    origin = question.origin
    problems: list[Problem] = []
    for name in ("question", "explanation"):
        if not getattr(question, name):
            problems.append(origin.problem((name,), f"question '{question.id}' has an empty {name}"))
    for i, option in enumerate(question.options):
        if not option.text:
            problems.append(origin.problem(("options", i, "text"), f"question '{question.id}' has an empty option"))
    correct = [i for i, option in enumerate(question.options) if option.correct]
    if not correct:
        problems.append(
            origin.problem(
                ("options",), f"question '{question.id}' has no correct option; mark one with 'correct: true'"
            )
        )
    for extra in correct[1:]:
        first_line = origin.document.position((*origin.path, "options", correct[0]))[0]
        problems.append(
            origin.problem(
                ("options", extra, "correct"),
                f"question '{question.id}' has more than one correct option (the first is on line {first_line}); "
                "exactly one may be correct",
            )
        )
    seen: dict[str, int] = {}
    for i, option in enumerate(question.options):
        key = option.text.casefold()
        if key in seen:
            problems.append(
                origin.problem(
                    ("options", i, "text"),
                    f"question '{question.id}' has the option '{option.text}' twice; buttons must differ",
                )
            )
        seen.setdefault(key, i)
    if not problems:
        size = longest_description(question)
        if size > EMBED_DESCRIPTION:
            problems.append(
                origin.problem(
                    ("explanation",),
                    f"question '{question.id}' renders to {size} characters after an answer (question, answer and "
                    f"explanation), over Discord's embed description limit of {EMBED_DESCRIPTION}; shorten it",
                )
            )
    return problems
