"""deploy/compose.yaml, checked without a Docker engine (none runs on the CI machines): its structure, and
that its bot processes split the shards between them exactly, reach PostgreSQL by a URL without a password,
and start only once the database is healthy."""

from __future__ import annotations

from typing import Any

import yaml

from bot.config import load_config, parse_shards
from tests.helpers import REPO

COMPOSE = REPO / "deploy" / "compose.yaml"


def services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # resolves the x-bot anchor (<<: *bot)
    assert set(document) >= {"services", "volumes"}
    found: dict[str, Any] = document["services"]
    return found


def bots() -> dict[str, Any]:
    return {name: s for name, s in services().items() if "pmpo-bot" in s.get("command", [])}


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_postgresql_15_with_a_health_check_and_a_volume() -> None:
    postgres = services()["postgres"]
    assert postgres["image"] == "postgres:15"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])


def test_two_bot_processes_split_the_shards_exactly() -> None:
    found = bots()
    assert len(found) >= 2
    counts = {int(option(s["command"], "--shard-count")) for s in found.values()}
    assert len(counts) == 1, "every process must agree on the shard count"
    ranges = [parse_shards(option(s["command"], "--shards")) for s in found.values()]
    assigned = sorted(shard for shards in ranges for shard in shards)
    assert assigned == list(range(counts.pop())), "each shard in exactly one process"


def test_bots_wait_for_the_database_and_keep_secrets_in_the_environment() -> None:
    for name, bot in bots().items():
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy", name
        environment = bot["environment"]
        url = environment["DATABASE_URL"]
        assert url.startswith("postgresql://") and "@postgres:" in url
        assert ":" not in url.removeprefix("postgresql://").split("@")[0], "no password in the URL"
        assert environment["PGPASSWORD"].startswith("${") and environment["DISCORD_TOKEN"].startswith("${")
        assert bot["stop_signal"] == "SIGTERM"


def test_the_image_configuration_loads_with_the_compose_database_url() -> None:
    url = bots()["bot-a"]["environment"]["DATABASE_URL"]
    config = load_config(REPO / "deploy" / "config.docker.yaml", overrides={"database": {"url": url}})
    assert config.database.url == url
