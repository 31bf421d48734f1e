"""The poster: on every tick, post each server's due drill exactly once, whatever crashes in between.

The protocol, per server and local date:

1. **Claim** a ledger row (``status = 'claimed'``, a fresh random nonce, the chosen drill) in a
   transaction. The unique (server, local date) key means only one claim can ever exist.
2. **Send** the message with that nonce and ``enforce_nonce``: Discord returns the existing message
   instead of creating a second one when the same nonce comes again within a few minutes.
3. **Mark** the row ``posted`` with the message id (or ``failed`` with the reason).

A crash between 1 and 3 leaves a ``claimed`` row. On the next tick (after a restart, the first one) such
a row is resolved deterministically: within :data:`NONCE_WINDOW` of its claim it is sent again with the
same nonce, which either creates the message or returns the one that already went out, so exactly
once; after that window Discord may no longer deduplicate, so the row is marked ``failed`` ("outcome
unknown") and nothing is sent: at most once, never twice. A Discord channel's history can't be searched
cheaply for the message, so that is the trade-off, and it is logged.

Several bot processes (shard ranges) share one database: each posts only for the servers on its own
shards (``DrillSender.handles``), and a post is sent only while holding its lock
(``DrillStore.sending``, across processes on PostgreSQL), so a claim left by a process that was killed is
re-sent by exactly one process, and never while its first send may still be under way.

Losing the channel (deleted) or the permission to post pauses the server's schedule with the reason,
tells the moderator who set it up, and stops: no retry loop until ``/drills resume``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.drills import schedule as sched
from bot.drills.content import EMPTY_BANK, Drill, DrillBank
from bot.drills.engine import NO_SCHEDULE, Post, Schedule
from bot.drills.store import DrillStore
from bot.errors import UserFacingError
from bot.services import Services

log = logging.getLogger(__name__)

#: How long after a claim a re-send with the same nonce is trusted to be deduplicated by Discord
#: ("a few minutes" in its documentation; kept well inside that).
NONCE_WINDOW = dt.timedelta(minutes=2)
#: Sends in flight at once: enough to keep the pace below even when Discord answers slowly.
MAX_CONCURRENT_SENDS = 25
#: Requests per second the poster allows itself. Discord's global limit is 50 per bot; going faster only
#: collects 429s, and a request 429'd five times in a row fails. Interaction replies don't count towards
#: the global limit, so members' clicks still get answers while a big batch of drills goes out.
REQUESTS_PER_SECOND = 45.0
RESUME_HINT = "A moderator can fix this and run `/drills resume`."


class ChannelUnavailable(Exception):
    """The drill channel is gone or the bot may not post there; retrying cannot help until someone acts."""


class PostRejected(Exception):
    """Discord refused this message (a client error); the same message would be refused again."""


@dataclass(frozen=True)
class Delivery:
    """One drill message to send; the front end renders it."""

    post_id: int
    guild_id: int
    channel_id: int
    drill: Drill
    local_date: dt.date
    nonce: str
    ping_role_id: int | None
    threads: bool


@dataclass(frozen=True)
class Delivered:
    message_id: int
    thread_id: int | None


class DrillSender(Protocol):
    """What the poster needs from Discord (implemented in ``cogs/drills.py``; faked in unit tests)."""

    def handles(self, guild_id: int) -> bool:
        """Whether this bot process serves the server (its shard is here and the bot is still in it)."""

    async def deliver(self, delivery: Delivery) -> Delivered:
        """Send the drill (with the nonce) and open its thread; raise ChannelUnavailable or PostRejected."""

    async def notify(self, guild_id: int, user_id: int | None, text: str) -> None:
        """Tell a moderator something went wrong: DM ``user_id``, else the server's system channel."""


