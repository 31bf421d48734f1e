"""Curation's core: the in-place YAML editor, edits validated/written/committed/undone, members' signals
turned into candidates, "not covered" topics (the answer-quality kind, on a copy of the shipped file), and
``pmpo-bot kb gaps`` / ``kb add-question``."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ask.content import NotCoveredList
from bot.ask.service import AskService
from bot.cli import main
from bot.curation.cards import history_card
from bot.curation.engine import QUIET_WINDOW, Asked, EditRecord, Moderator, Signal, signal_kind, wordings
from bot.curation.service import CurationService, EntryDraft, TopicDraft, entry_limits, topic_limits
from bot.curation.yaml_edit import Block, EditError, Flow, Literal, Plain, Value, append_item, append_mapping, slug
from bot.errors import UserFacingError
from bot.knowledge.entries import EntryLibrary
from bot.services import Services
from tests.helpers import SHIPPED_KNOWLEDGE, FakeClock, make_config

MOD = Moderator("mod", 7, 1, "Product People")
WHEN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*.yaml")}


def read(path: Path) -> bytes:
    return path.read_bytes()


def one_line_added(before: bytes, after: bytes) -> bytes:
    """The single line ``after`` has on top of ``before`` (fails unless that is the only difference)."""
    new = [line for line in after.splitlines(keepends=True) if line not in before.splitlines(keepends=True)]
    assert len(new) == 1, new
    at = after.index(new[0])
    assert after[:at] + after[at + len(new[0]) :] == before
    return new[0]


# -- the editor --------------------------------------------------------------------------------------

DOC = """\
# comment kept
kind: entries
theme: "T"   # trailing comment kept
entries:
  - id: a
    questions:
    - plain one
    - 'single quoted'
    aliases: ["x", 'y']
    answer: |-
      Text.

  - id: b
    questions: []
