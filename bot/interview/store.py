"""The mock interview's SQL. Every state change is a conditional write, so repeated or racing submits and
clicks are harmless.

An answer is an insert guarded by the ``(session_id, step)`` primary key and by the session still being
active on that step; moving on, ending and expiring only happen from the state they expect. Whoever loses
a race reads the state the winner left.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from bot.drills.choice import Observation, observations_of
from bot.drills.feedback import Feedback
from bot.interview.engine import Answer, PlanItem, read_feedback
from bot.sessions.engine import ActiveSessionExists, Status
from bot.storage.database import Database, Row


@dataclass(frozen=True)
class SessionRecord:
    id: int
    user_id: int
    guild_id: int | None
    theme: str | None
    plan: tuple[PlanItem, ...]
    step: int
    status: Status
    started_at: dt.datetime
    last_activity_at: dt.datetime
    ended_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.status == "active"


class InterviewStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, user_id: int, guild_id: int | None, theme: str | None, plan: Sequence[PlanItem], now: dt.datetime
    ) -> int:
        encoded = json.dumps([{"drill": p.drill_id, "reason": p.reason} for p in plan], ensure_ascii=False)
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO interview_sessions (user_id, guild_id, theme, plan, started_at, last_activity_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (user_id, guild_id, theme, encoded, now.isoformat(), now.isoformat()),
            )
        if row is None:  # the one-active-session index refused it
            raise ActiveSessionExists
        return int(row["id"])

    async def get(self, session_id: int) -> SessionRecord | None:
        row = await self.db.fetchone("SELECT * FROM interview_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def active_for(self, user_id: int) -> SessionRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM interview_sessions WHERE user_id = ? AND status = 'active'", (user_id,)
        )
        return _session(row) if row else None

    async def sessions(self, user_id: int) -> list[SessionRecord]:
        """The member's sessions, newest first."""
        rows = await self.db.fetchall("SELECT * FROM interview_sessions WHERE user_id = ? ORDER BY id DESC", (user_id,))
        return [_session(row) for row in rows]

    async def previous_finished(self, user_id: int, before_session: int) -> SessionRecord | None:
        row = await self.db.fetchone(
            "SELECT * FROM interview_sessions WHERE user_id = ? AND status = 'finished' AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            (user_id, before_session),
        )
        return _session(row) if row else None

    async def expire_idle(self, idle_since: dt.datetime, session_id: int | None = None) -> None:
        """Close every session (or just ``session_id``) untouched since ``idle_since``."""
        only = "" if session_id is None else " AND id = ?"
        params: tuple[Any, ...] = (
            (idle_since.isoformat(),) if session_id is None else (idle_since.isoformat(), session_id)
        )
        await self.db.execute(
            "UPDATE interview_sessions SET status = 'expired', ended_at = last_activity_at "
            f"WHERE status = 'active' AND last_activity_at < ?{only}",
            params,
        )

    async def answers(self, session_id: int) -> dict[int, Answer]:
        rows = await self.db.fetchall(
            "SELECT * FROM interview_answers WHERE session_id = ? ORDER BY step", (session_id,)
        )
        return {row["step"]: _answer(row) for row in rows}

    async def member_answers(self, user_id: int) -> dict[int, list[Answer]]:
        """Every answer the member gave in a session, by session."""
        rows = await self.db.fetchall(
            "SELECT * FROM interview_answers WHERE user_id = ? ORDER BY session_id, step", (user_id,)
        )
        found: dict[int, list[Answer]] = {}
        for row in rows:
            found.setdefault(row["session_id"], []).append(_answer(row))
        return found

    async def observations(self, user_id: int) -> list[Observation]:
        """Every signal the member's interview answers were judged on, oldest first."""
        rows = await self.db.fetchall(
            "SELECT feedback, answered_at FROM interview_answers WHERE user_id = ? "
            "ORDER BY answered_at, session_id, step",
            (user_id,),
        )
        return [
            seen
            for row in rows
            for seen in observations_of(json.loads(row["feedback"]), dt.datetime.fromisoformat(row["answered_at"]))
        ]

    async def record(
        self,
        session: SessionRecord,
        *,
        step: int,
        drill_id: str,
        follow_up: int | None,
        answer: str,
        feedback: Feedback,
        now: dt.datetime,
        last: bool,
    ) -> bool:
        """Store the answer unless the step already has one or the session moved on; True if this call
        stored it. With ``last`` the session is finished in the same transaction."""
        async with self.db.transaction() as tx:
            stored = await tx.execute(
                "INSERT INTO interview_answers (session_id, step, user_id, drill_id, follow_up, answer, rating, "
                "feedback, answered_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM interview_sessions WHERE id = ? AND status = 'active' AND step = ?) "
                "ON CONFLICT (session_id, step) DO NOTHING",
                (
                    session.id,
                    step,
                    session.user_id,
                    drill_id,
                    follow_up,
                    answer,
                    feedback.rating,
                    json.dumps(feedback.to_json(), ensure_ascii=False),
                    now.isoformat(),
                    session.id,
                    step,
                ),
            )
            if stored != 1:
                return False
            if last:
                await tx.execute(
                    "UPDATE interview_sessions SET status = 'finished', ended_at = ?, last_activity_at = ? "
                    "WHERE id = ?",
                    (now.isoformat(), now.isoformat(), session.id),
                )
            else:
                await tx.execute(
                    "UPDATE interview_sessions SET last_activity_at = ? WHERE id = ?", (now.isoformat(), session.id)
                )
            return True

    async def advance(
        self, session_id: int, from_step: int, to_step: int, now: dt.datetime, *, answered: bool = True
    ) -> bool:
        """Move past a step, answered unless ``answered`` is False (its drill left the bank); a second click
        on the same Next button changes nothing."""
        sql = (
            "UPDATE interview_sessions SET step = ?, last_activity_at = ? "
            "WHERE id = ? AND status = 'active' AND step = ?"
        )
        params: tuple[Any, ...] = (to_step, now.isoformat(), session_id, from_step)
        if answered:
            sql += " AND EXISTS (SELECT 1 FROM interview_answers WHERE session_id = ? AND step = ?)"
            params += (session_id, from_step)
        return await self.db.execute(sql, params) == 1

    async def end(self, session_id: int, status: Status, now: dt.datetime) -> bool:
        ended = await self.db.execute(
            "UPDATE interview_sessions SET status = ?, ended_at = ?, last_activity_at = ? "
            "WHERE id = ? AND status = 'active'",
            (status, now.isoformat(), now.isoformat(), session_id),
        )
        return ended == 1


def _answer(row: Row) -> Answer:
    return Answer(
        step=row["step"],
        drill_id=row["drill_id"],
        follow_up=row["follow_up"],
        feedback=read_feedback(json.loads(row["feedback"])),
    )


def _session(row: Row) -> SessionRecord:
    plan: list[dict[str, Any]] = json.loads(row["plan"])
    return SessionRecord(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        theme=row["theme"],
        plan=tuple(PlanItem(p["drill"], p["reason"]) for p in plan),
        step=row["step"],
        status=cast(Status, row["status"]),
        started_at=dt.datetime.fromisoformat(row["started_at"]),
        last_activity_at=dt.datetime.fromisoformat(row["last_activity_at"]),
        ended_at=dt.datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
    )
