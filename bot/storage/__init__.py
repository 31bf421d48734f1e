"""Where state lives: the :class:`~bot.storage.database.Database` interface stores talk to, the migrations,
and the backends behind it.

:func:`open_database` is the one place that picks a backend; features only ever see the interface.
"""

from __future__ import annotations

from bot.config import Config
from bot.storage.database import Database
from bot.storage.sqlite import SqliteDatabase


async def open_database(config: Config) -> Database:
    """The configured database, migrated to the newest schema (today always SQLite at ``database.path``)."""
    return await SqliteDatabase.open(config.database_path)
