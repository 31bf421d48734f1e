"""/check in the shell: the same flow with numbered choices (Back, Start over), the same verdict, history."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.services import Services
from bot.shell import run_shell
from tests.check_support import open_services
from tests.helpers import FakeClock

# Choices are numbered from 1 in file order; Back (from step 2) and Start over follow the answers.
ORDER_TAKER = ["1", "2", "3", "2", "5", "2", "2", "2"]  # posting, PO, 501-5000, Scrum, other; PM above ×3


@pytest.fixture
async def services(config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(config, tmp_path, clock)
    yield opened
    await opened.close()


async def shell(services: Services, *lines: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO("".join(f"{line}\n" for line in lines)), out)
    return out.getvalue()


async def test_a_full_check_prints_the_same_verdict_card(services: Services) -> None:
    output = await shell(services, "/check", *ORDER_TAKER, "1")
    assert "== The three-question check · Step 1 of 8 ==" in output
    assert "== The three-question check · Step 8 of 8 ==" in output
    assert "  1. A job posting I'm considering\n  2. My current role\n  3. Start over\n" in output
    assert "  1. This role\n  2. A PM above this role\n  3. Shared\n  4. Nobody / not sure\n  5. Back\n" in output
    assert "== Verdict: Order-taker PO ==" in output
    for heading in ("-- Why", "-- What the context changes", "-- Salary context", "-- Next steps"):
        assert heading in output
    assert "(Job posting · Product Owner · 501–5,000 people · Scrum · Other company · Roadmap: a PM above" in output
    # The related entries are offered as choices; the first one is read.
    assert "Read a related entry?\n  1. How do I spot an order-taker PO role?" in output
    assert "== How do I spot an order-taker PO role? ==" in output


async def test_back_shows_the_earlier_answer_and_start_over_clears(services: Services) -> None:
    # current role, PM, 51-500; then Back (5) at step 4, then Start over (6) at step 3.
    output = await shell(services, "/check", "2", "1", "2", "5", "6")
    assert "  2. 51–500 (your answer)" in output
    assert output.count("== The three-question check · Step 1 of 8 ==") == 2
    assert output.count("== The three-question check · Step 4 of 8 ==") == 1


async def test_input_ending_mid_check_keeps_it_open_for_next_time(services: Services) -> None:
    first = await shell(services, "/check", "2", "3")
    assert "Stopped. Your check stays open: type /check to continue it." in first
    resumed = await shell(services, "/check", "1", *ORDER_TAKER[2:])
    assert "== You already have a check open ==" in resumed
    assert "got to step 3 of 8 (Current role · Other title)" in resumed
    assert "== Verdict: Order-taker PO ==" in resumed


async def test_abandoning_the_open_check_starts_a_new_one(services: Services) -> None:
    await shell(services, "/check", "2", "3")
    output = await shell(services, "/check", "2", "1")
    assert "== You already have a check open ==" in output
    assert "== The three-question check · Step 2 of 8 ==" in output
    rows = await services.db.fetchall("SELECT status FROM check_sessions ORDER BY id")
    assert [row["status"] for row in rows] == ["abandoned", "open"]


async def test_history_lists_verdicts_and_shows_one_again(services: Services) -> None:
    await shell(services, "/check", *ORDER_TAKER)
    output = await shell(services, "/check history", "1")
    assert "1. 2026-11-23 · Job posting · Product Owner → Order-taker PO" in output
    assert output.count("== Verdict: Order-taker PO ==") == 1


async def test_no_history_yet_and_bad_input_are_explained(services: Services) -> None:
    assert "You haven't finished a check yet." in await shell(services, "/check history")
    assert "Usage: /check" in await shell(services, "/check please")
    output = await shell(services, "/check", "9", "x", "1")
    assert "Type a number from 1 to 3 (or q to stop)." in output
    assert "Step 2 of 8" in output


SAFE_AD = [
    "Product Owner, Claims Release Train",
    "Harbourline Insurance is a UK insurer with 7,000 colleagues. We follow SAFe and plan in PI Planning.",
    "- Own the team backlog and write the user stories.",
    "- The roadmap is set by the ART's Product Manager, who also runs the customer interviews.",
    "- Track the KPIs agreed by the Business Owners.",
]


@pytest.fixture
async def posting_services(config: Config, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(config, tmp_path, clock, posting=True)
    yield opened
    await opened.close()


async def test_a_pasted_ad_is_read_then_accepted_with_one_choice(posting_services: Services) -> None:
    # The title step offers PM, PO, Something else, Back, Start over, then "Looks right" (6).
    output = await shell(posting_services, "/check posting", *SAFE_AD, "", "6")
    assert "Paste the job ad, then an empty line (or Ctrl-D) to finish." in output
    assert "== What the ad says ==" in output
    assert "-- Roadmap: a PM above\n   “The roadmap is set by the ART's Product Manager" in output
    assert "== The three-question check · Step 2 of 8 ==" in output
    assert "  2. Product Owner (your answer)\n" in output and "  6. Looks right, show the verdict\n" in output
    assert "== Verdict: The formal SAFe PO ==" in output
    assert "1. The ad puts the roadmap with someone else (“The roadmap is set by" in output
    assert await posting_services.db.fetchall("SELECT id FROM check_postings") == []


async def test_a_pasted_ad_is_reviewed_and_corrected_step_by_step(posting_services: Services) -> None:
    # Confirm title, size, model, kind (2, 4, 1, 2), then correct the roadmap to "This role" (1), keep the rest.
    output = await shell(posting_services, "/check posting", *SAFE_AD, "", "2", "4", "1", "2", "1", "2", "2")
    assert "== Verdict: Hybrid: discovery is the gap ==" in output
    assert "The ad puts the roadmap" not in output.split("== Verdict")[1]


async def test_the_ad_ends_at_the_end_of_input_and_the_check_stays_open(posting_services: Services) -> None:
    output = await shell(posting_services, "/check posting", *SAFE_AD)
    assert "== What the ad says ==" in output
    assert "Stopped. Your check stays open: type /check to continue it." in output
    rows = await posting_services.db.fetchall("SELECT session_id FROM check_postings")
    assert len(rows) == 1 and rows[0]["session_id"] is not None  # kept while the check is open
    resumed = await shell(posting_services, "/check", "1", "6")  # continue it; "Looks right" at the title step
    assert "== Verdict: The formal SAFe PO ==" in resumed


async def test_an_empty_paste_and_an_ad_for_another_job(posting_services: Services) -> None:
    assert "No ad was pasted, so there is nothing to check." in await shell(posting_services, "/check posting", "")
    output = await shell(posting_services, "/check posting", "Scrum Master (m/f/d). Coach two teams.", "", "1")
    assert "== A Scrum Master job, not a PM or PO role ==" in output
    assert "Read a related entry?\n  1. " in output
    assert await posting_services.db.fetchall("SELECT id FROM check_sessions") == []
