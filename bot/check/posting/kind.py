"""The ``posting`` knowledge kind: reads ``knowledge/check-posting.yaml`` and proves it does what it says.

Beyond the schema: every cue compiles (also once per topic where a shared pattern says ``topic``), topics
are synonym words, every job type has its explanation, bands run upwards, next steps use only
``{quote}``, and every value the reader can produce is an answer of ``knowledge/check.yaml``. Then,
the way drill examples are judged, every example ad is read and compared with its ``expect``, so a
content edit can never make the file contradict itself. Problems point at ``file:line:col``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from bot.check.content import CheckContent
from bot.check.posting.reader import read
from bot.check.posting.rules import (
    ANSWERS,
    CONTEXT_KEYS,
    OTHERS,
    PRODUCT,
    SELF,
    STANCES,
    TOPIC,
    Band,
    Boilerplate,
    CheckMapping,
    Example,
    KindCues,
    NonProduct,
    Phrases,
    PostingRules,
    QuestionCues,
    SizeCues,
    Stance,
    TitleCues,
    ValueCues,
    chained,
)
from bot.check.posting.verdict import judge
from bot.drills.cues import CueError, compile_cue, stem
from bot.knowledge.base import Kind, KnowledgeBase, Origin, did_you_mean, does_not_exist, second_file
from bot.knowledge.documents import Document, PathKey, Problem
from bot.knowledge.entries import EntryLibrary

#: Which list of ``patterns`` each question-level list is added to.
_PATTERN_OF: Mapping[Stance, str] = {
    "nobody": "nobody",
    "negation": "negation",
    "shared": "shared",
    "pm": "attribution",
    "execution": "",
    "input": "input",
    "role": "",
}


class PostingKind(Kind[PostingRules]):
    name = "posting"
    schema_file = "posting.schema.json"
    part_type = PostingRules
    #: Optional like the check itself: without it, only ``check --posting`` is unavailable.
    required = False

    def add(self, part: PostingRules, document: Document, problems: list[Problem]) -> None:
        if part.origin is not None:
            problems.append(second_file(document, "posting", "reader", part.origin))
            return
        part.origin = Origin(document, ())
        before = len(problems)
        reader = _Builder(document, problems)
        rules = reader.build()
        if len(problems) > before or rules is None:
            return  # judging the examples with broken rules would only repeat the problems
        vars(part).update(vars(rules))
        for example in part.examples:
            problems.extend(judge_example(part, example))

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        rules = knowledge.part(PostingRules)
        if not rules.loaded or rules.origin is None:
            return
        content = knowledge.part(CheckContent)
        if not content.loaded:
            return  # nothing to map onto: `check --posting` says the check is not set up
        problems.extend(_check_values(rules, content))
        entries = knowledge.part(EntryLibrary).entries
        for info in rules.non_product.values():
            if info.entry not in entries:
                problems.append(
                    info.origin.problem(("entry",), f"entry '{info.entry}' {does_not_exist(info.entry, entries)}")
                )
        if not problems:  # a broken check.yaml cannot give verdicts; its own problems say why
            problems.extend(_check_example_verdicts(rules, content))


class _Builder:
    """Turns the validated document into :class:`PostingRules`, collecting every problem on the way."""

    def __init__(self, document: Document, problems: list[Problem]) -> None:
        self.document = document
        self.data: dict[str, Any] = document.data
        self.problems = problems

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> None:
        self.problems.append(self.document.problem(path, message, key=key))

    def phrases(self, path: PathKey, texts: Sequence[str], topic_words: Sequence[str] = ()) -> Phrases:
        """Compile a cue list; with ``topic_words``, each cue once per topic word in place of ``topic``."""
        expanded: list[str] = []
        for index, text in enumerate(texts):
            try:
                compile_cue(text)  # as written, so the message quotes the moderator's own cue
            except CueError as exc:
                self.problem((*path, index), str(exc))
                continue
            variants = [_with_topic(text, word) for word in topic_words] if topic_words else [text]
            expanded.extend(dict.fromkeys(variants))
        return Phrases(expanded)

    def build(self) -> PostingRules | None:
        data = self.data
        synonyms = tuple((word, self.phrases(("synonyms", word), texts)) for word, texts in data["synonyms"].items())
        if TOPIC in data["synonyms"]:
            self.problem(("synonyms", TOPIC), f"'{TOPIC}' is reserved for the shared patterns", key=True)
        questions = self.questions(set(data["synonyms"]))
        patterns = data["patterns"]
        raw_boilerplate = data["boilerplate"]
        boilerplate = Boilerplate(
            *(
                self.phrases(("boilerplate", name), raw_boilerplate.get(name, []))
                for name in (
                    "keep_headings",
                    "headings",
                    "cause_headings",
                    "paragraphs",
                    "resume",
                    "sentences",
                    "qualifications",
                    "not_qualifications",
                )
            )
        )
        titles = tuple(
            TitleCues(raw["value"], raw["role_type"], self.phrases(("titles", i, "cues"), raw["cues"]))
            for i, raw in enumerate(data["titles"])
        )
        non_product = self.non_product({t.role_type for t in titles if t.role_type != PRODUCT})
        rules = PostingRules(
            synonyms=synonyms,
            chained=chained(synonyms, (*data["synonyms"], SELF, OTHERS)),
            questions=questions,
            ignore=self.phrases(("patterns", "ignore"), patterns["ignore"]),
            together=self.phrases(("patterns", "together"), patterns.get("together", [])),
            passive=self.passive(patterns.get("passive", [])),
            boilerplate=boilerplate,
            titles=titles,
            default_title=data.get("default_title", "other"),
            size=self.size(),
            models=self.value_cues(("model",), data["model"]),
            kinds=KindCues(
                anywhere=self.value_cues(("company_kind", "anywhere"), data["company_kind"]["anywhere"]),
                earliest=self.value_cues(("company_kind", "earliest"), data["company_kind"]["earliest"]),
                excluded=self.phrases(("company_kind", "not"), data["company_kind"]["not"]),
                european=self.phrases(("company_kind", "european"), data["company_kind"]["european"]),
            ),
            non_product=non_product,
            next_steps=self.next_steps({q.id for q in questions}),
            check=CheckMapping(data["check"]["subject"], data["check"]["not_stated"], dict(data["check"]["fill"])),
            examples=self.examples({q.id for q in questions}),
            reserved=frozenset(stem(word) for word in (*data["synonyms"], SELF, OTHERS)),
            origin=Origin(self.document, ()),
        )
        return rules

    def passive(self, texts: Sequence[str]) -> Phrases:
        """The participles of passive attribution: one word each, as the reader tries them on one word."""
        for index, text in enumerate(texts):
            if len(text.split()) != 1:
                self.problem(("patterns", "passive", index), f"'{text}' is not one word; write one participle per line")
        return self.phrases(("patterns", "passive"), texts)

    def questions(self, synonym_words: set[str]) -> tuple[QuestionCues, ...]:
        patterns = self.data["patterns"]
        questions: dict[str, QuestionCues] = {}
        for index, raw in enumerate(self.data["questions"]):
            path: PathKey = ("questions", index)
            words = [*raw["topics"], *raw.get("broader", ())]
            for key in ("topics", "broader"):
                for t_index, topic in enumerate(raw.get(key, ())):
                    if topic not in synonym_words:
                        self.problem(
                            (*path, key, t_index),
                            f"question '{raw['id']}': topic '{topic}' is not a synonym word"
                            f"{did_you_mean(topic, sorted(synonym_words))} (words: {', '.join(sorted(synonym_words))})",
                        )
            stances: list[tuple[Stance, Phrases]] = []
            for stance in STANCES:
                own = raw.get(stance, [])
                shared_name = _PATTERN_OF[stance]
                shared = patterns[shared_name] if shared_name else []
                compiled_own = self.phrases((*path, stance), own, words)
                compiled_shared = self.phrases(("patterns", shared_name), shared, words) if shared else None
                texts = compiled_own.texts + (compiled_shared.texts if compiled_shared else ())
                stances.append((stance, Phrases(texts)))
            if raw["id"] in questions:
                self.problem((*path, "id"), f"question '{raw['id']}' appears twice")
                continue
            questions[raw["id"]] = QuestionCues(
                raw["id"],
                frozenset(stem(word) for word in raw["topics"]),
                frozenset(stem(word) for word in raw.get("broader", ())),
                tuple(stances),
            )
        return tuple(questions.values())

    def non_product(self, role_types: set[str]) -> dict[str, NonProduct]:
        found: dict[str, NonProduct] = {}
        for index, raw in enumerate(self.data["non_product"]):
            origin = Origin(self.document, ("non_product", index))
            info = NonProduct(
                role_type=raw["role_type"],
                title=raw["title"].strip(),
                summary=raw["summary"].strip(),
                next_steps=tuple(step.strip() for step in raw["next_steps"]),
                entry=raw["entry"],
                origin=origin,
            )
            if info.role_type in found:
                self.problem((*origin.path, "role_type"), f"role type '{info.role_type}' is explained twice")
                continue
            found[info.role_type] = info
        for role_type in sorted(role_types - set(found)):
            self.problem(
                ("non_product",), f"job type '{role_type}' (from titles) has no entry in non_product", key=True
            )
        return found

    def size(self) -> SizeCues:
        raw = self.data["size"]
        bands = tuple(Band(b["value"], b.get("up_to")) for b in raw["bands"])
        for index, band in enumerate(bands):
            last = index == len(bands) - 1
            if band.up_to is None and not last:
                self.problem(("size", "bands", index), "only the last band may leave out 'up_to'")
            if last and band.up_to is not None:
                self.problem(("size", "bands", index, "up_to"), "the last band is open-ended: leave out 'up_to'")
            previous = bands[index - 1].up_to if index else 0
            if band.up_to is not None and previous is not None and band.up_to <= previous:
                self.problem(("size", "bands", index, "up_to"), f"bands must grow: {band.up_to} after {previous}")
        return SizeCues(
            headcount=self.phrases(("size", "headcount"), raw["headcount"]),
            not_headcount=self.phrases(("size", "not_headcount"), raw["not_headcount"]),
            more_than=self.phrases(("size", "more_than"), raw["more_than"]),
            bands=bands,
        )

    def value_cues(self, path: PathKey, raw: Sequence[Mapping[str, Any]]) -> tuple[ValueCues, ...]:
        return tuple(
            ValueCues(
                entry["value"],
                self.phrases((*path, i, "cues"), entry["cues"]),
                entry.get("outside_europe"),
                entry.get("at_least"),
            )
            for i, entry in enumerate(raw)
        )

    def next_steps(self, question_ids: set[str]) -> dict[str, dict[str, str]]:
        steps: dict[str, dict[str, str]] = {}
        for question, by_answer in self.data.get("next_steps", {}).items():
            if question not in question_ids:
                self.problem(
                    ("next_steps", question),
                    f"'{question}' is not a question{did_you_mean(question, sorted(question_ids))}",
                    key=True,
                )
                continue
            for answer, text in by_answer.items():
                fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
                allowed = set() if answer == "not_stated" else {"quote"}
                if fields - allowed:
                    self.problem(
                        ("next_steps", question, answer),
                        f"unknown placeholder(s) {', '.join('{' + f + '}' for f in sorted(fields - allowed))}; "
                        + ("a 'not_stated' step has no quote to show" if answer == "not_stated" else "use {quote}"),
                    )
            steps[question] = {answer: text.strip() for answer, text in by_answer.items()}
        return steps

    def examples(self, question_ids: set[str]) -> tuple[Example, ...]:
        examples: dict[str, Example] = {}
        for index, raw in enumerate(self.data["examples"]):
            origin = Origin(self.document, ("examples", index))
            expect = raw["expect"]
            for question in expect["answers"]:
                if question not in question_ids:
                    self.problem(
                        (*origin.path, "expect", "answers", question),
                        f"example '{raw['id']}': '{question}' is not a question (questions: "
                        f"{', '.join(sorted(question_ids))})",
                        key=True,
                    )
            example = Example(
                id=raw["id"],
                text=raw["text"],
                role_type=expect.get("role_type", PRODUCT),
                answers=dict(expect["answers"]),
                context=dict(expect["context"]),
                verdict=expect.get("verdict"),
                origin=origin,
            )
            if example.id in examples:
                self.problem((*origin.path, "id"), f"example id '{example.id}' appears twice")
                continue
            examples[example.id] = example
        return tuple(examples.values())


def _with_topic(text: str, word: str) -> str:
    return re.sub(rf"(?<![a-z0-9*/]){TOPIC}(?![a-z0-9*/])", word, text)


def judge_example(rules: PostingRules, example: Example) -> list[Problem]:
    """Read an example ad; every field read differently from ``expect`` is one problem at its line."""
    reading = read(rules, example.text)
    found: list[Problem] = []
    what = f"example '{example.id}'"
    if reading.role_type != example.role_type:
        found.append(
            example.origin.problem(
                ("expect", "role_type") if example.role_type != PRODUCT else ("expect",),
                f"{what}: read as a {reading.role_type} job, expected {example.role_type}; "
                "check the titles' cues or the example's title",
            )
        )
    for question, expected in example.answers.items():
        got = reading.answers.get(question)
        if got is not None and got != expected:
            quotes = "; ".join(f"“{q.shown()}”" for q in reading.evidence[question]) or "no statement found"
            found.append(
                example.origin.problem(
                    ("expect", "answers", question),
                    f"{what}: {question} read as '{got}' ({quotes}), expected '{expected}'; "
                    "add or change cues, or reword the example",
                )
            )
    for key in CONTEXT_KEYS:
        expected_value, got_value = example.context.get(key), reading.context.get(key)
        if expected_value != got_value:
            path: PathKey = ("expect", "context", key) if expected_value is not None else ("expect", "context")
            found.append(
                example.origin.problem(
                    path,
                    f"{what}: {key} read as {_shown(got_value)}, expected {_shown(expected_value)}",
                )
            )
    return found


def _shown(value: str | None) -> str:
    return f"'{value}'" if value is not None else "not stated"


def _check_values(rules: PostingRules, content: CheckContent) -> list[Problem]:
    """Every value the reader can produce must be an answer the check knows."""
    assert rules.origin is not None and rules.check is not None and rules.size is not None
    assert rules.kinds is not None
    problems: list[Problem] = []
    origin = rules.origin

    def expect(question_id: str, value: str, path: PathKey) -> None:
        question = content.question(question_id)
        if question is None:
            problems.append(origin.problem(path, f"the check has no question '{question_id}'"))
        elif question.choice(value) is None:
            problems.append(
                origin.problem(
                    path,
                    f"'{value}' is not an answer to the check's '{question_id}'"
                    f"{did_you_mean(value, list(question.values))} (answers: {', '.join(question.values)})",
                )
            )

    expect("subject", rules.check.subject, ("check", "subject"))
    for key, value in rules.check.fill.items():
        expect(key, value, ("check", "fill", key))
    for index, question in enumerate(rules.questions):
        for answer in ANSWERS:
            value = rules.check.not_stated if answer == "not_stated" else answer
            path: PathKey = ("check", "not_stated") if answer == "not_stated" else ("questions", index, "id")
            expect(question.id, value, path)
    for index, title in enumerate(rules.titles):
        expect("title", title.value, ("titles", index, "value"))
    expect("title", rules.default_title, ("default_title",))
    for index, band in enumerate(rules.size.bands):
        expect("size", band.value, ("size", "bands", index, "value"))
    values: list[tuple[str, str, PathKey]] = [
        ("model", m.value, ("model", i, "value")) for i, m in enumerate(rules.models)
    ]
    for group, entries in (("anywhere", rules.kinds.anywhere), ("earliest", rules.kinds.earliest)):
        for i, entry in enumerate(entries):
            values.append(("kind", entry.value, ("company_kind", group, i, "value")))
            if entry.outside_europe is not None:
                values.append(("kind", entry.outside_europe, ("company_kind", group, i, "outside_europe")))
    for question_id, value, value_path in values:
        expect(question_id, value, value_path)
    context_questions = {key for key in CONTEXT_KEYS if content.question(key) is not None}
    missing = [key for key in context_questions - {"title"} if key not in rules.check.fill]
    if missing:
        problems.append(
            origin.problem(
                ("check", "fill"), f"no value to fill in when the ad leaves out: {', '.join(sorted(missing))}"
            )
        )
    return problems


def _check_example_verdicts(rules: PostingRules, content: CheckContent) -> list[Problem]:
    problems: list[Problem] = []
    for example in rules.examples:
        if example.verdict is None:
            continue
        judged = judge(content, rules, read(rules, example.text))
        if judged.verdict_id != example.verdict:
            problems.append(
                example.origin.problem(
                    ("expect", "verdict"),
                    f"example '{example.id}': the check gives '{judged.verdict_id or 'no verdict'}' for this "
                    f"reading, expected '{example.verdict}'"
                    + ("" if example.verdict in content.verdicts else did_you_mean(example.verdict, content.verdicts)),
                )
            )
    return problems
