"""Check sessions: the flow's state machine in SQLite, stale clicks, one open check, expiry, history, sharing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cards import discord_markup
from bot.check.cards import open_check_card, question_card, verdict_card
from bot.check.engine import Action, Closed, ClosedScreen, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.service import FINISHED, NOT_SET_UP, NOT_YOURS, RETIRED, STALE, CheckService
from bot.config import Config
from bot.errors import UserFacingError
from bot.knowledge.holder import KnowledgeHolder
from bot.privacy.service import PrivacyService
from bot.services import Services
from bot.storage import open_database
from tests.check_support import EXAMPLES, check_folder, load_check, open_services
from tests.helpers import FakeClock

ALICE, BOB = 101, 202
GUILD, CHANNEL = 9001, 9002


@pytest.fixture
async def services(config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(config, tmp_path, clock)
    yield opened
    await opened.close()


@pytest.fixture
def service(services: Services) -> CheckService:
    return services.feature(CheckService)


async def begin(service: CheckService, user: int = ALICE, guild: int | None = GUILD) -> QuestionScreen:
    screen = await service.start(user, guild, CHANNEL if guild else None)
    assert isinstance(screen, QuestionScreen)
    return screen


async def answer_all(service: CheckService, screen: Screen, answers: dict[str, str], user: int = ALICE) -> Screen:
    while isinstance(screen, QuestionScreen):
        value = answers[screen.question.id]
        screen = await service.act(screen.session.id, user, screen.step, Action.ANSWER, value)
    return screen


async def test_a_full_check_ends_in_the_verdict_and_is_stored(service: CheckService, services: Services) -> None:
    first = await begin(service)
    assert first.step == 0 and question_card(first).title == "The three-question check · Step 1 of 8"
    assert "A job title on its own" in question_card(first).body
    screen = await answer_all(service, first, EXAMPLES["order-taker-po"])
    assert isinstance(screen, VerdictScreen)
    assert screen.result.verdict.id == "order-taker-po"
    card = verdict_card(screen.content, screen.result, screen.notice)
    assert card.title == "Verdict: Order-taker PO"
    assert [name for name, _ in card.fields] == ["Why", "What the context changes", "Salary context", "Next steps"]
    assert card.footer == (
        "Job posting · Product Owner · 501–5,000 people · Scrum · Other company · "
        "Roadmap: a PM above · Customers: a PM above · Metrics: a PM above"
    )
    assert [e.id for e in screen.entries][:2] == ["order-taker-red-flag", "interviewing-for-po-role"]
    row = await services.db.fetchone("SELECT status, verdict_id, verdict_title, user_id FROM check_sessions")
    assert row is not None and tuple(row) == ("done", "order-taker-po", "Order-taker PO", ALICE)


async def test_each_step_shows_progress_and_what_was_answered_so_far(service: CheckService) -> None:
    screen: Screen = await begin(service)
    for step, value in enumerate(["posting", "po", "5000+", "safe"]):
        assert isinstance(screen, QuestionScreen) and screen.step == step
        screen = await service.act(screen.session.id, ALICE, step, Action.ANSWER, value)
    assert isinstance(screen, QuestionScreen)
    card = question_card(screen)
    assert card.title == "The three-question check · Step 5 of 8"
    assert card.fields == (("So far", "Job posting · Product Owner · 5,000+ people · SAFe"),)
    assert card.footer is not None and card.footer.startswith("Context")


async def test_back_keeps_the_answer_to_show_it_and_start_over_clears_everything(service: CheckService) -> None:
    screen: Screen = await begin(service)
    for step, value in enumerate(["current", "pm", "51-500"]):
        assert isinstance(screen, QuestionScreen)
        screen = await service.act(screen.session.id, ALICE, step, Action.ANSWER, value)
    assert isinstance(screen, QuestionScreen) and screen.step == 3
    back = await service.act(screen.session.id, ALICE, 3, Action.BACK)
    assert isinstance(back, QuestionScreen) and back.step == 2 and back.selected == "51-500"
    changed = await service.act(back.session.id, ALICE, 2, Action.ANSWER, "1-50")
    assert isinstance(changed, QuestionScreen) and changed.session.answers["size"] == "1-50"
    over = await service.act(changed.session.id, ALICE, 3, Action.RESTART)
    assert isinstance(over, QuestionScreen) and over.step == 0 and over.session.answers == {}
    assert over.selected is None
    at_start = await service.act(over.session.id, ALICE, 0, Action.BACK)
    assert isinstance(at_start, QuestionScreen) and at_start.step == 0


async def test_a_stale_step_changes_nothing_and_shows_where_the_member_is(service: CheckService) -> None:
    first = await begin(service)
    second = await service.act(first.session.id, ALICE, 0, Action.ANSWER, "posting")
    assert isinstance(second, QuestionScreen) and second.step == 1
    stale = await service.act(first.session.id, ALICE, 0, Action.ANSWER, "current")
    assert isinstance(stale, QuestionScreen) and stale.step == 1 and stale.notice == STALE
    assert stale.session.answers == {"subject": "posting"}
    body = question_card(stale).body
    assert isinstance(body, str)
    assert body.startswith(f"*{STALE}*")
    stale_back = await service.act(first.session.id, ALICE, 0, Action.RESTART)
    assert isinstance(stale_back, QuestionScreen) and stale_back.session.answers == {"subject": "posting"}


async def test_two_racing_clicks_on_the_same_step_apply_once(service: CheckService) -> None:
    first = await begin(service)
    one, two = await asyncio.gather(
        service.act(first.session.id, ALICE, 0, Action.ANSWER, "posting"),
        service.act(first.session.id, ALICE, 0, Action.ANSWER, "current"),
    )
    assert isinstance(one, QuestionScreen) and isinstance(two, QuestionScreen)
    assert one.step == two.step == 1
    assert [one.notice, two.notice].count(STALE) == 1
    assert one.session.answers == two.session.answers


async def test_an_answer_no_longer_offered_is_asked_again(service: CheckService) -> None:
    first = await begin(service)
    screen = await service.act(first.session.id, ALICE, 0, Action.ANSWER, "freelance")
    assert isinstance(screen, QuestionScreen) and screen.step == 0 and screen.notice is not None


async def test_a_click_on_a_finished_check_shows_its_verdict(service: CheckService) -> None:
    done = await answer_all(service, await begin(service), EXAMPLES["shared-scope"])
    assert isinstance(done, VerdictScreen)
    again = await service.act(done.session.id, ALICE, 7, Action.ANSWER, "role")
    assert isinstance(again, VerdictScreen) and again.notice == FINISHED
    assert again.result.verdict.id == "shared-scope"


async def test_one_open_check_continue_or_abandon(service: CheckService) -> None:
    first = await begin(service)
    await service.act(first.session.id, ALICE, 0, Action.ANSWER, "current")
    prompt = await service.start(ALICE, GUILD, CHANNEL)
    assert isinstance(prompt, OpenCheck) and prompt.session.id == first.session.id
    assert "step 2 of 8 (Current role)" in open_check_card(prompt).body
    resumed = await service.resume(first.session.id, ALICE)
    assert isinstance(resumed, QuestionScreen) and resumed.step == 1

    fresh = await service.abandon_and_start(first.session.id, ALICE, None, None)
    assert isinstance(fresh, QuestionScreen) and fresh.session.id != first.session.id and fresh.step == 0
    assert fresh.session.guild_id is None
    old = await service.act(first.session.id, ALICE, 1, Action.ANSWER, "po")
    assert old == ClosedScreen(Closed.ABANDONED)
    assert "start again with /check start" in old.message("/check start").lower()
    other = await begin(service, user=BOB)
    assert other.session.id not in (first.session.id, fresh.session.id)


async def test_a_check_expires_after_the_configured_time(
    service: CheckService, services: Services, clock: FakeClock
) -> None:
    first = await begin(service)
    clock.advance(hours=services.config.check.session_ttl_hours - 0.1)
    assert isinstance(await service.act(first.session.id, ALICE, 0, Action.ANSWER, "posting"), QuestionScreen)
    clock.advance(hours=0.2)
    expired = await service.act(first.session.id, ALICE, 1, Action.ANSWER, "po")
    assert expired == ClosedScreen(Closed.EXPIRED)
    assert expired.message("/check start") == "This check expired. Start again with /check start."
    row = await services.db.fetchone("SELECT status FROM check_sessions WHERE id = ?", (first.session.id,))
    assert row is not None and row["status"] == "expired"
    assert isinstance(await service.start(ALICE, GUILD, CHANNEL), QuestionScreen)


async def test_an_expired_open_check_does_not_block_a_new_one(service: CheckService, clock: FakeClock) -> None:
    first = await begin(service)
    clock.advance(hours=25)
    second = await begin(service)
    assert second.session.id != first.session.id
    assert await service.resume(first.session.id, ALICE) == ClosedScreen(Closed.EXPIRED)


async def test_someone_elses_check_is_refused_and_a_deleted_one_explained(
    service: CheckService, services: Services
) -> None:
    first = await begin(service)
    with pytest.raises(UserFacingError, match=NOT_YOURS):
        await service.act(first.session.id, BOB, 0, Action.ANSWER, "posting")
    await services.feature(PrivacyService).forget(ALICE)
    gone = await service.act(first.session.id, ALICE, 0, Action.ANSWER, "posting")
    assert gone == ClosedScreen(Closed.GONE)


async def test_history_lists_finished_checks_newest_first_and_reopens_them(
    service: CheckService, clock: FakeClock
) -> None:
    first = await answer_all(service, await begin(service), EXAMPLES["order-taker-po"])
    clock.advance(days=1)
    second = await answer_all(
        service, await begin(service), {**EXAMPLES["real-pm-role"], "subject": "current", "title": "pm"}
    )
    await begin(service)  # an open check is not history
    lines = await service.history(ALICE)
    assert [line.text() for line in lines] == [
        "2026-11-24 · Current role · Product Manager → A real PM role",
        "2026-11-23 · Job posting · Product Owner → Order-taker PO",
    ]
    assert isinstance(first, VerdictScreen) and isinstance(second, VerdictScreen)
    reopened = await service.reopen(lines[1].session_id, ALICE)
    assert isinstance(reopened, VerdictScreen) and verdict_card(
        reopened.content, reopened.result, reopened.notice
    ) == verdict_card(first.content, first.result, first.notice)
    assert await service.history(BOB) == []


async def test_a_retired_verdict_is_recomputed_with_a_notice(service: CheckService, services: Services) -> None:
    done = await answer_all(service, await begin(service), EXAMPLES["hybrid-roadmap-gap"])
    assert isinstance(done, VerdictScreen)
    await services.db.execute("UPDATE check_sessions SET verdict_id = 'old-verdict' WHERE id = ?", (done.session.id,))
    reopened = await service.reopen(done.session.id, ALICE)
    assert isinstance(reopened, VerdictScreen) and reopened.notice == RETIRED
    assert reopened.result.verdict.id == "hybrid-roadmap-gap"
    assert (await service.history(ALICE))[0].verdict_title == "Hybrid: the roadmap is the gap"


async def test_sharing_is_claimed_once_and_only_for_server_checks(service: CheckService) -> None:
    in_server = await answer_all(service, await begin(service), EXAMPLES["hybrid-discovery-gap"])
    assert isinstance(in_server, VerdictScreen)
    request = await service.share(in_server.session.id, ALICE)
    assert request.channel_id == CHANNEL
    assert request.card.title == "Three-question check: Hybrid: discovery is the gap"
    assert discord_markup(request.card.body).startswith("<@101> checked: Job posting · Product Owner")
    assert "Why" not in [name for name, _ in request.card.fields]
    with pytest.raises(UserFacingError, match="already shared"):
        await service.share(in_server.session.id, ALICE)
    await service.unshare(in_server.session.id)
    await service.share(in_server.session.id, ALICE)

    in_dms = await answer_all(service, await begin(service, user=BOB, guild=None), EXAMPLES["shared-scope"], BOB)
    assert isinstance(in_dms, VerdictScreen)
    with pytest.raises(UserFacingError, match="started in DMs"):
        await service.share(in_dms.session.id, BOB)
    unfinished = await begin(service, user=BOB)
    with pytest.raises(UserFacingError, match="Only a finished check"):
        await service.share(unfinished.session.id, BOB)


async def test_member_data_is_covered_by_privacy(services: Services) -> None:
    assert "check_sessions" in await services.db.user_tables()


async def test_without_a_check_file_the_member_is_told_it_is_not_set_up(
    config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    root = check_folder(tmp_path / "no-check")
    (root / "check.yaml").unlink()
    knowledge = load_check(root).knowledge
    assert knowledge is not None
    db = await open_database(config)
    try:
        services = Services(config, db, KnowledgeHolder(knowledge), clock)
        with pytest.raises(UserFacingError, match=NOT_SET_UP):
            await services.feature(CheckService).start(ALICE, None, None)
        assert await db.fetchall("SELECT id FROM check_sessions") == []
    finally:
        await db.close()
