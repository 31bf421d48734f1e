"""Check sessions (``check_sessions``): one row per check, its step, its answers and its verdict; and the
job ad behind a posting check (``check_postings``), kept only while that check is open.

Moving a check on is compare-and-set on the step it was drawn for (``WHERE step = ? AND status =
'open'``), so two racing clicks cannot both apply; a member has at most one open check (a unique index),
and starting one looks at the open one in the same transaction. Every change that closes a check
(finished, abandoned, expired) deletes its ad in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json

from bot.check.engine import CheckSession, Status
from bot.storage.database import Database, Row, Transaction


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
        prefilled: tuple[int, dict[str, str], str] | None = None,
    ) -> tuple[CheckSession, bool]:
        """A new open check, or the member's open one (and False) when it started at ``expired_before`` or later.

        An open check that started earlier is closed as expired first. ``prefilled`` (step, answers, ad
        text) starts a posting check on that step with those answers, keeping the ad beside it.
        """
        step, answers, ad_text = prefilled if prefilled is not None else (0, {}, None)
        stamp = now.isoformat()
        async with self.db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM check_sessions WHERE user_id = ? AND status = 'open'", (user_id,))
            if row is not None:
                session = _session(row)
                if session.created_at >= expired_before:
                    return session, False
                await tx.execute(
                    "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ?", (stamp, session.id)
                )
                await tx.execute("DELETE FROM check_postings WHERE session_id = ?", (session.id,))
            created = await tx.fetchone(
                "INSERT INTO check_sessions (user_id, guild_id, channel_id, step, answers, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (user_id, guild_id, channel_id, step, json.dumps(answers), stamp, stamp),
            )
            assert created is not None  # RETURNING gives the inserted row
            if ad_text is not None:
                await tx.execute(
                    "INSERT INTO check_postings (user_id, session_id, ad_text, created_at) VALUES (?, ?, ?, ?)",
                    (user_id, created["id"], ad_text, stamp),
                )
        return _session(created), True

    async def keep_waiting_ad(self, user_id: int, ad_text: str, now: dt.datetime) -> int:
        """Keep an ad while the member decides about the check they have open; replaces one kept before."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM check_postings WHERE user_id = ? AND session_id IS NULL", (user_id,))
            row = await tx.fetchone(
                "INSERT INTO check_postings (user_id, ad_text, created_at) VALUES (?, ?, ?) RETURNING id",
                (user_id, ad_text, now.isoformat()),
            )
        assert row is not None
        return int(row["id"])

    async def waiting_ad(self, posting_id: int, user_id: int, *, kept_since: dt.datetime) -> str | None:
        """The text of an ad kept by :meth:`keep_waiting_ad`, unless it is gone or older than ``kept_since``."""
        row = await self.db.fetchone(
            "SELECT ad_text FROM check_postings "
            "WHERE id = ? AND user_id = ? AND session_id IS NULL AND created_at >= ?",
            (posting_id, user_id, kept_since.isoformat()),
        )
        return str(row["ad_text"]) if row is not None else None

    async def drop_waiting_ad(self, posting_id: int, user_id: int) -> None:
        await self.db.execute(
            "DELETE FROM check_postings WHERE id = ? AND user_id = ? AND session_id IS NULL", (posting_id, user_id)
        )

    async def ad_text(self, session_id: int) -> str | None:
        """The ad behind an open posting check; None for other checks and once the check has closed."""
        row = await self.db.fetchone("SELECT ad_text FROM check_postings WHERE session_id = ?", (session_id,))
        return str(row["ad_text"]) if row is not None else None

    async def sweep(self, now: dt.datetime, *, expired_before: dt.datetime) -> int:
        """Close every open check started before ``expired_before`` and delete every ad no longer needed.

        Checks expire lazily when their member comes back; this makes sure an ad is not kept for a member
        who never does. Returns how many ads were deleted.
        """
        stamp, cutoff = now.isoformat(), expired_before.isoformat()
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE status = 'open' AND created_at < ?",
                (stamp, cutoff),
            )
            return await tx.execute(
                "DELETE FROM check_postings WHERE (session_id IS NULL AND created_at < ?) "
                "OR session_id IN (SELECT id FROM check_sessions WHERE status <> 'open')",
                (cutoff,),
            )

    async def get(self, session_id: int) -> CheckSession | None:
        row = await self.db.fetchone("SELECT * FROM check_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def abandon(self, session_id: int, user_id: int, now: dt.datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE check_sessions SET status = 'abandoned', updated_at = ? "
                "WHERE id = ? AND user_id = ? AND status = 'open'",
                (now.isoformat(), session_id, user_id),
            )
            await _drop_closed_ad(tx, session_id)

    async def expire(self, session_id: int, now: dt.datetime) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE check_sessions SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'open'",
                (now.isoformat(), session_id),
            )
            await _drop_closed_ad(tx, session_id)

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
        async with self.db.transaction() as tx:
            finished = await tx.execute(
                "UPDATE check_sessions SET step = ?, answers = ?, status = 'done', verdict_id = ?, "
                "verdict_title = ?, finished_at = ?, updated_at = ? WHERE id = ? AND step = ? AND status = 'open'",
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
            await _drop_closed_ad(tx, session.id)
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


async def _drop_closed_ad(tx: Transaction, session_id: int) -> None:
    """Delete the check's ad once the check is no longer open (whoever closed it, in this transaction or not)."""
    await tx.execute(
        "DELETE FROM check_postings WHERE session_id = ? "
        "AND session_id IN (SELECT id FROM check_sessions WHERE status <> 'open')",
        (session_id,),
    )


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
