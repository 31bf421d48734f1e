"""What the bot stores about a member, and forgetting it on request.

Relies on the storage convention that every table with member data has a ``user_id`` column (child
rows cascade), so a feature added later is covered without touching this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.cards import Card
from bot.services import Services

#: How each table reads to a member; a table missing here is still shown and deleted, under its own name.
DESCRIPTIONS = {
    "helpful_votes": "your 'Helpful?' votes on answers",
    "check_sessions": "your three-question checks and their verdicts",
    "quiz_sessions": "your quizzes and their scores",
    "quiz_answers": "your answers to quiz questions",
    "drill_answers": "your drill practice answers and their feedback (streaks are counted from these)",
    "drill_schedule_contacts": "drill schedules you set up as a moderator (you are told if one pauses)",
}


@dataclass(frozen=True)
class StoredData:
    """Row counts per kind of data for one member."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        return [f"{count} × {describe(table)}" for table, count in self.counts.items() if count]


def describe(table: str) -> str:
    return DESCRIPTIONS.get(table, table.replace("_", " "))


async def stored_about(services: Services, user_id: int) -> StoredData:
    counts = {}
    for table in await services.db.user_tables():
        row = await services.db.fetchone(f'SELECT count(*) FROM "{table}" WHERE user_id = ?', (user_id,))
        counts[table] = int(row[0]) if row else 0
    return StoredData(counts)


async def forget(services: Services, user_id: int) -> StoredData:
    """Delete everything about the member in one transaction: all of it goes, or nothing does."""
    tables = await services.db.user_tables()
    deleted = {}
    async with services.db.transaction() as tx:
        for table in tables:
            deleted[table] = await tx.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (user_id,))
    return StoredData(deleted)


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
