"""The knowledge validator as moderators meet it: every class of mistake, reported at its exact file:line:col.

Folders are built with only the kinds the entries depend on (sources, entries, comparison), so these
tests say nothing about other features' files and keep passing while those change.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ask.search import SEMANTIC_MAX_TEXTS, SearchIndex, indexed_documents, semantic_texts
from bot.ask.semantic import Memo
from bot.cli import main
from bot.knowledge import schema_validation
from bot.knowledge.documents import DocumentError, parse_document
from bot.knowledge.entries import ComparisonKind, EntriesKind, EntryLibrary, SourcesKind
from bot.knowledge.loader import load_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

KINDS = (SourcesKind(), EntriesKind(), ComparisonKind())
SOURCES = "kind: sources\nsources:\n  - id: art\n    title: The article\n"
COMPARE = (
    "kind: comparison\ntitle: PM vs PO\nsources: [art]\nrows:\n"
    "  - aspect: Roadmap\n    pm: Owns it.\n    po: Works from it.\n"
)
HEADER = "kind: entries\ntheme: T\nentries:\n"


def entry(
    entry_id: str, *, title: str | None = None, answer: str = "An answer.", question: str = "", extra: str = ""
) -> str:
    """One entry, six lines (seven and more with ``extra``), starting at '  - id:'; ``question`` first of its
    eight example questions, the others variations on it, all on one line."""
    first = question or "what is " + entry_id
    questions = ", ".join([f"'{first}'", *(f"'{entry_id} variation {i}'" for i in range(1, 8))])
    return (
        f"  - id: {entry_id}\n    title: {title or entry_id + ' title'}\n    answer: {answer}\n"
        f"    questions: [{questions}]\n    sources: [art]\n"
        f"    last_reviewed: '2026-01-01'\n{extra}"
    )


def build(root: Path, entries: str, *, compare: str = COMPARE, extra: dict[str, str] | None = None) -> Path:
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "compare.yaml").write_text(compare, encoding="utf-8")
    (root / "entries" / "t.yaml").write_text(entries, encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    return [str(p) for p in load_knowledge(root, KINDS).problems]


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder named 'kb' under the working directory, so problems print as 'kb/entries/t.yaml:…'."""
    monkeypatch.chdir(tmp_path)
    return Path("kb")


ENTRIES_FILE = "kb/entries/t.yaml"


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            HEADER + entry("a") + "  - id: [b\n",
            f"{ENTRIES_FILE}:10:9: YAML syntax error while parsing a flow sequence that starts here; "
            "parsing failed at line 11, column 1: expected ',' or ']', but got '<stream end>'",
            id="yaml-syntax",
        ),
        pytest.param(
            HEADER + entry("a", extra="    colour: red\n"),
            f"{ENTRIES_FILE}:10:5: unknown key 'colour' in 'entries[0]' "
            "(allowed: aliases, answer, id, last_reviewed, long_answer, questions, related, sources, title)",
            id="unknown-key",
        ),
        pytest.param(
            HEADER + entry("a").replace("questions: ['what is a', ", "questions: 'what is a' #"),
            f"{ENTRIES_FILE}:7:16: 'entries[0].questions' should be a list, got text",
            id="wrong-type",
        ),
        pytest.param(
            HEADER + entry("a").replace("    answer: An answer.\n", ""),
            f"{ENTRIES_FILE}:4:5: missing required key 'answer' in 'entries[0]'",
            id="missing-field",
        ),
        pytest.param(
            HEADER + entry("a") + entry("a", question="another question"),
            f"{ENTRIES_FILE}:10:9: duplicate id 'a' (first defined at {ENTRIES_FILE}:4)",
            id="duplicate-id",
        ),
        pytest.param(
            HEADER + entry("a", extra="    related: [nope, b]\n") + entry("b"),
            f"{ENTRIES_FILE}:10:15: related id 'nope' does not exist",
            id="unknown-related-id",
        ),
        pytest.param(
            HEADER + entry("alpha", extra="    related: [alhpa-two]\n") + entry("alpha-two"),
            f"{ENTRIES_FILE}:10:15: related id 'alhpa-two' does not exist (did you mean 'alpha-two'?)",
            id="related-typo-hint",
        ),
        pytest.param(
            HEADER + entry("a", question="who owns it") + entry("b", question="Who owns it?"),
            f"{ENTRIES_FILE}:13:17: example question 'Who owns it?' is also on entry 'a' ({ENTRIES_FILE}:4)",
            id="same-question-on-two-entries",
        ),
        pytest.param(
            HEADER + entry("a", title="x" * 257),
            f"{ENTRIES_FILE}:5:12: 'entries[0].title' is 257 characters, over the limit of 256",
            id="title-over-embed-title-limit",
        ),
        pytest.param(
            HEADER + entry("a", answer="y" * 4097),
            f"{ENTRIES_FILE}:6:13: 'entries[0].answer' is 4097 characters, over the limit of 4096",
            id="answer-over-embed-description-limit",
        ),
        pytest.param(
            HEADER + entry("a", answer="''"),
            f"{ENTRIES_FILE}:6:13: 'entries[0].answer' is empty",
            id="empty-answer",
        ),
        pytest.param(
            HEADER + entry("a", answer="'   '"),
            f"{ENTRIES_FILE}:6:13: entry 'a' has an empty answer",
            id="blank-answer",
        ),
        pytest.param(
            HEADER + entry("a").replace("'a variation 3', 'a variation 4', 'a variation 5', 'a variation 6', ", ""),
            f"{ENTRIES_FILE}:7:16: entry 'a' has 4 example question(s); give it at least 8, asked the ways members "
            "type (short, slang, typos, long with context)",
            id="fewer-than-8-example-questions",
        ),
        pytest.param(
            HEADER + entry("a", answer="y" * 901),
            f"{ENTRIES_FILE}:6:13: answer of 'a' is 901 characters, over 900; shorten it, or say why it must be "
            "longer with 'long_answer: <reason>'",
            id="answer-over-900-characters",
        ),
    ],
)
def test_each_mistake_is_reported_at_its_exact_place(kb: Path, entries: str, expected: str) -> None:
    assert problems(build(kb, entries)) == [expected]


