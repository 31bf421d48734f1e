"""The ask core against a real database: what gets recorded (and what never does), votes, gaps, stats,
pruning, reloads; plus `pmpo-bot ask`, `pmpo-bot kb validate` and the shell, which use the same core."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import TypedDict

import pytest

from bot.ask.capacity import SEMANTIC_WARN_SHARE, knowledge_warnings
from bot.ask.search import SEMANTIC_MAX_TEXTS, SearchIndex, indexed_documents, semantic_texts
from bot.ask.semantic import VectorCache
from bot.ask.service import AskService
from bot.cli import main
from bot.curation.cards import gaps_card
from bot.curation.service import CurationService
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.cards import reload_card, stats_card
from bot.knowledge.entries import Entry, EntryLibrary
from bot.services import Services
from bot.shell import run_shell
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, FakeClock, make_config

GUILD = 111


async def test_answered_question_is_logged_by_entry_without_the_member(services: Services) -> None:
    service = services.feature(AskService)
    answer = await service.ask("who owns the roadmap, PM or PO?", GUILD)
    assert answer.entry is not None and answer.entry.id == "who-owns-the-roadmap"
    assert [e.id for e in answer.related] == list(answer.entry.related)
    rows = await services.db.fetchall("SELECT * FROM ask_log")
    assert [(r["entry_id"], r["guild_id"]) for r in rows] == [("who-owns-the-roadmap", GUILD)]
    assert "user_id" not in dict(rows[0])


async def test_unanswered_question_is_queued_with_text_server_and_time_but_no_user(
    services: Services, clock: FakeClock
) -> None:
    answer = await services.feature(AskService).ask("How long should I boil an EGG??", GUILD)
    assert answer.entry is None
    rows = await services.db.fetchall("SELECT * FROM unanswered_questions")
    assert len(rows) == 1
    assert dict(rows[0]) == {
        "id": rows[0]["id"],
        "normalised": "how long should i boil an egg",
        "question": "How long should I boil an EGG??",
        "guild_id": GUILD,
        "asked_at": clock().isoformat(),
    }
    assert "unanswered_questions" not in await services.db.user_tables()
    assert "ask_log" not in await services.db.user_tables()


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "Ask me a question"),
        ("   \u200b\n", "Ask me a question"),
        ("x" * 301, "301 characters long; please keep it to 300"),
        ("?!… 🙃", "couldn't find any words"),
    ],
)
async def test_bad_questions_get_a_clear_message_and_record_nothing(
    services: Services, question: str, message: str
) -> None:
    with pytest.raises(UserFacingError, match=message):
        await services.feature(AskService).ask(question, GUILD)
    assert await services.db.fetchall("SELECT * FROM unanswered_questions") == []


class VoteBy(TypedDict):
    """Who votes on which entry, and where: the arguments of AskService.vote a test's votes share."""

    user_id: int
    entry_id: str
    guild_id: int | None


async def test_a_vote_is_one_per_member_entry_and_message_and_can_be_changed(services: Services) -> None:
    service = services.feature(AskService)
    vote: VoteBy = {"user_id": 7, "entry_id": "salary-figures", "guild_id": GUILD}
    assert await service.vote(**vote, message_id=1, helpful=True) is False
    assert await service.vote(**vote, message_id=1, helpful=True) is False  # same vote again: no change
    assert await service.vote(**vote, message_id=1, helpful=False) is True  # changed
    assert await service.vote(**vote, message_id=2, helpful=True) is False  # another answer message
    rows = await services.db.fetchall("SELECT message_id, helpful FROM helpful_votes ORDER BY message_id")
    assert [tuple(r) for r in rows] == [(1, 0), (2, 1)]
    assert "helpful_votes" in await services.db.user_tables()  # so /privacy forget deletes votes


