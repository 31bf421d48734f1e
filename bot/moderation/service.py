"""Who counts as a moderator: Manage Server, a moderator role (config or per server), or a bot owner.

Get it with ``services.feature(ModerationService)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.moderation.store import ModerationStore
from bot.services import Services


class ModerationService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = ModerationStore(services.db)

    async def moderator_role_ids(self, guild_id: int) -> set[int]:
        """The server's own moderator roles plus those in the config file."""
        stored = await self.store.moderator_role_ids(guild_id)
        return stored | set(self.services.config.moderation.moderator_role_ids)

    async def set_moderator_role_ids(self, guild_id: int, role_ids: Iterable[int]) -> None:
        await self.store.set_moderator_role_ids(guild_id, role_ids, self.services.clock())

    async def is_moderator(
        self, *, user_id: int, guild_id: int | None, manage_guild: bool, role_ids: Iterable[int]
    ) -> bool:
        if user_id in self.services.config.moderation.owner_ids:
            return True
        if guild_id is None:
            return False
        if manage_guild:
            return True
        return bool(set(role_ids) & await self.moderator_role_ids(guild_id))