def test_a_long_answer_is_accepted_with_a_reason(kb: Path) -> None:
    long = entry("a", answer="y" * 1500, extra="    long_answer: a worked example that loses its point when cut\n")
    assert problems(build(kb, HEADER + long)) == []


def test_comparison_cell_too_long_for_an_embed_field(kb: Path) -> None:
    """A row renders as one embed field (limit 1024) holding both cells, so each cell is capped at 480."""
    compare = COMPARE.replace("pm: Owns it.", "pm: " + "z" * 1020)
    assert problems(build(kb, HEADER + entry("a"), compare=compare)) == [
        "kb/compare.yaml:6:9: 'rows[0].pm' is 1020 characters, over the limit of 480"
    ]


def test_missing_and_unknown_kind(kb: Path) -> None:
    extra = {"x.yaml": "hello: 1\n", "y.yaml": "# a comment first\nkind: recipes\n"}
    assert problems(build(kb, HEADER + entry("a"), extra=extra)) == [
        "kb/x.yaml:1:1: missing top-level 'kind:' (one of: comparison, entries, sources)",
        "kb/y.yaml:2:7: unknown kind 'recipes' (one of: comparison, entries, sources)",
    ]


def test_several_broken_files_are_all_reported_in_one_run(kb: Path) -> None:
    extra = {"x.yaml": "hello: 1\n"}
    found = problems(build(kb, HEADER + entry("a", extra="    colour: red\n"), extra=extra))
    assert [p.split(":")[0] for p in found] == ["kb/entries/t.yaml", "kb/x.yaml"]


def test_shipped_knowledge_loads_and_indexes_cleanly() -> None:
    result = load_knowledge(SHIPPED_KNOWLEDGE)
    assert result.problems == ()
    assert result.knowledge is not None
    index = SearchIndex.from_knowledge(result.knowledge)
    assert len(index.entries) == len(result.knowledge.part(EntryLibrary).entries) >= 40


def test_a_control_character_is_a_located_problem_not_a_crash(kb: Path) -> None:
    found = problems(build(kb, HEADER + entry("a").replace("An answer.", "An\x00answer.")))
    assert found and found[0].startswith(f"{ENTRIES_FILE}:")
    assert "U+0000 is not allowed" in found[0]


# -- fuzzing: whatever a moderator does to a valid file, the validator answers with located problems --

