"""The privacy screens as cards, shared by ``/privacy`` in Discord and in the shell."""

from __future__ import annotations

from bot.cards import Card
from bot.privacy.engine import StoredData

NOTHING = "I don't store anything about you."


def stored_card(data: StoredData) -> Card:
    return Card(
        "What I store about you",
        "\n".join(data.lines()) or NOTHING,
        footer="Questions nobody could answer are kept without your id. /privacy forget deletes the rest.",
    )


def confirm_card(data: StoredData) -> Card:
    return Card("Delete everything about you?", "\n".join(data.lines()) + "\n\nThis cannot be undone.", tone="warn")


def deleted_card(deleted: StoredData) -> Card:
    return Card(
        "Deleted",
        "\n".join(deleted.lines()) or "There was nothing left to delete.",
        footer="Unanswered questions never had your id.",
        tone="good",
    )
