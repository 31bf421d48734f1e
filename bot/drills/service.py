"""The drill feature's core that every front end calls: drills on demand, practice with feedback,
schedules, streaks and the weekly top list. Get it with ``services.feature(DrillService)``.

Everything a member or moderator can get wrong (an unknown theme, a bad time, an answer too long) is
raised as :class:`UserFacingError` with an example of what works.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from rapidfuzz import process

from bot import limits
from bot.drills import choice
from bot.drills import schedule as sched
from bot.drills.content import EMPTY_BANK, Drill, DrillBank
from bot.drills.engine import NO_SCHEDULE, Schedule, ScheduleStatus, Streak, TopEntry, count_streak
from bot.drills.feedback import Feedback, assess
from bot.drills.store import DrillStore
from bot.errors import UserFacingError
from bot.services import Services

#: Below this an answer can't be judged; the modal asks for at least this many characters too.
MIN_ANSWER_LENGTH = 20
#: Reasons are stored without names: who paused is a member's data, and the ledger has no user_id column.
PAUSED_BY_MODERATOR = "paused by a moderator"


class UnknownDrill(UserFacingError):
    """A drill id that is not in the bank; the message lists a few that are."""


@dataclass(frozen=True)
class SetupRequest:
    """What ``/drills setup`` was given, still as typed, so the core can check and explain every part."""

    guild_id: int
    channel_id: int
    time: str
    timezone: str
    days: str = "daily"
    ping_role_id: int | None = None
    threads: bool = True
    moderator_id: int | None = None


def find_drill(bank: DrillBank, drill_id: str) -> Drill:
    """The drill with this id, or :class:`UnknownDrill` naming close (or else a few) valid ids."""
    drills = bank.drills
    if drill_id in drills:
        return drills[drill_id]
    if not drills:
        raise UnknownDrill(EMPTY_BANK)
    close = [str(m[0]) for m in process.extract(drill_id, list(drills), limit=3, score_cutoff=60)]
    some = close + [d for d in drills if d not in close][: 5 - len(close)]
    raise UnknownDrill(f"There's no drill '{drill_id}'. Some that exist: {', '.join(some)}.")


def check_answer(answer: str, limit: int) -> str:
    """The answer, trimmed, if its length can be judged; otherwise a message saying what to change."""
    text = answer.strip()
    if len(text) > limit:
        raise UserFacingError(
            f"Your answer is {len(text)} characters; the limit is {limit}. Interview answers land better "
            "short: cut it to the situation, your decision, the evidence and the result."
        )
    if len(text) < MIN_ANSWER_LENGTH:
        raise UserFacingError(
            f"That's too short to give feedback on ({len(text)} characters). Write the answer you'd give "
            "out loud, in a few sentences."
        )
    return text


def resolve_theme(bank: DrillBank, text: str) -> str:
    """A theme by name, case-insensitively, or by a close match; refused with the list otherwise."""
    themes = bank.themes()
    wanted = text.strip().lower()
    for theme in themes:
        if theme.lower() == wanted:
            return theme
    starts = [t for t in themes if t.lower().startswith(wanted) or wanted in t.lower()]
    if len(starts) == 1:
        return starts[0]
    match = process.extractOne(text, themes, score_cutoff=70)
    if match is not None:
        return str(match[0])
    raise UserFacingError(f"There's no drill theme '{limits.echo(text)}'. Themes: {', '.join(themes)}.")


class DrillService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = DrillStore(services.db)

    # -- the bank -------------------------------------------------------------------------------------

    @property
    def bank(self) -> DrillBank:
        return self.services.knowledge.current.part(DrillBank)

    def get(self, drill_id: str) -> Drill:
        return find_drill(self.bank, drill_id)

    def resolve_theme(self, text: str) -> str:
        return resolve_theme(self.bank, text)

    def theme_choices(self, typed: str) -> list[str]:
        wanted = typed.strip().lower()
        return [t for t in self.bank.themes() if wanted in t.lower()]

    def pick(self, theme: str | None = None, rng: random.Random | None = None) -> Drill:
        """A random drill, from one theme if given: the on-demand ``/drill``."""
        if not self.bank.drills:
            raise UserFacingError(EMPTY_BANK)
        pool = self.bank.in_theme(self.resolve_theme(theme)) if theme else list(self.bank.drills.values())
        return (rng or random).choice(pool)

    def choose(
        self,
        observations: list[choice.Observation],
        *,
        count: int,
        seed: str,
        theme: str | None = None,
    ) -> list[choice.Pick]:
        """The ``count`` drills (of one theme, if given) that exercise the signals the member's answers show
        least (``bot.drills.choice``): ``/drill`` without a theme and every mock interview."""
        if not self.bank.drills:
            raise UserFacingError(EMPTY_BANK)
        pool = self.bank.in_theme(self.resolve_theme(theme)) if theme else list(self.bank.drills.values())
        return choice.choose(pool, choice.tally(observations), count, seed)

    async def observations(self, user_id: int) -> list[choice.Observation]:
        """What the member's practice answers showed, signal by signal (``bot.drills.choice``)."""
        return await self.store.observations(user_id)

    # -- practice -------------------------------------------------------------------------------------

    def check_answer(self, answer: str) -> str:
        return check_answer(answer, self.services.config.drills.max_answer_length)

    def score(self, drill_id: str, answer: str) -> Feedback:
        """Feedback without storing anything (the CLI's ``drill score``)."""
        return assess(self.get(drill_id), self.check_answer(answer))

    async def practise(
        self, *, user_id: int, guild_id: int | None, drill_id: str, post_id: int | None, answer: str
    ) -> Feedback:
        """Judge and store an answer. ``post_id`` counts it towards streaks if it is that server's post."""
        drill = self.get(drill_id)
        text = self.check_answer(answer)
        feedback = assess(drill, text)
        if post_id is not None:
            post = await self.store.get_post(post_id)
            if post is None or post.guild_id != guild_id or post.drill_id != drill_id:
                post_id = None  # a forged or stale id: keep the practice, don't count it for a streak
        await self.store.record_answer(
            user_id=user_id,
            guild_id=guild_id,
            drill_id=drill.id,
            post_id=post_id,
            answer=text,
            feedback=feedback,
            now=self.services.clock(),
        )
        return feedback

    async def streak(self, guild_id: int, user_id: int) -> Streak:
        posts = await self.store.posted_ids(guild_id)
        practised = await self.store.practised_ids(guild_id, user_id)
        return Streak(current=count_streak(posts, practised), practised=len(practised), scheduled=len(posts))

    async def weekly_top(self, guild_id: int, limit: int = 10) -> list[TopEntry]:
        """Members who practised the most scheduled drills in the last 7 days; strong answers break ties."""
        since = self.services.clock() - dt.timedelta(days=7)
        return [
            TopEntry(user_id, drills, strong, (await self.streak(guild_id, user_id)).current)
            for user_id, drills, strong in await self.store.most_practised(guild_id, since=since, limit=limit)
        ]

    # -- schedules ------------------------------------------------------------------------------------

    async def setup(self, request: SetupRequest) -> ScheduleStatus:
        """Check every part of the request, then create or replace the schedule (unpaused, from now)."""
        rule = sched.Rule(
            at=sched.parse_time(request.time),
            zone=sched.parse_timezone(request.timezone),
            days=sched.parse_days(request.days),
        )
        now = self.services.clock()
        schedule = Schedule(
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            rule=rule,
            ping_role_id=request.ping_role_id,
            threads=request.threads,
            paused=False,
            paused_reason=None,
            active_since=now,
            contact_user_id=request.moderator_id,
        )
        await self.store.save_schedule(schedule, now)
        return await self.status(request.guild_id)

    async def require_schedule(self, guild_id: int) -> Schedule:
        schedule = await self.store.get_schedule(guild_id)
        if schedule is None:
            raise UserFacingError(NO_SCHEDULE)
        return schedule

    async def status(self, guild_id: int) -> ScheduleStatus:
        schedule = await self.require_schedule(guild_id)
        now = self.services.clock()
        since = now - dt.timedelta(days=1)
        taken = await self.store.taken_dates(since=since.date())
        upcoming = [
            o
            for o in sched.upcoming(schedule.rule, max(now, schedule.active_since))
            if (guild_id, o.local_date.isoformat()) not in taken
        ]
        skipped = await self.store.skipped_dates(guild_id, since=sched.local_today(schedule.rule, now))
        return ScheduleStatus(
            schedule=schedule,
            next_posts=tuple(upcoming[:3]),
            skipped=tuple(skipped),
            last=await self.store.last_post(guild_id),
        )

    async def pause(self, guild_id: int) -> None:
        schedule = await self.require_schedule(guild_id)
        if schedule.paused:
            raise UserFacingError(f"Drills are already paused ({schedule.paused_reason}).")
        await self.store.set_paused(guild_id, paused=True, reason=PAUSED_BY_MODERATOR, now=self.services.clock())

    async def resume(self, guild_id: int) -> ScheduleStatus:
        """Unpause; dates that passed while paused are not posted late (the next one is)."""
        schedule = await self.require_schedule(guild_id)
        if not schedule.paused:
            raise UserFacingError("Drills aren't paused; `/drills status` shows when the next one goes out.")
        await self.store.set_paused(guild_id, paused=False, reason=None, now=self.services.clock())
        return await self.status(guild_id)

    async def skip_next(self, guild_id: int) -> sched.Occurrence:
        """Skip the next drill that would go out (each call skips one more)."""
        status = await self.status(guild_id)
        if not status.next_posts:
            raise UserFacingError("There's no upcoming drill to skip.")
        target = status.next_posts[0]
        await self.store.hold_date(
            guild_id=guild_id,
            local_date=target.local_date,
            status="skipped",
            scheduled_for=target.when,
            now=self.services.clock(),
            detail="skipped by a moderator",
        )
        return target
