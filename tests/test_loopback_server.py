"""Self-tests of the loopback Discord server, driven by a tiny real discord.py bot.

Each test asserts on what the bot really sent through the server, so a server that accepted
anything, or a driver that faked the bot's answers, would fail here.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from tests.loopback import Channel, CommandUnavailable, Guild, LoopbackDiscord, Member
from tests.loopback.driver import OptionValue

pytest_plugins = ["pytester"]


class Counter(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.count = 0

    @discord.ui.button(label="+1", custom_id="counter:add")
    async def add(self, interaction: discord.Interaction, button: discord.ui.Button[Counter]) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"count: {self.count}", view=self)


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="What went well?", custom_id="feedback:text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks for: {self.text.value}", ephemeral=True)


class Survey(discord.ui.Modal, title="Survey"):
    role: discord.ui.Label[Survey] = discord.ui.Label(
        text="Your role",
        component=discord.ui.Select(
            custom_id="survey:role",
            options=[discord.SelectOption(label="PM", value="pm"), discord.SelectOption(label="PO", value="po")],
        ),
    )
    why: discord.ui.Label[Survey] = discord.ui.Label(
        text="Why?",
        component=discord.ui.TextInput(custom_id="survey:why", style=discord.TextStyle.paragraph, max_length=200),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.role.component, discord.ui.Select)
        assert isinstance(self.why.component, discord.ui.TextInput)
        await interaction.response.send_message(f"{self.role.component.values[0]}: {self.why.component.value}")


class Picker(discord.ui.View):
    @discord.ui.select(
        custom_id="pick",
        options=[
            discord.SelectOption(label="Roadmap", value="roadmap"),
            discord.SelectOption(label="Roles", value="roles"),
        ],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Picker]) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}", view=None)


class TinyBot(commands.Bot):
    """Just enough bot to exercise every route family; errors are kept for assertions."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.errors: asyncio.Queue[discord.HTTPException] = asyncio.Queue()
        self.add_commands()

    def add_commands(self) -> None:
        tree = self.tree

        @tree.command(description="Ask a question")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.send_message(f"you asked: {question}", view=Counter())

        @tree.command(description="Give feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback())

        async def topics(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            names = ["roadmap", "roles", "refinement", "backlog"]
            return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

        @tree.command(description="Look up a topic")
        @app_commands.autocomplete(name=topics)
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(f"topic {name}")

        @tree.command(description="Introduce someone")
        async def introduce(
            interaction: discord.Interaction, member: discord.Member, where: discord.TextChannel, role: discord.Role
        ) -> None:
            await interaction.response.send_message(f"{member.display_name} in #{where.name} as {role.name}")

        @tree.command(description="Take a survey")
        async def survey(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Survey())

        @tree.command(description="Answer too late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            await self.keep_error(interaction.response.send_message("late"))

        @tree.command(description="Answer too long")
        async def long(interaction: discord.Interaction) -> None:
            await self.keep_error(interaction.response.send_message("x" * 2001))
            await interaction.response.send_message("shorter")

        kb = app_commands.Group(
            name="kb", description="Knowledge base", default_permissions=discord.Permissions(manage_guild=True)
        )

        @kb.command(description="Reload the knowledge base")
        async def reload(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("reloaded", ephemeral=True, view=Counter())

        tree.add_command(kb)

    async def keep_error(self, call: object) -> None:
        try:
            await call  # type: ignore[misc]
        except discord.HTTPException as error:
            self.errors.put_nowait(error)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and message.author != self.user:
            await message.channel.send(f"echo: {message.content}")


@contextlib.asynccontextmanager
async def connected(server: LoopbackDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TinyBot]:
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    bot = TinyBot()
    await bot.login(server.token)
    task = asyncio.create_task(bot.connect())
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if task.done():
                task.result()  # why the bot could not connect
            raise TimeoutError("the bot was not ready within 5 s")
        yield bot
    finally:
        await bot.close()
        if not task.done() or not task.exception():
            await asyncio.wait_for(task, 5)


@pytest.fixture
def world(loopback: LoopbackDiscord) -> tuple[Guild, Channel, Member]:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    return guild, general, alice


@pytest.fixture
async def bot(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TinyBot]:
    async with connected(loopback, monkeypatch) as running:
        yield running


async def test_connect_ready_and_guild_create(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    guild, _general, _alice = world
    cached = bot.get_guild(guild.id)
    assert cached is not None and cached.name == "Product People"
    assert {c.name for c in cached.text_channels} == {"system", "general"}
    assert cached.me is not None and cached.me.id == loopback.bot_user.id
    assert bot.user is not None and bot.user.id == loopback.bot_user.id
    assert loopback.identify_count == 1 and loopback.resume_count == 0
    assert [r.route for r in loopback.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]


async def test_sync_uploads_the_command_tree_once(loopback: LoopbackDiscord, bot: TinyBot) -> None:
    assert len(loopback.calls("PUT", "/applications/{application_id}/commands")) == 1
    synced = {c["name"]: c for c in loopback.synced_commands()}
    assert set(synced) == {"ask", "introduce", "feedback", "survey", "topic", "slow", "long", "kb"}
    question = synced["ask"]["options"][0]
    assert (question["name"], question["type"], question["required"]) == ("question", 3, True)
    assert synced["kb"]["default_member_permissions"] == str(discord.Permissions(manage_guild=True).value)


async def test_slash_response_then_click_edits_with_current_components(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    inter = await loopback.slash(alice, "ask", {"question": "PM or PO?"}, channel=general)
    reply = await inter.response()
    assert reply.type == 4
    assert reply.message is not None and reply.message.content == "you asked: PM or PO?"
    assert reply.message.allowed_mentions == {"parse": []} and not reply.message.pings
    await (await loopback.click(alice, reply.message, "counter:add")).response()
    click = await loopback.click(alice, reply.message, "counter:add")
    assert (await click.response()).type == 7
    message = loopback.messages_in(general)[-1]
    assert message.id == reply.message.id and message.content == "count: 2"
    assert [e.content for e in message.edits] == ["you asked: PM or PO?", "count: 1"]
    with pytest.raises(LookupError, match="no component"):
        await loopback.click(alice, message, "counter:nope")


async def test_modal_submit_reaches_on_submit(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    opened = await loopback.slash(alice, "feedback", channel=general)
    assert (await opened.response()).type == 9
    assert opened.modal is not None and opened.modal["title"] == "Feedback"
    submitted = await loopback.submit_modal(alice, opened, {"feedback:text": "clear roles"})
    reply = await submitted.response()
    assert reply.message is not None and reply.message.ephemeral
    assert reply.message.content == "thanks for: clear roles"
    with pytest.raises(ValueError, match="required"):
        await loopback.submit_modal(alice, opened, {"feedback:text": ""})


async def test_autocomplete_and_deferred_followup(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    choices = await loopback.autocomplete(alice, "topic", {"name": "ro"}, focused="name", channel=general)
    assert [c["name"] for c in choices] == ["roadmap", "roles"]
    inter = await loopback.slash(alice, "topic", {"name": "roles"}, channel=general)
    assert (await inter.response()).type == 5
    final = await inter.original_message()
    # The first followup after a deferral replaces the "thinking..." message and stays ephemeral.
    assert final.content == "topic roles" and final.ephemeral and not final.loading
    assert inter.record.followup_ids == []


async def test_rich_messages_selects_layouts_uploads_and_label_modals(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    channel = bot.get_channel(general.id)
    assert isinstance(channel, discord.TextChannel)
    embed = discord.Embed(title="PM vs PO", description="Two roles").add_field(name="PM", value="market")
    embed.set_footer(text="knowledge base").set_author(name="pmpo")
    picker = Picker()
    picker.add_item(discord.ui.Button(label="docs", url="https://example.com/docs"))
    await channel.send(embed=embed, view=picker, file=discord.File(io.BytesIO(b"notes"), filename="notes.txt"))
    posted = loopback.messages_in(general)[-1]
    assert posted.embeds[0]["fields"] == [{"name": "PM", "value": "market", "inline": True}]
    assert [a["filename"] for a in posted.attachments] == ["notes.txt"]
    assert loopback.requests[-1].files == ["notes.txt"]
    picked = await loopback.select(alice, posted, "pick", ["roles"])
    assert (await picked.response()).type == 7
    assert posted.content == "picked roles" and posted.components == []

    layout = discord.ui.LayoutView()
    layout.add_item(discord.ui.Container(discord.ui.TextDisplay("components v2")))
    await channel.send(view=layout)
    v2 = loopback.messages_in(general)[-1]
    assert v2.flags & (1 << 15) and v2.components[0]["type"] == 17

    opened = await loopback.slash(alice, "survey", channel=general)
    await opened.response()
    answered = await loopback.submit_modal(alice, opened, {"survey:role": ["po"], "survey:why": "owns the backlog"})
    reply = await answered.response()
    assert reply.message is not None and reply.message.content == "po: owns the backlog"


async def test_resolved_options_and_guild_commands(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    guild, general, alice = world
    reviewers = loopback.add_role(guild, "reviewers")
    bob = loopback.add_member(guild, "bob", roles=[reviewers])
    options: dict[str, OptionValue] = {"member": bob, "where": general, "role": reviewers}
    reply = await (await loopback.slash(alice, "introduce", options, channel=general)).response()
    assert reply.message is not None and reply.message.content == "bob in #general as reviewers"

    bot.tree.copy_global_to(guild=discord.Object(guild.id))
    await bot.tree.sync(guild=discord.Object(guild.id))
    assert "ask" in {c["name"] for c in loopback.synced_commands(guild)}
    inter = await loopback.slash(alice, "ask", {"question": "guild?"}, channel=general)
    assert inter.payload["data"]["guild_id"] == str(guild.id)
    assert (await inter.response()).message.content == "you asked: guild?"  # type: ignore[union-attr]


async def test_guilds_added_later_reach_the_bot(loopback: LoopbackDiscord, bot: TinyBot) -> None:
    joined = asyncio.create_task(bot.wait_for("guild_join", timeout=2))
    await asyncio.sleep(0)  # let wait_for register before the event can arrive
    later = loopback.add_guild("Later")
    assert (await joined).id == later.id


async def test_followups_need_a_response_and_a_live_token(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    inter = await loopback.slash(alice, "slow", channel=general)
    followup_url = f"{loopback.api_base_url}/webhooks/{loopback.application_id}/{inter.record.token}"
    async with aiohttp.ClientSession() as session:
        async with session.post(followup_url, json={"content": "too early"}) as early:
            assert (early.status, (await early.json())["code"]) == (404, 10015)
        await inter.response()
        async with session.post(followup_url + "?wait=true", json={"content": "after"}) as ok:
            assert ok.status == 200
        assert [m.content for m in await inter.followups(1)] == ["after"]
        loopback.deadlines.token = 0.0
        async with session.post(followup_url, json={"content": "expired"}) as expired:
            assert (expired.status, (await expired.json())["code"]) == (401, 50027)


async def test_global_rate_limit_is_waited_out(
    world: tuple[Guild, Channel, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with LoopbackDiscord(global_rate_limit=3) as server:
        guild = server.add_guild("Busy")
        async with connected(server, monkeypatch) as running:
            channel = running.get_channel(guild.system_channel.id)
            assert isinstance(channel, discord.TextChannel)
            await asyncio.gather(*(channel.send(f"message {i}") for i in range(4)))
        assert sorted(m.content for m in server.messages_in(guild.system_channel)) == [f"message {i}" for i in range(4)]
        assert server.rate_limited and all(path.startswith("/channels/") for _method, path in server.rate_limited)
        assert server.problems == []


async def test_default_member_permissions_hide_commands(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    guild, general, alice = world
    with pytest.raises(CommandUnavailable, match="default_member_permissions"):
        await loopback.slash(alice, "kb reload", channel=general)
    mod = loopback.add_member(guild, "mod", permissions=discord.Permissions(manage_guild=True))
    reply = await (await loopback.slash(mod, ("kb", "reload"), channel=general)).response()
    assert reply.message is not None and reply.message.content == "reloaded" and reply.message.flags == 64
    # Ephemeral messages take clicks too, but only from the member who sees them.
    assert (await (await loopback.click(mod, reply.message, "counter:add")).response()).type == 7
    assert reply.message.content == "count: 1"
    with pytest.raises(PermissionError, match="ephemeral"):
        await loopback.click(alice, reply.message, "counter:add")


async def test_dm_roundtrip_and_closed_dms(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, _general, alice = world
    await loopback.send_dm(alice, "hello")
    echoed = await loopback.wait_for_message(alice)
    assert echoed.content == "echo: hello" and echoed.guild_id is None
    loopback.close_dms(alice)
    user = await bot.fetch_user(alice.id)
    with pytest.raises(discord.Forbidden) as raised:
        await user.send("are you there?")
    assert raised.value.code == 50007


async def test_permissions_come_from_roles_and_overwrites(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    guild, general, _alice = world
    updated = asyncio.create_task(bot.wait_for("guild_channel_update", timeout=2))
    await asyncio.sleep(0)  # let wait_for register before the event can arrive
    loopback.set_bot_permissions(general, deny=discord.Permissions(send_messages=True))
    _before, cached = await updated
    assert isinstance(cached, discord.TextChannel)
    assert not cached.permissions_for(cached.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as raised:
        await cached.send("hi")
    assert raised.value.code == 50013
    system = bot.get_channel(guild.system_channel.id)
    assert isinstance(system, discord.TextChannel)
    starter = await system.send("starting a thread")
    loopback.set_bot_permissions(guild, deny=discord.Permissions(create_public_threads=True))
    with pytest.raises(discord.Forbidden):
        await starter.create_thread(name="discussion")
    loopback.set_bot_permissions(guild, allow=discord.Permissions(create_public_threads=True))
    thread = await starter.create_thread(name="discussion")
    await thread.send("in the thread")
    assert loopback.messages_in(loopback.world.channels[thread.id])[-1].content == "in the thread"


async def test_deleted_channel_is_unknown(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, _alice = world
    cached = bot.get_channel(general.id)
    assert isinstance(cached, discord.TextChannel)
    loopback.delete_channel(general)
    with pytest.raises(discord.NotFound) as raised:
        await cached.send("anyone?")
    assert raised.value.code == 10003


async def test_late_and_double_responses_are_refused(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    loopback.deadlines.callback = 0.1
    late = await loopback.slash(alice, "slow", channel=general)
    assert (await asyncio.wait_for(bot.errors.get(), 2)).code == 10062
    assert late.record.response_type is None
    loopback.deadlines.callback = 3.0

    inter = await loopback.slash(alice, "ask", {"question": "twice?"}, channel=general)
    assert (await inter.response()).type == 4

    # A second process answering the same interaction (the classic double-deploy) gets 40060.
    twin = discord.Interaction(data=inter.payload, state=bot._connection)  # type: ignore[arg-type]
    with pytest.raises(discord.HTTPException) as raised:
        await twin.response.send_message("me too")
    assert raised.value.code == 40060


async def test_injected_429_is_retried_and_posts_once(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, _alice = world
    loopback.inject_429("POST", r"^/channels/\d+/messages$", count=1, retry_after=0.05)
    cached = bot.get_channel(general.id)
    assert isinstance(cached, discord.TextChannel)
    await cached.send("once")
    assert len(loopback.rate_limited) == 1
    assert [r.status for r in loopback.calls("POST", "/channels/{channel_id}/messages")] == [429, 200]
    assert [m.content for m in loopback.messages_in(general)] == ["once"]


async def test_enforced_nonce_returns_the_earlier_message(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, _alice = world
    cached = bot.get_channel(general.id)
    assert isinstance(cached, discord.TextChannel)
    first = await cached.send("drill", nonce="n-1")  # discord.py always adds enforce_nonce to a nonce
    again = await cached.send("drill", nonce="n-1")
    other = await cached.send("drill", nonce="n-2")
    assert again.id == first.id and other.id != first.id
    assert [m.content for m in loopback.messages_in(general)] == ["drill", "drill"]


@pytest.mark.loopback_lenient  # the body breaks the spec's maxLength too, which is the point
async def test_oversized_response_gets_invalid_form_body(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, alice = world
    inter = await loopback.slash(alice, "long", channel=general)
    oversized = await asyncio.wait_for(bot.errors.get(), 2)
    assert oversized.code == 50035 and "data.content" in oversized.text
    assert (await inter.response()).message.content == "shorter"  # type: ignore[union-attr]
    assert [p.kind for p in loopback.problems] == ["spec"]


async def test_gateway_drop_resumes(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    guild, _general, alice = world
    await loopback.drop_gateway()
    assert (loopback.identify_count, loopback.resume_count) == (1, 1)
    await loopback.drop_gateway(code=None)  # no close frame, as in a network failure
    assert (loopback.identify_count, loopback.resume_count) == (1, 2)
    late_channel = loopback.add_text_channel(guild, "late")
    reply = await (await loopback.slash(alice, "ask", {"question": "still there?"}, channel=late_channel)).response()
    assert reply.message is not None and reply.message.content == "you asked: still there?"


@pytest.mark.loopback_lenient
async def test_unknown_routes_and_spec_violations_are_recorded(
    loopback: LoopbackDiscord, world: tuple[Guild, Channel, Member], bot: TinyBot
) -> None:
    _guild, general, _alice = world
    with pytest.raises(discord.NotFound, match="not served by loopback"):
        await bot.http.request(discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=general.guild_id))
    # discord.py would send this nonce; Discord caps nonces at 25 characters.
    await bot.http.request(
        discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=general.id),
        json={"content": "ok", "nonce": "n" * 26},
    )
    kinds = [(p.kind, p.detail.split(":")[0]) for p in loopback.problems]
    assert kinds[0] == ("unknown route", f"GET /api/v10/guilds/{general.guild_id}/bans is not served by loopback (body")
    assert kinds[1][0] == "spec" and "at nonce" in loopback.problems[1].detail


def test_fixture_fails_tests_that_hit_unknown_routes(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.loopback.pytest_plugin"]')
    pytester.makepyfile(
        """
        import aiohttp

        async def test_unknown(loopback):
            async with aiohttp.ClientSession() as session:
                async with session.get(loopback.api_base_url + "/nope") as response:
                    assert response.status == 404
        """
    )
    result = pytester.runpytest_inprocess(
        "-p", "asyncio", "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*unknown route: GET /api/v10/nope is not served by loopback*"])


async def test_raw_gateway_identify_resume_replay_and_refusals(loopback: LoopbackDiscord) -> None:
    guild = loopback.add_guild("Raw")
    url = loopback.gateway_url + "?v=10&encoding=json"  # no compress: plain JSON text frames
    identify: dict[str, Any] = {"op": 2, "d": {"token": loopback.token, "intents": 1, "properties": {}}}
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            assert (await ws.receive_json())["op"] == 10
            await ws.send_json({**identify, "d": {**identify["d"], "token": "wrong"}})
            closing = await ws.receive()
            assert (closing.type, closing.data) == (aiohttp.WSMsgType.CLOSE, 4004)
        async with session.ws_connect(url) as ws:
            assert (await ws.receive_json())["op"] == 10
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json(identify)
            ready, guild_create = await ws.receive_json(), await ws.receive_json()
            assert (ready["t"], ready["s"], guild_create["t"], guild_create["s"]) == ("READY", 1, "GUILD_CREATE", 2)
            session_id = ready["d"]["session_id"]
            await ws.close(code=4000)
        missed = loopback.add_text_channel(guild, "missed")
        async with session.ws_connect(url) as ws:
            await ws.receive_json()
            await ws.send_json({"op": 6, "d": {"token": loopback.token, "session_id": session_id, "seq": 2}})
            replayed, resumed = await ws.receive_json(), await ws.receive_json()
            assert (replayed["t"], replayed["s"], replayed["d"]["id"]) == ("CHANNEL_CREATE", 3, str(missed.id))
            assert resumed["t"] == "RESUMED"
        async with session.ws_connect(url) as ws:
            await ws.receive_json()
            await ws.send_json({"op": 6, "d": {"token": loopback.token, "session_id": "gone", "seq": 1}})
            assert await ws.receive_json() == {"op": 9, "s": None, "t": None, "d": False}
    assert (loopback.identify_count, loopback.resume_count, loopback.gateway.invalid_session_count) == (1, 1, 1)


async def test_privileged_intents_off_in_the_portal_close_with_4014(monkeypatch: pytest.MonkeyPatch) -> None:
    async with LoopbackDiscord(privileged_intents=0) as server:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with connected(server, monkeypatch):
                pass
        assert server.identify_count == 0


async def test_message_content_is_hidden_without_the_intent(loopback: LoopbackDiscord) -> None:
    guild = loopback.add_guild("Quiet")
    alice = loopback.add_member(guild, "alice")
    guild_messages = 1 << 9
    identify = {"op": 2, "d": {"token": loopback.token, "intents": guild_messages, "properties": {}}}
    async with aiohttp.ClientSession() as session, session.ws_connect(loopback.gateway_url + "?v=10") as ws:
        await ws.receive_json()
        await ws.send_json(identify)
        assert (await ws.receive_json())["t"] == "READY"
        await loopback.say(alice, guild.system_channel, "secret roadmap")
        await loopback.say(alice, guild.system_channel, f"{loopback.bot_user.mention} hello")
        plain, mention = [event async for event in _dispatches(ws, "MESSAGE_CREATE", 2)]
    assert (plain["t"], plain["d"]["content"]) == ("MESSAGE_CREATE", "")
    assert mention["d"]["content"] == f"{loopback.bot_user.mention} hello"


async def _dispatches(ws: aiohttp.ClientWebSocketResponse, name: str, count: int) -> AsyncIterator[dict[str, Any]]:
    while count:
        event = await ws.receive_json()
        if event.get("t") == name:
            count -= 1
            yield event
