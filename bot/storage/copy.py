"""``pmpo-bot db copy``: every row of one database into another (SQLite → PostgreSQL, or back), checked.

Moving a running bot from its SQLite file to PostgreSQL is: stop the bot, copy, point ``database.url`` at
the new database, start the processes. Both ends are opened the usual way (so both are at the newest
schema), tables are copied parents first (the order the migrations create them, which foreign keys
respect), ids included, in one transaction on the target; then every table is read back from both
ends and compared row by row, so a copy that reports success is a faithful one.

A target that already holds rows is refused unless ``replace`` is given (its rows are deleted first):
copying over live data by mistake would mix two bots' histories.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import POSTGRES_SCHEMES, redact_password
from bot.storage.database import Database, StorageError
from bot.storage.migrations import bundled_migrations
from bot.storage.sqlite import SqliteDatabase

SQLITE_PREFIX = "sqlite:"
_CREATE_TABLE = re.compile(r"^\s*CREATE TABLE (\w+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class CopyReport:
    """Rows copied (and checked) per table, in the order they were copied."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def describe(spec: str) -> str:
    """A database spec as it may be shown: a URL's password is never printed."""
    return redact_password(spec)


async def open_spec(spec: str) -> Database:
    """``sqlite:PATH`` or a ``postgresql://`` URL, opened and migrated to the newest schema."""
    if spec.startswith(SQLITE_PREFIX):
        return await SqliteDatabase.open(Path(spec.removeprefix(SQLITE_PREFIX)))
    if spec.startswith(POSTGRES_SCHEMES):
        from bot.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(spec)
    raise StorageError(f"'{describe(spec)}': expected sqlite:PATH or a postgresql:// URL")


def tables_in_order() -> list[str]:
    """Every table, in the order the migrations create them: a table's parents always come before it."""
    names: list[str] = []
    for migration in bundled_migrations("sqlite"):
        names.extend(name for name in _CREATE_TABLE.findall(migration.sql) if name not in names)
    return names


async def copy_database(source: Database, target: Database, *, replace: bool = False) -> CopyReport:
    """Copy every row of ``source`` into ``target`` and check them; raises StorageError on any difference."""
    if await source.schema_version() != await target.schema_version():
        raise StorageError("the two databases are at different schema versions; upgrade the bot and retry")
    tables = tables_in_order()
    held = {table: await _count(target, table) for table in tables}
    if any(held.values()) and not replace:
        listed = ", ".join(f"{table} ({n})" for table, n in held.items() if n)
        raise StorageError(
            f"the target already holds rows: {listed}. Copy into an empty database, or pass --replace to "
            "delete them first"
        )
    report = CopyReport()
    async with target.transaction() as tx:
        for table in reversed(tables):
            await tx.execute(f'DELETE FROM "{table}"')
        for table in tables:
            rows = await source.fetchall(f'SELECT * FROM "{table}"')
            for row in rows:
                columns = list(row.keys())
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" for _ in columns)
                await tx.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [row[c] for c in columns])
            report.rows[table] = len(rows)
    await target.restart_ids()
    for table in tables:
        await _check(source, target, table)
    return report


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f'SELECT count(*) FROM "{table}"')
    return int(row[0]) if row else 0


async def _check(source: Database, target: Database, table: str) -> None:
    """The same rows on both ends, compared column by column (order aside)."""
    expected, found = await _rows(source, table), await _rows(target, table)
    if expected != found:
        missing = next(iter(expected - found), None)
        extra = next(iter(found - expected), None)
        raise StorageError(
            f"table {table} differs after the copy: {sum(expected.values())} row(s) in the source, "
            f"{sum(found.values())} in the target; e.g. missing {missing}, unexpected {extra}"
        )


async def _rows(db: Database, table: str) -> Counter[tuple[tuple[str, Any], ...]]:
    """Each row as (column, value) pairs by column name. (Iterating a row gives its values, hence ``keys()``.)"""
    rows = await db.fetchall(f'SELECT * FROM "{table}"')
    return Counter(tuple(sorted((str(c), row[c]) for c in row.keys())) for row in rows)  # noqa: SIM118
