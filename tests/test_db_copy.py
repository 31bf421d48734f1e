"""``pmpo-bot db copy``: an SQLite file's rows into PostgreSQL (and back), ids kept and checked row by row."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.ask.service import AskService
from bot.check.service import CheckService
from bot.cli import main
from bot.drills.service import DrillService, SetupRequest
from bot.drills.store import DrillStore
from bot.quiz.service import QuizService
from bot.services import Services
from bot.storage.cooldowns import CooldownStore
from bot.storage.copy import copy_database, open_spec, tables_in_order
from bot.storage.database import StorageError
from bot.storage.meta import MetaStore
from tests.helpers import FakeClock, make_config
from tests.postgres import fresh_schema


async def fill(services: Services) -> None:
    """A little of everything members and moderators leave behind."""
    quiz = services.feature(QuizService)
    await quiz.start(user_id=1, guild_id=10, theme=None, length=5)
    await services.feature(CheckService).start(user_id=2, guild_id=10, channel_id=20)
    await services.feature(AskService).vote(user_id=3, entry_id="roadmap", message_id=30, guild_id=10, helpful=True)
    await services.feature(AskService).ask("what is the weather on mars", 10)
    drills = services.feature(DrillService)
    await drills.setup(SetupRequest(guild_id=10, channel_id=20, time="09:30", timezone="UTC", moderator_id=4))
    drill_id = next(iter(drills.bank.drills))
    post = await DrillStore(services.db).claim(
        guild_id=10,
        local_date=dt.date(2026, 11, 23),
        scheduled_for=services.clock(),
        channel_id=20,
        bank_ids=[drill_id],
        now=services.clock(),
    )
    assert post is not None
    await drills.practise(
        user_id=5, guild_id=10, drill_id=drill_id, post_id=post.id, answer="I decided to cut scope " * 5
    )
    await CooldownStore(services.db).take(1, "quiz start", rate=3, per=30, now=services.clock())
    await MetaStore(services.db).set("command_tree_hash", "abc")


async def test_copy_sqlite_to_postgresql_and_back_keeps_every_row(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config(tmp_path)
    services = await Services.open(config, clock=clock)
    try:
        await fill(services)
    finally:
        await services.close()
    async with fresh_schema() as url:
        source, target = await open_spec(f"sqlite:{config.database_path}"), await open_spec(url)
        try:
            report = await copy_database(source, target)
            assert list(report.rows) == tables_in_order()
            assert report.rows["quiz_sessions"] == 1 and report.rows["drill_answers"] == 1
            assert report.rows["unanswered_questions"] == 1 and report.rows["member_cooldowns"] == 1
            with pytest.raises(StorageError, match=r"already holds rows: .*--replace"):
                await copy_database(source, target)
            # New rows on PostgreSQL get ids after the copied ones.
            async with target.transaction() as tx:
                row = await tx.fetchone(
                    "INSERT INTO unanswered_questions (normalised, question, guild_id, asked_at) "
                    "VALUES ('x', 'x?', 1, 'now') RETURNING id"
                )
            copied = await target.fetchone("SELECT MIN(id) FROM unanswered_questions")
            assert row is not None and copied is not None and row["id"] > copied[0]
            back = await open_spec(f"sqlite:{tmp_path / 'back.sqlite3'}")
            try:
                moved = (await copy_database(target, back)).rows["unanswered_questions"]
                assert moved == report.rows["unanswered_questions"] + 1
            finally:
                await back.close()
            assert (await copy_database(source, target, replace=True)).total == report.total
        finally:
            await source.close()
            await target.close()


async def test_the_command_line_copies_and_never_prints_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_path = tmp_path / "pmpo.sqlite3"
    services = await Services.open(make_config(tmp_path), clock=FakeClock())
    try:
        await fill(services)
    finally:
        await services.close()
    async with fresh_schema() as url:
        # The test server trusts loopback, so any password gets in: it must not be echoed.
        with_password = url.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
        assert await _run(["db", "copy", "--from", f"sqlite:{sqlite_path}", "--to", with_password]) == 0
        out = capsys.readouterr().out
        assert "quiz_sessions: 1 row(s)" in out and "Copied and checked" in out
        assert "hunter2" not in out and "postgres:***@" in out
        assert await _run(["db", "copy", "--from", f"sqlite:{sqlite_path}", "--to", with_password]) == 2
        assert "--replace" in capsys.readouterr().err


async def _run(argv: list[str]) -> int:
    return await asyncio.to_thread(main, argv)
