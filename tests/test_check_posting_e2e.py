"""Checking a real job ad end to end: the real bot against the loopback Discord, acting as members.

The form (/check posting) and the message menu (Apps → Check this job post) read the ad; the member's DMs
get the reading and then the check, pre-filled, to confirm, correct or accept with one click. The ad is
kept only while that check is open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.check.posting.intake import MODAL_LIMIT
from cogs._ui import DM_CLOSED, DM_SENT
from cogs.check import AD_INPUT, MENU_NAME
from tests.loopback import CallbackType, Channel, LoopbackDiscord, Member, Message
from tests.loopback.driver import InteractionHandle
from tests.loopback.harness import BotHarness

SAFE_AD = """\
Product Owner, Claims Release Train
Harbourline Insurance is a UK insurer with 7,000 colleagues. We follow SAFe and plan in PI Planning.
- Own the team backlog and write the user stories.
- The roadmap is set by the ART's Product Manager, who also runs the customer interviews.
- Track the KPIs agreed by the Business Owners."""
STARTUP_AD = """\
We're Tinkerbox, a 25-person seed-stage startup in Lisbon, and we're hiring a Product Owner.
You'll own the roadmap from day one and talk to our users every week. Honestly, nobody owns
our metrics yet. No formal process: a weekly planning and that's it."""
SCRUM_MASTER_AD = "Scrum Master (m/f/d). Coach two teams, run the sprint events and remove impediments."
GREEN = 3


@dataclass
class World:
    loopback: LoopbackDiscord
    harness: BotHarness
    general: Channel
    alice: Member
    bob: Member


@pytest.fixture
async def world(loopback: LoopbackDiscord, tmp_path: Path) -> AsyncIterator[World]:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path) as harness:
        yield World(loopback, harness, general, alice, bob)


def title(message: Message) -> str:
    return str(message.embeds[0]["title"]) if message.embeds else ""


def description(message: Message) -> str:
    return str(message.embeds[0].get("description", "")) if message.embeds else ""


def field(message: Message, name: str) -> str:
    return next(str(f["value"]) for f in message.embeds[0]["fields"] if f["name"] == name)


def picked(message: Message) -> list[str]:
    """The answers shown as picked (green) on a step."""
    return [
        c["custom_id"].rsplit(":", 1)[-1]
        for row in message.components
        for c in row["components"]
        if ":a:" in c.get("custom_id", "") and c.get("style") == GREEN
    ]


def current(w: World, message: Message) -> Message:
    return w.loopback.world.messages[message.id]


async def press(w: World, message: Message, suffix: str) -> Message:
    now = current(w, message)
    custom_id = next((c for c in now.custom_ids if c.endswith(suffix)), None)
    assert custom_id is not None, f"no button ending in {suffix!r}: {now.custom_ids}"
    callback = await (await w.loopback.click(w.alice, now, custom_id)).response()
    assert callback.type == CallbackType.UPDATE_MESSAGE, callback
    return current(w, message)


async def kept_ads(w: World) -> int:
    rows = await w.harness.bot.services.db.fetchall("SELECT id FROM check_postings")
    return len(rows)


async def open_form(w: World) -> InteractionHandle:
    opened = await w.loopback.slash(w.alice, "check posting", channel=w.general)
    assert (await opened.response()).type == CallbackType.MODAL
    return opened


async def paste(w: World, ad: str) -> Message:
    """/check posting in #general, the ad pasted into the form; returns the flow's message in the DM."""
    submitted = await w.loopback.submit_modal(w.alice, await open_form(w), {AD_INPUT: ad})
    note = await submitted.original_message()
    assert note.ephemeral and note.content == DM_SENT, note.content
    return await w.loopback.wait_for_message(w.alice, lambda m: "Step 2 of 8" in title(m))


