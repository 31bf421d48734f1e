"""Counting and deleting a member's rows in every table with a ``user_id`` column, whichever feature owns it."""

from __future__ import annotations

from bot.storage.database import Database


class PrivacyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def counts(self, user_id: int) -> dict[str, int]:
        counts = {}
        for table in await self.db.user_tables():
            row = await self.db.fetchone(f'SELECT count(*) FROM "{table}" WHERE user_id = ?', (user_id,))
            counts[table] = int(row[0]) if row else 0
        return counts

    async def forget(self, user_id: int) -> dict[str, int]:
        """Delete every row of the member in one transaction (all of it goes, or nothing does); counts per table."""
        tables = await self.db.user_tables()
        deleted = {}
        async with self.db.transaction() as tx:
            for table in tables:
                deleted[table] = await tx.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (user_id,))
        return deleted
