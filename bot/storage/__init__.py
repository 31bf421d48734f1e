"""Where state lives: the :class:`~bot.storage.database.Database` interface stores talk to, the migrations,
and the backends behind it.

:func:`open_database` is the one place that picks a backend; features only ever see the interface.
"""

from __future__ import annotations

from bot.config import Config
from bot.storage.database import Database
from bot.storage.sqlite import SqliteDatabase


async def open_database(config: Config) -> Database:
    """The configured database, migrated to the newest schema: PostgreSQL when ``database.url`` (or
    ``DATABASE_URL``) is set, else the SQLite file at ``database.path``."""
    if config.database.url:
        from bot.storage.postgres import PostgresDatabase  # asyncpg loads only for PostgreSQL users

        return await PostgresDatabase.open(config.database.url)
    return await SqliteDatabase.open(config.database_path)
