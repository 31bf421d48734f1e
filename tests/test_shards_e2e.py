"""Several bot processes on shard ranges, one PostgreSQL: real ``pmpo-bot run`` processes on the loopback Discord.

* ``/kb reload`` in one process changes the answers of the other.
* A member's quiz, started while its server's shard ran in one process, continues after the shard moved
  to the other one (the first process is killed, as a lost host, and the second takes its shards).
* Every server's drill is posted exactly once while one process is killed with SIGKILL in the middle of
  posting and restarted, and each process posts only for the servers on its own shards. (The same with
  1,000 servers is ``python -m bench.drill_posting --processes 2``, figures in docs/benchmarks.md.)

Each needs a PostgreSQL server (``PMPO_TEST_DATABASE_URL``; ``make test`` starts one).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.quiz.content import QuestionBank
from bot.storage.postgres import PostgresDatabase
from tests.bot_process import BotProcess, drills_in, due_now, ledger, until
from tests.helpers import SHIPPED_KNOWLEDGE, embed, labels
from tests.loopback import LoopbackDiscord
from tests.postgres import fresh_schema
from tests.test_ask import NEW_ENTRY
from tests.test_ask_e2e import MODERATOR, ask, reloaded
from tests.test_quiz_e2e import bank, click, option_id, play_out, title

__all__ = ["bank"]  # the quiz tests' question bank fixture

FAST = "ask:\n  cooldown_seconds: 0.001\ndrills:\n  poll_seconds: 0.5\n"
NEW_QUESTION = "how do I negotiate a raise"


@pytest.fixture
async def database_url(loopback: LoopbackDiscord) -> AsyncIterator[str]:
    """A fresh PostgreSQL schema for the processes; loopback lets shards start together, as for a large bot."""
    loopback.gateway.max_concurrency = 16
    async with fresh_schema() as url:
        yield url


async def started(*processes: BotProcess) -> None:
    await asyncio.gather(*(p.start() for p in processes))


async def test_kb_reload_in_one_process_changes_the_answers_of_the_other(
    loopback: LoopbackDiscord, tmp_path: Path, database_url: str
) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)  # the same files on every host
    here, there = loopback.add_guild("Here", shard=(0, 2)), loopback.add_guild("There", shard=(1, 2))
    mod = loopback.add_member(here, "mod", permissions=MODERATOR)
    alice = loopback.add_member(there, "alice")
    here_channel, there_channel = (
        loopback.add_text_channel(here, "general"),
        loopback.add_text_channel(there, "general"),
    )
    first, second = (
        BotProcess.on_loopback(loopback, tmp_path / name, database_url=database_url, shards=shard, shard_count=2,
                               knowledge=root, config=FAST)
        for name, shard in (("first", "0"), ("second", "1"))
    )  # fmt: skip
    await started(first, second)
    try:
        before = await ask(loopback, alice, there_channel, NEW_QUESTION)
        assert embed(before).get("title") != "How do I negotiate a raise?"
        salary = root / "entries" / "salary.yaml"
        salary.write_text(salary.read_text() + NEW_ENTRY)

        done = await reloaded(await loopback.slash(mod, "kb reload", channel=here_channel))  # in the first process

        assert embed(done)["title"] == "Knowledge reloaded"
        for _ in range(100):  # the second process reloads when the notice reaches it
            after = await ask(loopback, alice, there_channel, NEW_QUESTION)
            if embed(after).get("title") == "How do I negotiate a raise?":
                break
            await asyncio.sleep(0.1)
        assert embed(after).get("title") == "How do I negotiate a raise?", second.output()
        assert any("Another bot process reloaded the knowledge" in line for line in second.lines)
    finally:
        await asyncio.gather(first.stop(), second.stop())


async def test_a_quiz_continues_after_its_servers_shard_moves_to_another_process(
    loopback: LoopbackDiscord, tmp_path: Path, database_url: str, bank: QuestionBank
) -> None:
    guild = loopback.add_guild("Product People", shard=(1, 2))
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    loopback.close_dms(alice)  # the quiz runs in the server's channel, so every click goes to its shard
    first = BotProcess.on_loopback(loopback, tmp_path / "first", database_url=database_url, shards="0", shard_count=2)
    second = BotProcess.on_loopback(loopback, tmp_path / "second", database_url=database_url, shards="1", shard_count=2)
    await started(first, second)
    try:
        handle = await loopback.slash(alice, "quiz start", {"theme": "Salary", "length": 5}, channel=general)
        quiz = await handle.original_message()
        quiz = await click(loopback, alice, quiz, option_id(quiz, bank, right=True))  # in the second process
        answered = title(quiz)

        await second.kill()  # its host is lost: shard 1 moves to the first process
        await first.stop()
        first.shards = "0-1"
        await first.start()

        moved_on = await click(loopback, alice, quiz, labels(quiz)["Next question"])  # in the first process
        assert answered.startswith("Question 1") and title(moved_on).startswith("Question 2"), first.output()
        await play_out(loopback, alice, moved_on, bank, right=False)
        db = await PostgresDatabase.open(database_url)
        try:
            session = await db.fetchone(
                "SELECT status, (SELECT count(*) FROM quiz_answers) AS answers FROM quiz_sessions"
            )
        finally:
            await db.close()
        assert session is not None and (session["status"], session["answers"]) == ("finished", 4)
    finally:
        await asyncio.gather(first.stop(), second.kill())


async def test_drills_go_out_exactly_once_per_server_with_a_process_killed_mid_posting(
    loopback: LoopbackDiscord, tmp_path: Path, database_url: str
) -> None:
    per_shard = 30
    channels = {
        shard: [
            loopback.add_text_channel(loopback.add_guild(f"s{shard}-{n}", shard=(shard, 4)), "drills")
            for n in range(per_shard)
        ]
        for shard in range(4)
    }
    first_half, second_half = channels[0] + channels[1], channels[2] + channels[3]
    db = await PostgresDatabase.open(database_url)
    try:
        await due_now(db, first_half + second_half)
    finally:
        await db.close()
    first = BotProcess.on_loopback(
        loopback, tmp_path / "first", database_url=database_url, shards="0-1", shard_count=4, config=FAST
    )
    second = BotProcess.on_loopback(
        loopback, tmp_path / "second", database_url=database_url, shards="2-3", shard_count=4, config=FAST
    )

    await second.start()  # alone: it posts its own servers' drills, and none of the others'
    await until(loopback, lambda: all(drills_in(loopback, c) == 1 for c in second_half), "the second process's drills")
    assert not any(drills_in(loopback, c) for c in first_half)

    await first.start()
    await until(
        loopback, lambda: sum(drills_in(loopback, c) for c in first_half) >= 10, "the first process to start posting"
    )
    await first.kill()
    posted_before_the_kill = sum(drills_in(loopback, c) for c in first_half)
    assert posted_before_the_kill < len(first_half), "killed too late to be in the middle of posting"
    assert await ledger(database_url, "claimed") > 0, "the kill left no claim in flight"

    await first.start()
    try:
        await until(
            loopback, lambda: all(drills_in(loopback, c) >= 1 for c in first_half), "the restarted process's drills"
        )
        await asyncio.sleep(1.5)  # three more poster passes in each process: none may post again
        counts = [drills_in(loopback, c) for c in first_half + second_half]
        assert counts == [1] * len(counts), first.output()
        assert any("Re-sending unconfirmed drill post" in line for line in first.lines)  # the claims left behind
        assert await ledger(database_url, "posted") == 4 * per_shard
        assert await ledger(database_url, "claimed") + await ledger(database_url, "failed") == 0
    finally:
        await asyncio.gather(first.stop(), second.stop())
