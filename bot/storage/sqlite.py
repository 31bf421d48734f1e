"""The SQLite backend: one file in WAL mode, a writer connection and a read-only reader connection.

Writes from concurrent tasks are serialised on the writer (a lock, then ``BEGIN IMMEDIATE`` for a
transaction; a single statement is a transaction of its own), so the bot never meets ``database is
locked`` from itself, and another process holding the file (a backup, the shell) is waited for
(``busy_timeout``). Reads outside a transaction go to a second, read-only
connection: in WAL mode it sees the last committed state, so a read never shows rows of another task's
transaction that may still roll back, and reads don't queue behind a write. One read runs there at a
time: SQLite keeps a connection's snapshot while any of its statements is unfinished, so overlapping
reads would keep seeing the state from before writes that have since committed. Reads run in the order
they were asked for, so of two racing clicks the first one's reads finish first. The schema version is
checked before anything touches the file.

One process owns the file (several bot processes need PostgreSQL), so the named locks of
:meth:`SqliteDatabase.exclusive` and the messages of :meth:`SqliteDatabase.notify` stay inside it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.database import Params, Row, StorageError, Transaction
from bot.storage.migrations import Migration, bundled_migrations, newer_database

log = logging.getLogger(__name__)

#: ``INSERT … RETURNING`` (the portable way to learn a new row's id) needs SQLite 3.35 (March 2021).
OLDEST_SQLITE = (3, 35)
_SETTINGS = ("PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL")


class SqliteExecutor:
    """Statements on one connection: the writer inside a transaction, or a reader.

    Each call is one trip to the connection's thread, where the statement runs, its rows are read and its
    cursor is closed. aiosqlite's own ``execute``, ``fetchone`` and closing the cursor would be three
    trips, and every trip costs the event loop a thread hand-off (a queue put, a wake-up, a callback):
    more than the statement itself on this bot's small tables.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return int(await _in_thread(self._conn, _changed, sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await _in_thread(self._conn, _first_row, sql, params)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = await _in_thread(self._conn, _all_rows, sql, params)
        return rows


async def _in_thread(conn: aiosqlite.Connection, work: Callable[..., Any], *args: Any) -> Any:
    """``work(sqlite3_connection, *args)`` in ``conn``'s thread, in the order of every other call on it.

    ``_execute`` is how aiosqlite's own helpers (``execute_fetchall``, ``execute_insert``) run several
    sqlite3 calls in one trip; it is not public, so every storage test goes through here.
    """
    return await conn._execute(lambda: work(conn._conn, *args))


#: A single write waiting for the writer: what to run (:func:`_changed` or :func:`_first_row`), its
#: statement and parameters, and the future its caller awaits.
QueuedWrite = tuple[Callable[[sqlite3.Connection, str, Params], Any], str, Params, asyncio.Future[Any]]


def _each(conn: sqlite3.Connection, writes: Sequence[QueuedWrite]) -> list[tuple[bool, Any]]:
    """Run single writes one after another, each its own transaction: (True, result) or (False, error)."""
    outcomes: list[tuple[bool, Any]] = []
    for work, sql, params, _ in writes:
        try:
            outcomes.append((True, work(conn, sql, params)))
        except Exception as error:
            outcomes.append((False, error))
    return outcomes