async def test_refused_questions_are_kept_per_server_for_kb_gaps_tagged_with_their_honest_neighbour(
    services: Services,
) -> None:
    service = services.feature(AskService)
    for question in ("how do I boil an egg", "How do I boil an egg?!", "what is a scrum master", "help"):
        await service.ask(question, GUILD)
    await service.ask("best banana bread recipe", 999)  # another server
    gaps = await services.feature(CurationService).gaps(GUILD)
    tagged = sorted((gap.count, gap.wordings[0].normalised, gap.topic.id if gap.topic else None) for gap in gaps)
    assert tagged == [(1, "what is a scrum master", "scrum-master"), (2, "how do i boil an egg", None)]
    assert "not covered: `scrum-master`" in gaps_card(gaps).body  # the honest neighbour a group is about


async def test_stats_show_most_asked_and_helpful_ratio(services: Services) -> None:
    service = services.feature(AskService)
    for _ in range(2):
        await service.ask("pspo exam cost", GUILD)
    await service.ask("who owns the roadmap", GUILD)
    await service.vote(user_id=1, entry_id="pspo-cost-and-prep", message_id=5, guild_id=GUILD, helpful=True)
    await service.vote(user_id=2, entry_id="pspo-cost-and-prep", message_id=5, guild_id=GUILD, helpful=False)
    await service.vote(user_id=3, entry_id="pspo-cost-and-prep", message_id=5, guild_id=GUILD, helpful=True)
    stats = await service.stats(GUILD)
    assert [(s.entry_id, s.asked) for s in stats.most_asked] == [("pspo-cost-and-prep", 2), ("who-owns-the-roadmap", 1)]
    assert stats.helpful_ratio == pytest.approx(2 / 3)
    card = stats_card(stats)
    assert "67%" in card.body and "asked 2×" in card.fields[0][1]


async def test_unanswered_questions_are_pruned_after_the_retention_period(services: Services, clock: FakeClock) -> None:
    service = services.feature(AskService)
    await service.ask("how do I boil an egg", GUILD)
    clock.advance(days=89)
    await service.ask("best banana bread recipe", GUILD)
    clock.advance(days=2)  # the first is now 91 days old, the second 2
    assert await service.prune_unanswered() == 1
    gaps = await services.feature(CurationService).gaps(GUILD)
    assert [gap.wordings[0].question for gap in gaps] == ["best banana bread recipe"]


def copy_knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    return root


NEW_ENTRY = """
  - id: negotiating-pay
    title: "How do I negotiate a raise?"
    answer: "Bring evidence of the scope you own."
    questions: ["how should i negotiate my salary", "negotiate a raise", "ask for more money", "pay raise tips",
                "how to get a raise as a po", "negotiating salary", "raise negotiation", "can i ask for a raise"]
    sources: [title-tells]
    last_reviewed: "2026-11-23"
"""


async def test_reload_rebuilds_the_index_and_reports_changes(tmp_path: Path, clock: FakeClock) -> None:
    root = copy_knowledge(tmp_path)
    config = make_config(tmp_path, knowledge={"path": str(root)})
    services = await Services.open(config, clock=clock)
    try:
        service = services.feature(AskService)
        assert service.answer("who owns the roadmap").entry is not None
        salary = root / "entries" / "salary.yaml"
        text = salary.read_text().replace("**Scope.**", "**Scope, mostly.**")
        salary.write_text(text + NEW_ENTRY)
        assert service.answer("how do I negotiate a raise").entry is None
        outcome = await services.knowledge.reload()
        assert outcome.accepted, outcome.problems
        assert service.answer("how do I negotiate a raise").entry.id == "negotiating-pay"  # type: ignore[union-attr]
        card = reload_card(outcome)
        assert ("Entries", "added: negotiating-pay\nedited: salary-gap-scope") in card.fields
    finally:
        await services.close()


