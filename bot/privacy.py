"""What the bot stores about a member, and forgetting it on request.

Relies on the storage convention that every table with member data has a ``user_id`` column (child
rows cascade), so a feature added later is covered without touching this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import Services

#: How each table reads to a member; a table missing here is still shown and deleted, under its own name.
DESCRIPTIONS = {
    "ask_votes": "your helpful/not helpful votes on answers",
    "check_sessions": "your three-question checks and their verdicts",
    "quiz_sessions": "your quizzes, answers and scores",
    "drill_practice": "your drill practice answers, feedback and streaks",
}


@dataclass(frozen=True)
class StoredData:
    """Row counts per kind of data for one member."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        return [f"{count} × {describe(table)}" for table, count in self.counts.items() if count]


def describe(table: str) -> str:
    return DESCRIPTIONS.get(table, table.replace("_", " "))


async def stored_about(services: Services, user_id: int) -> StoredData:
    counts = {}
    for table in await services.db.user_tables():
        row = await services.db.fetchone(f'SELECT count(*) FROM "{table}" WHERE user_id = ?', (user_id,))
        counts[table] = int(row[0]) if row else 0
    return StoredData(counts)


async def forget(services: Services, user_id: int) -> StoredData:
    """Delete everything about the member in one transaction: all of it goes, or nothing does."""
    tables = await services.db.user_tables()
    deleted = {}
    async with services.db.transaction() as conn:
        for table in tables:
            cursor = await conn.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (user_id,))
            deleted[table] = cursor.rowcount
    return StoredData(deleted)
