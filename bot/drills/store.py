"""The drills' tables: schedules (with the moderator to tell), the post ledger, and practice answers.

The ledger is what makes posting exactly-once per server and local date: a row is claimed inside a
transaction against a ``UNIQUE (guild_id, local_date)`` key before anything is sent, so a second tick,
a second task or a restarted bot finds the date taken and does nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Literal
from zoneinfo import ZoneInfo

from bot.drills.choice import Observation, observations_of
from bot.drills.engine import REUSABLE, Post, Schedule, next_in_rotation
from bot.drills.feedback import Feedback
from bot.drills.schedule import Rule, days_to_mask, format_time, mask_to_days
from bot.storage.database import Database, Row

_SCHEDULE_SELECT = (
    "SELECT s.*, c.user_id AS contact_user_id FROM drill_schedules s "
    "LEFT JOIN drill_schedule_contacts c ON c.guild_id = s.guild_id"
)


class DrillStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- schedules ------------------------------------------------------------------------------------

    async def get_schedule(self, guild_id: int) -> Schedule | None:
        row = await self.db.fetchone(f"{_SCHEDULE_SELECT} WHERE s.guild_id = ?", (guild_id,))
        return _schedule(row) if row else None

    async def active_schedules(self) -> list[Schedule]:
        return [_schedule(row) for row in await self.db.fetchall(f"{_SCHEDULE_SELECT} WHERE s.paused = 0")]

    async def save_schedule(self, schedule: Schedule, now: dt.datetime) -> None:
        """Create or replace a server's schedule; it starts (again) unpaused from ``schedule.active_since``."""
        rule = schedule.rule
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO drill_schedules (guild_id, channel_id, local_time, timezone, days, ping_role_id, "
                "threads, paused, paused_reason, active_since, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?) "
                "ON CONFLICT(guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
                "local_time = excluded.local_time, timezone = excluded.timezone, days = excluded.days, "
                "ping_role_id = excluded.ping_role_id, threads = excluded.threads, paused = 0, paused_reason = NULL, "
                "active_since = excluded.active_since, updated_at = excluded.updated_at",
                (
                    schedule.guild_id,
                    schedule.channel_id,
                    format_time(rule.at),
                    rule.zone.key,
                    days_to_mask(rule.days),
                    schedule.ping_role_id,
                    int(schedule.threads),
                    schedule.active_since.isoformat(),
                    now.isoformat(),
                ),
            )
            if schedule.contact_user_id is not None:
                await tx.execute(
                    "INSERT INTO drill_schedule_contacts (guild_id, user_id) VALUES (?, ?) "
                    "ON CONFLICT(guild_id) DO UPDATE SET user_id = excluded.user_id",
                    (schedule.guild_id, schedule.contact_user_id),
                )

    async def set_paused(self, guild_id: int, *, paused: bool, reason: str | None, now: dt.datetime) -> bool:
        """Pause or resume; resuming moves ``active_since`` to now so missed dates are not posted late."""
        if paused:
            sql = "UPDATE drill_schedules SET paused = 1, paused_reason = ?, updated_at = ? WHERE guild_id = ?"
            params: tuple[object, ...] = (reason, now.isoformat(), guild_id)
        else:
            sql = (
                "UPDATE drill_schedules SET paused = 0, paused_reason = NULL, active_since = ?, updated_at = ? "
                "WHERE guild_id = ?"
            )
            params = (now.isoformat(), now.isoformat(), guild_id)
        return await self.db.execute(sql, params) > 0

    # -- the post ledger ------------------------------------------------------------------------------

    async def taken_dates(self, since: dt.date) -> set[tuple[int, str]]:
        """(guild, local date) pairs that already have a ledger row, for one cheap check per tick."""
        rows = await self.db.fetchall(
            "SELECT guild_id, local_date FROM drill_posts WHERE local_date >= ?", (since.isoformat(),)
        )
        return {(row["guild_id"], row["local_date"]) for row in rows}

    async def claim(
        self,
        *,
        guild_id: int,
        local_date: dt.date,
        scheduled_for: dt.datetime,
        channel_id: int,
        bank_ids: Sequence[str],
        now: dt.datetime,
        take_over: bool = False,
    ) -> Post | None:
        """Claim the date and choose its drill in one transaction; None if the date is taken.

        ``take_over`` (for /drills post-now) also claims a date whose row is failed, skipped or missed.
        """
        date = local_date.isoformat()
        async with self.db.transaction() as tx:
            existing = await tx.fetchone(
                "SELECT id, status FROM drill_posts WHERE guild_id = ? AND local_date = ?", (guild_id, date)
            )
            if existing is not None and not (take_over and existing["status"] in REUSABLE):
                return None
            history = await tx.fetchall(
                "SELECT drill_id, cycle FROM drill_posts WHERE guild_id = ? AND drill_id IS NOT NULL "
                "AND status IN ('claimed', 'posted') ORDER BY cycle DESC, claimed_at DESC",
                (guild_id,),
            )
            cycle = history[0]["cycle"] if history else 0
            used = {row["drill_id"] for row in history if row["cycle"] == cycle}
            last = history[0]["drill_id"] if history else None
            drill_id, cycle = next_in_rotation(bank_ids, used, guild_id=guild_id, cycle=cycle, last=last)
            values = (drill_id, cycle, secrets.token_hex(8), channel_id, scheduled_for.isoformat(), now.isoformat())
            # Conditional writes, so a claim can never be taken twice even without the writer lock: the
            # unique (server, date) key refuses a second insert, and a take-over needs the status it saw.
            if existing is None:
                row = await tx.fetchone(
                    "INSERT INTO drill_posts (guild_id, local_date, status, drill_id, cycle, nonce, channel_id, "
                    "scheduled_for, claimed_at) VALUES (?, ?, 'claimed', ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, local_date) DO NOTHING RETURNING *",
                    (guild_id, date, *values),
                )
            else:
                row = await tx.fetchone(
                    "UPDATE drill_posts SET status = 'claimed', drill_id = ?, cycle = ?, nonce = ?, channel_id = ?, "
                    "scheduled_for = ?, claimed_at = ?, message_id = NULL, thread_id = NULL, finished_at = NULL, "
                    "detail = NULL WHERE id = ? AND status = ? RETURNING *",
                    (*values, existing["id"], existing["status"]),
                )
        return _post(row) if row is not None else None

    def sending(self, post_id: int) -> AbstractAsyncContextManager[bool]:
        """Hold the right to send a claimed post, across every bot process: True when this task holds it,
        False when another task or process is sending it now. A process that dies lets go of it."""
        return self.db.exclusive(f"drill-post:{post_id}")

    async def hold_date(
        self,
        *,
        guild_id: int,
        local_date: dt.date,
        status: Literal["skipped", "missed"],
        scheduled_for: dt.datetime,
        now: dt.datetime,
        detail: str,
    ) -> bool:
        """Take a date without posting (skipped by a moderator, missed while down); False if already taken."""
        taken = await self.db.execute(
            "INSERT INTO drill_posts (guild_id, local_date, status, scheduled_for, claimed_at, finished_at, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, local_date) DO NOTHING",
            (
                guild_id,
                local_date.isoformat(),
                status,
                scheduled_for.isoformat(),
                now.isoformat(),
                now.isoformat(),
                detail,
            ),
        )
        return taken > 0

    async def skipped_dates(self, guild_id: int, *, since: dt.date) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT local_date FROM drill_posts WHERE guild_id = ? AND status = 'skipped' AND local_date >= ? "
            "ORDER BY local_date",
            (guild_id, since.isoformat()),
        )
        return [row["local_date"] for row in rows]

    async def mark_posted(self, post_id: int, *, message_id: int, thread_id: int | None, now: dt.datetime) -> None:
        await self.db.execute(
            "UPDATE drill_posts SET status = 'posted', message_id = ?, thread_id = ?, finished_at = ?, detail = NULL "
            "WHERE id = ?",
            (message_id, thread_id, now.isoformat(), post_id),
        )

    async def mark_failed(self, post_id: int, *, detail: str, now: dt.datetime) -> None:
        await self.db.execute(
            "UPDATE drill_posts SET status = 'failed', finished_at = ?, detail = ? WHERE id = ?",
            (now.isoformat(), detail, post_id),
        )

    async def unresolved_claims(self) -> list[Post]:
        """Claims that never reached posted or failed: a crash, or a send whose outcome was unknown."""
        rows = await self.db.fetchall("SELECT * FROM drill_posts WHERE status = 'claimed' ORDER BY id")
        return [_post(row) for row in rows]

    async def get_post(self, post_id: int) -> Post | None:
        row = await self.db.fetchone("SELECT * FROM drill_posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def post_on(self, guild_id: int, local_date: dt.date) -> Post | None:
        row = await self.db.fetchone(
            "SELECT * FROM drill_posts WHERE guild_id = ? AND local_date = ?", (guild_id, local_date.isoformat())
        )
        return _post(row) if row else None

    async def last_post(self, guild_id: int) -> Post | None:
        row = await self.db.fetchone(
            "SELECT * FROM drill_posts WHERE guild_id = ? AND status IN ('posted', 'failed', 'missed') "
            "ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        return _post(row) if row else None

    # -- practice ---------------------------------------------------------------------------------------

    async def record_answer(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        drill_id: str,
        post_id: int | None,
        answer: str,
        feedback: Feedback,
        now: dt.datetime,
    ) -> None:
        await self.db.execute(
            "INSERT INTO drill_answers (user_id, guild_id, drill_id, post_id, answer, rating, feedback, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                guild_id,
                drill_id,
                post_id,
                answer,
                feedback.rating,
                json.dumps(feedback.to_json(), ensure_ascii=False),
                now.isoformat(),
            ),
        )

    async def observations(self, user_id: int) -> list[Observation]:
        """Every signal the member's practice answers were judged on, oldest first."""
        rows = await self.db.fetchall(
            "SELECT feedback, created_at FROM drill_answers WHERE user_id = ? ORDER BY created_at, id", (user_id,)
        )
        return [seen for row in rows for seen in observations_of(json.loads(row["feedback"]), _time(row["created_at"]))]

    async def posted_ids(self, guild_id: int) -> list[int]:
        """The server's scheduled drills that went out, newest first."""
        rows = await self.db.fetchall(
            "SELECT id FROM drill_posts WHERE guild_id = ? AND status = 'posted' ORDER BY local_date DESC",
            (guild_id,),
        )
        return [row["id"] for row in rows]

    async def practised_ids(self, guild_id: int, user_id: int) -> set[int]:
        """The server's scheduled drills the member practised."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT post_id FROM drill_answers WHERE guild_id = ? AND user_id = ? AND post_id IS NOT NULL",
            (guild_id, user_id),
        )
        return {row["post_id"] for row in rows}

    async def most_practised(self, guild_id: int, *, since: dt.datetime, limit: int) -> list[tuple[int, int, int]]:
        """(member, scheduled drills practised, of them strong) since ``since``; strong answers break ties."""
        rows = await self.db.fetchall(
            "SELECT user_id, COUNT(DISTINCT post_id) AS drills, "
            "COUNT(DISTINCT CASE WHEN rating = 'strong' THEN post_id END) AS strong, MIN(created_at) AS first "
            "FROM drill_answers WHERE guild_id = ? AND post_id IS NOT NULL AND created_at >= ? "
            "GROUP BY user_id ORDER BY drills DESC, strong DESC, first ASC LIMIT ?",
            (guild_id, since.isoformat(), limit),
        )
        return [(row["user_id"], row["drills"], row["strong"]) for row in rows]


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _schedule(row: Row) -> Schedule:
    hour, minute = (int(x) for x in row["local_time"].split(":"))
    return Schedule(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        rule=Rule(dt.time(hour, minute), ZoneInfo(row["timezone"]), mask_to_days(row["days"])),
        ping_role_id=row["ping_role_id"],
        threads=bool(row["threads"]),
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
        active_since=_time(row["active_since"]),
        contact_user_id=row["contact_user_id"],
    )


def _post(row: Row) -> Post:
    return Post(
        id=row["id"],
        guild_id=row["guild_id"],
        local_date=row["local_date"],
        status=row["status"],
        drill_id=row["drill_id"],
        cycle=row["cycle"],
        nonce=row["nonce"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        scheduled_for=_time(row["scheduled_for"]),
        claimed_at=_time(row["claimed_at"]),
        detail=row["detail"],
    )
