"""The interface every store talks to, whatever the backend: three statements and a transaction.

A store (``bot/<feature>/store.py``) holds a feature's SQL and runs it only through these methods, so a
second backend (PostgreSQL with a connection pool) is one more implementation of :class:`Database`, not
a change to any feature. SQL written for it keeps to what both backends understand:

* ``?`` placeholders, positional only (a backend whose driver wants ``$1`` translates them);
* ``INSERT … ON CONFLICT … DO NOTHING / DO UPDATE`` instead of ``INSERT OR IGNORE / OR REPLACE``;
* ``INSERT … RETURNING id`` (with :meth:`Executor.fetchone`, inside a transaction) instead of a last row id;
* timestamps as ISO-8601 UTC text, booleans as 0/1 integers, no ``IS ?`` against a parameter.

Convention that ``/privacy`` relies on: every table holding a member's data has a ``user_id`` column,
and tables hanging off such rows reference them with ``ON DELETE CASCADE``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

#: Values for the ``?`` placeholders, in order.
Params = Sequence[Any]


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


class Row(Protocol):
    """A result row: by column name (``row["id"]``) or by position (``row[0]``), or its values in column order
    (``tuple(row)``), as both sqlite3's and asyncpg's rows give them."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> Any: ...


class Executor(Protocol):
    """What runs SQL: the database itself (each call on its own) or an open transaction."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query (or of an ``INSERT … RETURNING``), None when there is none."""
        ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...


class Transaction(Executor, Protocol):
    """Statements that commit together or not at all; reads in it see its own writes."""


class Database(Executor, Protocol):
    """An open database at the newest schema version.

    Used directly, :meth:`execute` is one write in its own transaction, and :meth:`fetchone` /
    :meth:`fetchall` read only committed data: never the rows of a transaction another task has open
    (it may still roll back). Writes that belong together, and reads that decide a write, go in
    :meth:`transaction`: one writer at a time, rolled back on any exception.
    """

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def execute_returning(self, sql: str, params: Params = ()) -> Row | None:
        """One write that returns a row (``INSERT/UPDATE … RETURNING``), committed on its own like
        :meth:`execute`: no transaction needed for a single statement."""
        ...

    async def schema_version(self) -> int: ...

    async def user_tables(self) -> list[str]:
        """Tables with a ``user_id`` column: what ``/privacy`` shows and deletes."""
        ...

    async def close(self) -> None:
        """Let a write in progress finish, then close: a shutdown never cuts a transaction in half."""
        ...

    async def restart_ids(self) -> None:
        """After rows were written with explicit ids (``pmpo-bot db copy``), let new rows' ids follow them."""
        ...

    def exclusive(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold the lock ``name`` for the block, across every process sharing the database: yields True when
        held, False when another task or process holds it (nobody waits). A process that dies lets go."""
        ...

    async def notify(self, channel: str, payload: str) -> None:
        """Send ``payload`` to every listener on ``channel`` in every process sharing the database."""
        ...

    async def listen(self, channel: str, callback: Callable[[str], None]) -> None:
        """Call ``callback(payload)`` for each :meth:`notify` on ``channel`` (from any process, this one too)."""
        ...
