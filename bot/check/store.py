"""Check sessions (``check_sessions``): one row per check, its step, its answers and its verdict.

Moving a check on is compare-and-set on the step it was drawn for (``WHERE step = ? AND status =
'open'``), so two racing clicks cannot both apply; a member has at most one open check (a unique index),
and starting one looks at the open one in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json

from bot.check.engine import CheckSession, Status
from bot.storage.database import Database, Row


class CheckStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(
        self,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        now: dt.datetime,
        *,
        expired_before: dt.datetime,
    ) -> tuple[CheckSession, bool]:
        """A new open check, or the member's open one (and False) when it started at ``expired_before`` or later.

        An open check that started earlier is closed as expired first.
        """
        async with self.db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM check_sessions WHERE user_id = ? AND status = 'open'", (user_id,))
            if row is not None:
                session = _session(row)
                if session.created_at >= expired_before:
                    return session, False
                await tx.execute(
                    "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ?",
                    (now.isoformat(), session.id),
                )
            created = await tx.fetchone(
                "INSERT INTO check_sessions (user_id, guild_id, channel_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING *",
                (user_id, guild_id, channel_id, now.isoformat(), now.isoformat()),
            )
        assert created is not None  # RETURNING gives the inserted row
        return _session(created), True

    async def get(self, session_id: int) -> CheckSession | None:
        row = await self.db.fetchone("SELECT * FROM check_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def abandon(self, session_id: int, user_id: int, now: dt.datetime) -> None:
        await self.db.execute(
            "UPDATE check_sessions SET status = 'abandoned', updated_at = ? "
            "WHERE id = ? AND user_id = ? AND status = 'open'",
            (now.isoformat(), session_id, user_id),
        )

    async def expire(self, session_id: int, now: dt.datetime) -> None:
        await self.db.execute(
            "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'open'",
            (now.isoformat(), session_id),
        )

    async def move(self, session: CheckSession, step: int, answers: dict[str, str], now: dt.datetime) -> bool:
        """Go to ``step`` with ``answers``, if the check is still open on the step it was read at."""
        moved = await self.db.execute(
            "UPDATE check_sessions SET step = ?, answers = ?, updated_at = ? "
            "WHERE id = ? AND step = ? AND status = 'open'",
            (step, json.dumps(answers), now.isoformat(), session.id, session.step),
        )
        return moved > 0

    async def finish(
        self,
        session: CheckSession,
        step: int,
        answers: dict[str, str],
        verdict: tuple[str, str],
        now: dt.datetime,
    ) -> bool:
        """Record the verdict (id, title as shown), if the check is still open on the step it was read at."""
        verdict_id, verdict_title = verdict
        stamp = now.isoformat()
        finished = await self.db.execute(
            "UPDATE check_sessions SET step = ?, answers = ?, status = 'done', verdict_id = ?, verdict_title = ?, "
            "finished_at = ?, updated_at = ? WHERE id = ? AND step = ? AND status = 'open'",
            (
                step,
                json.dumps(answers),
                verdict_id,
                verdict_title,
                stamp,
                stamp,
                session.id,
                session.step,
            ),
        )
        return finished > 0

    async def finished(self, user_id: int, limit: int) -> list[CheckSession]:
        """The member's finished checks, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM check_sessions WHERE user_id = ? AND status = 'done' "
            "ORDER BY finished_at DESC, id DESC LIMIT ?",
            (user_id, limit),
        )
        return [_session(row) for row in rows]

    async def claim_share(self, session_id: int, now: dt.datetime) -> bool:
        """Mark the check as shared unless it already was: the one public post per check."""
        claimed = await self.db.execute(
            "UPDATE check_sessions SET shared_at = ? WHERE id = ? AND shared_at IS NULL", (now.isoformat(), session_id)
        )
        return claimed > 0

    async def unshare(self, session_id: int) -> None:
        await self.db.execute("UPDATE check_sessions SET shared_at = NULL WHERE id = ?", (session_id,))


def _session(row: Row) -> CheckSession:
    return CheckSession(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        step=row["step"],
        answers=dict(json.loads(row["answers"])),
        status=Status(row["status"]),
        verdict_id=row["verdict_id"],
        verdict_title=row["verdict_title"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        finished_at=_time(row["finished_at"]),
        shared_at=_time(row["shared_at"]),
    )


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
