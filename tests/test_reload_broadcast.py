"""A reload in one bot process reloads every process sharing the PostgreSQL database (LISTEN/NOTIFY).

Two :class:`Services` on one database stand for two processes here; tests/test_shards_e2e.py does the same
with two real bot processes through the loopback Discord.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.ask.service import AskService
from bot.services import Services
from tests.helpers import FakeClock, make_config
from tests.postgres import fresh_schema
from tests.test_ask import NEW_ENTRY, copy_knowledge


async def test_a_reload_in_one_process_reloads_the_others(tmp_path: Path, clock: FakeClock) -> None:
    root = copy_knowledge(tmp_path)
    async with fresh_schema() as url:
        config = make_config(tmp_path, knowledge={"path": str(root)}, database={"url": url})
        here, there = await Services.open(config, clock=clock), await Services.open(config, clock=clock)
        try:
            asking = there.feature(AskService)
            assert asking.answer("how do I negotiate a raise").entry is None
            salary = root / "entries" / "salary.yaml"
            salary.write_text(salary.read_text() + NEW_ENTRY)

            outcome = await here.reload_knowledge()

            assert outcome.accepted, outcome.problems
            for _ in range(100):  # the other process reloads in a worker thread once the notice arrives
                if asking.answer("how do I negotiate a raise").entry is not None:
                    break
                await asyncio.sleep(0.05)
            answer = asking.answer("how do I negotiate a raise").entry
            assert answer is not None and answer.id == "negotiating-pay"
        finally:
            await here.close()
            await there.close()


async def test_a_refused_reload_tells_nobody(tmp_path: Path, clock: FakeClock) -> None:
    root = copy_knowledge(tmp_path)
    async with fresh_schema() as url:
        config = make_config(tmp_path, knowledge={"path": str(root)}, database={"url": url})
        here, there = await Services.open(config, clock=clock), await Services.open(config, clock=clock)
        try:
            served = there.knowledge.current
            (root / "entries" / "salary.yaml").write_text("entries: [oops")
            assert not (await here.reload_knowledge()).accepted
            await asyncio.sleep(0.3)
            assert there.knowledge.current is served
        finally:
            await here.close()
            await there.close()
