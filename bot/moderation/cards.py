"""``/moderators list`` as a card."""

from __future__ import annotations

from collections.abc import Iterable

from bot.cards import Card, Mention


def moderators_card(role_ids: Iterable[int]) -> Card:
    """Who counts as a moderator here: Manage Server, plus the server's and the config's moderator roles."""
    listed: list[str | Mention] = []
    for role_id in sorted(role_ids):
        listed += ["\n", Mention("role", role_id)] if listed else [Mention("role", role_id)]
    return Card(
        "Moderators",
        ("Members with **Manage Server**, plus these roles:\n", *(listed or ["No extra roles."])),
        footer="/moderators add",
    )
