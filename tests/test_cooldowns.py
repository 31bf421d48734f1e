"""Cooldowns live in the database, so every bot process counts the same uses (on both backends)."""

from __future__ import annotations

from bot.services import Services
from bot.storage.cooldowns import CooldownStore
from tests.helpers import FakeClock


async def test_a_window_allows_rate_uses_then_says_how_long_to_wait(services: Services, clock: FakeClock) -> None:
    store = CooldownStore(services.db)
    uses = [await store.take(7, "topic", rate=3, per=30, now=clock()) for _ in range(3)]
    assert uses == [None, None, None]
    clock.advance(seconds=10)
    assert await store.take(7, "topic", rate=3, per=30, now=clock()) == 20.0
    assert await store.take(8, "topic", rate=3, per=30, now=clock()) is None  # per member
    assert await store.take(7, "topics", rate=3, per=30, now=clock()) is None  # and per command
    clock.advance(seconds=20)
    assert await store.take(7, "topic", rate=3, per=30, now=clock()) is None  # a new window


async def test_two_processes_share_one_allowance(services: Services, clock: FakeClock) -> None:
    """A second Services on the same database stands for a second bot process."""
    other = await Services.open(services.config, clock=clock)
    try:
        stores = [CooldownStore(services.db), CooldownStore(other.db)]
        results = [await stores[n % 2].take(1, "ask", rate=1, per=15, now=clock()) for n in range(2)]
        assert results == [None, 15.0]
        clock.advance(seconds=15, microseconds=1)
        assert await stores[1].take(1, "ask", rate=1, per=15, now=clock()) is None
    finally:
        await other.close()
