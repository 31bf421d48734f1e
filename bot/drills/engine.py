"""The drill feature's state and rules as plain data and pure functions: a server's schedule, the post
ledger's rows, which drill comes next in a server's rotation, and how streaks are counted.

No database and no clock here (see ``store`` and ``service``); the time maths is in ``schedule``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.drills.schedule import Occurrence, Rule, format_time

#: What a moderator is told wherever a drill command needs the server's schedule and there is none.
NO_SCHEDULE = "There's no drill schedule here yet: set one up with `/drills setup`."

PostStatus = Literal["claimed", "posted", "failed", "skipped", "missed"]
#: Dates in these states can be claimed again by /drills post-now: nothing went out on them.
REUSABLE: tuple[PostStatus, ...] = ("failed", "skipped", "missed")


@dataclass(frozen=True)
class Schedule:
    guild_id: int
    channel_id: int
    rule: Rule
    ping_role_id: int | None
    threads: bool
    paused: bool
    paused_reason: str | None
    active_since: dt.datetime
    contact_user_id: int | None

    @property
    def local_time(self) -> str:
        return format_time(self.rule.at)


@dataclass(frozen=True)
class Post:
    id: int
    guild_id: int
    local_date: str
    status: PostStatus
    drill_id: str | None
    cycle: int
    nonce: str | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    scheduled_for: dt.datetime
    claimed_at: dt.datetime
    detail: str | None


@dataclass(frozen=True)
class ScheduleStatus:
    """What ``/drills status`` shows: the schedule, what goes out next, and how the last one went."""

    schedule: Schedule
    next_posts: tuple[Occurrence, ...]  # the next few that will really go out (skips left out)
    skipped: tuple[str, ...]  # upcoming local dates a moderator skipped
    last: Post | None


@dataclass(frozen=True)
class Streak:
    current: int
    practised: int  # scheduled drills practised in total
    scheduled: int  # scheduled drills posted in the server


@dataclass(frozen=True)
class TopEntry:
    user_id: int
    drills: int
    strong: int
    streak: int


def next_in_rotation(
    bank_ids: Sequence[str], used: set[str], *, guild_id: int, cycle: int, last: str | None
) -> tuple[str, int]:
    """The next drill for a server and the cycle it belongs to.

    Each cycle is the bank in an order shuffled with a seed of (server, cycle), so servers get different
    orders and a restart picks the same one. Drills already used in the cycle are skipped; when none is
    left a new cycle starts, avoiding an immediate repeat of the last drill. Drills added to the bank
    mid-cycle join the current cycle; removed ones simply stop being picked.
    """
    order = sorted(bank_ids)
    random.Random(f"{guild_id}:{cycle}").shuffle(order)
    remaining = [d for d in order if d not in used]
    if remaining:
        return remaining[0], cycle
    cycle += 1
    order = sorted(bank_ids)
    random.Random(f"{guild_id}:{cycle}").shuffle(order)
    if len(order) > 1 and order[0] == last:
        return order[1], cycle
    return order[0], cycle


def count_streak(posts_newest_first: Sequence[int], practised: set[int]) -> int:
    """Consecutive scheduled drills practised, counting back from the newest.

    The newest drill may still be open (posted this morning, not practised yet) without breaking the
    streak; any older gap ends it.
    """
    streak = 0
    for index, post_id in enumerate(posts_newest_first):
        if post_id in practised:
            streak += 1
        elif index > 0 or streak:
            break
    return streak
