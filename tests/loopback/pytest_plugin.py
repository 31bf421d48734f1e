"""The ``loopback`` fixture: a started LoopbackDiscord that fails the test on recorded problems.

Unknown routes, request bodies that break Discord's OpenAPI description and unsupported gateway
usage are easy to miss when the bot swallows the resulting error, so they fail the test at
teardown. A test that provokes them on purpose opts out with ``@pytest.mark.loopback_lenient``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.loopback.server import LoopbackDiscord

# Short enough that heartbeats happen during a test, long enough not to flood a slow CI machine.
TEST_HEARTBEAT_INTERVAL = 2.5


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "loopback_lenient: do not fail the test on unknown routes or spec violations recorded by loopback"
    )


@pytest.fixture
async def loopback(request: pytest.FixtureRequest) -> AsyncIterator[LoopbackDiscord]:
    server = LoopbackDiscord(heartbeat_interval=TEST_HEARTBEAT_INTERVAL)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
    if server.problems and request.node.get_closest_marker("loopback_lenient") is None:
        listed = "\n".join(f"  - {p.kind}: {p.detail}" for p in server.problems)
        pytest.fail(f"loopback recorded problems with what the bot sent:\n{listed}", pytrace=False)
