"""/privacy in the shell: what is stored under the local shell user (``show``), and deleting it (``forget``).

As in Discord, showing only shows; deleting is its own command and asks for a confirmation first.
"""

from __future__ import annotations

from bot.privacy.cards import NOTHING, confirm_card, deleted_card, kept_card, stored_card
from bot.privacy.service import PrivacyService
from bot.shell.session import Session, ShellCommand

USAGE = "Usage: /privacy show to see what is stored about you, /privacy forget to delete it."


async def privacy_command(session: Session, rest: str) -> None:
    action = rest.strip().lower() or "show"
    if action not in ("show", "forget"):
        session.say(USAGE)
        return
    service = session.services.feature(PrivacyService)
    data = await service.stored(session.user_id)
    if action == "show":
        session.show(stored_card(data))
        return
    if not data.total:
        session.say(NOTHING)
        return
    session.show(confirm_card(data))
    if await session.choose("Delete all of it?", ["Yes, delete all of it", "No, keep it"]) == 0:
        session.show(deleted_card(await service.forget(session.user_id)))
    else:
        session.show(kept_card())


COMMANDS = [
    ShellCommand("privacy", "/privacy [show|forget]", "see what is stored about you, or delete it all", privacy_command)
]