"""


def test_append_item_copies_the_neighbours_indentation_and_quoting() -> None:
    after = append_item(DOC, ("entries", 0, "questions"), "it's new: really")
    assert one_line_added(DOC.encode(), after.encode()) == b"    - 'it''s new: really'\n"
    flow = append_item(DOC, ("entries", 0, "aliases"), "z")
    assert "    aliases: [\"x\", 'y', 'z']\n" in flow
    empty = append_item(DOC, ("entries", 1, "questions"), "first")
    assert empty.endswith('    questions: ["first"]\n')


def test_append_item_falls_back_to_double_quotes_and_keeps_crlf() -> None:
    plain = "kind: x\nitems:\n  - plain one\n"
    assert append_item(plain, ("items",), "plain two") == plain + "  - plain two\n"
    assert append_item(plain, ("items",), "not: plain # no") == plain + '  - "not: plain # no"\n'
    crlf = DOC.replace("\n", "\r\n")
    assert append_item(crlf, ("entries", 0, "questions"), "new one").count("\r\n") == crlf.count("\r\n") + 1


def test_append_item_refuses_what_is_not_there() -> None:
    with pytest.raises(EditError, match="not in the file"):
        append_item(DOC, ("entries", 5, "questions"), "x")
    with pytest.raises(EditError, match="not a list"):
        append_item(DOC, ("theme",), "x")


def test_append_mapping_writes_a_block_after_a_blank_line_like_its_neighbours() -> None:
    two = DOC.replace("    questions: []\n", "    questions: [q]\n    answer: |-\n      B.\n")
    item: dict[str, Value] = {
        "id": Plain("c"),
        "title": 'Say "hi"',
        "answer": Literal("Line one.\n\n- **two**"),
        "questions": Block(("one?", "two?")),
        "related": Flow(("a", "b")),
    }
    after = append_mapping(two, ("entries",), item)
    assert after.startswith(two)
    assert after[len(two) :] == (
        '\n  - id: c\n    title: "Say \\"hi\\""\n    answer: |-\n      Line one.\n\n      - **two**\n'
        '    questions:\n      - "one?"\n      - "two?"\n    related: [a, b]\n'
    )


def test_slug_makes_a_free_id() -> None:
    assert slug("Take-home pay: PMs & POs (2026)!", set()) == "take-home-pay-pms-pos-2026"
    assert slug("Résumé tips", {"resume-tips"}) == "resume-tips-2"


# -- edits through the service -----------------------------------------------------------------------


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    return root


@pytest.fixture
async def curated(tmp_path: Path, knowledge: Path, clock: FakeClock) -> AsyncIterator[Services]:
    config = make_config(tmp_path, knowledge={"path": str(knowledge)}, curation={"edit_servers": [MOD.guild_id]})
    services = await Services.open(config, clock=clock)
    yield services
    await services.close()


def in_git(root: Path) -> Path:
    repo = root.parent
    git(repo, "init", "--quiet")
    git(repo, "config", "user.name", "Tester")
    git(repo, "config", "user.email", "tester@example.invalid")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "start")
    return repo


async def test_outside_git_an_edit_is_written_reloaded_recorded_and_undone_by_restoring_bytes(
    curated: Services, knowledge: Path
) -> None:
    salary = knowledge / "entries" / "salary.yaml"
    before = salary.read_bytes()
    service = curated.feature(CurationService)
    outcome = await service.add_question("salary-figures", "what do product owners take home", MOD)
    assert outcome.accepted and outcome.commit_sha is None
    assert outcome.commit_note == "the knowledge folder is not in a git work tree"
    assert one_line_added(before, salary.read_bytes()) == b'      - "what do product owners take home"\n'
    answer = curated.feature(AskService).answer("what do product owners take home")
    assert answer.entry is not None and answer.entry.id == "salary-figures"

    again = await service.add_question("salary-figures", "What do product owners take home?", MOD)
    assert not again.accepted and "already a question of salary-figures" in again.problems[0].message

    undone = await service.undo(Moderator("other", 8))
    assert undone.accepted and salary.read_bytes() == before
    history = await service.history()
    assert [(r.action, r.reverted_by, r.reverts) for r in history] == [
        ("undo", None, history[1].id),
        ("add-question", history[0].id, None),
    ]
    with pytest.raises(Exception, match="Nothing to undo"):
        await service.undo(MOD)


async def test_only_the_servers_in_edit_servers_and_the_terminal_may_edit(curated: Services, knowledge: Path) -> None:
    salary = knowledge / "entries" / "salary.yaml"
    before = salary.read_bytes()
    service = curated.feature(CurationService)
    elsewhere = Moderator("mod", 7, 2, "Another Server")  # a moderator, but of a server not listed
    with pytest.raises(UserFacingError) as refused:
        await service.add_question("salary-figures", "what do product owners take home", elsewhere)
    assert "`curation.edit_servers` (this server's id: 2)" in str(refused.value)
    with pytest.raises(UserFacingError, match=r"curation\.edit_servers"):
        await service.new_topic(
            TopicDraft("Agile coaching", "Not covered.", ("a question",) * 8, ("pm-vs-po",)), elsewhere
        )
    assert salary.read_bytes() == before and await service.history() == []

    terminal = Moderator("operator", where="the terminal")
    assert (await service.add_question("salary-figures", "what do product owners take home", terminal)).accepted
    with pytest.raises(UserFacingError, match=r"curation\.edit_servers"):
        await service.undo(elsewhere)
    assert (await service.undo(MOD)).accepted and salary.read_bytes() == before


async def test_a_refused_edit_reports_the_validators_problems_and_writes_nothing(
    curated: Services, knowledge: Path
) -> None:
    files = snapshot(knowledge)
    service = curated.feature(CurationService)
    taken = await service.add_question("salary-gap-scope", "how much does a product owner make", MOD)
    assert not taken.accepted
    assert "is also on entry 'salary-figures'" in str(taken.problems[0])
    assert str(taken.problems[0]).startswith(str(knowledge / "entries" / "salary.yaml"))  # the real path, not a copy
    long = await service.add_question("salary-figures", "pay " * 100, MOD)
    assert "is 399 characters, over the limit of 300" in long.problems[0].message
    draft = EntryDraft.from_form("A title", "An answer.", "one question here", "no-such-entry")
    with pytest.raises(Exception, match="Name at least one existing related entry"):
        await service.new_entry(draft, MOD)
    assert snapshot(knowledge) == files
    assert await service.history() == []


async def test_in_git_each_edit_is_a_commit_and_undo_a_revert_commit(curated: Services, knowledge: Path) -> None:
    repo = in_git(knowledge)
    service = curated.feature(CurationService)
    draft = EntryDraft.from_form(
        "What do POs take home?",
        "We only have gross averages.\n\nSee **salary-figures**.",
        "what do pos take home\nnet pay of a product owner\npo net pay\nproduct owner pay after tax\n"
        "what does a po keep after taxes\nhow much does a product owner bring home\npo salary after deductions\n"
        "net income of a product owner",
        "salary-figures, salary-gap-scope",
    )
    outcome = await service.new_entry(draft, MOD)
    assert outcome.accepted and outcome.commit_sha == git(repo, "rev-parse", "HEAD")
    assert git(repo, "log", "-1", "--format=%s") == "kb: new entry what-do-pos-take-home"
    text = (knowledge / "entries" / "salary.yaml").read_text(encoding="utf-8")
    assert '    sources: [title-tells]\n    last_reviewed: "2026-11-23"\n' in text
    assert curated.feature(AskService).entry("what-do-pos-take-home") is not None

    undone = await service.undo(MOD)
    assert git(repo, "log", "-1", "--format=%B").startswith(
        f'Revert "kb: new entry what-do-pos-take-home"\n\nThis reverts commit {outcome.commit_sha}.'
    )
    assert undone.commit_sha == git(repo, "rev-parse", "HEAD") and git(repo, "status", "--porcelain") == ""
    assert curated.feature(AskService).entry("what-do-pos-take-home") is None


async def test_when_the_commit_fails_the_edit_stays_and_says_why(curated: Services, knowledge: Path) -> None:
    repo = in_git(knowledge)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'knowledge is frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    outcome = await curated.feature(CurationService).add_question("salary-figures", "po take home pay", MOD)
    assert outcome.accepted and outcome.commit_sha is None
    assert outcome.commit_note == "git commit failed: knowledge is frozen today; the edit is saved but not committed"
    assert "po take home pay" in (knowledge / "entries" / "salary.yaml").read_text(encoding="utf-8")


async def test_a_file_with_uncommitted_changes_is_edited_but_left_for_the_moderator_to_commit(
    curated: Services, knowledge: Path
) -> None:
    repo = in_git(knowledge)
    salary = knowledge / "entries" / "salary.yaml"
    salary.write_text(salary.read_text(encoding="utf-8") + "# a note in progress\n", encoding="utf-8")
    outcome = await curated.feature(CurationService).add_question("salary-figures", "po take home pay", MOD)
    assert outcome.accepted and outcome.commit_sha is None and "not yet committed" in (outcome.commit_note or "")
    assert git(repo, "log", "--format=%s") == "start"


# -- not covered (the answer-quality kind, on the copy of the shipped knowledge/not-covered.yaml) -------

#: Asked with nothing close enough ("no-match"), though it is about the Scrum Master, a topic not covered.
IMPEDIMENTS = "who removes impediments for the dev team"


async def test_mark_not_covered_appends_to_the_served_topic_and_the_question_is_then_refused_honestly(
    curated: Services, knowledge: Path
) -> None:
    not_covered = knowledge / "not-covered.yaml"
    ask = curated.feature(AskService)
    service = curated.feature(CurationService)
    assert [t.id for t in service.topics()] == list(curated.knowledge.current.part(NotCoveredList).topics)
    refusal = ask.answer(IMPEDIMENTS).refusal
    assert refusal is not None and refusal.reason == "no-match"
    before = read(not_covered)
    outcome = await service.mark_not_covered("scrum-master", IMPEDIMENTS, MOD)
    assert outcome.accepted and outcome.file == "not-covered.yaml"
    assert one_line_added(before, read(not_covered)) == f'      - "{IMPEDIMENTS}"\n'.encode()
    refusal = ask.answer(IMPEDIMENTS).refusal
    assert refusal is not None and refusal.topic is not None and refusal.topic.id == "scrum-master"
    assert IMPEDIMENTS in service.topics()[0].questions


async def test_marking_an_entrys_question_not_covered_is_refused_by_the_validators_own_rule(
    curated: Services, knowledge: Path
) -> None:
    files = snapshot(knowledge)
    service = curated.feature(CurationService)
    entry = curated.knowledge.current.part(EntryLibrary).entries["who-owns-the-roadmap"]
    question = entry.questions[0]
    refused = await service.mark_not_covered("scrum-master", question, MOD)
    assert not refused.accepted
    (problem,) = refused.problems
    assert problem.file == str(knowledge / "not-covered.yaml")
    assert problem.message == (
        f"example question '{question}' is also on entry 'who-owns-the-roadmap' "
        f"({entry.origin.file}:{entry.origin.line})"
    )
    assert snapshot(knowledge) == files and await service.history() == []


async def test_a_new_topic_is_appended_to_the_not_covered_file_as_the_schema_asks(
    curated: Services, knowledge: Path
) -> None:
    not_covered = knowledge / "not-covered.yaml"
    service = curated.feature(CurationService)
    before = read(not_covered)
    short = TopicDraft.from_form("Agile coach", "Not covered here.", "what is an agile coach", "po-in-theory")
    refused = await service.new_topic(short, MOD)
    new = len(service.topics())  # the new topic's index in the file's list
    assert [p.message for p in refused.problems] == [f"'topics[{new}].questions' needs at least 8 item(s), has 1"]
    assert read(not_covered) == before

    questions = [f"agile coach question {n}" for n in range(1, 9)]
    draft = TopicDraft.from_form("Agile coach", "Not covered here.", "\n".join(questions), "po-in-theory")
    added = await service.new_topic(draft, MOD)
    assert added.accepted and [t.id for t in service.topics()][-1] == "agile-coach"
    listed = "".join(f'      - "{q}"\n' for q in questions)
    assert (
        read(not_covered)
        == before
        + (
            f'\n  - id: agile-coach\n    title: "Agile coach"\n    questions:\n{listed}'
            '    says: "Not covered here."\n    points_to: [po-in-theory]\n'
        ).encode()
    )


def test_the_draft_forms_take_their_limits_from_the_schemas() -> None:
    topic, entry = topic_limits(), entry_limits()
    assert (topic.title, topic.text, topic.questions) == (200, 900, 8)
    assert topic.questions_label == "Example questions, one per line (at least 8)"
    assert entry.questions == 1 and entry.questions_label == "Example questions, one per line"


# -- signals -------------------------------------------------------------------------------------------


def test_signal_kinds() -> None:
    opened = WHEN
    assert signal_kind(Signal(1, "e", True, opened, None), opened) == "helpful"
    assert signal_kind(Signal(1, "e", False, opened, None), opened + 2 * QUIET_WINDOW) is None
    assert signal_kind(Signal(1, "e", None, opened, None), opened) is None  # the window is not over yet
    assert signal_kind(Signal(1, "e", None, opened, None), opened + QUIET_WINDOW) == "quiet"
    asked_soon = Signal(1, "e", None, opened, opened + QUIET_WINDOW / 2)
    assert signal_kind(asked_soon, opened + 2 * QUIET_WINDOW) is None
    asked_later = Signal(1, "e", None, opened, opened + 2 * QUIET_WINDOW)
    assert signal_kind(asked_later, opened + 3 * QUIET_WINDOW) == "quiet"


def test_rows_asked_the_same_way_are_one_wording() -> None:
    rows = [Asked(1, "po pay", "PO pay?", WHEN), Asked(2, "po pay", "po pay", WHEN), Asked(3, "x", "x", WHEN)]
    found, of_row = wordings(rows)
    assert [(w.id, w.question, w.count) for w in found] == [(2, "po pay", 2), (3, "x", 1)]
    assert of_row[1] is of_row[2]


async def test_opened_and_voted_helpful_or_left_quiet_makes_a_candidate(services: Services, clock: FakeClock) -> None:
    ask = services.feature(AskService)
    curation = services.feature(CurationService)
    # Pay after deductions: no entry answers it (the articles give gross averages), salary-figures is closest.
    helpful = await ask.ask("product owner pay after taxes and pension", 1, user_id=10)
    quiet = await ask.ask("po pay after tax and pension?", 1, user_id=11)
    busy = await ask.ask("how much pay after taxes and pension does a product owner keep", 1, user_id=12)
    assert helpful.unanswered_id and quiet.unanswered_id and busy.unanswered_id
    for unanswered_id, user in ((helpful.unanswered_id, 10), (quiet.unanswered_id, 11), (busy.unanswered_id, 12)):
        await ask.open_suggestion(unanswered_id=unanswered_id, entry_id="salary-figures", user_id=user)
    await ask.vote(
        user_id=10,
        entry_id="salary-figures",
        message_id=5,
        guild_id=1,
        helpful=True,
        unanswered_id=helpful.unanswered_id,
    )
    clock.advance(minutes=2)
    await ask.ask("who owns the roadmap", 1, user_id=12)  # member 12 was not done
    clock.advance(minutes=15)
    (gap,) = await curation.gaps(1)
    assert gap.proposals[0].id == "salary-figures"
    assert [(c.wording.id, c.helpful, c.quiet) for c in gap.candidates] == [
        (helpful.unanswered_id, 1, 0),
        (quiet.unanswered_id, 0, 1),
    ]


async def test_not_helpful_votes_keep_their_question_for_kb_stats(services: Services) -> None:
    ask = services.feature(AskService)
    await ask.vote(user_id=1, entry_id="salary-figures", message_id=9, guild_id=1, helpful=False, question="po pay")
    await ask.vote(user_id=2, entry_id="salary-figures", message_id=9, guild_id=1, helpful=False, question="po pay")
    await ask.vote(user_id=3, entry_id="salary-figures", message_id=9, guild_id=1, helpful=True, question="po pay")
    ((entry, _, question, votes),) = await services.feature(CurationService).unhelpful(1)
    assert entry is not None and entry.id == "salary-figures" and (question, votes) == ("po pay", 2)


# -- the terminal --------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_kb_add_question_and_gaps_from_the_terminal(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = in_git(knowledge)
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge:\n  path: {knowledge}\ndatabase:\n  path: {tmp_path / 'db.sqlite3'}\n")
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "--config", str(config), "kb", "add-question", "salary-figures", "po take home")
    assert status == 0, err
    assert "Committed as" in out and git(repo, "log", "-1", "--format=%s").endswith("to salary-figures")
    status, out, err = run(capsys, "--config", str(config), "kb", "add-question", "salary-figures", "x" * 301)
    assert status == 1 and "over the limit of 300" in out and "nothing was written" in err
    status, _, err = run(capsys, "--config", str(config), "kb", "add-question", "no-such-entry", "a question")
    assert status == 2 and "There is no entry with the id 'no-such-entry'" in err
    status, out, _ = run(capsys, "--config", str(config), "kb", "gaps", "--json")
    assert status == 0 and out.strip() == "[]"


def test_kb_history_names_editors_only_to_their_own_server() -> None:
    """The knowledge folder is shared by every server; a moderator's name is shown in their server only."""
    made_at = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)

    def record(edit_id: int, guild_id: int | None, moderator: str) -> EditRecord:
        return EditRecord(
            edit_id,
            made_at,
            guild_id,
            moderator,
            "add-question",
            "entries/a.yaml",
            f"edit {edit_id}",
            None,
            None,
            None,
            None,
        )

    card = history_card([record(3, 111, "alice"), record(2, 222, "bob"), record(1, None, "operator")], 111)
    body = "".join(part for part in card.body if isinstance(part, str))
    assert " alice: edit 3" in body
    assert " a moderator of another server: edit 2" in body and "bob" not in body
    assert " operator (terminal): edit 1" in body
