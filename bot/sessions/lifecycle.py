"""The steps every session service runs around its own store: expiring idle sessions, finding the session
a click names (and whose it is), and starting one while keeping one active per member.

A feature's service holds one :class:`Lifecycle` over its store; the store keeps its own tables and SQL
and only has to answer :class:`Rows`. Nothing is kept in memory: every step reads the database again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from bot.errors import UserFacingError
from bot.sessions.engine import ActiveSessionExists, expired, idle_since


class Record(Protocol):
    """What the lifecycle reads of a feature's session record."""

    @property
    def id(self) -> int: ...

    @property
    def user_id(self) -> int: ...

    @property
    def active(self) -> bool: ...

    @property
    def last_activity_at(self) -> dt.datetime: ...


R = TypeVar("R", bound=Record)
R_co = TypeVar("R_co", bound=Record, covariant=True)


class Rows(Protocol[R_co]):
    """What the lifecycle asks of a feature's store (``QuizStore``, ``InterviewStore``)."""

    async def get(self, session_id: int) -> R_co | None: ...

    async def active_for(self, user_id: int) -> R_co | None: ...

    async def expire_idle(self, idle_since: dt.datetime, session_id: int | None = None) -> None:
        """Close every active session (or just ``session_id``) untouched since ``idle_since``."""


class Lifecycle(Generic[R]):
    """One feature's sessions: ``what`` names them in messages ("quiz"), ``start`` is the command for a new one."""

    def __init__(
        self, rows: Rows[R], clock: Callable[[], dt.datetime], ttl: dt.timedelta, *, what: str, start: str
    ) -> None:
        self.rows, self.clock, self.ttl = rows, clock, ttl
        self.gone = f"That {what} no longer exists. Start a new one with {start}."
        self.not_yours = f"This {what} belongs to someone else. Start your own with {start}."

    async def expire(self) -> dt.datetime:
        """Close every session idle for longer than the time to live; returns now."""
        await self.rows.expire_idle(idle_since(self.clock(), self.ttl))
        return self.clock()

    async def start(
        self,
        user_id: int,
        *,
        replacing: int | None,
        abandon: Callable[[R, dt.datetime], Awaitable[object]],
        create: Callable[[dt.datetime], Awaitable[int]],
    ) -> int | R:
        """Expire idle sessions, then create the member's new one: ``create(now)`` returns its id.

        While the member has another active session, that one is returned instead, for them to continue
        or abandon, unless it is ``replacing`` (the one they chose to abandon), which ``abandon(session,
        now)`` closes first. A start that loses a race to the store's one-active-session index ends the same way.
        """
        now = await self.expire()
        if replacing is not None:
            old = await self.rows.get(replacing)
            if old is not None and old.user_id == user_id and old.active:
                await abandon(old, now)
        active = await self.rows.active_for(user_id)
        if active is not None:
            return active
        try:
            return await create(now)
        except ActiveSessionExists:  # another start won the race a moment ago
            racing = await self.rows.active_for(user_id)
            if racing is None:
                raise
            return racing

    async def owned(self, session_id: int, user_id: int) -> R:
        """The session a click or form names, expired first if idle too long. Only this one: a click must
        not sweep the table."""
        session = await self.rows.get(session_id)
        if session is not None and session.active and expired(session.last_activity_at, self.clock(), self.ttl):
            await self.rows.expire_idle(idle_since(self.clock(), self.ttl), session.id)
            session = await self.rows.get(session_id)
        if session is None:
            raise UserFacingError(self.gone)
        if session.user_id != user_id:
            raise UserFacingError(self.not_yours)
        return session

    async def reload(self, session: R) -> R:
        """The session again after a change; gone if ``/privacy forget`` deleted it between two steps."""
        fresh = await self.rows.get(session.id)
        if fresh is None:
            raise UserFacingError(self.gone)
        return fresh
