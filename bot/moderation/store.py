"""Per-server settings (``guild_settings``): today, the roles a server's admins made moderator roles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from bot.storage.database import Database


class ModerationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def moderator_role_ids(self, guild_id: int) -> set[int]:
        row = await self.db.fetchone("SELECT moderator_role_ids FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return set(json.loads(row["moderator_role_ids"])) if row else set()

    async def set_moderator_role_ids(self, guild_id: int, role_ids: Iterable[int], now: dt.datetime) -> None:
        await self.db.execute(
            "INSERT INTO guild_settings (guild_id, moderator_role_ids, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(guild_id) DO UPDATE SET "
            "moderator_role_ids = excluded.moderator_role_ids, updated_at = excluded.updated_at",
            (guild_id, json.dumps(sorted(set(role_ids))), now.isoformat()),
        )