def _changed(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return max(cursor.rowcount, 0)  # -1 for statements that change no rows (CREATE, PRAGMA)
    finally:
        cursor.close()


def _first_row(conn: sqlite3.Connection, sql: str, params: Params) -> Row | None:
    cursor = conn.execute(sql, params)
    try:
        row: Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _all_rows(conn: sqlite3.Connection, sql: str, params: Params) -> list[Row]:
    cursor = conn.execute(sql, params)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


class SqliteDatabase:
    """An open SQLite database at the newest schema version (see :class:`bot.storage.database.Database`)."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self.path = path
        self._writer = writer
        self._writer_executor = SqliteExecutor(writer)
        self._write_lock = asyncio.Lock()
        self._reader_connection = reader
        self._reader = SqliteExecutor(reader)
        self._read_lock = asyncio.Lock()
        self._queued: list[QueuedWrite] = []
        self._flusher: asyncio.Task[None] | None = None
        self._held: set[str] = set()
        self._listeners: dict[str, list[Callable[[str], None]]] = {}

    @classmethod
    async def open(cls, path: str | Path, migrations: Sequence[Migration] | None = None) -> SqliteDatabase:
        """Open (creating if needed) and migrate forward; refuse a database made by a newer version."""
        if sqlite3.sqlite_version_info < OLDEST_SQLITE:
            wanted = ".".join(map(str, OLDEST_SQLITE))
            raise StorageError(f"SQLite {wanted} or newer is needed; this Python has {sqlite3.sqlite_version}")
        path = Path(path)
        steps = list(migrations) if migrations is not None else bundled_migrations("sqlite")
        newest = steps[-1].version if steps else 0
        if path.exists():
            found = _peek_version(path)
            if found > newest:
                raise newer_database(str(path), found, newest)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        opened: list[aiosqlite.Connection] = []
        try:
            writer = await _connect(path, opened, "PRAGMA journal_mode = WAL")
            await _migrate(writer, steps)
            reader = await _connect(path, opened, "PRAGMA query_only = ON")
        except BaseException:
            for conn in opened:
                await conn.close()
            raise
        return cls(writer, reader, path)

    async def close(self) -> None:
        if self._flusher is not None:  # single writes already queued are written first
            await self._flusher
        async with self._write_lock:  # a read in flight finishes first too: a connection keeps its order
            try:
                await self._writer.close()
            finally:  # even when cancelled meanwhile: a connection left open keeps the process from exiting
                await self._reader_connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer, rolled back on any exception; one writer at a time."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer_executor
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement, committed on its own: in autocommit mode SQLite makes a single statement its own
        transaction (taking the write lock as it starts, waiting ``busy_timeout`` for it as ``BEGIN
        IMMEDIATE`` would). See :meth:`_write` for how single writes share trips to the writer's thread."""
        return int(await self._write(_changed, sql, params))

    async def execute_returning(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await self._write(_first_row, sql, params)
        return row

    async def _write(self, work: Callable[[sqlite3.Connection, str, Params], Any], sql: str, params: Params) -> Any:
        """Queue a single write; the writes queued while the writer is busy go to its thread together.

        Each still runs on its own, in the order they were queued, and fails alone; only the trip is
        shared. When 200 members ask at once, their 600 writes take a handful of trips instead of 600
        thread hand-offs, each of which would wait for the thread to be scheduled on a busy machine. A
        caller cancelled once its write is queued does not take the write back.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queued.append((work, sql, params, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="sqlite writes")
        return await future

    async def _flush(self) -> None:
        """Run the queued single writes, as many as have gathered, until none is left."""
        while self._queued:
            async with self._write_lock:  # after any transaction ahead; none starts meanwhile
                writes, self._queued = self._queued, []
                try:
                    outcomes = await _in_thread(self._writer, _each, writes)
                except Exception as error:  # the connection is closed: each caller gets the error
                    outcomes = [(False, error)] * len(writes)
                except asyncio.CancelledError:  # the event loop is shutting down: so are the callers
                    for *_, future in writes:
                        future.cancel()
                    raise
            for (*_, future), (ok, outcome) in zip(writes, outcomes, strict=True):
                if future.done():  # its caller was cancelled
                    continue
                if ok:
                    future.set_result(outcome)
                else:
                    future.set_exception(outcome)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._read_lock:
            return await self._reader.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._read_lock:
            return await self._reader.fetchall(sql, params)

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def user_tables(self) -> list[str]:
        tables = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        found = []
        for row in tables:
            columns = await self.fetchall(f"PRAGMA table_info('{row['name']}')")
            if any(col["name"] == "user_id" for col in columns):
                found.append(str(row["name"]))
        return found

    async def restart_ids(self) -> None:
        """Nothing to do: SQLite gives a new row the largest id plus one (AUTOINCREMENT's counter follows too)."""

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        if name in self._held:
            yield False
            return
        self._held.add(name)
        try:
            yield True
        finally:
            self._held.discard(name)

    async def notify(self, channel: str, payload: str) -> None:
        for callback in self._listeners.get(channel, []):
            callback(payload)

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        self._listeners.setdefault(channel, []).append(callback)


async def _connect(path: Path, opened: list[aiosqlite.Connection], *settings: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    opened.append(conn)
    conn.row_factory = aiosqlite.Row
    for statement in (*settings, *_SETTINGS):
        await conn.execute(statement)
    return conn


async def _migrate(writer: aiosqlite.Connection, steps: Sequence[Migration]) -> None:
    async with writer.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for migration in steps:
        if migration.version <= current:
            continue
        log.info("Applying database migration %s", migration.name)
        try:
            await writer.executescript(
                f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
            )
        except sqlite3.Error as exc:
            if writer.in_transaction:
                await writer.execute("ROLLBACK")
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
