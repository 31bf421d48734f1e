"""What the front ends call for ``/privacy``: get it with ``services.feature(PrivacyService)``."""

from __future__ import annotations

from bot.privacy.engine import StoredData
from bot.privacy.store import PrivacyStore
from bot.services import Services


class PrivacyService:
    def __init__(self, services: Services) -> None:
        self.store = PrivacyStore(services.db)

    async def stored(self, user_id: int) -> StoredData:
        return StoredData(await self.store.counts(user_id))

    async def forget(self, user_id: int) -> StoredData:
        """Delete everything about the member: all of it goes, or nothing does."""
        return StoredData(await self.store.forget(user_id))
