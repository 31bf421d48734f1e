"""/check end to end: the real bot against the loopback Discord, acting as a member."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cogs._ui import DM_CLOSED, DM_SENT
from tests.loopback import CallbackType, Channel, LoopbackDiscord, Member, Message
from tests.loopback.harness import BotHarness

SEND_MESSAGES = 1 << 11
ORDER_TAKER = ["posting", "po", "501-5000", "scrum", "other", "pm", "pm", "pm"]


@dataclass
class World:
    loopback: LoopbackDiscord
    harness: BotHarness
    general: Channel
    alice: Member


@pytest.fixture
async def world(loopback: LoopbackDiscord, tmp_path: Path) -> AsyncIterator[World]:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        yield World(loopback, harness, general, alice)


def title(message: Message) -> str:
    return str(message.embeds[0]["title"]) if message.embeds else ""


def description(message: Message) -> str:
    return str(message.embeds[0].get("description", "")) if message.embeds else ""


def current(w: World, message: Message) -> Message:
    return w.loopback.world.messages[message.id]


async def press(w: World, message: Message, suffix: str) -> Message:
    """Click the button whose custom_id ends with ``suffix`` on the message as it is now; the edited message."""
    now = current(w, message)
    custom_id = next((c for c in now.custom_ids if c.endswith(suffix)), None)
    assert custom_id is not None, f"no button ending in {suffix!r}: {now.custom_ids}"
    callback = await (await w.loopback.click(w.alice, now, custom_id)).response()
    assert callback.type == CallbackType.UPDATE_MESSAGE, callback
    return current(w, message)


async def answer(w: World, message: Message, *values: str) -> Message:
    for value in values:
        message = await press(w, message, f":a:{value}")
    return message


async def start_in_server(w: World) -> Message:
    """/check start in #general: a private note there, the flow in the DM."""
    handle = await w.loopback.slash(w.alice, "check start", channel=w.general)
    note = await handle.original_message()
    assert note.ephemeral and note.content == DM_SENT
    return await w.loopback.wait_for_message(w.alice, lambda m: "Step 1 of 8" in title(m))


async def test_full_flow_in_dms_with_back_start_over_entry_and_share(world: World) -> None:
    w = world
    flow = await start_in_server(w)
    assert not flow.ephemeral and "A job title on its own" in description(flow)
    assert [c.rsplit(":", 1)[-1] for c in flow.custom_ids] == ["posting", "current", "b", "r"]

    flow = await answer(w, flow, "posting", "po", "51-500")
    assert title(flow) == "The three-question check · Step 4 of 8"
    flow = await press(w, flow, ":b")
    assert title(flow) == "The three-question check · Step 3 of 8"
    picked = next(c for c in current(w, flow).components[0]["components"] if c["custom_id"].endswith(":a:51-500"))
    assert picked["style"] == 3  # the earlier answer is shown as picked (green)
    flow = await press(w, flow, ":r")
    assert title(flow) == "The three-question check · Step 1 of 8"

    flow = await answer(w, flow, *ORDER_TAKER)
    assert title(flow) == "Verdict: Order-taker PO"
    fields = [f["name"] for f in flow.embeds[0]["fields"]]
    assert fields == ["Why", "What the context changes", "Salary context", "Next steps"]
    assert len(w.loopback.messages_in(w.alice)) == 1  # every step edited the same message
    assert len(flow.edits) == len(ORDER_TAKER) + 5

    entry = await (await w.loopback.click(w.alice, flow, "entry:order-taker-red-flag")).response()
    assert entry.type == CallbackType.CHANNEL_MESSAGE and entry.message is not None and entry.message.ephemeral
    assert title(entry.message) == "How do I spot an order-taker PO role?"

    share = await w.loopback.click(w.alice, current(w, flow), next(c for c in flow.custom_ids if c.endswith(":share")))
    note = await share.original_message()
    assert note.ephemeral and note.content == f"Shared in <#{w.general.id}>."
    posted = await w.loopback.wait_for_message(w.general, lambda m: title(m).startswith("Three-question check"))
    assert title(posted) == "Three-question check: Order-taker PO"
    assert description(posted).startswith(f"<@{w.alice.user.id}> checked: Job posting · Product Owner")
    assert not posted.pings and posted.components == []


async def test_share_when_the_bot_cannot_post_there_says_so_privately(world: World) -> None:
    w = world
    flow = await answer(w, await start_in_server(w), *ORDER_TAKER)
    w.loopback.set_bot_permissions(w.general, deny=SEND_MESSAGES)
    share_id = next(c for c in flow.custom_ids if c.endswith(":share"))
    note = await (await w.loopback.click(w.alice, current(w, flow), share_id)).original_message()
    assert note.ephemeral and note.content.startswith(f"I can't post in <#{w.general.id}>")
    assert [m for m in w.loopback.messages_in(w.general) if m.embeds] == []
    w.loopback.set_bot_permissions(w.general, allow=SEND_MESSAGES)
    again = await (await w.loopback.click(w.alice, current(w, flow), share_id)).original_message()
    assert again.content == f"Shared in <#{w.general.id}>."


