from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.services import Services
from tests.helpers import FakeClock, make_config

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
