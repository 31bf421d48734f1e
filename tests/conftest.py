from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.services import Services
from tests.helpers import FakeClock, make_config
from tests.loopback import LoopbackDiscord
from tests.loopback.state import Channel, Guild

pytest_plugins = ["tests.loopback.pytest_plugin"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


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
