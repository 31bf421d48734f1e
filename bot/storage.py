"""The one place that talks to SQLite: connection set-up, numbered migrations and transactions.

Feature modules keep their own SQL but always go through :class:`Database`, so every write runs in a
transaction, writes from concurrent tasks are serialised on one connection (no ``database is locked``
inside the bot), and the schema version is checked before anything touches the file.

Convention that ``/privacy`` relies on: every table holding a member's data has a ``user_id`` column,
and tables hanging off such rows reference them with ``ON DELETE CASCADE``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in ``bot/migrations``, numbered 1, 2, 3 … without gaps.

    A gap would be dangerous: ``user_version`` records only the newest number applied, so a database
    created while a lower number was missing would never receive it.
    """
    found: list[Migration] = []
    for item in resources.files("bot.migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append(Migration(int(match.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StorageError(f"migration {migration.name} is out of sequence: expected number {expected:04d}")
    return found


class Database:
    """An open SQLite database at the newest schema version."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, migrations: Sequence[Migration] | None = None) -> Database:
        """Open (creating if needed) and migrate forward; refuse a database made by a newer version."""
        path = Path(path)
        steps = list(migrations) if migrations is not None else bundled_migrations()
        newest = steps[-1].version if steps else 0
        if path.exists():
            found = _peek_version(path)
            if found > newest:
                raise StorageError(
                    f"database {path} has schema version {found}, but this version of the bot only knows up to "
                    f"{newest}; it was written by a newer pmpo-bot. Upgrade the bot (the file was not touched)."
                )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            await conn.execute("PRAGMA synchronous = NORMAL")
            db = cls(conn, path)
            await db._migrate(steps)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Wait for a write in progress, then close, so a shutdown never cuts a transaction in half."""
        async with self._write_lock:
            await self._conn.close()

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception; one writer at a time."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        """Run one write in its own transaction; returns the last inserted row id."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return cursor.lastrowid or 0

    async def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def user_tables(self) -> list[str]:
        """Tables with a ``user_id`` column: what ``/privacy`` shows and deletes."""
        tables = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        found = []
        for row in tables:
            columns = await self.fetchall(f"PRAGMA table_info('{row['name']}')")
            if any(col["name"] == "user_id" for col in columns):
                found.append(str(row["name"]))
        return found

    async def _migrate(self, steps: Sequence[Migration]) -> None:
        current = await self.schema_version()
        for migration in steps:
            if migration.version <= current:
                continue
            log.info("Applying database migration %s", migration.name)
            async with self._write_lock:
                try:
                    await self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise StorageError(f"migration {migration.name} failed: {exc}") from exc


def _peek_version(path: Path) -> int:
    """Read ``user_version`` without changing the file (no WAL switch, no migrations)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{path} is not a usable SQLite database ({exc}); move it aside or restore a backup"
        ) from None
