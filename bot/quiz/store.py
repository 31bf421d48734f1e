"""The quiz's SQL. Every state change is a conditional write, so repeated or racing clicks are harmless.

An answer is an insert guarded by the ``(session_id, position)`` primary key; moving on, ending and
expiring only happen from the state they expect (``WHERE position = ?``, ``WHERE status = 'active'``).
Whoever loses a race simply reads the state the winner left.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from bot.quiz.engine import Answer, Outcome, PlanItem
from bot.sessions.engine import ActiveSessionExists, Status
from bot.storage.database import Database, Row


@dataclass(frozen=True)
class SessionRecord:
    id: int
    user_id: int
    guild_id: int | None
    theme: str | None
    plan: tuple[PlanItem, ...]
    position: int
    status: Status
    score: int
    started_at: dt.datetime
    last_activity_at: dt.datetime
    ended_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.status == "active"


class QuizStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, user_id: int, guild_id: int | None, theme: str | None, plan: list[PlanItem], now: dt.datetime
    ) -> int:
        encoded = json.dumps(
            [{"question": p.question_id, "theme": p.theme, "points": p.points, "order": list(p.order)} for p in plan]
        )
        row = await self.db.execute_returning(
            "INSERT INTO quiz_sessions (user_id, guild_id, theme, plan, started_at, last_activity_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (user_id, guild_id, theme, encoded, now.isoformat(), now.isoformat()),
        )
        if row is None:  # the one-active-quiz index refused it
            raise ActiveSessionExists
        return int(row["id"])

    async def get(self, session_id: int) -> SessionRecord | None:
        row = await self.db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def active_for(self, user_id: int) -> SessionRecord | None:
        row = await self.db.fetchone("SELECT * FROM quiz_sessions WHERE user_id = ? AND status = 'active'", (user_id,))
        return _session(row) if row else None

    async def expire_idle(self, idle_since: dt.datetime, session_id: int | None = None) -> None:
        """Close every quiz (or just ``session_id``) untouched since ``idle_since``; its time ends at the last click."""
        only = "" if session_id is None else " AND id = ?"
        await self.db.execute(
            "UPDATE quiz_sessions SET status = 'expired', ended_at = last_activity_at, "
            "score = (SELECT COALESCE(SUM(points), 0) FROM quiz_answers WHERE session_id = quiz_sessions.id) "
            f"WHERE status = 'active' AND last_activity_at < ?{only}",
            (idle_since.isoformat(),) if session_id is None else (idle_since.isoformat(), session_id),
        )

    async def answers(self, session_id: int) -> dict[int, Answer]:
        rows = await self.db.fetchall(
            "SELECT * FROM quiz_answers WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return {
            row["position"]: Answer(
                position=row["position"],
                question_id=row["question_id"],
                theme=row["theme"],
                points=row["points"],
                chosen=row["chosen"],
                outcome=cast(Outcome, row["outcome"]),
            )
            for row in rows
        }

    async def record(self, session: SessionRecord, answer: Answer, now: dt.datetime, *, advance: bool) -> bool:
        """Store the answer unless that position already has one; True if this call stored it.

        With ``advance`` (a skip) the quiz moves to the next question in the same transaction.
        """
        async with self.db.transaction() as tx:
            stored = await tx.execute(
                "INSERT INTO quiz_answers (session_id, position, user_id, question_id, theme, points, chosen, "
                "outcome, answered_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM quiz_sessions WHERE id = ? AND status = 'active' AND position = ?) "
                "ON CONFLICT (session_id, position) DO NOTHING",
                (
                    session.id,
                    answer.position,
                    session.user_id,
                    answer.question_id,
                    answer.theme,
                    answer.points,
                    answer.chosen,
                    answer.outcome,
                    now.isoformat(),
                    session.id,
                    answer.position,
                ),
            )
            if stored != 1:
                return False
            step = 1 if advance else 0
            await tx.execute(
                "UPDATE quiz_sessions SET position = position + ?, last_activity_at = ? WHERE id = ?",
                (step, now.isoformat(), session.id),
            )
            return True

    async def advance(self, session_id: int, from_position: int, now: dt.datetime) -> bool:
        """Move past an answered question; a second click on the same Next button changes nothing."""
        moved = await self.db.execute(
            "UPDATE quiz_sessions SET position = position + 1, last_activity_at = ? "
            "WHERE id = ? AND status = 'active' AND position = ? "
            "AND EXISTS (SELECT 1 FROM quiz_answers WHERE session_id = ? AND position = ?)",
            (now.isoformat(), session_id, from_position, session_id, from_position),
        )
        return moved == 1

    async def end(self, session_id: int, status: Status, score: int, now: dt.datetime) -> bool:
        ended = await self.db.execute(
            "UPDATE quiz_sessions SET status = ?, score = ?, ended_at = ?, last_activity_at = ? "
            "WHERE id = ? AND status = 'active'",
            (status, score, now.isoformat(), now.isoformat(), session_id),
        )
        return ended == 1

    async def last_outcomes(self, user_id: int) -> dict[str, Outcome]:
        """The member's most recent outcome per question they have ever been asked."""
        rows = await self.db.fetchall(
            "SELECT question_id, outcome FROM ("
            "  SELECT question_id, outcome, ROW_NUMBER() OVER ("
            "    PARTITION BY question_id ORDER BY answered_at DESC, session_id DESC) AS newest"
            "  FROM quiz_answers WHERE user_id = ?"
            ") AS ranked WHERE newest = 1",
            (user_id,),
        )
        return {row["question_id"]: cast(Outcome, row["outcome"]) for row in rows}

    async def best_score(self, user_id: int, *, before_session: int | None = None) -> int | None:
        """Best score of the member's finished quizzes (those started before ``before_session`` if given)."""
        row = await self.db.fetchone(
            "SELECT MAX(score) FROM quiz_sessions WHERE user_id = ? AND status = 'finished' AND id < ?",
            (user_id, before_session if before_session is not None else 2**63 - 1),
        )
        return None if row is None or row[0] is None else int(row[0])

    async def status_counts(self, user_id: int) -> dict[Status, int]:
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) AS n FROM quiz_sessions WHERE user_id = ? GROUP BY status", (user_id,)
        )
        return {cast(Status, row["status"]): int(row["n"]) for row in rows}

    async def theme_totals(self, user_id: int) -> list[tuple[str, int, int]]:
        """``(theme, right, asked)`` over all the member's answers, skips counted as asked."""
        rows = await self.db.fetchall(
            "SELECT theme, COUNT(CASE WHEN outcome = 'right' THEN 1 END) AS right, COUNT(*) AS asked FROM quiz_answers "
            "WHERE user_id = ? GROUP BY theme",
            (user_id,),
        )
        return [(row["theme"], int(row["right"]), int(row["asked"])) for row in rows]

    async def guild_players(self, guild_id: int) -> list[tuple[int, int | None, int, int]]:
        """``(user_id, best_score, answered, finished)`` for everyone who started a quiz in this server."""
        rows = await self.db.fetchall(
            "SELECT s.user_id AS user_id, "
            "  MAX(CASE WHEN s.status = 'finished' THEN s.score END) AS best, "
            "  COUNT(CASE WHEN s.status = 'finished' THEN 1 END) AS finished, "
            "  COALESCE(SUM((SELECT COUNT(*) FROM quiz_answers a "
            "                WHERE a.session_id = s.id AND a.outcome != 'skipped')), 0) AS answered "
            "FROM quiz_sessions s WHERE s.guild_id = ? GROUP BY s.user_id",
            (guild_id,),
        )
        return [
            (int(r["user_id"]), None if r["best"] is None else int(r["best"]), int(r["answered"]), int(r["finished"]))
            for r in rows
        ]


def _session(row: Row) -> SessionRecord:
    plan: list[dict[str, Any]] = json.loads(row["plan"])
    return SessionRecord(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        theme=row["theme"],
        plan=tuple(PlanItem(p["question"], p["theme"], int(p["points"]), tuple(p["order"])) for p in plan),
        position=row["position"],
        status=cast(Status, row["status"]),
        score=row["score"],
        started_at=dt.datetime.fromisoformat(row["started_at"]),
        last_activity_at=dt.datetime.fromisoformat(row["last_activity_at"]),
        ended_at=dt.datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
    )
