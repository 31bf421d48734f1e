"""What curation keeps: which unanswered questions moderators handled (``handled_questions``), the
signals members gave after one (``suggestion_opens``, written by asking), the questions behind "not
helpful" votes (``helpful_votes.question``) and the edits made from Discord (``knowledge_edits``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.curation.engine import Asked, EditRecord, Signal
from bot.storage.database import Database, Row

#: A server, questions asked outside any server (None), or every server (the terminal's ``kb gaps``).
Scope = int | None | Literal["all"]


@dataclass(frozen=True)
class Undoable:
    record: EditRecord
    before_text: str
    after_sha256: str


def _in(scope: Scope, column: str = "guild_id") -> tuple[str, tuple[Any, ...]]:
    if scope == "all":
        return "1 = 1", ()
    return (f"{column} IS NULL", ()) if scope is None else (f"{column} = ?", (scope,))


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _record(row: Row) -> EditRecord:
    made_at = _time(row["made_at"])
    assert made_at is not None
    return EditRecord(
        id=int(row["id"]),
        made_at=made_at,
        guild_id=None if row["guild_id"] is None else int(row["guild_id"]),
        moderator=str(row["moderator"]),
        action=str(row["action"]),
        file=str(row["file"]),
        summary=str(row["summary"]),
        commit_sha=row["commit_sha"],
        commit_note=row["commit_note"],
        reverted_by=row["reverted_by"],
        reverts=row["reverts"],
    )


_EDIT_COLUMNS = "id, made_at, guild_id, moderator, action, file, summary, commit_sha, commit_note, reverted_by, reverts"


class CurationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open_questions(self, scope: Scope, limit: int) -> list[Asked]:
        """Unanswered questions no moderator handled yet, newest first."""
        where, params = _in(scope, "u.guild_id")
        rows = await self.db.fetchall(
            "SELECT u.id, u.normalised, u.question, u.asked_at FROM unanswered_questions u "
            f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM handled_questions h WHERE h.unanswered_id = u.id) "
            "ORDER BY u.id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            Asked(int(r["id"]), str(r["normalised"]), str(r["question"]), dt.datetime.fromisoformat(r["asked_at"]))
            for r in rows
        ]

    async def signals(self, scope: Scope) -> list[Signal]:
        """Members' opens of suggested entries, for questions not handled yet."""
        where, params = _in(scope, "u.guild_id")
        rows = await self.db.fetchall(
            "SELECT s.unanswered_id, s.entry_id, s.helpful, s.opened_at, s.next_asked_at "
            "FROM suggestion_opens s JOIN unanswered_questions u ON u.id = s.unanswered_id "
            f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM handled_questions h WHERE h.unanswered_id = u.id) "
            "ORDER BY s.id",
            params,
        )
        found = []
        for r in rows:
            opened = _time(r["opened_at"])
            assert opened is not None
            helpful = None if r["helpful"] is None else bool(r["helpful"])
            found.append(
                Signal(int(r["unanswered_id"]), str(r["entry_id"]), helpful, opened, _time(r["next_asked_at"]))
            )
        return found

    async def handle(self, scope: Scope, normalised: Sequence[str], action: str, now: dt.datetime) -> int:
        """Take every not yet handled question asked with one of these wordings out of the gaps."""
        if not normalised:
            return 0
        where, params = _in(scope)
        marks = ", ".join("?" for _ in normalised)
        return await self.db.execute(
            "INSERT INTO handled_questions (unanswered_id, action, handled_at) "
            f"SELECT id, ?, ? FROM unanswered_questions WHERE {where} AND normalised IN ({marks}) "
            "ON CONFLICT (unanswered_id) DO NOTHING",
            (action, now.isoformat(), *params, *normalised),
        )

    async def unhelpful(self, scope: Scope, limit: int) -> list[tuple[str, str, int]]:
        """(entry id, question, votes) for "not helpful" votes that know their question, most votes first."""
        where, params = _in(scope)
        rows = await self.db.fetchall(
            "SELECT entry_id, question, COUNT(*) AS n, MAX(voted_at) AS latest FROM helpful_votes "
            f"WHERE {where} AND helpful = 0 AND question IS NOT NULL "
            "GROUP BY entry_id, question ORDER BY n DESC, latest DESC LIMIT ?",
            (*params, limit),
        )
        return [(str(r["entry_id"]), str(r["question"]), int(r["n"])) for r in rows]

    async def record_edit(
        self,
        *,
        made_at: dt.datetime,
        guild_id: int | None,
        moderator_id: int | None,
        moderator: str,
        action: str,
        file: str,
        summary: str,
        before_text: str,
        after_sha256: str,
        commit_sha: str | None,
        commit_note: str | None,
        reverts: int | None = None,
    ) -> int:
        """Keep an edit for /kb history; an undo (``reverts``) also marks the edit it reverted."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO knowledge_edits (made_at, guild_id, moderator_id, moderator, action, file, summary, "
                "before_text, after_sha256, commit_sha, commit_note, reverts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    made_at.isoformat(),
                    guild_id,
                    moderator_id,
                    moderator,
                    action,
                    file,
                    summary,
                    before_text,
                    after_sha256,
                    commit_sha,
                    commit_note,
                    reverts,
                ),
            )
            assert row is not None
            edit_id = int(row["id"])
            if reverts is not None:
                await tx.execute("UPDATE knowledge_edits SET reverted_by = ? WHERE id = ?", (edit_id, reverts))
        return edit_id

    async def edits(self, limit: int) -> list[EditRecord]:
        """The latest edits, newest first."""
        rows = await self.db.fetchall(f"SELECT {_EDIT_COLUMNS} FROM knowledge_edits ORDER BY id DESC LIMIT ?", (limit,))
        return [_record(r) for r in rows]

    async def last_undoable(self) -> Undoable | None:
        """The newest edit that is not an undo and was not reverted yet."""
        row = await self.db.fetchone(
            f"SELECT {_EDIT_COLUMNS}, before_text, after_sha256 FROM knowledge_edits "
            "WHERE reverts IS NULL AND reverted_by IS NULL ORDER BY id DESC LIMIT 1"
        )
        return None if row is None else Undoable(_record(row), str(row["before_text"]), str(row["after_sha256"]))
