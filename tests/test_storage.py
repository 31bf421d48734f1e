from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.database import StorageError
from bot.storage.migrations import Migration, bundled_migrations
from bot.storage.sqlite import SqliteDatabase

V1 = Migration(1, "0001_a.sql", "CREATE TABLE things (id INTEGER PRIMARY KEY, user_id INTEGER, name TEXT NOT NULL);")
V2 = Migration(2, "0002_b.sql", "ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'red';")


async def test_new_database_is_wal_with_foreign_keys_at_newest_version(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "sub" / "x.sqlite3")
    try:
        assert await db.schema_version() == bundled_migrations()[-1].version
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"  # type: ignore[index]
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1  # type: ignore[index]
    finally:
        await db.close()


async def test_older_database_migrates_forward_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = await SqliteDatabase.open(path, [V1])
    await db.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (7, "kept"))
    await db.close()
    db = await SqliteDatabase.open(path, [V1, V2])
    try:
        assert await db.schema_version() == 2
        row = await db.fetchone("SELECT name, colour FROM things")
        assert row is not None and tuple(row) == ("kept", "red")
    finally:
        await db.close()


async def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = await SqliteDatabase.open(path, [V1, V2])
    await db.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"schema version 2.*newer pmpo-bot"):
        await SqliteDatabase.open(path, [V1])
    assert path.read_bytes() == before


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_text("hello, I am not SQLite" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await SqliteDatabase.open(path)


async def test_failed_migration_rolls_back_and_names_itself(tmp_path: Path) -> None:
    broken = Migration(2, "0002_broken.sql", "CREATE TABLE more (id INTEGER); SELECT * FROM nowhere;")
    path = tmp_path / "x.sqlite3"
    with pytest.raises(StorageError, match=r"0002_broken\.sql failed"):
        await SqliteDatabase.open(path, [V1, broken])
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == 1
    assert check.execute("SELECT count(*) FROM sqlite_master WHERE name = 'more'").fetchone()[0] == 0
    check.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "x.sqlite3", [V1])
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO things (name) VALUES ('lost')")
                raise RuntimeError("boom")
        assert await db.fetchall("SELECT * FROM things") == []
    finally:
        await db.close()


async def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "x.sqlite3", [V1])
    try:

        async def writer(n: int) -> None:
            async with db.transaction() as tx:
                row = await tx.fetchone("SELECT count(*) FROM things")
                assert row is not None
                count = row[0]
                await asyncio.sleep(0)
                await tx.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (n, f"n{count}"))

        await asyncio.gather(*(writer(n) for n in range(200)))
        names = {row["name"] for row in await db.fetchall("SELECT name FROM things")}
        assert len(names) == 200  # each writer saw the previous one's row: no interleaving
    finally:
        await db.close()


async def test_user_tables_lists_tables_with_member_data(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "x.sqlite3", [V1])
    try:
        assert await db.user_tables() == ["things"]
    finally:
        await db.close()


def test_bundled_migrations_are_numbered_uniquely() -> None:
    versions = [m.version for m in bundled_migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


async def test_reads_see_only_committed_data(tmp_path: Path) -> None:
    """A read while another task's transaction is open sees the data before it, never its uncommitted rows."""
    db = await SqliteDatabase.open(tmp_path / "x.sqlite3", [V1])
    try:
        await db.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (1, "committed"))
        written, release = asyncio.Event(), asyncio.Event()

        async def rolled_back() -> None:
            with pytest.raises(RuntimeError):
                async with db.transaction() as tx:
                    await tx.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (2, "uncommitted"))
                    written.set()
                    await release.wait()
                    raise RuntimeError("rolled back")

        writer = asyncio.create_task(rolled_back())
        await written.wait()
        seen = [row["name"] for row in await db.fetchall("SELECT name FROM things ORDER BY id")]
        one = await db.fetchone("SELECT count(*) FROM things")
        release.set()
        await writer
        assert seen == ["committed"]
        assert one is not None and one[0] == 1
        assert [row["name"] for row in await db.fetchall("SELECT name FROM things")] == ["committed"]
    finally:
        await db.close()
