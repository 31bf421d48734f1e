"""The values every member session shares, and when one has been idle too long: pure, no database or clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["active", "finished", "quit", "expired", "abandoned"]
#: Statuses of a session that ended before every question was answered.
UNFINISHED: tuple[Status, ...] = ("quit", "expired", "abandoned")


@dataclass(frozen=True)
class OpenSession:
    """Starting a session while another is active: where that one stands, for the member to continue it
    or abandon it for the one just asked for."""

    session_id: int
    theme: str | None
    #: The question it is at, counted from 1.
    number: int
    total: int

    @property
    def position(self) -> int:
        """The question it is at as an index into its plan (counted from 0)."""
        return self.number - 1


class ActiveSessionExists(Exception):
    """A store refused a second active session for a member (its one-active-session index did)."""


def idle_since(now: dt.datetime, ttl: dt.timedelta) -> dt.datetime:
    """Sessions untouched since before this instant have expired."""
    return now - ttl


def expired(last_activity: dt.datetime, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """Whether a session last touched at ``last_activity`` has been idle for longer than ``ttl``."""
    return last_activity < idle_since(now, ttl)
