"""The poster and schedules against a fake Discord: exactly once per server and local date, whatever
crashes, restarts, lost permissions or downtime happen in between. Time is a fake clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from bot.drills.content import DrillBank
from bot.drills.engine import Post, next_in_rotation
from bot.drills.poster import NONCE_WINDOW, ChannelUnavailable, Delivered, Delivery, DrillPoster, Pacer
from bot.drills.service import DrillService, SetupRequest
from bot.drills.store import DrillStore
from bot.errors import UserFacingError
from bot.services import Services
from tests.helpers import FakeClock

GUILD = 100
CHANNEL = 200
MODERATOR = 300


@dataclass
class FakeDiscord:
    """A sender that dedupes nonces like Discord does, and can be told to fail."""

    messages: list[Delivery] = field(default_factory=list)
    by_nonce: dict[str, int] = field(default_factory=dict)
    notices: list[tuple[int, int | None, str]] = field(default_factory=list)
    fail_with: Exception | None = None
    not_handled: set[int] = field(default_factory=set)

    def handles(self, guild_id: int) -> bool:
        return guild_id not in self.not_handled

    async def deliver(self, delivery: Delivery) -> Delivered:
        if self.fail_with is not None:
            raise self.fail_with
        if delivery.nonce not in self.by_nonce:
            self.messages.append(delivery)
            self.by_nonce[delivery.nonce] = 10_000 + len(self.messages)
        return Delivered(message_id=self.by_nonce[delivery.nonce], thread_id=None)

    async def notify(self, guild_id: int, user_id: int | None, text: str) -> None:
        self.notices.append((guild_id, user_id, text))


async def setup(services: Services, guild: int = GUILD, **kwargs: object) -> None:
    request = {"time": "09:30", "timezone": "Europe/Berlin", "days": "daily", "moderator_id": MODERATOR} | kwargs
    await services.feature(DrillService).setup(
        SetupRequest(guild_id=guild, channel_id=CHANNEL, **request)  # type: ignore[arg-type]
    )


def at(clock: FakeClock, year: int, month: int, day: int, hour: int, minute: int) -> None:
    clock.now = dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


async def statuses(services: Services) -> list[tuple[str, str]]:
    rows = await services.db.fetchall("SELECT local_date, status FROM drill_posts ORDER BY local_date")
    return [(r["local_date"], r["status"]) for r in rows]


async def claim_left_by_a_crash(services: Services, clock: FakeClock) -> Post | None:
    """Today's drill claimed at post time, as a process that died before recording the send leaves it."""
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    at(clock, 2026, 11, 23, 8, 30)
    bank = list(services.knowledge.current.part(DrillBank).drills)
    return await DrillStore(services.db).claim(
        guild_id=GUILD, local_date=dt.date(2026, 11, 23), scheduled_for=clock.now,
        channel_id=CHANNEL, bank_ids=bank, now=clock.now,
    )  # fmt: skip


async def test_posts_once_at_the_local_time_and_never_again_that_day(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)  # 08:00 in Berlin
    await setup(services)
    discord = FakeDiscord()
    poster = DrillPoster(services, discord)
    at(clock, 2026, 11, 23, 8, 29)
    assert (await poster.tick()).posted == []
    at(clock, 2026, 11, 23, 8, 30)  # 09:30 CET
    assert (await poster.tick()).posted == [GUILD]
    clock.advance(minutes=1)
    assert (await poster.tick()).posted == []
    assert len(discord.messages) == 1
    assert discord.messages[0].local_date == dt.date(2026, 11, 23)
    assert await statuses(services) == [("2026-11-23", "posted")]


