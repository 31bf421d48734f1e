"""Who counts as a moderator: Manage Server, a moderator role (config or per server), or a bot owner."""

from __future__ import annotations

import json
from collections.abc import Iterable

from bot.services import Services


async def moderator_role_ids(services: Services, guild_id: int) -> set[int]:
    row = await services.db.fetchone("SELECT moderator_role_ids FROM guild_settings WHERE guild_id = ?", (guild_id,))
    stored: set[int] = set(json.loads(row["moderator_role_ids"])) if row else set()
    return stored | set(services.config.moderation.moderator_role_ids)


async def set_moderator_role_ids(services: Services, guild_id: int, role_ids: Iterable[int]) -> None:
    await services.db.execute(
        "INSERT INTO guild_settings (guild_id, moderator_role_ids, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(guild_id) DO UPDATE SET "
        "moderator_role_ids = excluded.moderator_role_ids, updated_at = excluded.updated_at",
        (guild_id, json.dumps(sorted(set(role_ids))), services.clock().isoformat()),
    )


async def is_moderator(
    services: Services, *, user_id: int, guild_id: int | None, manage_guild: bool, role_ids: Iterable[int]
) -> bool:
    if user_id in services.config.moderation.owner_ids:
        return True
    if guild_id is None:
        return False
    if manage_guild:
        return True
    return bool(set(role_ids) & await moderator_role_ids(services, guild_id))