async def test_the_form_reads_the_ad_and_the_check_arrives_prefilled_to_confirm_or_correct(world: World) -> None:
    w = world
    flow = await paste(w, SAFE_AD)
    reading, flow_again = w.loopback.messages_in(w.alice)
    assert flow_again.id == flow.id and title(reading) == "What the ad says" and reading.components == []
    assert field(reading, "Roadmap: a PM above").startswith("“The roadmap is set by the ART's Product Manager")
    assert "**Company size:** 5,000+ people" in field(reading, "Context")

    assert picked(flow) == ["po"] and "**The ad says:**\n“Product Owner, Claims Release Train”" in description(flow)
    assert [c.rsplit(":", 1)[-1] for c in flow.custom_ids][-3:] == ["b", "r", "k"]
    flow = await press(w, flow, ":a:po")  # confirm the title, then size, model and kind as read
    flow = await press(w, flow, ":a:5000+")
    flow = await press(w, flow, ":a:safe")
    flow = await press(w, flow, ":a:enterprise")
    assert title(flow) == "The three-question check · Step 6 of 8" and picked(flow) == ["pm"]
    flow = await press(w, flow, ":a:role")  # the member knows better: this role owns the roadmap
    flow = await press(w, flow, ":b")
    assert picked(flow) == ["role"]  # Back shows the correction, not the ad's answer
    flow = await press(w, flow, ":a:role")
    flow = await press(w, flow, ":a:pm")
    flow = await press(w, flow, ":a:pm")
    assert title(flow) == "Verdict: Hybrid: discovery is the gap"
    steps = field(flow, "Next steps")
    assert steps.startswith("1. The ad says discovery happens elsewhere (“The roadmap is set by")
    assert "The ad puts the roadmap" not in steps  # corrected, so the ad's words no longer apply
    assert await kept_ads(w) == 0
    row = await w.harness.bot.services.db.fetchone("SELECT status, answers FROM check_sessions")
    assert row is not None and row["status"] == "done" and '"roadmap": "role"' in row["answers"]


async def test_the_message_menu_and_looks_right_keep_nothing_of_someone_elses_ad(world: World) -> None:
    w = world
    post = await w.loopback.say(w.bob, w.general, STARTUP_AD)
    handle = await w.loopback.message_command(w.alice, MENU_NAME, post, channel=w.general)
    assert (await handle.original_message()).content == DM_SENT
    flow = await w.loopback.wait_for_message(w.alice, lambda m: "Step 2 of 8" in title(m))
    reading = w.loopback.messages_in(w.alice)[0]
    assert description(reading).startswith(f"Reading https://discord.com/channels/{w.general.guild_id}/")
    assert field(reading, "Metrics: not stated in the ad") == "“Honestly, nobody owns our metrics yet.”"
    assert await kept_ads(w) == 1

    verdict = await press(w, flow, ":k")
    assert title(verdict) == "Verdict: Startup: the title doesn't matter"
    assert field(verdict, "Next steps").startswith("1. The ad gives this role the roadmap (“You'll own the roadmap")
    assert await kept_ads(w) == 0
    db = w.harness.bot.services.db
    for table in ("check_sessions", "check_postings"):
        rows = await db.fetchall(f"SELECT * FROM {table}")
        assert all(w.bob.user.id not in tuple(row) for row in rows)
        assert all("Tinkerbox" not in str(tuple(row)) for row in rows)


async def test_a_restart_mid_review_carries_on_with_the_ad(world: World) -> None:
    w = world
    flow = await paste(w, SAFE_AD)
    flow = await press(w, flow, ":a:po")
    await w.harness.restart()
    flow = await press(w, flow, ":a:5000+")
    assert title(flow) == "The three-question check · Step 4 of 8" and picked(flow) == ["safe"]
    assert "**The ad says:**" in description(flow)  # the ad is still there to quote after the restart
    flow = await press(w, flow, ":k")
    assert title(flow) == "Verdict: The formal SAFe PO"
    assert await kept_ads(w) == 0