class Pacer:
    """Spaces requests evenly at a rate, so a burst of due drills stays under Discord's global limit."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self._next = 0.0

    async def take(self, cost: int = 1) -> None:
        """Wait for the next free slot; ``cost`` is how many requests the caller is about to make."""
        now = asyncio.get_running_loop().time()
        start = max(now, self._next)
        self._next = start + cost * self.interval
        if start > now:
            await asyncio.sleep(start - now)


@dataclass
class TickReport:
    """What one tick did, for logs, tests and the posting benchmark."""

    posted: list[int] = field(default_factory=list)  # guild ids
    missed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)  # claims given up as "outcome unknown"


class DrillPoster:
    def __init__(
        self, services: Services, sender: DrillSender, *, requests_per_second: float = REQUESTS_PER_SECOND
    ) -> None:
        self.services = services
        self.store = DrillStore(services.db)
        self.sender = sender
        self._pacer = Pacer(requests_per_second)

    @property
    def grace(self) -> dt.timedelta:
        """The configured grace window, but never shorter than two polls: a tick's own lateness isn't downtime."""
        drills = self.services.config.drills
        return max(dt.timedelta(hours=drills.grace_hours), dt.timedelta(seconds=2 * drills.poll_seconds))

    def _bank_ids(self) -> list[str]:
        return list(self.services.knowledge.current.part(DrillBank).drills)

    async def tick(self) -> TickReport:
        """Resolve leftover claims, then post every due drill; safe to call as often as you like."""
        report = TickReport()
        now = self.services.clock()
        jobs: list[Coroutine[Any, Any, None]] = []  # started only under the concurrency limit
        for post in await self.store.unresolved_claims():
            if self.sender.handles(post.guild_id):
                jobs.append(self._resolve_claim(post, report))
        bank_ids = self._bank_ids()
        taken = await self.store.taken_dates(since=(now - dt.timedelta(days=9)).date())
        for schedule in await self.store.active_schedules():
            if not self.sender.handles(schedule.guild_id):
                continue
            decision = sched.decide(schedule.rule, now, active_since=schedule.active_since, grace=self.grace)
            if decision is None or (schedule.guild_id, decision.occurrence.local_date.isoformat()) in taken:
                continue
            if isinstance(decision, sched.Missed):
                await self._miss(schedule, decision, report)
            elif not bank_ids:
                log.warning("Drill due in guild %s but the drill bank is empty", schedule.guild_id)
            else:
                jobs.append(self._post_due(schedule, decision.occurrence, bank_ids, report))
        if jobs:
            await self._run(jobs)
        return report

    async def _run(self, jobs: list[Coroutine[Any, Any, None]]) -> None:
        limiter = asyncio.Semaphore(MAX_CONCURRENT_SENDS)

        async def limited(job: Coroutine[Any, Any, None]) -> None:
            async with limiter:
                try:
                    await job
                except Exception:
                    log.exception("Drill posting job failed")  # one server's bug must not stop the others

        await asyncio.gather(*(limited(job) for job in jobs))

    async def _miss(self, schedule: Schedule, missed: sched.Missed, report: TickReport) -> None:
        hours = missed.late_by.total_seconds() / 3600
        detail = f"the bot was not running at post time and came back {hours:.1f} h late (grace window exceeded)"
        now = self.services.clock()
        if await self.store.hold_date(
            guild_id=schedule.guild_id,
            local_date=missed.occurrence.local_date,
            status="missed",
            scheduled_for=missed.occurrence.when,
            now=now,
            detail=detail,
        ):
            report.missed.append(schedule.guild_id)
            log.warning(
                "Skipped the drill of %s in guild %s: %s", missed.occurrence.local_date, schedule.guild_id, detail
            )

    async def _post_due(
        self, schedule: Schedule, occurrence: sched.Occurrence, bank_ids: list[str], report: TickReport
    ) -> None:
        post = await self.store.claim(
            guild_id=schedule.guild_id,
            local_date=occurrence.local_date,
            scheduled_for=occurrence.when,
            channel_id=schedule.channel_id,
            bank_ids=bank_ids,
            now=self.services.clock(),
        )
        if post is not None:
            await self._send(post, schedule, report)

    async def _resolve_claim(self, post: Post, report: TickReport) -> None:
        async with self.store.sending(post.id) as mine:
            if not mine:
                return  # being sent right now, by this process or another one
            current = await self.store.get_post(post.id)
            if current is None or current.status != "claimed":
                return  # resolved meanwhile (e.g. by /drills post-now finishing its send)
            await self._resolve_unsent(current, report)

    async def _resolve_unsent(self, post: Post, report: TickReport) -> None:
        now = self.services.clock()
        schedule = await self.store.get_schedule(post.guild_id)
        age = now - post.claimed_at
        if schedule is None or age > NONCE_WINDOW:
            detail = (
                f"outcome unknown: claimed {age.total_seconds() / 60:.0f} min ago and never confirmed; not re-sent "
                "because Discord may no longer recognise the nonce (at most once, never twice)"
            )
            await self.store.mark_failed(post.id, detail=detail, now=now)
            report.unknown.append(post.guild_id)
            log.warning("Drill post %s in guild %s: %s", post.id, post.guild_id, detail)
            return
        log.info("Re-sending unconfirmed drill post %s in guild %s with its nonce", post.id, post.guild_id)
        await self._deliver(post, schedule, report)

    async def _send(self, post: Post, schedule: Schedule, report: TickReport) -> Delivered | None:
        """Send a post just claimed, unless another task or process is already sending it."""
        async with self.store.sending(post.id) as mine:
            return await self._deliver(post, schedule, report) if mine else None

    async def _deliver(self, post: Post, schedule: Schedule, report: TickReport) -> Delivered | None:
        """Send a claimed post and record the outcome; a transient error leaves it claimed for a re-send.

        Called holding :meth:`DrillStore.sending`, so no other task or process sends the same post meanwhile.
        """
        drill = self.services.knowledge.current.part(DrillBank).drills.get(post.drill_id or "")
        if drill is None or post.nonce is None or post.channel_id is None:
            await self.store.mark_failed(
                post.id, detail=f"drill '{post.drill_id}' is no longer in the bank", now=self.services.clock()
            )
            report.failed.append(post.guild_id)
            return None
        delivery = Delivery(
            post_id=post.id,
            guild_id=post.guild_id,
            channel_id=post.channel_id,
            drill=drill,
            local_date=dt.date.fromisoformat(post.local_date),
            nonce=post.nonce,
            ping_role_id=schedule.ping_role_id,
            threads=schedule.threads,
        )
        try:
            await self._pacer.take(2 if schedule.threads else 1)  # the message, and the thread
            delivered = await self.sender.deliver(delivery)
        except ChannelUnavailable as exc:
            await self._pause_for(post, schedule, str(exc), report)
            return None
        except PostRejected as exc:
            await self.store.mark_failed(
                post.id, detail=f"Discord refused the message: {exc}", now=self.services.clock()
            )
            report.failed.append(post.guild_id)
            log.error("Drill post %s in guild %s refused by Discord: %s", post.id, post.guild_id, exc)
            return None
        except Exception:
            log.warning(
                "Drill post %s in guild %s: send failed with an unknown outcome; will re-send with the same nonce",
                post.id,
                post.guild_id,
                exc_info=True,
            )
            return None
        await self.store.mark_posted(
            post.id, message_id=delivered.message_id, thread_id=delivered.thread_id, now=self.services.clock()
        )
        report.posted.append(post.guild_id)
        return delivered

    async def _pause_for(self, post: Post, schedule: Schedule, reason: str, report: TickReport) -> None:
        now = self.services.clock()
        await self.store.mark_failed(post.id, detail=reason, now=now)
        await self.store.set_paused(schedule.guild_id, paused=True, reason=reason, now=now)
        report.paused.append(schedule.guild_id)
        log.warning("Paused the drill schedule of guild %s: %s", schedule.guild_id, reason)
        text = f"The daily interview drill is paused: {reason}. {RESUME_HINT}"
        try:
            await self.sender.notify(schedule.guild_id, schedule.contact_user_id, text)
        except Exception:
            log.warning("Could not tell anyone in guild %s that drills are paused", schedule.guild_id, exc_info=True)

    async def post_now(self, guild_id: int) -> Post:
        """/drills post-now: today's drill (in the server's time zone) right away, still once per date."""
        schedule = await self.store.get_schedule(guild_id)
        if schedule is None:
            raise UserFacingError(NO_SCHEDULE)
        bank_ids = self._bank_ids()
        if not bank_ids:
            raise UserFacingError(EMPTY_BANK)
        now = self.services.clock()
        today = sched.local_today(schedule.rule, now)
        post = await self.store.claim(
            guild_id=guild_id,
            local_date=today,
            scheduled_for=now,
            channel_id=schedule.channel_id,
            bank_ids=bank_ids,
            now=now,
            take_over=True,
        )
        if post is None:
            existing = await self.store.post_on(guild_id, today)
            state = "is being posted right now" if existing and existing.status == "claimed" else "is already out"
            raise UserFacingError(f"Today's drill ({today.isoformat()}) {state}; there's one drill per day.")
        report = TickReport()
        delivered = await self._send(post, schedule, report)
        if report.paused:
            fresh = await self.store.get_schedule(guild_id)
            reason = fresh.paused_reason if fresh else "the channel can't be used"
            raise UserFacingError(
                f"I couldn't post the drill: {reason}. The schedule is paused until `/drills resume`."
            )
        if report.failed:
            raise UserFacingError("Discord refused the drill message; the details are in the bot's log.")
        if delivered is None:
            raise UserFacingError(
                "Discord didn't confirm the post. I'll retry it automatically within a minute or two; "
                "it won't be posted twice."
            )
        posted = await self.store.get_post(post.id)
        assert posted is not None
        return posted