VALID = HEADER + entry("a", extra="    aliases: [Alpha, A]\n    related: [b]\n") + entry("b", question="how is b")
JUNK = st.text(alphabet=list(":-[]{}&*!|>'\"%@`#,?\t\r\n \\\u200b\u202eéＰ😀"), min_size=1, max_size=6)
RETYPED = st.sampled_from(
    ["123", "true", "null", "[1, 2]", "{a: b}", "''", "2026-01-01", "!!binary aGk=", "&x y", "*x"]
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """Valid YAML after a few moderator-style accidents: lines deleted, duplicated, re-typed, re-indented,
    junk typed in, the file cut short."""
    lines = VALID.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "indent", "junk", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "retype" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + draw(RETYPED)
        elif action == "indent":
            shift = draw(st.integers(-4, 4))
            lines[i] = " " * max(0, shift) + lines[i][max(0, -shift) :]
        elif action == "junk":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(JUNK) + lines[i][at:]
        elif action == "truncate":
            text = "\n".join(lines)
            return text[: draw(st.integers(0, len(text)))]
    return "\n".join(lines)


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A fresh working directory per example (hypothesis reuses function-scoped fixtures across examples)."""
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            yield Path("kb")
        finally:
            os.chdir(before)


def sized(root: Path, texts: int) -> Path:
    """A valid folder of exactly ``texts`` titles and example questions: entries of nine (a title and eight
    questions) and one not-covered topic of nine to seventeen, so topics are seen to count too."""
    entries, rest = divmod(texts - 9, 9)
    questions = "".join(f"      - 'topic question {i}'\n" for i in range(8 + rest))
    topic = (
        "kind: not-covered\ntopics:\n  - id: topic\n    title: A topic\n"
        f"    questions:\n{questions}    says: Not covered here.\n    points_to: [e0]\n"
    )
    return build(root, HEADER + "".join(entry(f"e{i}") for i in range(entries)), extra={"not-covered.yaml": topic})


def validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``pmpo-bot kb validate``'s exit status and standard error; standard output (problems) must be empty."""
    status = main(["kb", "validate", str(root)])
    out, err = capsys.readouterr()
    assert out == ""
    return status, err


def test_validate_is_quiet_up_to_nine_tenths_of_the_meaning_signals_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SEMANTIC_MAX_TEXTS == 2_000  # the sizes below are chosen around it
    status, err = validate(sized(tmp_path, 1_800), capsys)
    assert status == 0 and err.startswith("OK:") and "warning" not in err


def test_validate_warns_past_nine_tenths_of_the_meaning_signals_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = validate(sized(tmp_path, 1_801), capsys)
    assert status == 0
    assert err.startswith(
        "warning: 1,801 of the 2,000 entry and not-covered titles and example questions /ask can match by "
        "meaning (this warning shows above 1,800); above 2,000 it matches by words alone (remove example "
        "questions or raise SEMANTIC_MAX_TEXTS in bot/ask/search.py)\n"
    )
    assert "(1 warning(s) above)" in err


def test_validate_says_what_happens_past_the_meaning_signals_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Still valid (the bot serves it), but /ask has lost its meaning signal, with one log line to say so."""
    status, err = validate(sized(tmp_path, 2_001), capsys)
    assert status == 0
    assert err.startswith(
        "warning: 2,001 entry and not-covered titles and example questions, more than the 2,000 /ask can match "
        "by meaning: it matches by words alone, so a question asked in none of an entry's words goes unanswered; "
        "remove example questions or raise SEMANTIC_MAX_TEXTS in bot/ask/search.py\n"
    )


@pytest.mark.parametrize("texts", [2_000, 2_001])
def test_validate_counts_the_texts_as_search_does(tmp_path: Path, texts: int) -> None:
    """The count the validator warns on is the one search switches on: search keeps its meaning signal at
    2,000 and drops it at 2,001."""
    knowledge = load_knowledge(sized(tmp_path, texts)).knowledge
    assert knowledge is not None
    entries, topics = indexed_documents(knowledge)
    assert semantic_texts((*entries, *topics)) == texts
    memo = Memo(lambda batch: np.eye(len(batch), 4, dtype=np.float32), "eye")
    index = SearchIndex(entries, topics, embed=memo)
    assert (index.semantic is not None) == (texts <= SEMANTIC_MAX_TEXTS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated())
def test_validator_never_crashes_and_always_locates_problems(text: str) -> None:
    with scratch_dir() as root:
        build(root, text)
        result = load_knowledge(root, KINDS)
        known_files = {"kb", "kb/sources.yaml", "kb/compare.yaml", ENTRIES_FILE}
        for problem in result.problems:
            assert problem.file in known_files, problem
            assert problem.line >= 1 and problem.col >= 1, problem
            assert problem.message, problem
        if result.knowledge is not None:  # still valid: it must also be searchable
            SearchIndex.from_knowledge(result.knowledge).search("what is a")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated())
def test_the_fast_validator_and_the_explaining_one_agree(text: str) -> None:
    """jsonschema-rs says whether a file is valid; jsonschema explains why not. A file one of them passed
    and the other did not would lose problems or report none for an invalid file."""
    try:
        data = parse_document(text, ENTRIES_FILE).data
    except DocumentError:
        return
    explained = list(schema_validation._validator("entries.schema.json").iter_errors(data))
    try:
        fast = schema_validation._fast_validator("entries.schema.json").is_valid(data)
    except ValueError:  # no JSON form for this value: schema_problems asks jsonschema alone
        return
    assert fast == (not explained), [error.message for error in explained]