async def test_closed_dms_run_it_privately_in_the_server(world: World) -> None:
    w = world
    w.loopback.close_dms(w.alice)
    submitted = await w.loopback.submit_modal(w.alice, await open_form(w), {AD_INPUT: SAFE_AD})
    reading = await submitted.original_message()
    assert reading.ephemeral and reading.content == DM_CLOSED and title(reading) == "What the ad says"
    (flow,) = await submitted.followups(1)  # the first followup filled in the deferred reply
    assert flow.ephemeral and title(flow) == "The three-question check · Step 2 of 8"
    verdict = await press(w, flow, ":k")
    assert title(verdict) == "Verdict: The formal SAFe PO" and verdict.ephemeral
    assert w.loopback.messages_in(w.alice) == []


async def test_an_ad_of_4000_characters_is_read_and_4001_is_refused(world: World) -> None:
    w = world
    longest = (SAFE_AD + "\n\nAbout us\n" + "We like tea and long walks. " * 200)[:MODAL_LIMIT]
    opened = await open_form(w)
    text_input = opened.modal["components"][0]["component"]  # type: ignore[index]
    assert text_input["max_length"] == MODAL_LIMIT == 4000
    await w.loopback.submit_modal(w.alice, opened, {AD_INPUT: longest})
    await w.loopback.wait_for_message(w.alice, lambda m: "Step 2 of 8" in title(m))

    again = await open_form(w)
    with pytest.raises(ValueError, match=r"takes 0\.\.4000 characters, got 4001"):  # Discord's client refuses it
        await w.loopback.submit_modal(w.alice, again, {AD_INPUT: longest + "!"})
    post = await w.loopback.say(w.bob, w.general, longest + "!")
    refused = await (await w.loopback.message_command(w.alice, MENU_NAME, post, channel=w.general)).response()
    assert refused.message is not None and refused.message.ephemeral
    assert refused.message.content == (
        "The ad is 4,001 characters, over the limit of 4,000; paste only the job description, without the rest "
        "of the page."
    )


async def test_an_ad_for_another_job_says_so_privately_and_opens_nothing(world: World) -> None:
    w = world
    post = await w.loopback.say(w.bob, w.general, SCRUM_MASTER_AD)
    answer = await (await w.loopback.message_command(w.alice, MENU_NAME, post, channel=w.general)).response()
    assert answer.message is not None and answer.message.ephemeral
    assert title(answer.message) == "A Scrum Master job, not a PM or PO role"
    assert answer.message.custom_ids == ["entry:job-vs-accountability"]
    assert await w.harness.bot.services.db.fetchall("SELECT id FROM check_sessions") == []
    empty = await w.loopback.say(w.bob, w.general, "")
    refused = await (await w.loopback.message_command(w.alice, MENU_NAME, empty, channel=w.general)).response()
    assert refused.message is not None and "no text for me to read" in refused.message.content


async def test_with_a_check_open_the_ad_waits_until_the_member_abandons_it(world: World) -> None:
    w = world
    await w.loopback.slash(w.alice, "check start", channel=w.general)
    await w.loopback.wait_for_message(w.alice, lambda m: "Step 1 of 8" in title(m))
    await w.loopback.submit_modal(w.alice, await open_form(w), {AD_INPUT: SAFE_AD})
    prompt = await w.loopback.wait_for_message(w.alice, lambda m: title(m) == "You already have a check open")
    assert "check the ad you just sent?" in description(prompt) and await kept_ads(w) == 1

    abandon = next(c for c in prompt.custom_ids if ":abandon:" in c)
    assert abandon.startswith("check:") and abandon.count(":") == 5  # the waiting ad's id rides along
    reading = await press(w, prompt, abandon)
    assert title(reading) == "What the ad says" and reading.components == []
    flow = await w.loopback.wait_for_message(w.alice, lambda m: "Step 2 of 8" in title(m), after=reading)
    assert picked(flow) == ["po"] and await kept_ads(w) == 1
    verdict = await press(w, flow, ":k")
    assert title(verdict) == "Verdict: The formal SAFe PO" and await kept_ads(w) == 0
