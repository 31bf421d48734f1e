"""The schema's history: numbered SQL files in ``bot/migrations``, applied in order by a backend.

A database records the newest number it has applied (SQLite: ``PRAGMA user_version``); opening it
applies every later file, each in its own transaction, and refuses a database newer than the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from bot.storage.database import StorageError

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in ``bot/migrations``, numbered 1, 2, 3 … without gaps.

    A gap would be dangerous: the database records only the newest number applied, so a database
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
