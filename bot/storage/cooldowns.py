"""Command cooldowns (``member_cooldowns``): how often a member may use a command, shared by every process.

discord.py keeps cooldowns in the memory of one process; with several processes (shard ranges) a member
would get a fresh allowance from each, and a shard moving to another process would reset them. Here a
use is one atomic upsert (one statement, so no transaction and no writer lock): a window opens at the
first use and allows ``rate`` uses for ``per`` seconds.
"""

from __future__ import annotations

import datetime as dt

from bot.storage.database import Database


class CooldownStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def take(self, user_id: int, bucket: str, *, rate: int, per: float, now: dt.datetime) -> float | None:
        """Count one use of ``bucket``; None when allowed, else the seconds until the next use is."""
        opened_before = (now - dt.timedelta(seconds=per)).isoformat(timespec="microseconds")
        row = await self.db.execute_returning(
            "INSERT INTO member_cooldowns (user_id, bucket, window_start, uses) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (user_id, bucket) DO UPDATE SET "
            "uses = CASE WHEN member_cooldowns.window_start <= ? THEN 1 ELSE member_cooldowns.uses + 1 END, "
            "window_start = CASE WHEN member_cooldowns.window_start <= ? THEN excluded.window_start "
            "ELSE member_cooldowns.window_start END "
            "RETURNING window_start, uses",
            (user_id, bucket, now.isoformat(timespec="microseconds"), opened_before, opened_before),
        )
        assert row is not None  # an upsert always returns its row
        if int(row["uses"]) <= rate:
            return None
        reopens = dt.datetime.fromisoformat(row["window_start"]) + dt.timedelta(seconds=per)
        return max((reopens - now).total_seconds(), 0.0)
