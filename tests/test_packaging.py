"""The installed package works outside the checkout (issue #13, point 2).

Builds the wheel ``pip install .`` would install (not an editable install), unpacks it as an installer
would, and runs the bot from another folder with nothing configured: the knowledge must come from inside
the package and the database must go to the user's data folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.knowledge.loader import knowledge_files
from tests.helpers import REPO, SHIPPED_KNOWLEDGE

SOURCES = ("pyproject.toml", "README.md", "LICENSE", "bot", "cogs", "runner", "knowledge")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (building writes build/ and *.egg-info next to them)."""
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(root / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (root / "dist").glob("pmpo_bot-*.whl")
    return built


def test_the_wheel_holds_every_module_and_every_knowledge_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(REPO).as_posix() for name in ("bot", "cogs", "runner") for p in (REPO / name).rglob("*.py")}
    data = {p.relative_to(REPO).as_posix() for p in (REPO / "bot").rglob("*") if p.suffix in (".json", ".sql")}
    knowledge = {
        f"bot/shipped_knowledge/{p.relative_to(SHIPPED_KNOWLEDGE).as_posix()}"
        for p in knowledge_files(SHIPPED_KNOWLEDGE)
    }
    missing = sorted((code | data | knowledge) - names)
    assert not missing, f"not in the wheel: add their packages to [tool.setuptools] in pyproject.toml: {missing}"


def test_the_installed_bot_answers_from_any_folder_with_the_knowledge_it_carries(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("DISCORD_TOKEN", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=elsewhere,
            env=env,
        )

    asked = run("ask", "who owns the roadmap", "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["entry_id"] is not None and "roadmap" in answer["title"].lower()

    shell = run("shell", stdin="/about\n")
    assert shell.returncode == 0, shell.stderr
    assert f"From {site / 'bot' / 'shipped_knowledge'} (shipped with the bot)" in shell.stdout
    assert (tmp_path / "xdg" / "pmpo-bot" / "pmpo.sqlite3").is_file()
    assert list(elsewhere.iterdir()) == []  # nothing written where it was run
