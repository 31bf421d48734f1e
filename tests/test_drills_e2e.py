"""Daily drills end to end: the real bot against the loopback Discord, with an injected clock.

The poster's loop polls once an hour here, so after its first pass at start-up nothing happens on its
own; tests move the clock and call the cog's ``tick`` directly instead of waiting real minutes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, cast

import discord
import pytest

from bot.drills.content import DrillBank
from bot.drills.store import DrillStore
from bot.knowledge.loader import require_knowledge
from cogs.drills import Drills
from tests.helpers import SHIPPED_KNOWLEDGE, FakeClock, install_bot_clock, labels
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.driver import CommandUnavailable
from tests.loopback.harness import BotHarness
from tests.loopback.permissions import CREATE_PUBLIC_THREADS, SEND_MESSAGES
from tests.loopback.state import Channel, Guild, Message, Overwrite

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(DrillBank)
SETUP = {"time": "09:30", "timezone": "Europe/Berlin"}
POSTING = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)  # 09:30 in Berlin


@pytest.fixture
def bot_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return install_bot_clock(monkeypatch, dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC))


@pytest.fixture
def drills_channel(loopback: LoopbackDiscord, guild: Guild) -> Channel:
    return loopback.add_text_channel(guild, "interview-drills")


def harness(loopback: LoopbackDiscord, tmp_path: Path, **drills: Any) -> BotHarness:
    return BotHarness(loopback, tmp_path, drills={"poll_seconds": 3600, **drills})


async def drills_cog(h: BotHarness) -> Drills:
    """The cog, once its loop's start-up pass is over (so tests' ticks never race it)."""
    found = h.bot.get_cog("Drills")
    assert found is not None and type(found).__name__ == "Drills"  # each bot loads the extension afresh
    cog = cast(Drills, found)
    await asyncio.wait_for(cog.started.wait(), 5)
    return cog


def bot_can_send(h: BotHarness, channel: Channel) -> bool:
    """Whether the bot's cache (not the loopback's state) says it may post in ``channel``."""
    cached = h.bot.get_channel(channel.id)
    assert isinstance(cached, discord.TextChannel)
    return cached.permissions_for(cached.guild.me).send_messages


def drill_of(message: Message) -> str:
    footer = message.embeds[0]["footer"]["text"]
    return str(footer.split(" · ")[0].removeprefix("Drill "))


def posts(loopback: LoopbackDiscord, channel: Channel) -> list[Message]:
    return [m for m in loopback.messages_in(channel) if m.embeds and "Daily interview drill" in m.embeds[0]["title"]]


async def reply_text(handle: Any) -> str:
    callback = await handle.response()
    assert callback.message is not None
    message = callback.message
    return message.content + " ".join(str(e.get("description", "")) + str(e.get("title", "")) for e in message.embeds)


async def set_up(loopback: LoopbackDiscord, channel: Channel, **options: Any) -> Message:
    handle = await loopback.slash(
        loopback.owner, "drills setup", {"channel": channel, **SETUP, **options}, channel=channel
    )
    callback = await handle.response()
    assert callback.message is not None and callback.message.ephemeral
    return callback.message


async def test_setup_refuses_invalid_time_timezone_and_days_with_examples(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    member = loopback.add_member(guild, "member")
    async with harness(loopback, tmp_path) as h:
        choices = await loopback.autocomplete(
            loopback.owner,
            "drills setup",
            {"channel": drills_channel, "time": "09:30", "timezone": "europe/ber"},
            focused="timezone",
            channel=drills_channel,
        )
        assert choices[0]["value"] == "Europe/Berlin"
        for options, expected in (
            ({"time": "25:00"}, "for example 09:30"),
            ({"timezone": "Europe/Berlinn"}, "Did you mean Europe/Berlin?"),
            ({"timezone": "Moon/Base"}, "for example Europe/Berlin"),
            ({"days": "mon-frii"}, "mon-fri or mon,wed,fri"),
        ):
            handle = await loopback.slash(
                loopback.owner, "drills setup", {"channel": drills_channel, **SETUP, **options}, channel=drills_channel
            )
            assert expected in await reply_text(handle)
        assert await DrillStore(h.bot.services.db).get_schedule(guild.id) is None
        with pytest.raises(CommandUnavailable):  # hidden from members (Manage Server by default)
            await loopback.slash(member, "drills setup", {"channel": drills_channel, **SETUP}, channel=drills_channel)


async def test_scheduled_post_with_thread_ping_reveal_practise_streak_and_top(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    role = loopback.add_role(guild, "drillers")
    alice = loopback.add_member(guild, "alice", roles=[role])
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        reply = await set_up(loopback, drills_channel, ping_role=role, days="daily")
        assert "Daily drill: on" in reply.embeds[0]["title"]
        bot_clock.now = POSTING - dt.timedelta(seconds=1)
        await cog.tick()
        assert posts(loopback, drills_channel) == []
        bot_clock.now = POSTING
        await cog.tick()
        (post,) = posts(loopback, drills_channel)
        assert post.content == f"<@&{role.id}>" and post.pings == {f"role:{role.id}"}
        assert post.allowed_mentions is not None and post.allowed_mentions["parse"] == []  # nothing else pings
        assert [str(r) for r in post.allowed_mentions["roles"]] == [str(role.id)]
        assert post.thread_id is not None  # a discussion thread on the drill
        assert list(labels(post)) == ["Show a strong answer", "Show a weak answer", "Practise"]
        drill = BANK.drills[drill_of(post)]
        assert drill.prompt in post.embeds[0]["description"]

        strong = await (await loopback.click(alice, post, labels(post)["Show a strong answer"])).response()
        assert strong.message is not None and strong.message.ephemeral
        assert strong.message.embeds[0]["description"] == drill.strong_answer
        weak = await (await loopback.click(alice, post, labels(post)["Show a weak answer"])).response()
        assert weak.message is not None and weak.message.ephemeral
        assert weak.message.embeds[0]["description"] == drill.weak_answer

        opened = await loopback.click(alice, post, labels(post)["Practise"])
        assert (await opened.response()).type == CallbackType.MODAL
        assert opened.modal is not None and opened.modal["custom_id"].startswith(f"drill-answer:{drill.id}:")
        submitted = await loopback.submit_modal(alice, opened, {"answer": drill.strong_answer})
        feedback = (await submitted.response()).message
        assert feedback is not None and feedback.ephemeral
        assert feedback.embeds[0]["title"].startswith("Strong answer")
        assert "Streak: 1 scheduled drill(s) in a row" in feedback.embeds[0]["footer"]["text"]

        streak = await loopback.slash(alice, "drill-streak", {}, channel=drills_channel)
        assert "Drill streak: 1" in await reply_text(streak)
        top = await (await loopback.slash(alice, "drill-top", {}, channel=drills_channel)).response()
        assert (
            top.message is not None and f"<@{alice.id}>: 1 drill(s), 1 strong" in top.message.embeds[0]["description"]
        )
        assert not top.message.pings


async def test_restart_never_double_posts_and_buttons_and_forms_survive_it(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        bot_clock.now = POSTING
        await cog.tick()
        (post,) = posts(loopback, drills_channel)
        opened = await loopback.click(alice, post, labels(post)["Practise"])  # form opened before the restart
        await opened.response()

        await h.restart()
        cog = await drills_cog(h)  # its start-up pass ran at the same local date
        bot_clock.advance(minutes=1)
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1

        drill = BANK.drills[drill_of(post)]
        submitted = await loopback.submit_modal(alice, opened, {"answer": drill.weak_answer})
        feedback = (await submitted.response()).message
        assert feedback is not None and feedback.embeds[0]["title"].startswith("Needs work")
        strong = await (await loopback.click(alice, post, labels(post)["Show a strong answer"])).response()
        assert strong.message is not None and strong.message.embeds[0]["description"] == drill.strong_answer


async def test_a_claim_left_by_a_crash_is_sent_once_after_the_restart(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    async with harness(loopback, tmp_path) as h:
        await drills_cog(h)
        await set_up(loopback, drills_channel)
        bot_clock.now = POSTING
        # The crash: the date is claimed, the process dies before sending.
        claimed = await DrillStore(h.bot.services.db).claim(
            guild_id=guild.id, local_date=dt.date(2026, 11, 23), scheduled_for=POSTING,
            channel_id=drills_channel.id, bank_ids=list(BANK.drills), now=POSTING,
        )  # fmt: skip
        assert claimed is not None
        bot_clock.advance(seconds=40)
        await h.restart()
        await drills_cog(h)  # the start-up pass resolves the claim
        (post,) = posts(loopback, drills_channel)
        assert drill_of(post) == claimed.drill_id
        row = await DrillStore(h.bot.services.db).get_post(claimed.id)
        assert row is not None and row.status == "posted" and row.message_id == post.id
        sent = [r for r in loopback.calls("POST", "/channels/{channel_id}/messages") if r.body.get("nonce")]
        assert [r.body["nonce"] for r in sent] == [claimed.nonce] and sent[0].body["enforce_nonce"] is True


async def test_missing_permission_pauses_the_schedule_and_tells_the_moderator(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        loopback.set_bot_permissions(drills_channel, deny=SEND_MESSAGES)
        await h.cached("guild_channel_update", lambda: not bot_can_send(h, drills_channel))
        bot_clock.now = POSTING
        await cog.tick()
        assert posts(loopback, drills_channel) == []
        schedule = await DrillStore(h.bot.services.db).get_schedule(guild.id)
        assert schedule is not None and schedule.paused
        # discord.py drops Embed Links along with Send Messages, as Discord does.
        assert (
            schedule.paused_reason == "I'm missing the Send Messages and Embed Links permissions in #interview-drills"
        )
        notice = await loopback.wait_for_message(loopback.owner, lambda m: "paused" in m.content)
        assert notice.content == (
            "**Product People**: The daily interview drill is paused: I'm missing the Send Messages and Embed Links "
            "permissions in #interview-drills. A moderator can fix this and run `/drills resume`."
        )
        bot_clock.now += dt.timedelta(days=1)
        await cog.tick()  # no retry loop while paused
        assert len(loopback.messages_in(loopback.owner)) == 1 and posts(loopback, drills_channel) == []

        loopback.set_bot_permissions(drills_channel, allow=SEND_MESSAGES)
        status = await loopback.slash(loopback.owner, "drills status", {}, channel=drills_channel)
        assert "Daily drill: paused" in await reply_text(status)
        resumed = await loopback.slash(loopback.owner, "drills resume", {}, channel=drills_channel)
        assert "Drills are back on." in await reply_text(resumed)
        bot_clock.now += dt.timedelta(days=1)
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1


async def test_a_deleted_channel_pauses_and_the_system_channel_hears_when_dms_are_closed(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        loopback.close_dms(loopback.owner)
        loopback.delete_channel(drills_channel)
        await h.cached("guild_channel_delete", lambda: h.bot.get_channel(drills_channel.id) is None)
        bot_clock.now = POSTING
        await cog.tick()
        schedule = await DrillStore(h.bot.services.db).get_schedule(guild.id)
        assert schedule is not None and schedule.paused and "deleted" in (schedule.paused_reason or "")
        system = loopback.world.channel(guild.system_channel_id or 0)
        assert system is not None
        notice = await loopback.wait_for_message(system, lambda m: "paused" in m.content)
        assert "The daily interview drill is paused: the drill channel was deleted" in notice.content
        assert not notice.pings


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("forbidden", "Discord refused me posting in #interview-drills (Missing Permissions)"),
        ("gone", "the drill channel was deleted"),
    ],
)
async def test_discords_own_403_and_404_pause_the_schedule_when_the_cache_is_behind(
    loopback: LoopbackDiscord,
    tmp_path: Path,
    guild: Guild,
    drills_channel: Channel,
    bot_clock: FakeClock,
    change: str,
    reason: str,
) -> None:
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        await set_up(loopback, drills_channel)
        # Changed on Discord's side without the gateway event reaching the bot yet.
        bot_id = loopback.bot_user.id
        if change == "forbidden":
            drills_channel.overwrites[bot_id] = Overwrite(bot_id, 1, deny=SEND_MESSAGES)
        else:
            drills_channel.deleted = True
        bot_clock.now = POSTING
        await cog.tick()
        schedule = await DrillStore(h.bot.services.db).get_schedule(guild.id)
        assert schedule is not None and schedule.paused and schedule.paused_reason == reason
        await loopback.wait_for_message(loopback.owner, lambda m: reason in m.content)
        bot_clock.advance(minutes=5)
        await cog.tick()
        tries = [
            r for r in loopback.calls("POST", "/channels/{channel_id}/messages") if str(drills_channel.id) in r.path
        ]
        assert [r.status for r in tries] == [403 if change == "forbidden" else 404]  # once, then no retry loop


async def test_post_now_status_skip_and_pause(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    loopback.set_bot_permissions(drills_channel, deny=CREATE_PUBLIC_THREADS)
    async with harness(loopback, tmp_path) as h:
        cog = await drills_cog(h)
        reply = await set_up(loopback, drills_channel)
        assert "can't create threads" in reply.content
        handle = await loopback.slash(loopback.owner, "drills post-now", {}, channel=drills_channel)
        done = await handle.original_message()  # the deferred "thinking" reply, filled in
        (post,) = posts(loopback, drills_channel)
        assert done.ephemeral and str(post.id) in done.content and post.thread_id is None
        again = await loopback.slash(loopback.owner, "drills post-now", {}, channel=drills_channel)
        refused = await again.original_message()
        assert "Today's drill (2026-11-23) is already out" in refused.content
        bot_clock.now = POSTING
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1  # post-now took today's slot

        skipped = await loopback.slash(loopback.owner, "drills skip", {}, channel=drills_channel)
        assert "Skipped the drill of 2026-11-24" in await reply_text(skipped)
        status = await loopback.slash(loopback.owner, "drills status", {}, channel=drills_channel)
        text = str((await status.response()).message.embeds[0])  # type: ignore[union-attr]
        assert "2026-11-24" in text and "2026-11-23: posted" in text
        bot_clock.now = POSTING + dt.timedelta(days=1)
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1
        paused = await loopback.slash(loopback.owner, "drills pause", {}, channel=drills_channel)
        assert "Drills are paused" in await reply_text(paused)
        bot_clock.now = POSTING + dt.timedelta(days=2)
        await cog.tick()
        assert len(posts(loopback, drills_channel)) == 1


async def test_drill_on_demand_is_private_and_does_not_count_for_streaks(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, drills_channel: Channel, bot_clock: FakeClock
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with harness(loopback, tmp_path, max_answer_length=600) as h:
        await drills_cog(h)
        choices = await loopback.autocomplete(
            alice, "drill", {"theme": "safe"}, focused="theme", channel=drills_channel
        )
        assert [c["value"] for c in choices] == ["PO role at a SAFe enterprise"]
        handle = await loopback.slash(alice, "drill", {"theme": "PO role at a SAFe enterprise"}, channel=drills_channel)
        message = (await handle.response()).message
        assert message is not None and message.ephemeral
        assert message.embeds[0]["title"] == "Interview drill: PO role at a SAFe enterprise"
        drill = BANK.drills[drill_of(message)]
        opened = await loopback.click(alice, message, labels(message)["Practise"])
        await opened.response()
        text_input = opened.modal["components"][0]["component"]  # type: ignore[index]
        assert text_input["max_length"] == 600 and text_input["min_length"] == 20
        submitted = await loopback.submit_modal(alice, opened, {"answer": drill.weak_answer})
        feedback = (await submitted.response()).message
        assert feedback is not None and feedback.ephemeral and feedback.embeds[0]["title"].startswith("Needs work")
        assert "Streak" not in feedback.embeds[0]["footer"]["text"]
        row = await h.bot.services.db.fetchone("SELECT user_id, post_id FROM drill_answers")
        assert row is not None and row["user_id"] == alice.id and row["post_id"] is None