async def test_a_restart_never_posts_twice(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord()
    at(clock, 2026, 11, 23, 8, 30)
    await DrillPoster(services, discord).tick()
    restarted = DrillPoster(services, discord)  # a new process: nothing in memory
    clock.advance(seconds=30)
    await restarted.tick()
    assert len(discord.messages) == 1


async def test_a_crash_between_claim_and_send_is_resent_with_the_same_nonce(
    services: Services, clock: FakeClock
) -> None:
    claimed = await claim_left_by_a_crash(services, clock)
    assert claimed is not None and claimed.nonce
    discord = FakeDiscord()
    discord.by_nonce[claimed.nonce] = 777  # the send did reach Discord before the crash
    clock.advance(seconds=50)
    report = await DrillPoster(services, discord).tick()
    assert report.posted == [GUILD]
    assert discord.messages == []  # Discord returned the existing message for the nonce
    post = await DrillStore(services.db).get_post(claimed.id)
    assert post is not None and post.status == "posted" and post.message_id == 777


async def test_a_stale_claim_is_given_up_rather_than_risking_a_duplicate(services: Services, clock: FakeClock) -> None:
    claimed = await claim_left_by_a_crash(services, clock)
    assert claimed is not None
    clock.now += NONCE_WINDOW + dt.timedelta(seconds=1)
    discord = FakeDiscord()
    report = await DrillPoster(services, discord).tick()
    assert report.unknown == [GUILD] and discord.messages == []
    post = await DrillStore(services.db).get_post(claimed.id)
    assert post is not None and post.status == "failed" and "outcome unknown" in (post.detail or "")
    clock.advance(minutes=5)
    await DrillPoster(services, discord).tick()
    assert discord.messages == []  # the date is taken: no second attempt


async def test_an_unknown_send_outcome_is_retried_with_the_same_nonce(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord(fail_with=TimeoutError())
    poster = DrillPoster(services, discord)
    at(clock, 2026, 11, 23, 8, 30)
    assert (await poster.tick()).posted == []
    assert await statuses(services) == [("2026-11-23", "claimed")]
    discord.fail_with = None
    clock.advance(seconds=30)
    assert (await poster.tick()).posted == [GUILD]
    assert len(discord.messages) == 1


async def test_down_within_the_grace_window_posts_late(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord()
    at(clock, 2026, 11, 23, 14, 29)  # 5 h 59 min late
    assert (await DrillPoster(services, discord).tick()).posted == [GUILD]


async def test_down_past_the_grace_window_skips_the_day_and_logs_it(
    services: Services, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord()
    at(clock, 2026, 11, 23, 14, 31)
    report = await DrillPoster(services, discord).tick()
    assert report.missed == [GUILD] and discord.messages == []
    assert await statuses(services) == [("2026-11-23", "missed")]
    assert "grace window exceeded" in caplog.text
    at(clock, 2026, 11, 24, 8, 30)
    assert (await DrillPoster(services, discord).tick()).posted == [GUILD]


async def test_losing_the_channel_pauses_tells_the_moderator_and_stops(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord(fail_with=ChannelUnavailable("the drill channel was deleted"))
    poster = DrillPoster(services, discord)
    at(clock, 2026, 11, 23, 8, 30)
    assert (await poster.tick()).paused == [GUILD]
    schedule = await DrillStore(services.db).get_schedule(GUILD)
    assert schedule is not None and schedule.paused and schedule.paused_reason == "the drill channel was deleted"
    assert discord.notices == [
        (
            GUILD,
            MODERATOR,
            "The daily interview drill is paused: the drill channel was deleted. "
            "A moderator can fix this and run `/drills resume`.",
        )
    ]
    discord.fail_with = None
    at(clock, 2026, 11, 24, 8, 30)
    assert (await poster.tick()).posted == []  # paused: no retry loop
    assert discord.messages == []
    await services.feature(DrillService).resume(GUILD)
    at(clock, 2026, 11, 25, 8, 30)
    assert (await poster.tick()).posted == [GUILD]


async def test_no_drill_repeats_until_the_bank_is_used_up_then_a_new_shuffled_cycle(
    services: Services, clock: FakeClock
) -> None:
    at(clock, 2026, 1, 1, 7, 0)
    await setup(services)
    discord = FakeDiscord()
    poster = DrillPoster(services, discord, requests_per_second=1e6)  # 60 posts in a second of real time
    bank = set(services.knowledge.current.part(DrillBank).drills)
    day = dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.UTC)
    for i in range(2 * len(bank)):
        clock.now = day + dt.timedelta(days=i)
        await poster.tick()
    ids = [m.drill.id for m in discord.messages]
    first, second = ids[: len(bank)], ids[len(bank) :]
    assert set(first) == bank and set(second) == bank
    assert first != second  # a new shuffle
    assert first[-1] != second[0]


async def test_the_pacer_spaces_requests_under_the_global_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr("bot.drills.poster.asyncio.sleep", record)
    pacer = Pacer(per_second=10)
    for cost in (1, 2, 1):  # a post, a post with its thread, a post
        await pacer.take(cost)
    assert waits == [pytest.approx(0.1, abs=0.02), pytest.approx(0.3, abs=0.02)]


def test_rotation_is_deterministic_per_server_and_cycle() -> None:
    bank = [f"d{i}" for i in range(10)]
    a = next_in_rotation(bank, set(), guild_id=1, cycle=0, last=None)
    assert a == next_in_rotation(bank, set(), guild_id=1, cycle=0, last=None)
    assert next_in_rotation(bank, set(bank), guild_id=1, cycle=0, last=None)[1] == 1


async def test_post_now_takes_todays_slot_and_refuses_a_second(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    discord = FakeDiscord()
    poster = DrillPoster(services, discord)
    post = await poster.post_now(GUILD)
    assert post.status == "posted" and post.local_date == "2026-11-23"
    with pytest.raises(UserFacingError, match=r"Today's drill \(2026-11-23\) is already out"):
        await poster.post_now(GUILD)
    at(clock, 2026, 11, 23, 8, 30)
    assert (await poster.tick()).posted == []  # the scheduled one would be a second drill today
    assert len(discord.messages) == 1


async def test_post_now_without_a_schedule_explains_what_to_do(services: Services) -> None:
    with pytest.raises(UserFacingError, match="/drills setup"):
        await DrillPoster(services, FakeDiscord()).post_now(GUILD)


async def test_skip_skips_the_next_one_only(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    service = services.feature(DrillService)
    skipped = await service.skip_next(GUILD)
    assert skipped.local_date == dt.date(2026, 11, 23)
    status = await service.status(GUILD)
    assert status.skipped == ("2026-11-23",)
    assert status.next_posts[0].local_date == dt.date(2026, 11, 24)
    discord = FakeDiscord()
    poster = DrillPoster(services, discord)
    at(clock, 2026, 11, 23, 8, 30)
    assert (await poster.tick()).posted == []
    at(clock, 2026, 11, 24, 8, 30)
    assert (await poster.tick()).posted == [GUILD]
    # post-now may still use a skipped date: the moderator asked for it explicitly.
    at(clock, 2026, 11, 25, 7, 0)
    await service.skip_next(GUILD)
    assert (await poster.post_now(GUILD)).local_date == "2026-11-25"


async def test_dst_days_post_once_each_in_berlin(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 3, 27, 0, 0)
    await setup(services, time="02:30")
    discord = FakeDiscord()
    poster = DrillPoster(services, discord)
    clock.now = dt.datetime(2026, 3, 27, 12, 0, tzinfo=dt.UTC)
    while clock.now < dt.datetime(2026, 3, 31, 0, 0, tzinfo=dt.UTC):
        await poster.tick()
        clock.advance(minutes=10)
    at(clock, 2026, 10, 24, 0, 0)
    await setup(services, time="02:30")
    while clock.now < dt.datetime(2026, 10, 27, 0, 0, tzinfo=dt.UTC):
        await poster.tick()
        clock.advance(minutes=10)
    days = [m.local_date.isoformat() for m in discord.messages]
    assert days == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"]
    posted = await services.db.fetchall(
        "SELECT local_date, finished_at FROM drill_posts WHERE local_date IN ('2026-03-29', '2026-10-25')"
    )
    times = {r["local_date"]: dt.datetime.fromisoformat(r["finished_at"]) for r in posted}
    assert times["2026-03-29"] == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)  # 03:00 CEST, the jump
    assert times["2026-10-25"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # the first 02:30


async def test_only_servers_this_process_serves_are_posted(services: Services, clock: FakeClock) -> None:
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services, guild=1)
    await setup(services, guild=2)
    discord = FakeDiscord(not_handled={2})
    at(clock, 2026, 11, 23, 8, 30)
    assert (await DrillPoster(services, discord).tick()).posted == [1]


async def test_setup_refuses_bad_input_with_examples(services: Services) -> None:
    with pytest.raises(UserFacingError, match="09:30"):
        await setup(services, time="9.30pm")
    with pytest.raises(UserFacingError, match="Europe/Berlin"):
        await setup(services, timezone="Berlin")
    with pytest.raises(UserFacingError, match="mon-fri"):
        await setup(services, days="weekdayz")
    assert await DrillStore(services.db).get_schedule(GUILD) is None


async def test_pause_and_resume_are_explained(services: Services, clock: FakeClock) -> None:
    service = services.feature(DrillService)
    with pytest.raises(UserFacingError, match="no drill schedule here yet"):
        await service.pause(GUILD)
    await setup(services)
    await service.pause(GUILD)
    with pytest.raises(UserFacingError, match="already paused"):
        await service.pause(GUILD)
    status = await service.resume(GUILD)
    assert not status.schedule.paused
    with pytest.raises(UserFacingError, match="aren't paused"):
        await service.resume(GUILD)
