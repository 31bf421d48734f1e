"""The shell driven as a pipe, the way a user's script or CI would."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.services import Services
from bot.shell import run_shell
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, make_config


async def run(services: Services, text: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(text), out)
    return out.getvalue()


async def test_help_lists_commands_and_unknown_commands_are_explained(services: Services) -> None:
    output = await run(services, "/help\n/nonsense\n")
    assert "/about" in output and "/quit" in output
    assert "Unknown command '/nonsense'" in output


async def test_about_shows_version_and_knowledge_size(services: Services) -> None:
    output = await run(services, "/about\n")
    assert "0.1.0" in output
    assert "entries" in output


async def test_quit_stops_reading(services: Services) -> None:
    output = await run(services, "/quit\n/about\n")
    assert "Version" not in output


def test_start_without_token_explains_and_reaches_the_shell(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    (tmp_path / "config.yaml").write_text(
        f"database:\n  path: {tmp_path / 'db.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "runner"],
        input="/about\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "No DISCORD_TOKEN is set" in done.stderr
    assert "developers/applications" in done.stderr
    assert "PM-or-PO shell" in done.stdout and "Version" in done.stdout


async def test_a_command_typed_at_a_choice_leaves_the_flow_and_runs(services: Services) -> None:
    output = await run(services, "/check\n/about\n")
    assert "Version" in output and "Unknown command" not in output


async def test_a_feature_that_is_not_set_up_is_explained_not_a_crash(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    (knowledge / "check.yaml").unlink()
    services = await Services.open(make_config(tmp_path, knowledge={"path": str(knowledge)}))
    try:
        output = await run(services, "/check\n/about\n")
    finally:
        await services.close()
    assert "isn't set up" in output
    assert "Version" in output  # the shell carried on
