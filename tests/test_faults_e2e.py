"""Faults a real deployment meets, injected through the loopback Discord: nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.drills.store import DrillStore
from bot.knowledge.loader import require_knowledge
from bot.quiz.content import QuestionBank
from bot.storage.sqlite import SqliteDatabase
from tests.helpers import SHIPPED_KNOWLEDGE, FakeClock, install_bot_clock, labels
from tests.loopback import LoopbackDiscord
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild

# The feature suites' helpers: a fault test drives exactly the flows they test.
from tests.test_check_e2e import World, answer, start_in_server, title
from tests.test_drills_e2e import POSTING, drills_cog, harness, posts, set_up
from tests.test_quiz_e2e import click, option_id, start_in_dms

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(QuestionBank)


@pytest.fixture
def bot_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install_bot_clock(monkeypatch, POSTING - dt.timedelta(hours=1))


async def test_gateway_drop_mid_check_continues(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as h:
        w = World(loopback, h, general, alice)
        flow = await start_in_server(w)
        flow = await answer(w, flow, "posting", "po", "501-5000")
        await loopback.drop_gateway()
        flow = await answer(w, flow, "scrum", "other", "pm", "pm", "pm")
        assert loopback.resume_count == 1
        assert "Order-taker PO" in title(flow)


async def test_gateway_drop_mid_quiz_continues(
    loopback: LoopbackDiscord,
    tmp_path: Path,
    guild: Guild,
    general: Channel,
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as h:
        message = await start_in_dms(loopback, alice, general, {"length": 5})
        message = await click(loopback, alice, message, option_id(message, BANK, right=True))
        await loopback.drop_gateway(code=None)  # abrupt: no close frame, as when a network path dies
        message = await click(loopback, alice, message, labels(message)["Next question"])
        message = await click(loopback, alice, message, option_id(message, BANK, right=False))
        assert loopback.resume_count == 1
        rows = await h.bot.services.db.fetchall("SELECT outcome FROM quiz_answers ORDER BY position")
        assert [r["outcome"] for r in rows] == ["right", "wrong"]


async def test_429_on_a_drill_post_is_retried_and_posted_once(
    loopback: LoopbackDiscord, tmp_path: Path, general: Channel, bot_clock: FakeClock
) -> None:
    drills_channel = general
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        loopback.inject_429("POST", rf"^/channels/{drills_channel.id}/messages$", count=2, retry_after=0.05)
        bot_clock.now = POSTING
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1
        assert len(loopback.rate_limited) == 2
        await cog.tick()  # the next pass finds the date taken
        assert len(posts(loopback, drills_channel)) == 1


async def test_restart_between_sending_a_drill_and_recording_it_posts_once(
    loopback: LoopbackDiscord, tmp_path: Path, general: Channel, bot_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst moment to die: Discord has the message, the ledger does not know it yet."""
    drills_channel = general
    recorded = DrillStore.mark_posted
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        never = asyncio.Event()

        async def stuck(*args: object, **kwargs: object) -> None:
            await never.wait()  # the process "dies" here: the message is out, the ledger still says claimed

        monkeypatch.setattr(DrillStore, "mark_posted", stuck)
        bot_clock.now = POSTING
        posting = asyncio.create_task(cog.tick())
        (sent,) = [await loopback.wait_for_message(drills_channel, lambda m: bool(m.embeds))]
        posting.cancel()
        monkeypatch.setattr(DrillStore, "mark_posted", recorded)
        bot_clock.advance(seconds=40)
        await h.restart()
        await drills_cog(h)  # the start-up pass resolves the claim: same nonce, so Discord returns the message
        assert [m.id for m in posts(loopback, drills_channel)] == [sent.id]
        row = await h.bot.services.db.fetchone("SELECT status, message_id FROM drill_posts")
        assert row is not None and (row["status"], row["message_id"]) == ("posted", sent.id)


async def test_database_held_by_another_process_loses_no_answer(
    loopback: LoopbackDiscord,
    tmp_path: Path,
    guild: Guild,
    general: Channel,
) -> None:
    """A backup or the shell holding the write lock: the bot waits (busy_timeout) instead of failing."""
    players = [loopback.add_member(guild, f"player{i}") for i in range(4)]
    async with BotHarness(loopback, tmp_path) as h:
        messages = [await start_in_dms(loopback, p, general, {"length": 5}) for p in players]
        db = h.bot.services.db
        assert isinstance(db, SqliteDatabase)  # the harness always configures a SQLite file
        other = sqlite3.connect(db.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        clicks = [
            asyncio.create_task(click(loopback, p, m, option_id(m, BANK, right=True)))
            for p, m in zip(players, messages, strict=True)
        ]
        await asyncio.sleep(1.0)
        assert not any(c.done() for c in clicks)  # every answer is waiting for the lock, none failed
        other.execute("COMMIT")
        other.close()
        await asyncio.gather(*clicks)
        rows = await h.bot.services.db.fetchall("SELECT user_id, outcome FROM quiz_answers")
        assert sorted((r["user_id"], r["outcome"]) for r in rows) == sorted((p.id, "right") for p in players)
