"""What asking records: which entry answered (``ask_log``), questions without an answer
(``unanswered_questions``) and members' "Helpful?" votes (``helpful_votes``).

Neither log holds who asked: ``/kb stats`` and ``/kb gaps`` need counts per server, not people. Only a
vote carries a ``user_id`` (one vote per member and answer message), so ``/privacy forget`` deletes it.
"""

from __future__ import annotations

import datetime as dt

from bot.storage.database import Database


def _in_guild(guild_id: int | None) -> tuple[str, tuple[int, ...]]:
    """The condition for one server's rows, or for rows outside any server (DMs, the shell)."""
    return ("guild_id IS NULL", ()) if guild_id is None else ("guild_id = ?", (guild_id,))


class AskStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def log_answer(self, entry_id: str, guild_id: int | None, now: dt.datetime) -> None:
        await self.db.execute(
            "INSERT INTO ask_log (entry_id, guild_id, asked_at) VALUES (?, ?, ?)",
            (entry_id, guild_id, now.isoformat()),
        )

    async def log_unanswered(self, normalised: str, question: str, guild_id: int | None, now: dt.datetime) -> int:
        """Keep the question for ``/kb gaps``; returns its row id (suggestion buttons carry it).

        One statement, so no transaction: on SQLite one trip to the writer's thread instead of three."""
        row = await self.db.execute_returning(
            "INSERT INTO unanswered_questions (normalised, question, guild_id, asked_at) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            (normalised, question, guild_id, now.isoformat()),
        )
        assert row is not None
        return int(row["id"])

    async def unanswered_question(self, unanswered_id: int) -> str | None:
        row = await self.db.fetchone("SELECT question FROM unanswered_questions WHERE id = ?", (unanswered_id,))
        return None if row is None else str(row["question"])

    async def log_suggestion_open(self, unanswered_id: int, entry_id: str, user_id: int, now: dt.datetime) -> None:
        """The member who asked ``unanswered_id`` opened suggested entry ``entry_id`` (a curation signal)."""
        await self.db.execute(
            "INSERT INTO suggestion_opens (unanswered_id, entry_id, user_id, opened_at) "
            "SELECT id, ?, ?, ? FROM unanswered_questions WHERE id = ? "
            "ON CONFLICT (unanswered_id, entry_id, user_id) DO NOTHING",
            (entry_id, user_id, now.isoformat(), unanswered_id),
        )

    async def note_member_asked(self, user_id: int, now: dt.datetime) -> None:
        """The member asked something: the suggestions they opened before were not the end of it."""
        await self.db.execute(
            "UPDATE suggestion_opens SET next_asked_at = ? WHERE user_id = ? AND next_asked_at IS NULL",
            (now.isoformat(), user_id),
        )

    async def vote(
        self,
        *,
        user_id: int,
        entry_id: str,
        message_id: int,
        guild_id: int | None,
        helpful: bool,
        now: dt.datetime,
        question: str | None = None,
        unanswered_id: int | None = None,
    ) -> bool | None:
        """Store a member's vote on one answer message; returns the vote it replaced, if any.

        ``question`` is what the answer answered (``/kb stats`` lists it under "not helpful"); with
        ``unanswered_id`` the vote is on an entry suggested for that question, a curation signal too.
        """
        async with self.db.transaction() as tx:
            previous = await tx.fetchone(
                "SELECT helpful FROM helpful_votes WHERE user_id = ? AND entry_id = ? AND message_id = ?",
                (user_id, entry_id, message_id),
            )
            await tx.execute(
                "INSERT INTO helpful_votes (user_id, entry_id, message_id, guild_id, helpful, voted_at, question) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, entry_id, message_id) "
                "DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at",
                (user_id, entry_id, message_id, guild_id, int(helpful), now.isoformat(), question),
            )
            if unanswered_id is not None:
                await tx.execute(
                    "UPDATE suggestion_opens SET helpful = ? WHERE unanswered_id = ? AND entry_id = ? AND user_id = ?",
                    (int(helpful), unanswered_id, entry_id, user_id),
                )
        return None if previous is None else bool(previous[0])

    async def most_asked(self, guild_id: int | None, limit: int) -> list[tuple[str, int]]:
        """(entry id, times it answered), most asked first."""
        where, params = _in_guild(guild_id)
        rows = await self.db.fetchall(
            f"SELECT entry_id, COUNT(*) AS n FROM ask_log WHERE {where} "
            "GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
            (*params, limit),
        )
        return [(str(row["entry_id"]), int(row["n"])) for row in rows]

    async def votes(self, guild_id: int | None) -> dict[str, tuple[int, int]]:
        """Per entry: (helpful votes, not helpful votes)."""
        where, params = _in_guild(guild_id)
        rows = await self.db.fetchall(
            "SELECT entry_id, SUM(helpful) AS yes, SUM(1 - helpful) AS no FROM helpful_votes "
            f"WHERE {where} GROUP BY entry_id",
            params,
        )
        return {str(row["entry_id"]): (int(row["yes"]), int(row["no"])) for row in rows}

    async def prune_unanswered(self, before: dt.datetime) -> int:
        """Delete unanswered questions asked before ``before`` (and forget the questions on older votes);
        returns how many questions went."""
        await self.db.execute(
            "UPDATE helpful_votes SET question = NULL WHERE voted_at < ? AND question IS NOT NULL",
            (before.isoformat(),),
        )
        return await self.db.execute("DELETE FROM unanswered_questions WHERE asked_at < ?", (before.isoformat(),))
