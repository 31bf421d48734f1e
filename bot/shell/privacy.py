"""/privacy in the shell: what is stored under the local shell user, and deleting it."""

from __future__ import annotations

from bot.privacy.cards import stored_card
from bot.privacy.service import PrivacyService
from bot.shell.session import Session, ShellCommand


async def privacy_command(session: Session, _: str) -> None:
    service = session.services.feature(PrivacyService)
    data = await service.stored(session.user_id)
    if not data.total:
        session.say("Nothing is stored about the shell user.")
        return
    session.show(stored_card(data))
    if await session.choose("Delete all of it?", ["Yes, delete", "No, keep it"]) == 0:
        deleted = await service.forget(session.user_id)
        session.say(f"Deleted {deleted.total} record(s).")


COMMANDS = [ShellCommand("privacy", "/privacy", "see or delete what is stored about you", privacy_command)]
