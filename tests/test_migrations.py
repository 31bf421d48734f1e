"""The two backends' migrations stay in step: every ``sqlite/NNNN_name.sql`` has its ``postgres/`` twin.

A new migration is two files (docs/architecture.md, Storage); this fails while one of them is missing,
so a database on one backend can never end up with a table the other lacks.
"""

from __future__ import annotations

import re

from bot.storage.migrations import DIALECTS, bundled_migrations


def test_every_migration_has_a_twin_on_each_backend() -> None:
    names = {dialect: [m.name for m in bundled_migrations(dialect)] for dialect in DIALECTS}
    sqlite, postgres = names["sqlite"], names["postgres"]
    assert sqlite, "no migrations found"
    missing = {
        "postgres lacks": sorted(set(sqlite) - set(postgres)),
        "sqlite lacks": sorted(set(postgres) - set(sqlite)),
    }
    assert sqlite == postgres, f"migrations out of step: {missing}"


def _tables(sql: str) -> set[str]:
    return {name.lower() for name in re.findall(r"CREATE TABLE (\w+)", sql, flags=re.IGNORECASE)}


def test_twins_create_the_same_tables() -> None:
    for lite, pg in zip(bundled_migrations("sqlite"), bundled_migrations("postgres"), strict=True):
        assert _tables(lite.sql) == _tables(pg.sql), f"{lite.name}: the twins create different tables"
