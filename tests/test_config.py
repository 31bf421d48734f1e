from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_shards, with_shards
from tests.helpers import REPO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file() -> None:
    config = load_config(None)
    assert config.database.path is None and config.knowledge.path is None  # found where the bot runs
    assert config.discord.api_base_url == "https://discord.com/api/v10"
    assert config.drills.grace_hours == 6


def test_example_file_documents_exactly_the_defaults() -> None:
    assert load_config(REPO / "config.example.yaml") == load_config(None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bogus: 1\n", "unknown config key 'bogus'"),
        ("discord:\n  gateway: x\n", "unknown config key 'discord.gateway'"),
        ("discord:\n  shard_count: many\n", "'discord.shard_count': expected a whole number, got 'many'"),
        ("ask:\n  cooldown_seconds: true\n", "'ask.cooldown_seconds': expected a number"),
        ("ask:\n  embedding_cache: ''\n", "'ask.embedding_cache': expected the path of a file, or null"),
        ("ask:\n  embedding_cache: 5\n", "'ask.embedding_cache': expected text"),
        ("ask:\n  embedding_cache: /\n", "'ask.embedding_cache': / is a folder; expected the path of a file"),
        ("moderation:\n  owner_ids: 5\n", "'moderation.owner_ids': expected a list"),
        ("moderation:\n  owner_ids: [1, x]\n", "'moderation.owner_ids[1]': expected a whole number"),
        ("logging:\n  level: LOUD\n", "'logging.level': expected one of DEBUG"),
        ("discord:\n  api_base_url: ftp://x\n", "'discord.api_base_url': expected a URL starting with http"),
        ("discord:\n  shard_ids: [0]\n", "'discord.shard_ids': needs 'discord.shard_count'"),
        ("discord:\n  shard_count: 2\n  shard_ids: [2]\n", "ids must be between 0 and 1"),
        ("database: [1]\n", "'database': expected a mapping"),
        ("- just a list\n", "the top level must be a mapping"),
        ("discord:\n  token: abc\n", "'token' must not be in the config file"),
        ("drills:\n  grace_hours: -1\n", "'drills.grace_hours': expected 0 or more"),
        ("curation:\n  edit_servers: 123\n", "'curation.edit_servers': expected a list, got '123'"),
        ("curation:\n  edit_servers: [Product People]\n", "'curation.edit_servers[0]': expected a whole number"),
        ("curation:\n  edit_servers: [0]\n", "'curation.edit_servers': expected Discord server ids"),
        ("key: [unclosed\n", "config.yaml:1:6: YAML syntax error while parsing a flow sequence that starts here"),
        (  # the unclosed quote on line 2 swallows lines up to the next quote, where parsing fails
            'database:\n  path: "data/pmpo.sqlite3\nknowledge:\n  path: "knowledge"\nlogging:\n  level: INFO\n',
            "config.yaml:2:9: YAML syntax error: the quoted text starting here runs on to line 4 "
            "(is its closing quote missing?); parsing failed at line 4, column 10",
        ),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert expected in str(caught.value)


def test_values_are_read(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "discord:\n  shard_count: 4\n  shard_ids: [0, 1]\nask:\n  cooldown_seconds: 3\n")
    )
    assert config.discord.shard_count == 4
    assert config.discord.shard_ids == [0, 1]
    assert config.ask.cooldown_seconds == 3.0


def test_edit_servers_are_read_and_none_by_default(tmp_path: Path) -> None:
    assert load_config(None).curation.edit_servers == []
    config = load_config(write(tmp_path, "curation:\n  edit_servers: [123456789012345678]\n"))
    assert config.curation.edit_servers == [123456789012345678]


def test_the_embedding_cache_is_beside_the_database_unless_set(tmp_path: Path) -> None:
    beside = load_config(write(tmp_path, f"database:\n  path: {tmp_path / 'bot.sqlite3'}\n"))
    assert beside.embedding_cache_location().path == tmp_path / "bot.embeddings.npz"
    elsewhere = load_config(write(tmp_path, f"ask:\n  embedding_cache: {tmp_path / 'vectors.npz'}\n"))
    assert elsewhere.embedding_cache_location().path == tmp_path / "vectors.npz"


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text", ["bogus: 1\n", "discord:\n  shard_count: x\n"])
def test_cli_prints_one_line_and_exits_2(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("pmpo-bot: ") and "Traceback" not in done.stderr


def test_cli_missing_config_file_exits_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--config", "broken.yaml"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "broken.yaml does not exist" in done.stderr


def test_shard_ranges_from_the_command_line() -> None:
    assert parse_shards("0-3") == [0, 1, 2, 3]
    assert parse_shards("0-1,6") == [0, 1, 6]
    assert parse_shards("4") == [4]
    with pytest.raises(ConfigError, match="expected ids or ranges"):
        parse_shards("a-b")
    config = with_shards(load_config(None), [4, 5], 8)
    assert (config.discord.shard_ids, config.discord.shard_count) == ([4, 5], 8)
    with pytest.raises(ConfigError, match="between 0 and 3"):
        with_shards(load_config(None), [4, 5], 4)


def test_a_database_url_must_be_postgresql_and_its_password_is_never_repeated() -> None:
    with pytest.raises(ConfigError, match=r"database.url.*got 'mysql://bot:\*\*\*@db/x'"):
        load_config(None, overrides={"database": {"url": "mysql://bot:pw@db/x"}})
