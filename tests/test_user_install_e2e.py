"""The app installed to a member's own account (issue #13, point 8), through the loopback Discord.

/ask, /topic, /topics, /compare, /check (and /privacy, /about) go with the member: into the bot's DMs,
group DMs and servers that don't have the bot, where the bot answers only the member who asked. Server
features (leaderboards, drills, moderator commands) stay with servers that installed the bot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cogs._ui import DM_CLOSED
from tests.helpers import embed, labels
from tests.loopback import CallbackType, Channel, CommandUnavailable, Guild, LoopbackDiscord, Message
from tests.loopback.driver import Actor
from tests.loopback.harness import BotHarness
from tests.loopback.spec import load_spec

ANYWHERE = {"ask", "topic", "topics", "compare", "check", "privacy", "about"}
SERVER_ONLY = {"drills", "drill-streak", "drill-top", "kb", "moderators"}
#: Commands only a server's install brings, with options that would otherwise be accepted.
GUILD_INSTALL_ONLY: list[tuple[str, dict[str, str]]] = [
    ("quiz leaderboard", {}),
    ("quiz start", {}),
    ("drill-top", {}),
    ("moderators list", {}),
]


async def test_the_command_tree_says_where_each_command_can_be_used(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    async with BotHarness(loopback, tmp_path):
        (upload,) = loopback.calls("PUT", "/applications/{application_id}/commands")
    assert load_spec().validate("PUT", upload.path, upload.body) == []
    commands = {c["name"]: c for c in upload.body}
    for name, command in commands.items():
        if name in ANYWHERE:
            assert command["integration_types"] == [0, 1] and command["contexts"] == [0, 1, 2], name
        else:
            assert command["integration_types"] == [0], name  # installed with a server only
    for name in SERVER_ONLY:
        assert commands[name]["contexts"] == [0], name


async def run_the_check_privately(loopback: LoopbackDiscord, member: Actor, channel: Channel) -> Message:
    """/check start where the bot can't DM the member: the flow runs privately where it was started."""
    handle = await loopback.slash(member, "check start", channel=channel)
    flow = await handle.original_message()
    assert flow.ephemeral and flow.content == DM_CLOSED and "Step 1 of 8" in embed(flow)["title"]
    step = next(c for c in flow.custom_ids if c.endswith(":a:posting"))
    clicked = await (await loopback.click(member, flow, step)).response()
    assert clicked.type == CallbackType.UPDATE_MESSAGE and clicked.message is not None
    assert "Step 2 of 8" in embed(clicked.message)["title"]
    return clicked.message


async def ask_everything_privately(loopback: LoopbackDiscord, member: Actor, channel: Channel) -> None:
    asked = await (
        await loopback.slash(member, "ask", {"question": "who owns the roadmap?"}, channel=channel)
    ).response()
    assert asked.type == CallbackType.CHANNEL_MESSAGE and asked.message is not None
    assert asked.message.ephemeral and "roadmap" in embed(asked.message)["title"].lower()
    assert "Helpful? Yes" in labels(asked.message)
    for command, options in [("topic", {"name": "pspo"}), ("topics", {}), ("compare", {})]:
        shown = await (await loopback.slash(member, command, options, channel=channel)).response()
        assert shown.message is not None and shown.message.ephemeral and shown.message.embeds, command
    await run_the_check_privately(loopback, member, channel)


async def test_in_a_server_without_the_bot_a_user_install_answers_privately(
    loopback: LoopbackDiscord, tmp_path: Path
) -> None:
    elsewhere = loopback.add_guild("Elsewhere", with_bot=False)
    chat = loopback.add_text_channel(elsewhere, "chat")
    carol = loopback.add_member(elsewhere, "carol")
    dave = loopback.add_member(elsewhere, "dave")
    loopback.install_app(carol)
    async with BotHarness(loopback, tmp_path) as harness:
        assert harness.bot.get_guild(elsewhere.id) is None  # the bot is not in it
        await ask_everything_privately(loopback, carol, chat)
        for command, options in GUILD_INSTALL_ONLY:
            with pytest.raises(CommandUnavailable):
                await loopback.slash(carol, command, options, channel=chat)
        with pytest.raises(CommandUnavailable):  # a member without the app gets nothing from it here
            await loopback.slash(dave, "ask", {"question": "who owns the roadmap?"}, channel=chat)
        loopback.install_app(dave)  # (carol's /ask is cooling down)
        await (await loopback.slash(dave, "ask", {"question": "how long do I boil an egg"}, channel=chat)).response()
        kept = await harness.bot.services.db.fetchall("SELECT guild_id FROM unanswered_questions")
        assert [row["guild_id"] for row in kept] == [None]  # nothing kept about a server that didn't add the bot
    posted = [r for r in loopback.calls("POST", "/channels/{channel_id}/messages") if str(chat.id) in r.path]
    assert posted == []  # only interaction replies: the bot never tried to post in a server it isn't in


async def test_in_a_group_dm_a_user_install_answers_privately(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild
) -> None:
    carol, erin = loopback.add_member(guild, "carol"), loopback.add_member(guild, "erin")
    friends = loopback.add_group_dm(carol, erin, name="job hunt")
    loopback.install_app(carol)
    loopback.close_dms(carol)  # she shares a server with the bot but accepts no DMs: the check falls back
    async with BotHarness(loopback, tmp_path):
        await ask_everything_privately(loopback, carol, friends)
        with pytest.raises(CommandUnavailable):
            await loopback.slash(carol, "quiz start", {}, channel=friends)
        with pytest.raises(CommandUnavailable):
            await loopback.slash(erin, "ask", {"question": "who owns the roadmap?"}, channel=friends)


async def test_in_the_bots_dms_a_user_install_works_as_a_dm(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    loner = loopback.add_user("frank")  # in no server with the bot: he has only his own install
    loopback.install_app(loner)
    async with BotHarness(loopback, tmp_path):
        asked = await (await loopback.slash(loner, "ask", {"question": "who owns the roadmap?"})).response()
        assert asked.message is not None and not asked.message.ephemeral  # its own DM: an ordinary reply
        started = await (await loopback.slash(loner, "check start")).response()
        assert started.message is not None and "Step 1 of 8" in embed(started.message)["title"]
        shown = await (await loopback.slash(loner, "privacy show")).response()
        assert shown.message is not None and "What I store about you" in embed(shown.message)["title"]
        with pytest.raises(CommandUnavailable):  # the quiz comes with a server's install, and he is in none
            await loopback.slash(loner, "quiz start", {})
