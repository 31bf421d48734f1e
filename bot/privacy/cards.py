"""The privacy screens as cards, shared by ``/privacy`` in Discord and in the shell."""

from __future__ import annotations

from bot.cards import Card
from bot.privacy.engine import StoredData

NOTHING = "I don't store anything about you."
HOW_TO_DELETE = "/privacy forget deletes all of it, after asking you to confirm."


def stored_card(data: StoredData) -> Card:
    """What ``/privacy show`` shows: only shows, and says how to delete (deleting is ``/privacy forget``)."""
    return Card(
        "What I store about you",
        "\n".join(data.lines()) or NOTHING,
        footer=f"Questions nobody could answer are kept without your id. {HOW_TO_DELETE}" if data.total else None,
    )


def confirm_card(data: StoredData) -> Card:
    return Card("Delete everything about you?", "\n".join(data.lines()) + "\n\nThis cannot be undone.", tone="warn")


def kept_card() -> Card:
    """The answer to "No, keep it" on the confirmation."""
    return Card("Nothing deleted", f"Everything is kept as it was. {HOW_TO_DELETE}")


def deleted_card(deleted: StoredData) -> Card:
    return Card(
        "Deleted",
        "\n".join(deleted.lines()) or "There was nothing left to delete.",
        footer="Unanswered questions never had your id.",
        tone="good",
    )
