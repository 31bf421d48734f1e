"""Where the knowledge and the database are when nothing is configured (issue #13, point 2).

A checkout uses its own knowledge/ and data/; an installed copy the knowledge shipped inside the package
and the user's data folder; a folder someone configured that does not exist is an error naming it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

import bot.config
from bot.about import about_card
from bot.cards import plain
from bot.config import ConfigError, load_config
from bot.services import Services
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, make_config


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory outside the checkout, with the user's data folder under tmp_path."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return folder


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Act as an installed copy: the package carries its knowledge, so there is no checkout."""
    monkeypatch.setattr(bot.config, "SHIPPED_KNOWLEDGE", SHIPPED_KNOWLEDGE)
    return SHIPPED_KNOWLEDGE


def test_a_checkout_uses_its_own_knowledge_and_data_from_any_folder(elsewhere: Path) -> None:
    config = load_config(None)
    assert bot.config.checkout_root() == REPO
    assert config.knowledge_location() == bot.config.Location(REPO / "knowledge", "the checkout's knowledge folder")
    assert config.database_location().path == REPO / "data" / "pmpo.sqlite3"


def test_an_installed_copy_uses_the_shipped_knowledge_and_the_users_data_folder(
    elsewhere: Path, installed: Path, tmp_path: Path
) -> None:
    config = load_config(None)
    assert bot.config.checkout_root() is None
    assert config.knowledge_location() == bot.config.Location(installed, "shipped with the bot")
    assert config.database_location().path == tmp_path / "xdg" / "pmpo-bot" / "pmpo.sqlite3"
    (elsewhere / "data").mkdir()
    (elsewhere / "data" / "pmpo.sqlite3").touch()  # where earlier versions put it: keep using it
    assert config.database_location().path == Path("data") / "pmpo.sqlite3"


def test_a_knowledge_folder_in_the_working_directory_comes_first(elsewhere: Path, installed: Path) -> None:
    (elsewhere / "knowledge").mkdir()
    location = load_config(None).knowledge_location()
    assert location.path == Path("knowledge") and "working directory" in location.source


@pytest.mark.parametrize(("explicit", "setting"), [(None, "'knowledge.path'"), ("gone", "--knowledge")])
def test_a_configured_folder_that_is_missing_is_named_with_its_setting(
    elsewhere: Path, explicit: str | None, setting: str
) -> None:
    config = load_config(None, overrides={"knowledge": {"path": "gone"}})
    with pytest.raises(ConfigError) as caught:
        config.knowledge_location(explicit)
    message = str(caught.value)
    assert f"the knowledge folder {elsewhere / 'gone'} does not exist" in message and setting in message


def test_a_database_folder_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where the folder should be")
    (tmp_path / "config.yaml").write_text(
        f"database:\n  path: blocker/db/pmpo.sqlite3\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "shell"],
        input="/about\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"pmpo-bot: cannot create the database folder {tmp_path / 'blocker' / 'db'} (Not a directory); "
        "it is set by database.path: set database.path to a file in a folder the bot may write to"
    ]


def test_cli_names_the_missing_knowledge_folder_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("knowledge:\n  path: kb\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "who owns the roadmap"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"pmpo-bot: the knowledge folder {tmp_path / 'kb'} does not exist (set by the config key 'knowledge.path'); "
        "fix the path, or leave it out to use ./knowledge or the knowledge shipped with the bot"
    ]


async def test_the_log_says_which_folder_and_file_are_in_use(
    elsewhere: Path, installed: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.services"):
        services = await Services.open(load_config(None))
        await services.close()
    assert f"Knowledge: {installed} (shipped with the bot)" in caplog.text
    assert f"Database: {tmp_path / 'xdg' / 'pmpo-bot' / 'pmpo.sqlite3'} (in the user's data folder)" in caplog.text


async def test_about_says_which_knowledge_folder_is_in_use(tmp_path: Path) -> None:
    """/about's Knowledge field (the shell's too) names the folder and the setting it came from. The card is
    built from the services, not through a bot on the loopback Discord: starting one embeds the knowledge base
    first (tests/helpers.py), some 18 s when this file runs alone, for nothing this test is about; /about's
    round trip through Discord has its own tests (tests/test_foundation_e2e.py, tests/test_loopback_harness.py).
    """
    services = await Services.open(make_config(tmp_path))
    try:
        fields = dict(about_card(services).fields)
    finally:
        await services.close()
    assert plain(fields["Knowledge"]).endswith(f"From {SHIPPED_KNOWLEDGE} (set by knowledge.path)")
