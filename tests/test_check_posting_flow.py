"""A posting check in the core: an ad read into a pre-filled check, reviewed or accepted, and the ad deleted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.check.cards import open_check_card, question_card, reading_card, verdict_card
from bot.check.engine import Action, Closed, ClosedScreen, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.posting.intake import PostingInputError
from bot.check.posting.verdict import PostingStart
from bot.check.service import CheckService
from bot.config import Config
from bot.privacy.service import PrivacyService
from bot.services import Services
from tests.check_support import open_services
from tests.helpers import FakeClock

ALICE = 101
GUILD, CHANNEL = 9001, 9002

SAFE_AD = """\
Product Owner, Claims Release Train
Harbourline Insurance is a UK insurer with 7,000 colleagues. We follow SAFe and plan in PI Planning.
- Own the team backlog and write the user stories.
- The roadmap is set by the ART's Product Manager, who also runs the customer interviews.
- Track the KPIs agreed by the Business Owners.
"""
#: Says nothing about the company or the success metrics.
SILENT_AD = """\
Product Owner
You own the roadmap for our booking app and talk to travellers every week.
"""
SCRUM_MASTER_AD = "Scrum Master (m/f/d). Coach two teams, run the sprint events and remove impediments."


@pytest.fixture
async def services(config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(config, tmp_path, clock, posting=True)
    yield opened
    await opened.close()


@pytest.fixture
def service(services: Services) -> CheckService:
    return services.feature(CheckService)


async def begin(service: CheckService, ad: str = SAFE_AD) -> PostingStart:
    started = await service.start_posting(ALICE, GUILD, CHANNEL, ad)
    assert isinstance(started, PostingStart) and started.screen is not None
    return started


async def kept_ads(services: Services) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await services.db.fetchall("SELECT user_id, session_id FROM check_postings")]


async def confirm_all(service: CheckService, screen: Screen, corrections: dict[str, str] | None = None) -> Screen:
    """Click the picked answer on every step (or the correction given for it) up to the verdict."""
    while isinstance(screen, QuestionScreen):
        value = (corrections or {}).get(screen.question.id, screen.selected)
        assert value is not None, f"nothing picked at {screen.question.id}"
        screen = await service.act(screen.session.id, ALICE, screen.step, Action.ANSWER, value)
    return screen


async def test_the_ad_opens_a_check_with_its_answers_picked(service: CheckService, services: Services) -> None:
    started = await begin(service)
    screen = started.screen
    assert screen is not None and screen.reviewing and screen.step == 1
    assert screen.session.answers == {
        "subject": "posting",
        "title": "po",
        "size": "5000+",
        "model": "safe",
        "kind": "enterprise",
        "roadmap": "pm",
        "customers": "pm",
        "metrics": "pm",
    }
    card = reading_card(screen.content, started.judged)
    assert card.title == "What the ad says"
    assert [name for name, _ in card.fields] == [
        "Roadmap: a PM above",
        "Customers: a PM above",
        "Metrics: a PM above",
        "Context",
    ]
    assert card.fields[2][1] == "“Track the KPIs agreed by the Business Owners.”"
    assert "**Company size:** 5,000+ people (“Harbourline Insurance is a UK insurer" in str(card.fields[3][1])
    step = question_card(screen)
    assert step.title == "The three-question check · Step 2 of 8"
    assert "**The ad says:**\n“Product Owner, Claims Release Train”" in str(step.body)
    assert await kept_ads(services) == [(ALICE, screen.session.id)]


async def test_confirming_every_answer_ends_in_the_verdict_quoting_the_ad(
    service: CheckService, services: Services
) -> None:
    started = await begin(service)
    assert started.screen is not None
    verdict = await confirm_all(service, started.screen)
    assert isinstance(verdict, VerdictScreen) and verdict.result.verdict.id == "formal-safe-po"
    assert len(verdict.ad_steps) == 3
    assert verdict.ad_steps[2].startswith("The ad says success metrics are set by someone else (“Track the KPIs")
    card = verdict_card(verdict.content, verdict.result, verdict.notice, verdict.ad_steps)
    steps = "\n".join(str(value) for name, value in card.fields if name.startswith("Next steps"))
    assert steps.startswith("1. The ad puts the roadmap with someone else")
    assert await kept_ads(services) == []  # the ad goes when the check ends; the answers and verdict stay
    row = await services.db.fetchone("SELECT status, verdict_id, answers FROM check_sessions")
    assert row is not None and (row["status"], row["verdict_id"]) == ("done", "formal-safe-po")
    assert "Harbourline" not in row["answers"]


async def test_a_corrected_answer_changes_the_verdict_and_drops_the_ads_step(service: CheckService) -> None:
    started = await begin(service)
    assert started.screen is not None
    verdict = await confirm_all(service, started.screen, {"roadmap": "role", "customers": "role"})
    assert isinstance(verdict, VerdictScreen) and verdict.result.verdict.id == "shared-scope"
    assert [step.split(" (")[0] for step in verdict.ad_steps] == ["The ad says success metrics are set by someone else"]


async def test_looks_right_shows_the_verdict_at_once_and_says_what_was_assumed(
    service: CheckService, services: Services
) -> None:
    started = await begin(service, SILENT_AD)
    screen = started.screen
    assert screen is not None and "size" not in screen.session.answers
    verdict = await service.act(screen.session.id, ALICE, screen.step, Action.ACCEPT)
    assert isinstance(verdict, VerdictScreen) and verdict.result.verdict.id == "ask-before-you-accept"
    assert verdict.notice == (
        "The ad doesn't say, so these were assumed (no verdict depends on them): "
        "51–500 people · Model unknown · Other company."
    )
    assert verdict.ad_steps[-1].startswith("The ad never says who sets the success metrics")
    assert await kept_ads(services) == []


async def test_a_context_the_ad_leaves_out_is_asked_with_nothing_picked(service: CheckService) -> None:
    started = await begin(service, SILENT_AD)
    assert started.screen is not None
    screen: Screen = await service.act(started.screen.session.id, ALICE, 1, Action.ANSWER, "po")
    assert isinstance(screen, QuestionScreen) and screen.question.id == "size" and screen.selected is None
    assert screen.ad is not None and not screen.ad.stated
    assert "**The ad doesn't say.** Pick what you know" in str(question_card(screen).body)
    for value in ("51-500", "none", "startup", "role", "role"):  # size, model, kind, roadmap, customers
        assert isinstance(screen, QuestionScreen)
        screen = await service.act(screen.session.id, ALICE, screen.step, Action.ANSWER, value)
    assert isinstance(screen, QuestionScreen) and screen.question.id == "metrics" and screen.selected == "unsure"
    assert "That silence is itself a signal" in str(question_card(screen).body)


async def test_start_over_goes_back_to_the_ads_answers_and_back_works(service: CheckService) -> None:
    started = await begin(service)
    screen: Screen | None = started.screen
    assert isinstance(screen, QuestionScreen)
    screen = await service.act(screen.session.id, ALICE, 1, Action.ANSWER, "pm")
    screen = await service.act(screen.session.id, ALICE, 2, Action.BACK)  # type: ignore[union-attr]
    assert isinstance(screen, QuestionScreen) and screen.step == 1 and screen.selected == "pm"
    screen = await service.act(screen.session.id, ALICE, 1, Action.RESTART)
    assert isinstance(screen, QuestionScreen) and screen.step == 1 and screen.selected == "po" and screen.reviewing


async def test_an_ad_for_another_job_is_said_to_be_that_job_and_nothing_is_kept(
    service: CheckService, services: Services
) -> None:
    started = await service.start_posting(ALICE, GUILD, CHANNEL, SCRUM_MASTER_AD)
    assert isinstance(started, PostingStart) and started.screen is None
    card = reading_card(service.content, started.judged)
    assert card.title == "A Scrum Master job, not a PM or PO role" and card.tone == "warn"
    assert started.judged.entries == ("job-vs-accountability",)
    assert await services.db.fetchall("SELECT id FROM check_sessions") == []
    assert await kept_ads(services) == []


async def test_with_a_check_open_the_ad_waits_for_the_members_choice(service: CheckService, services: Services) -> None:
    plain = await service.start(ALICE, GUILD, CHANNEL)
    assert isinstance(plain, QuestionScreen)
    prompt = await service.start_posting(ALICE, GUILD, CHANNEL, SAFE_AD)
    assert isinstance(prompt, OpenCheck) and prompt.waiting_ad is not None
    assert "abandon it and check the ad you just sent?" in str(open_check_card(prompt).body)
    assert await kept_ads(services) == [(ALICE, None)]

    started = await service.abandon_and_start(plain.session.id, ALICE, GUILD, CHANNEL, waiting_ad=prompt.waiting_ad)
    assert isinstance(started, PostingStart) and started.screen is not None
    assert await kept_ads(services) == [(ALICE, started.screen.session.id)]
    statuses = await services.db.fetchall("SELECT status FROM check_sessions ORDER BY id")
    assert [row["status"] for row in statuses] == ["abandoned", "open"]


async def test_continuing_the_open_check_drops_the_waiting_ad(service: CheckService, services: Services) -> None:
    plain = await service.start(ALICE, GUILD, CHANNEL)
    prompt = await service.start_posting(ALICE, GUILD, CHANNEL, SAFE_AD)
    assert isinstance(plain, QuestionScreen) and isinstance(prompt, OpenCheck)
    resumed = await service.resume(plain.session.id, ALICE, waiting_ad=prompt.waiting_ad)
    assert isinstance(resumed, QuestionScreen) and not resumed.reviewing
    assert await kept_ads(services) == []
    gone = await service.abandon_and_start(plain.session.id, ALICE, GUILD, CHANNEL, waiting_ad=prompt.waiting_ad)
    assert gone == ClosedScreen(Closed.AD_GONE)


async def test_abandoning_or_expiry_deletes_the_ad(service: CheckService, services: Services, clock: FakeClock) -> None:
    first = await begin(service)
    assert first.screen is not None
    await service.abandon_and_start(first.screen.session.id, ALICE, GUILD, CHANNEL)
    assert await kept_ads(services) == []

    await service.start_posting(ALICE, GUILD, CHANNEL, SAFE_AD)  # a check is open (the plain one): the ad waits
    assert await kept_ads(services) == [(ALICE, None)]
    clock.advance(hours=services.config.check.session_ttl_hours + 1)
    assert await service.sweep() == 1
    assert await kept_ads(services) == []

    later = await begin(service)
    assert later.screen is not None
    clock.advance(hours=services.config.check.session_ttl_hours + 1)
    expired = await service.act(later.screen.session.id, ALICE, 1, Action.ANSWER, "po")
    assert expired == ClosedScreen(Closed.EXPIRED)
    assert await kept_ads(services) == []


async def test_privacy_lists_the_ad_while_it_is_kept_and_forget_deletes_it(services: Services) -> None:
    service = services.feature(CheckService)
    await begin(service)
    privacy = services.feature(PrivacyService)
    shown = (await privacy.stored(ALICE)).lines()
    assert "1 × the job ad you are checking (deleted when that check ends)" in shown
    await privacy.forget(ALICE)
    assert await kept_ads(services) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "the ad is empty; paste the text of a job ad"),
        ("x" * 4001, "the ad is 4,001 characters, over the limit of 4,000"),
    ],
)
async def test_text_that_is_not_an_ad_is_refused_with_one_clear_line(
    service: CheckService, services: Services, text: str, message: str
) -> None:
    with pytest.raises(PostingInputError, match=message):
        await service.start_posting(ALICE, GUILD, CHANNEL, text)
    assert await services.db.fetchall("SELECT id FROM check_sessions") == []


async def test_an_ad_of_exactly_the_limit_is_read(service: CheckService) -> None:
    padding = "\n\nAbout us\n" + "We like tea. " * 400
    ad = (SAFE_AD + padding)[:4000]
    started = await service.start_posting(ALICE, GUILD, CHANNEL, ad)
    assert isinstance(started, PostingStart) and started.screen is not None
    assert started.judged.reading.answers["roadmap"] == "pm"