async def test_closed_dms_run_the_same_flow_privately_in_the_server(world: World) -> None:
    w = world
    w.loopback.close_dms(w.alice)
    handle = await w.loopback.slash(w.alice, "check start", channel=w.general)
    flow = await handle.original_message()
    assert flow.ephemeral and flow.content == DM_CLOSED and title(flow) == "The three-question check · Step 1 of 8"
    flow = await answer(w, flow, *ORDER_TAKER)
    assert title(flow) == "Verdict: Order-taker PO" and flow.ephemeral
    assert w.loopback.messages_in(w.alice) == []


async def test_started_in_dms_it_runs_there_and_has_nothing_to_share(world: World) -> None:
    w = world
    reply = await (await w.loopback.slash(w.alice, "check start")).response()
    assert reply.type == CallbackType.CHANNEL_MESSAGE and reply.message is not None
    flow = await answer(w, reply.message, *ORDER_TAKER)
    assert title(flow) == "Verdict: Order-taker PO"
    assert not any(c.endswith(":share") for c in flow.custom_ids)


async def test_a_restart_between_two_clicks_continues_where_the_member_was(world: World) -> None:
    w = world
    flow = await answer(w, await start_in_server(w), "current", "po")
    await w.harness.restart()
    flow = await answer(w, flow, "5000+")
    assert title(flow) == "The three-question check · Step 4 of 8"
    assert "So far" in [f["name"] for f in flow.embeds[0]["fields"]]
    flow = await answer(w, flow, "safe", "enterprise", "pm", "pm", "role")
    assert title(flow) == "Verdict: The formal SAFe PO"


async def test_an_expired_check_says_so_and_a_new_one_starts_fresh(world: World) -> None:
    w = world
    flow = await answer(w, await start_in_server(w), "posting")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=w.harness.config.check.session_ttl_hours + 1)
    w.harness.bot.services.clock = lambda: later
    flow = await press(w, flow, ":a:pm")
    assert description(flow) == "This check expired. Start again with /check start."
    assert flow.components == []
    fresh = await (await w.loopback.slash(w.alice, "check start", channel=w.general)).original_message()
    assert fresh.content == DM_SENT
    newest = w.loopback.messages_in(w.alice)[-1]
    assert title(newest) == "The three-question check · Step 1 of 8"


async def test_one_open_check_continue_abandon_and_stale_clicks(world: World) -> None:
    w = world
    first = await answer(w, await start_in_server(w), "posting")

    await w.loopback.slash(w.alice, "check start", channel=w.general)
    prompt = await w.loopback.wait_for_message(w.alice, lambda m: title(m) == "You already have a check open")
    assert "step 2 of 8 (Job posting)" in description(prompt)
    resumed = await press(w, prompt, ":continue:" + f"{w.general.guild_id}:{w.general.id}")
    assert title(resumed) == "The three-question check · Step 2 of 8"
    resumed = await answer(w, resumed, "po")

    # The first message still shows step 2: its click is stale and shows where the member is now.
    stale = await press(w, first, ":a:pm")
    assert title(stale) == "The three-question check · Step 3 of 8"
    assert description(stale).startswith("*That button was from an earlier step")

    await w.loopback.slash(w.alice, "check start", channel=w.general)
    second_prompt = await w.loopback.wait_for_message(
        w.alice, lambda m: title(m) == "You already have a check open", after=prompt
    )
    fresh = await press(w, second_prompt, ":abandon:" + f"{w.general.guild_id}:{w.general.id}")
    assert title(fresh) == "The three-question check · Step 1 of 8"
    abandoned = await press(w, first, ":a:51-500")
    assert description(abandoned) == "You abandoned this check for a new one. Start again with /check start."


async def test_history_lists_verdicts_and_reopens_one(world: World) -> None:
    w = world
    empty = await (await w.loopback.slash(w.alice, "check history", channel=w.general)).response()
    assert empty.message is not None and "You haven't finished a check yet." in description(empty.message)
    flow = await answer(w, await start_in_server(w), *ORDER_TAKER)
    session_id = next(c for c in flow.custom_ids if c.endswith(":share")).split(":")[1]

    listing = await (await w.loopback.slash(w.alice, "check history", channel=w.general)).response()
    assert listing.message is not None and listing.message.ephemeral
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    assert f"1. {today} · Job posting · Product Owner → Order-taker PO" in description(listing.message)
    reopened = await (await w.loopback.select(w.alice, listing.message, "check:history", [session_id])).response()
    assert reopened.message is not None and reopened.message.ephemeral
    assert reopened.message.embeds == flow.embeds