async def test_a_reload_past_nine_tenths_of_the_meaning_signals_texts_warns_the_moderator(
    tmp_path: Path, clock: FakeClock
) -> None:
    """``/kb reload`` serves such a knowledge base (it is valid) and says what ``kb validate`` would."""
    root = copy_knowledge(tmp_path)
    services = await Services.open(make_config(tmp_path, knowledge={"path": str(root)}), clock=clock)
    try:
        quiet = await services.reload_knowledge()
        assert quiet.accepted and quiet.warnings == ()
        assert reload_card(quiet).tone == "good"
        entries, topics = indexed_documents(services.knowledge.current)
        room = int(SEMANTIC_WARN_SHARE * SEMANTIC_MAX_TEXTS) - semantic_texts((*entries, *topics))
        path = root / "not-covered.yaml"
        added = "".join(f'      - "scrum master question number {n}"\n' for n in range(room + 1))
        path.write_text(path.read_text().replace("    questions:\n", "    questions:\n" + added, 1))
        outcome = await services.reload_knowledge()
        assert outcome.accepted, outcome.problems
        assert outcome.warnings == tuple(knowledge_warnings(services.knowledge.current))
        assert outcome.warnings[0].startswith("1,801 of the 2,000 entry and not-covered titles")
        card = reload_card(outcome)
        assert card.tone == "warn" and ("Worth a look", outcome.warnings[0]) in card.fields
        assert ("Not-covered topics", "edited: scrum-master") in card.fields
    finally:
        await services.close()


async def test_broken_reload_is_refused_and_the_last_good_knowledge_keeps_answering(
    tmp_path: Path, clock: FakeClock
) -> None:
    root = copy_knowledge(tmp_path)
    config = make_config(tmp_path, knowledge={"path": str(root)})
    services = await Services.open(config, clock=clock)
    try:
        service = services.feature(AskService)
        before = service.knowledge
        (root / "entries" / "salary.yaml").write_text("kind: entries\ntheme: [broken\n")
        outcome = await services.knowledge.reload()
        assert not outcome.accepted
        assert service.knowledge is before
        assert service.answer("PO salary 2026").entry.id == "salary-figures"  # type: ignore[union-attr]
        card = reload_card(outcome)
        assert card.title == "Knowledge reload refused"
        assert "salary.yaml:2:8: YAML syntax error while parsing" in card.body and "last good version" in card.body
    finally:
        await services.close()


