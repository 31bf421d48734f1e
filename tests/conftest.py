from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import DATABASE_URL_ENV, Config
from bot.services import Services
from tests.helpers import FakeClock, make_config
from tests.loopback import LoopbackDiscord
from tests.loopback.state import Channel, Guild
from tests.postgres import fresh_schema

pytest_plugins = ["tests.loopback.pytest_plugin"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def no_database_url_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own DATABASE_URL must not send the tests' databases to their server."""
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)


@pytest.fixture(params=["sqlite", "postgres"])
async def config(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Config]:
    """The tests' configuration, once per backend: the stores' tests run on SQLite and on PostgreSQL
    (a fresh schema; skipped without a server, see tests/postgres.py)."""
    if request.param == "sqlite":
        yield make_config(tmp_path)
        return
    async with fresh_schema() as url:
        yield make_config(tmp_path, database={"url": url})


@pytest.fixture
async def services(config: Config, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await Services.open(config, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
def guild(loopback: LoopbackDiscord) -> Guild:
    """A server with the bot in it, for end-to-end tests through the loopback Discord."""
    return loopback.add_guild("Product People")


@pytest.fixture
def general(loopback: LoopbackDiscord, guild: Guild) -> Channel:
    return loopback.add_text_channel(guild, "general")
