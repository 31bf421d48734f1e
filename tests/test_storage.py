"""Storage: SQLite's own behaviour (the file, WAL, migrations, refusing a newer database), then the
contract every backend keeps, run once per backend in ``BACKENDS``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.storage.database import Database, StorageError
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


def test_bundled_migrations_are_numbered_uniquely() -> None:
    versions = [m.version for m in bundled_migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


# -- the contract: what stores may rely on, whatever the backend ---------------------------------------


async def sqlite_with_things(tmp_path: Path) -> Database:
    return await SqliteDatabase.open(tmp_path / "x.sqlite3", [V1])


#: Each backend, opened empty but for the table ``things (id, user_id, name)``; a new backend adds itself.
BACKENDS: dict[str, Callable[[Path], Awaitable[Database]]] = {"sqlite": sqlite_with_things}


@pytest.fixture(params=sorted(BACKENDS))
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    opened = await BACKENDS[request.param](tmp_path)
    yield opened
    await opened.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO things (name) VALUES ('lost')")
            raise RuntimeError("boom")
    assert await db.fetchall("SELECT * FROM things") == []


async def test_concurrent_writers_lose_nothing(db: Database) -> None:
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


async def test_user_tables_lists_tables_with_member_data(db: Database) -> None:
    assert await db.user_tables() == ["things"]


async def test_reads_see_only_committed_data(db: Database) -> None:
    """A read while another task's transaction is open sees the data before it, never its uncommitted rows."""
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


async def test_a_transaction_reads_its_own_writes_and_new_ids_come_back(db: Database) -> None:
    async with db.transaction() as tx:
        row = await tx.fetchone("INSERT INTO things (user_id, name) VALUES (?, ?) RETURNING id", (1, "new"))
        assert row is not None
        mine = await tx.fetchone("SELECT name FROM things WHERE id = ?", (row["id"],))
        assert mine is not None and mine["name"] == "new"


async def test_execute_says_how_many_rows_changed(db: Database) -> None:
    for n in range(3):
        assert await db.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (n, f"n{n}")) == 1
    assert await db.execute("UPDATE things SET name = 'x' WHERE user_id > ?", (0,)) == 2
    assert await db.execute("DELETE FROM things WHERE user_id = ?", (9,)) == 0


async def test_a_read_sees_every_write_committed_before_it_even_among_many_reads(db: Database) -> None:
    """Read-your-writes under load: reads in flight on other tasks never pin an older snapshot."""

    async def write_then_read(n: int) -> bool:
        await db.execute("INSERT INTO things (user_id, name) VALUES (?, ?)", (n, f"n{n}"))
        await db.fetchall("SELECT * FROM things")  # other tasks' reads, overlapping this one's
        return await db.fetchone("SELECT name FROM things WHERE user_id = ?", (n,)) is not None

    assert all(await asyncio.gather(*(write_then_read(n) for n in range(200))))