async def test_a_reload_swaps_the_knowledge_and_its_search_index_together(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the new version's index is being built, members get the old knowledge with the old index, and
    afterwards the new with the new: never new knowledge ranked by the old index."""
    root = copy_knowledge(tmp_path)
    config = make_config(tmp_path, knowledge={"path": str(root)})
    services = await Services.open(config, clock=clock)
    try:
        first = services.knowledge.current
        building, finish = threading.Event(), threading.Event()
        build = SearchIndex.from_knowledge

        def slow_build(knowledge: KnowledgeBase, cache: VectorCache | None = None) -> SearchIndex:
            if knowledge is not first:  # the reload's index: hold it until the test has looked
                building.set()
                finish.wait(10)
            return build(knowledge, cache)

        monkeypatch.setattr(SearchIndex, "from_knowledge", slow_build)
        service = services.feature(AskService)
        salary = root / "entries" / "salary.yaml"
        salary.write_text(salary.read_text().replace("**Scope.**", "**Scope, mostly.**"))

        def served_entry() -> tuple[Entry, Entry]:
            """The entry that answers, and the entry of that id in the knowledge being served."""
            answer = service.answer("what explains the pm po pay gap")
            assert answer.entry is not None
            return answer.entry, service.knowledge.part(EntryLibrary).entries[answer.entry.id]

        reload = asyncio.create_task(services.knowledge.reload())
        await asyncio.to_thread(building.wait, 10)
        answered, served = served_entry()
        finish.set()
        assert (await reload).accepted
        assert answered is served and answered.answer.startswith("**Scope.**")
        answered, served = served_entry()
        assert answered is served and answered.answer.startswith("**Scope, mostly.**")
    finally:
        await services.close()


def test_reload_report_trims_many_problems_to_fit_an_embed() -> None:
    from bot.knowledge.documents import Problem
    from bot.knowledge.holder import ReloadOutcome

    outcome = ReloadOutcome(problems=tuple(Problem(f"f{i}.yaml", i + 1, 1, "x" * 200) for i in range(100)))
    body = reload_card(outcome).body
    assert len(body) <= 4096
    assert "more: run `pmpo-bot kb validate`" in body


# -- command line ------------------------------------------------------------------------------------


def test_cli_ask_json_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "who owns the roadmpa, PO or PM?", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"entry_id", "title", "answer", "score", "did_you_mean", "refusal", "suggestions"}
    assert result["entry_id"] == "who-owns-the-roadmap" and result["refusal"] is None
    assert result["answer"].startswith("In the textbook split")
    assert 0 < result["score"] <= 1


def test_cli_ask_json_offers_a_close_runner_up(capsys: pytest.CaptureFixture[str]) -> None:
    """Both entries say to ask the three questions (one before applying, one in the interview): the best is
    answered and the other offered."""
    question = "three questions before applying for a po role"
    assert main(["ask", question, "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["did_you_mean"]) == {"entry_id", "title"}
    offered = {result["entry_id"], result["did_you_mean"]["entry_id"]}
    assert offered == {"should-i-apply-po-job", "interviewing-for-po-role"}


def test_cli_ask_json_without_a_confident_answer(capsys: pytest.CaptureFixture[str]) -> None:
    question = "business analyst birthday gift"
    assert main(["ask", question, "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["entry_id"] is None and result["answer"] is None
    assert result["refusal"] == {"reason": "no-match"}
    assert "ba-to-po-to-pm" in {suggestion["entry_id"] for suggestion in result["suggestions"]}


def test_cli_ask_json_refuses_a_not_covered_topic_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "what is a scrum master", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["entry_id"] is None
    refusal = result["refusal"]
    assert refusal["reason"] == "not-covered" and refusal["topic"] == "scrum-master"
    assert refusal["title"] == "Scrum Master role" and "isn't covered here" in refusal["says"]
    assert [p["entry_id"] for p in refusal["points_to"]] == [
        "po-in-theory",
        "job-vs-accountability",
        "po-backlog-and-stories",
    ]
    assert result["suggestions"] == refusal["points_to"]
    assert main(["ask", "help", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    assert json.loads(capsys.readouterr().out)["refusal"] == {"reason": "vague"}


def test_cli_ask_text_and_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "pspo exam cost", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("How much does the PSPO cost") and "Last reviewed:" in out and "Related:" in out
    assert main(["ask", "   ", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2
    assert "Ask me a question" in capsys.readouterr().err


def test_cli_ask_json_reports_a_question_it_cannot_ask_as_json(tmp_path: Path) -> None:
    done = run_cli("ask", "?", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE), cwd=tmp_path)
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "error": "I couldn't find any words in that question. Try asking it in plain text."
    }


def test_cli_ask_batch_answers_each_line_as_ask_json_does_with_its_cpu_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = ["who owns the roadmpa, PO or PM?", "what is a scrum master", "help"]
    batch = tmp_path / "questions.txt"
    batch.write_text(f"{questions[0]}\n\n   \n{questions[1]}\n{'x' * 400}\n{questions[2]}\n", encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4  # blank lines skipped; the question that can't be asked keeps its place
    assert set(lines[2]) == {"error", "cpu_ms"} and "400 characters" in lines[2]["error"]
    answered = [lines[0], lines[1], lines[3]]
    for question, found in zip(questions, answered, strict=True):
        assert main(["ask", question, "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
        alone = json.loads(capsys.readouterr().out)
        cpu_ms = found.pop("cpu_ms")
        assert found == alone  # the same fields and values as `ask --json`, plus cpu_ms
        assert isinstance(cpu_ms, float) and 0 < cpu_ms < 1000
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{questions[1]}\n"))
    assert main(["ask", "--batch", "-", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_stdin["refusal"]["topic"] == "scrum-master" and "cpu_ms" in from_stdin


def test_cli_ask_batch_needs_json_and_no_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--batch", "-", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2
    assert "add --json" in capsys.readouterr().err
    assert main(["ask", "roadmap", "--batch", "-", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2
    assert main(["ask", "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 2
    assert "either a question or --batch" in capsys.readouterr().err


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_kb_validate_exit_codes(tmp_path: Path) -> None:
    ok = run_cli("kb", "validate", str(SHIPPED_KNOWLEDGE), cwd=REPO)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout == "" and ok.stderr.startswith("OK:")
    root = copy_knowledge(tmp_path)
    (root / "entries" / "salary.yaml").write_text("kind: entries\ntheme: T\nentries:\n  - id: x\n    colour: red\n")
    broken = run_cli("kb", "validate", "knowledge", cwd=tmp_path)
    assert broken.returncode == 1
    assert "knowledge/entries/salary.yaml:5:5: unknown key 'colour'" in broken.stdout
    missing = run_cli("kb", "validate", "no-such-folder", cwd=tmp_path)
    assert missing.returncode == 1 and "knowledge folder does not exist" in missing.stdout


def test_pre_commit_hook_validates_the_staged_knowledge(tmp_path: Path) -> None:
    """The shipped hook, in a scratch git repo: a broken staged file blocks the commit, a fixed one passes."""
    repo = tmp_path / "repo"
    shutil.copytree(SHIPPED_KNOWLEDGE, repo / "knowledge")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]

    def sh(*cmd: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PMPO_PYTHON": sys.executable}
        return subprocess.run(cmd, cwd=repo, capture_output=True, text=True, timeout=60, env=env, check=False)

    sh("git", "init", "-q")
    shutil.copy(REPO / "scripts" / "pre-commit", repo / ".git" / "hooks" / "pre-commit")
    sh("git", "add", "knowledge")
    assert sh(*git, "commit", "-qm", "good").returncode == 0
    salary = repo / "knowledge" / "entries" / "salary.yaml"
    salary.write_text(salary.read_text().replace("id: salary-gap-scope", "id: Salary Gap"))
    sh("git", "add", "knowledge")
    refused = sh(*git, "commit", "-qm", "broken")
    assert refused.returncode != 0
    assert "knowledge/entries/salary.yaml:" in refused.stdout + refused.stderr


# -- shell -------------------------------------------------------------------------------------------


async def shell(services: Services, text: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(text), out)
    return out.getvalue()


async def test_shell_ask_offers_related_entries_as_numbered_choices(services: Services) -> None:
    out = await shell(services, "/ask who owns the roadmap?\n1\nq\n")
    assert "== Who owns the roadmap: the PM or the PO? ==" in out
    assert "  1. What are the three questions that show whether a PO job is really a PM job?" in out
    assert "== What are the three questions that show whether a PO job is really a PM job? ==" in out


async def test_shell_plain_line_is_a_question_and_no_answer_is_said_plainly(services: Services) -> None:
    out = await shell(services, "how long should i boil an egg\n")
    assert "== No curated answer yet ==" in out and "I've noted the question" in out
    assert len(await services.db.fetchall("SELECT * FROM unanswered_questions")) == 1


async def test_shell_topic_topics_and_compare(services: Services) -> None:
    out = await shell(services, "/topic pspo exam\nq\n/topics\n/compare\n/topic\n/topic zzzzqqq\n")
    assert "== How much does the PSPO cost, and how long does it take to prepare? ==" in out
    assert out.count("== Topics: ") == 1 and "Enter: next page" in out  # one page; /compare leaves the pager
    assert "== Product Manager vs Product Owner at a glance ==" in out and "-- Roadmap" in out
    assert "Usage: /topic NAME" in out
    assert "I have no topic called 'zzzzqqq'" in out


async def test_mentions_are_never_stored_with_an_unanswered_question(services: Services) -> None:
    service = services.feature(AskService)
    await service.ask("<@123456789012345678> <@&22> in <#33> how long do I boil an egg <:egg:44>", 42)
    row = await services.db.fetchone("SELECT normalised, question FROM unanswered_questions")
    assert row is not None
    assert row["question"] == "@someone @role in #channel how long do I boil an egg :egg:"
    assert not any(ch.isdigit() for ch in row["question"] + row["normalised"])


async def test_someone_elses_unanswered_message_is_not_kept(services: Services) -> None:
    answer = await services.feature(AskService).ask("how long do I boil an egg", 42, keep_unanswered=False)
    assert answer.entry is None
    assert await services.db.fetchall("SELECT * FROM unanswered_questions") == []


async def test_shell_gets_the_issue_table_right(services: Services) -> None:
    """Issue #12's table, in the shell: the headline split, "should I apply", the paths, no confident answer
    to one generic word, and an honest "not covered" that offers what is."""
    expected = {
        "what's the difference between a product owner and a product manager": "== PM or PO: what's the difference? ==",
        "difference between PM and PO": "== PM or PO: what's the difference? ==",
        "should I apply for a product owner job": "== Should I apply for this Product Owner job? ==",
        "po or pm which is better": "== PO or PM: which is the better path for me? ==",
        "help": "== Could you ask a bit more? ==",
        "week": "== Could you ask a bit more? ==",
        "team": "== Could you ask a bit more? ==",
        "what is a scrum master": "== Not covered here: Scrum Master role ==",
        "how do I write a cover letter": "== Not covered here: Resumes, cover letters, portfolios and LinkedIn ==",
    }
    for question, title in expected.items():
        out = await shell(services, f"/ask {question}\nq\n")
        assert title in out, (question, out)
    out = await shell(services, "/topic pizza\n")
    assert "I have no topic called 'pizza'. The closest I have:" in out


@pytest.mark.parametrize(
    ("question", "entry_id", "reason"),
    [
        ("what's the difference between a product owner and a product manager", "pm-vs-po-difference", None),
        ("difference between PM and PO", "pm-vs-po-difference", None),
        ("should I apply for a product owner job", "should-i-apply-po-job", None),
        ("po or pm which is better", "po-or-pm-which-path", None),
        ("help", None, "vague"),
        ("week", None, "vague"),
        ("team", None, "vague"),
        ("what is a scrum master", None, "not-covered"),
        ("how do I write a cover letter", None, "not-covered"),
    ],
)
def test_cli_ask_gets_the_issue_table_right(
    capsys: pytest.CaptureFixture[str], question: str, entry_id: str | None, reason: str | None
) -> None:
    assert main(["ask", question, "--json", "--knowledge", str(SHIPPED_KNOWLEDGE)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["entry_id"] == entry_id
    assert (result["refusal"] or {}).get("reason") == reason


async def test_creating_the_service_registers_its_index_for_reloads_and_builds_it_only_when_asked(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot creates the service on the event loop and builds the index in a worker thread: a reload that
    starts in between must still build the new version's index before serving it."""
    built: list[KnowledgeBase] = []
    build = AskService.build_index

    def counted(service: AskService, knowledge: KnowledgeBase) -> SearchIndex:
        built.append(knowledge)
        return build(service, knowledge)

    monkeypatch.setattr(AskService, "build_index", counted)
    service = services.feature(AskService)
    assert built == []
    await services.knowledge.reload()
    assert built == [services.knowledge.current]  # built by the reload, before the swap
    service.build_now()  # the served version's index exists: nothing is built again
    assert built == [services.knowledge.current]
    assert service.answer("who owns the roadmap").entry is not None
