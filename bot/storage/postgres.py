"""The PostgreSQL backend: a connection pool (asyncpg) that several bot processes share.

It keeps the same contract as SQLite (:class:`bot.storage.database.Database`), so stores don't know which
one they talk to:

* ``?`` placeholders become ``$1, $2 …`` (outside string literals, quoted names and comments);
* a read outside a transaction runs on its own pooled connection: PostgreSQL never shows it another
  session's uncommitted rows, and it waits for no writer;
* a transaction is one writer at a time across *every* process sharing the database, as with SQLite's
  single writer: tasks of this process queue on a lock, then the transaction takes a transaction-level
  advisory lock (:data:`WRITER_LOCK`) that PostgreSQL releases at COMMIT or ROLLBACK, also when the
  process dies. Reads that decide a write therefore see no other transaction interleaved, on one process
  or many. A lone :meth:`execute` (or :meth:`execute_returning`) is one statement, atomic by itself, so
  it runs at once (autocommit) without that lock: the stores' lone writes are inserts, upserts and
  conditional updates (``WHERE status = ?``), correct whenever they land;
* :meth:`exclusive` is a named lock across processes (a session-level advisory lock held on one
  control connection, so it goes when the process goes) and :meth:`notify` / :meth:`listen` carry
  messages between processes (``NOTIFY`` / ``LISTEN`` on the same connection);
* transactions run on a connection of their own, reads and single statements on the pool;
* the schema version lives in the ``schema_version`` table; migrations run under an advisory lock, so
  two processes starting together migrate once.

asyncpg is imported here only, and this module only when a ``postgresql://`` URL is configured: an SQLite
installation never loads it.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.config import redact_password
from bot.storage.database import Params, Row, StorageError, Transaction
from bot.storage.migrations import Migration, bundled_migrations, newer_database

log = logging.getLogger(__name__)

#: Advisory lock keys (any 64-bit numbers; these spell "pmpo" and what they guard).
WRITER_LOCK = 0x706D_706F_0001
MIGRATION_LOCK = 0x706D_706F_0002
#: Pooled connections per process, for reads and single statements: enough for a busy shard range. With the
#: writer's and the control connection, a process uses at most 12; PostgreSQL's default allows 100.
POOL_MIN, POOL_MAX = 1, 10


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """``?`` → ``$n``, leaving ``'…'`` literals, ``"…"`` names and ``--`` comments as they are."""
    out: list[str] = []
    number = 0
    i = 0
    while i < len(sql):
        char = sql[i]
        if char in "'\"":
            end = i + 1
            while end < len(sql):
                if sql[end] == char:
                    if end + 1 < len(sql) and sql[end + 1] == char:  # '' or "" inside: still quoted
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif char == "?":
            number += 1
            out.append(f"${number}")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _rows_changed(status: str) -> int:
    """asyncpg's command tag (``INSERT 0 3``, ``UPDATE 2``, ``CREATE TABLE``) as a row count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class PostgresExecutor:
    """Statements on one connection: a pooled one for a read, or the one a transaction holds."""

    def __init__(self, conn: asyncpg.Connection[Any] | asyncpg.pool.PoolConnectionProxy[Any]) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rows_changed(await self._conn.execute(translate(sql), *params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._conn.fetchrow(translate(sql), *params)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.fetch(translate(sql), *params))


class PostgresDatabase:
    """An open PostgreSQL database at the newest schema version (see :class:`bot.storage.database.Database`)."""

    def __init__(
        self, pool: asyncpg.Pool[Any], writer: asyncpg.Connection[Any], control: asyncpg.Connection[Any], url: str
    ) -> None:
        self.url = redact_password(url)
        self._dsn = url
        self._pool = pool
        # Transactions have a connection of their own, as SQLite's writer: one waiting for a pooled connection
        # behind hundreds of queued reads while holding the writer lock would stall every other write.
        self._writer = writer
        self._control = control  # LISTEN and the named locks: both end with this session
        self._control_lock = asyncio.Lock()  # one query at a time on a connection
        self._write_lock = asyncio.Lock()
        self._held: set[str] = set()

    @classmethod
    async def open(
        cls, url: str, migrations: Sequence[Migration] | None = None, *, pool_size: int = POOL_MAX
    ) -> PostgresDatabase:
        """Connect, migrate forward under a lock, refuse a database made by a newer version."""
        steps = list(migrations) if migrations is not None else bundled_migrations("postgres")
        shown = redact_password(url)
        try:
            control = await asyncpg.connect(url)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(f"cannot connect to PostgreSQL at {shown}: {exc}") from None
        opened: list[asyncpg.Connection[Any]] = [control]
        try:
            await _migrate(control, steps, shown)
            opened.append(await asyncpg.connect(url))
            pool = await asyncpg.create_pool(url, min_size=min(POOL_MIN, pool_size), max_size=pool_size)
        except BaseException:
            for conn in opened:
                await conn.close()
            raise
        log.info("Using PostgreSQL at %s", shown)
        return cls(pool, opened[1], control, url)

    async def close(self) -> None:
        async with self._write_lock:  # the write in progress finishes first
            try:
                await self._pool.close()  # waits for connections in use to come back
            finally:
                await self._writer.close()
                await self._control.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One writer at a time: this process's lock, then the cluster-wide advisory lock, then the work."""
        async with self._write_lock:
            if self._writer.is_closed():  # the server restarted, or the connection dropped: connect again
                self._writer = await asyncpg.connect(self._dsn)
            conn = self._writer
            await conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            try:
                yield PostgresExecutor(conn)
            except BaseException:
                if not conn.is_closed():
                    await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement, committed on its own: atomic by itself, so it takes no writer lock (one round trip)."""
        return _rows_changed(await self._pool.execute(translate(sql), *params))

    async def execute_returning(self, sql: str, params: Params = ()) -> Row | None:
        """Like :meth:`execute`: one statement, at once, on the pool."""
        row: Row | None = await self._pool.fetchrow(translate(sql), *params)
        return row

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._pool.fetchrow(translate(sql), *params)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._pool.fetch(translate(sql), *params))

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT version FROM schema_version")
        return int(row[0]) if row else 0

    async def user_tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND c.column_name = 'user_id' AND t.table_type = 'BASE TABLE' "
            "ORDER BY c.table_name"
        )
        return [str(row[0]) for row in rows]

    async def restart_ids(self) -> None:
        """Move every identity column's sequence past the largest id its table holds."""
        columns = await self.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        async with self.transaction() as tx:
            for table, column in ((str(row[0]), str(row[1])) for row in columns):
                await tx.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                    f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"'
                )

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        """True while this task holds ``name`` in every process sharing the database; False if taken (no wait)."""
        if name in self._held:
            yield False
            return
        key = lock_key(name)
        self._held.add(name)
        try:
            async with self._control_lock:
                taken = bool(await self._control.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield taken
            finally:
                if taken and not self._control.is_closed():
                    async with self._control_lock:
                        await self._control.execute("SELECT pg_advisory_unlock($1)", key)
        finally:
            self._held.discard(name)

    async def notify(self, channel: str, payload: str) -> None:
        """Tell every process listening on ``channel`` (this one included), once the message commits."""
        async with self._control_lock:
            await self._control.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` for every :meth:`notify` on ``channel``, from any process."""

        def deliver(_conn: object, _pid: int, _channel: str, payload: object) -> None:
            callback(str(payload))

        async with self._control_lock:
            await self._control.add_listener(channel, deliver)


async def _migrate(conn: asyncpg.Connection[Any], steps: Sequence[Migration], shown: str) -> None:
    """Apply the missing migrations, each in its own transaction, one process at a time."""
    newest = steps[-1].version if steps else 0
    await conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    try:
        exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
        current = int(await conn.fetchval("SELECT version FROM schema_version") or 0) if exists else 0
        if current > newest:
            raise newer_database(shown, current, newest)
        if not exists:
            await conn.execute(
                "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (0)"
            )
        for migration in steps:
            if migration.version <= current:
                continue
            log.info("Applying database migration postgres/%s", migration.name)
            try:
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute("UPDATE schema_version SET version = $1", migration.version)
            except asyncpg.PostgresError as exc:
                raise StorageError(f"migration {migration.name} failed: {exc}") from exc
    finally:
        await conn.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
