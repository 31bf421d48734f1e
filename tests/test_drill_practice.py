"""Practice answers: length limits, storage under user_id, streaks over scheduled drills, the weekly top."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.drills.engine import Post, count_streak
from bot.drills.poster import DrillPoster
from bot.drills.service import DrillService
from bot.drills.store import DrillStore
from bot.errors import UserFacingError
from bot.services import Services
from tests.helpers import FakeClock, make_config
from tests.test_drill_poster import GUILD, FakeDiscord, at, setup

ALICE, BOB = 11, 12


async def post_days(services: Services, clock: FakeClock, days: int) -> list[Post]:
    """A schedule and ``days`` daily posts from 23 November 2026."""
    at(clock, 2026, 11, 23, 7, 0)
    await setup(services)
    poster = DrillPoster(services, FakeDiscord())
    posts = []
    for day in range(days):
        clock.now = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC) + dt.timedelta(days=day)
        await poster.tick()
        date = (dt.date(2026, 11, 23) + dt.timedelta(days=day)).isoformat()
        post = await DrillStore(services.db).post_on(GUILD, dt.date.fromisoformat(date))
        assert post is not None
        posts.append(post)
    return posts


async def practise(services: Services, user: int, post: Post, answer: str | None = None) -> str:
    service = services.feature(DrillService)
    drill = service.get(post.drill_id or "")
    feedback = await service.practise(
        user_id=user, guild_id=GUILD, drill_id=drill.id, post_id=post.id, answer=answer or drill.strong_answer
    )
    return feedback.rating


async def test_answers_are_stored_with_the_member_and_the_feedback(services: Services, clock: FakeClock) -> None:
    (post,) = await post_days(services, clock, 1)
    assert await practise(services, ALICE, post) == "strong"
    row = await services.db.fetchone("SELECT * FROM drill_answers")
    assert row is not None and row["user_id"] == ALICE and row["post_id"] == post.id and row["rating"] == "strong"
    assert set(json.loads(row["feedback"])) == {
        "rating",
        "signals_found",
        "signals_missing",
        "weak_patterns",
        "suggestion",
    }
    assert "drill_answers" in await services.db.user_tables()
    assert "drill_schedule_contacts" in await services.db.user_tables()


async def test_answer_length_is_bounded_with_a_clear_message(tmp_path, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    services = await Services.open(make_config(tmp_path, drills={"max_answer_length": 100}), clock=clock)
    try:
        service = services.feature(DrillService)
        with pytest.raises(UserFacingError, match="Your answer is 150 characters; the limit is 100"):
            await service.practise(user_id=ALICE, guild_id=None, drill_id="own-the-why", post_id=None, answer="x" * 150)
        with pytest.raises(UserFacingError, match="too short"):
            await service.practise(user_id=ALICE, guild_id=None, drill_id="own-the-why", post_id=None, answer="  hi ")
        with pytest.raises(UserFacingError, match="There's no drill 'nope'"):
            await service.practise(user_id=ALICE, guild_id=None, drill_id="nope", post_id=None, answer="x" * 50)
        assert await services.db.fetchall("SELECT * FROM drill_answers") == []
    finally:
        await services.close()


async def test_a_forged_post_id_keeps_the_answer_but_not_the_streak(services: Services, clock: FakeClock) -> None:
    (post,) = await post_days(services, clock, 1)
    service = services.feature(DrillService)
    other = next(d for d in service.bank.drills if d != post.drill_id)
    await service.practise(
        user_id=ALICE, guild_id=GUILD, drill_id=other, post_id=post.id, answer=service.get(other).weak_answer
    )
    row = await services.db.fetchone("SELECT post_id FROM drill_answers")
    assert row is not None and row["post_id"] is None


async def test_streaks_count_consecutive_scheduled_drills_practised(services: Services, clock: FakeClock) -> None:
    posts = await post_days(services, clock, 5)
    for post in (posts[0], posts[2], posts[3]):
        await practise(services, ALICE, post)
    await practise(services, ALICE, posts[3])  # practising twice doesn't count twice
    service = services.feature(DrillService)
    streak = await service.streak(GUILD, ALICE)
    # Newest (day 5) not practised yet: still open, so the streak is days 3-4.
    assert (streak.current, streak.practised, streak.scheduled) == (2, 3, 5)
    await practise(services, ALICE, posts[4])
    assert (await service.streak(GUILD, ALICE)).current == 3
    assert (await service.streak(GUILD, BOB)).current == 0


def test_streak_counting_rules() -> None:
    assert count_streak([5, 4, 3, 2], {4, 3}) == 2  # newest still open
    assert count_streak([5, 4, 3, 2], {5, 3, 2}) == 1  # a gap ends it
    assert count_streak([5, 4, 3], {3}) == 0
    assert count_streak([], set()) == 0


async def test_weekly_top_ranks_by_drills_practised_then_strong_answers(services: Services, clock: FakeClock) -> None:
    posts = await post_days(services, clock, 3)
    for post in posts:
        await practise(services, ALICE, post, answer=None)
    weak = services.feature(DrillService).get(posts[0].drill_id or "").weak_answer
    for post in posts:
        await practise(services, BOB, post, answer=weak)
    await practise(services, 13, posts[0])
    top = await services.feature(DrillService).weekly_top(GUILD)
    assert [(t.user_id, t.drills, t.strong, t.streak) for t in top] == [(ALICE, 3, 3, 3), (BOB, 3, 0, 3), (13, 1, 1, 0)]
    clock.advance(days=8)
    assert await services.feature(DrillService).weekly_top(GUILD) == []


async def test_on_demand_drills_pick_from_a_theme(services: Services) -> None:
    service = services.feature(DrillService)
    assert service.pick("safe").theme == "PO role at a SAFe enterprise"
    assert service.pick("career changer").theme == "Career changer"
    with pytest.raises(UserFacingError, match="Themes: "):
        service.pick("astrology")
    assert service.theme_choices("safe") == ["PO role at a SAFe enterprise"]
    assert len(service.theme_choices("")) == len(service.bank.themes())
