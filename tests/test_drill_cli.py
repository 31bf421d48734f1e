"""``pmpo-bot drill`` and the shell's /drill: the same drills and feedback outside Discord."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.drills.content import DrillBank
from bot.knowledge.loader import require_knowledge
from bot.services import Services
from bot.shell import run_shell
from bot.shell.session import LOCAL_USER_ID
from tests.helpers import SHIPPED_KNOWLEDGE

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(DrillBank)


@pytest.fixture
def config_file(tmp_path: Path) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(f"knowledge:\n  path: {SHIPPED_KNOWLEDGE}\ndatabase:\n  path: {tmp_path / 'db.sqlite3'}\n")
    return str(path)


def test_drill_shows_prompt_situation_answers_and_follow_ups(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config_file, "drill", "--id", "own-the-why"]) == 0
    out = capsys.readouterr().out
    drill = BANK.drills["own-the-why"]
    for text in (
        drill.prompt,
        drill.situation,
        drill.strong_answer,
        drill.weak_answer,
        drill.weak_why,
        *(f.ask for f in drill.follow_ups),
    ):
        assert text in out
    assert "== A strong answer ==" in out and "-- What it shows" in out and "== A weak answer ==" in out


@pytest.mark.parametrize("typed", ["career changer", "career"])  # matched as /drill matches it
def test_drill_without_an_id_shows_one_from_the_theme(
    config_file: str, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    assert main(["--config", config_file, "drill", "--theme", typed]) == 0
    assert "== Interview drill: Career changer ==" in capsys.readouterr().out


def test_score_prints_the_feedback_as_json(config_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    drill = BANK.drills["killed-roadmap-bet"]
    argv = ["--config", config_file, "drill", "score", "--id", drill.id, "--answer", drill.strong_answer, "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rating"] == "strong" and result["drill"] == drill.id
    assert {f["id"] for f in result["signals_found"]} == {s.id for s in drill.signals}
    assert result["signals_missing"] == [] and result["weak_patterns"] == []
    assert result["suggestion"].startswith("Strong answer. Now prepare the follow-up")


def test_score_reads_the_answer_from_stdin(
    config_file: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(BANK.drills["own-the-why"].weak_answer))
    assert main(["--config", config_file, "drill", "score", "--id", "own-the-why", "--answer", "-"]) == 0
    out = capsys.readouterr().out
    assert "== Needs work (0 of 4 signals) ==" in out and "-- Try this" in out


def test_unknown_id_lists_valid_ones_and_exits_2(config_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", config_file, "drill", "score", "--id", "own-the-wy", "--answer", "x" * 40]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pmpo-bot: There's no drill 'own-the-wy'. Some that exist: own-the-why, ")
    assert err.count(",") >= 3
    assert main(["--config", config_file, "drill", "--id", "nope"]) == 2


def test_an_answer_over_the_limit_is_refused(config_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", config_file, "drill", "score", "--id", "own-the-why", "--answer", "x" * 1501]) == 2
    assert "Your answer is 1501 characters; the limit is 1500" in capsys.readouterr().err


async def shell(services: Services, text: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(text), out)
    return out.getvalue()


async def test_shell_drill_reveals_answers_and_gives_feedback(services: Services) -> None:
    output = await shell(services, "/drill safe\n1\n2\n")
    assert "== Interview drill: PO role at a SAFe enterprise ==" in output
    assert "  1. Show a strong answer\n  2. Show a weak answer\n  3. Practise: type your answer" in output
    assert "== A strong answer ==" in output and "== A weak answer ==" in output and "-- Why it is weak" in output

    drill = BANK.drills["own-the-why"]
    output = await shell(services, f"/drill PO applying\n3\n{drill.strong_answer}\n5\n")
    assert "Type your answer on one line (up to 1500 characters)" in output
    assert "== " in output.split("Type your answer")[1]  # a feedback card came back
    rows = await services.db.fetchall("SELECT user_id, guild_id, post_id FROM drill_answers")
    assert [(r["user_id"], r["guild_id"], r["post_id"]) for r in rows] == [(LOCAL_USER_ID, None, None)]


async def test_shell_practice_refuses_answers_too_short_or_too_long(services: Services) -> None:
    output = await shell(services, "/drill Career changer\n3\nI read about it.\n3\n" + "x" * 1600 + "\n")
    assert "That's too short to give feedback on" in output
    assert "the limit is 1500" in output


async def test_shell_unknown_theme_lists_themes(services: Services) -> None:
    output = await shell(services, "/drill astrology\n")
    assert "There's no drill theme 'astrology'. Themes: Career changer, Explaining PM vs PO" in output
