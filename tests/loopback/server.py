"""``LoopbackDiscord``: a Discord stand-in on 127.0.0.1 that a real discord.py bot connects to.

The bot is pointed at it by configuration only (``Route.BASE`` and ``DEFAULT_GATEWAY``). Tests
build the world (guilds, channels, members, permissions), act as members through the methods from
``MemberActions``, inject faults (429s, gateway drops, closed DMs, deleted channels) and inspect
what the bot sent: ``requests``, stored messages, synced commands and ``problems``.
"""

# Waits take ``timeout`` on purpose: on expiry the error names what the bot failed to do in time.
# ruff: noqa: ASYNC109

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Mapping
from types import TracebackType
from typing import Self

import discord
from aiohttp import web

from tests.loopback import permissions
from tests.loopback.driver import Actor, MemberActions, user_of
from tests.loopback.gateway import GUILD_MEMBERS, GUILDS, PRIVILEGED, Gateway
from tests.loopback.messages import Messages
from tests.loopback.permissions import PermissionsLike, as_bits
from tests.loopback.ratelimits import RateLimiter
from tests.loopback.resources import Resources
from tests.loopback.rest import RecordedRequest, RestApi, json_response
from tests.loopback.spec import load_spec
from tests.loopback.state import (
    GROUP_DM,
    TEXT_CHANNEL,
    Channel,
    Guild,
    Json,
    Member,
    Overwrite,
    Problem,
    Role,
    User,
    World,
)
from tests.loopback.webhooks import Deadlines, InteractionWebhooks

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"


class LoopbackDiscord(MemberActions):
    def __init__(
        self,
        *,
        token: str = "loopback-bot-token",
        bot_name: str = "pmpo-bot",
        heartbeat_interval: float = 41.25,
        interaction_deadline: float = 3.0,
        privileged_intents: int | discord.Intents = PRIVILEGED,
        global_rate_limit: int | None = None,
        validate_spec: bool = True,
        max_concurrency: int = 1,
    ) -> None:
        """``privileged_intents``: which of GUILD_MEMBERS/PRESENCES/MESSAGE_CONTENT the app may use
        (a bot asking for others is closed with 4014, as when they are off in the developer portal).
        ``global_rate_limit``: requests per second before global 429s; Discord's is 50.
        ``validate_spec``: check request bodies against Discord's OpenAPI description. Benchmarks turn
        it off so loopback's own cost stays out of the bot's measured latency; tests keep it on.
        ``max_concurrency``: gateway sessions that may start per 5 s (``GET /gateway/bot``); Discord gives
        large bots 16.
        """
        self.world = World(token=token, bot_name=bot_name)
        self.deadlines = Deadlines(callback=interaction_deadline)
        self.gateway = Gateway(
            self.world,
            url=lambda: self.gateway_url,
            heartbeat_interval=heartbeat_interval,
            privileged_intents=privileged_intents if isinstance(privileged_intents, int) else privileged_intents.value,
        )
        self.gateway.max_concurrency = max_concurrency
        self._messages = Messages(self.world, self.gateway)
        self._ratelimiter = RateLimiter(global_rate_limit)
        self._rest = RestApi(self.world, load_spec() if validate_spec else None, self._ratelimiter, API_PREFIX)
        Resources(self.world, self.gateway, self._messages, lambda: self.gateway_url).register(self._rest)
        InteractionWebhooks(self.world, self._messages, self.deadlines).register(self._rest)
        self._runner: web.AppRunner | None = None
        self._port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest.handle)
        app.router.add_route("*", "/{tail:.*}", self._outside_api)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        _log.info("loopback Discord listening on %s", self.api_base_url)

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _outside_api(self, request: web.Request) -> web.Response:
        detail = f"{request.method} {request.path} is outside {API_PREFIX} and /gateway"
        self.world.report("unknown route", detail)
        return json_response(404, {"message": f"404: Not Found ({detail})", "code": 0})

    # -- identity --------------------------------------------------------------------------------

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def owner(self) -> User:
        """The developer: application owner and owner of every guild (all permissions)."""
        return self.world.owner

    # -- building the world ------------------------------------------------------------------------

    def add_guild(
        self,
        name: str,
        *,
        bot_permissions: PermissionsLike = permissions.DEFAULT_BOT,
        everyone_permissions: PermissionsLike = permissions.DEFAULT_EVERYONE,
        with_bot: bool = True,
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A guild with @everyone, the bot (with its managed role), the owner and a #system channel.

        ``with_bot=False``: a guild that never installed the bot. It hears nothing from there; members who
        added the app to their own account (``install_app``) can still use its user-installable commands.
        ``shard=(shard_id, shard_count)`` picks an id that Discord's rule puts on that shard.
        """
        world = self.world
        guild_id = world.snowflakes.next() if shard is None else world.snowflakes.next_on_shard(*shard)
        guild = Guild(guild_id, name, owner_id=world.owner.id)
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", as_bits(everyone_permissions))
        guild.members[world.owner.id] = Member(world.owner, guild.id)
        world.guilds[guild.id] = guild
        if not with_bot:
            guild.system_channel_id = self._new_text_channel(guild, "system").id
            return guild
        bot_role = Role(world.snowflakes.next(), guild.id, world.bot_user.username, as_bits(bot_permissions), 1)
        bot_role.bot_id = world.bot_user.id
        guild.roles[bot_role.id] = bot_role
        guild.bot_role_id = bot_role.id
        guild.members[world.bot_user.id] = Member(world.bot_user, guild.id, [bot_role.id])
        guild.system_channel_id = self._new_text_channel(guild, "system").id
        self.gateway.dispatch(
            "GUILD_CREATE",
            lambda intents: guild.create_payload(
                bot_id=world.bot_user.id, include_all_members=bool(intents & GUILD_MEMBERS), joined=True
            ),
            guild_id=guild.id,
            intent=GUILDS,
        )
        return guild

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        topic: str | None = None,
        overwrites: Mapping[Role | Actor, tuple[PermissionsLike, PermissionsLike]] | None = None,
    ) -> Channel:
        """``overwrites`` maps a role or member to ``(allow, deny)``."""
        channel = self._new_text_channel(guild, name, topic=topic, overwrites=overwrites)
        self.gateway.dispatch("CHANNEL_CREATE", channel.payload(), guild_id=guild.id, intent=GUILDS)
        return channel

    def _new_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        topic: str | None = None,
        overwrites: Mapping[Role | Actor, tuple[PermissionsLike, PermissionsLike]] | None = None,
    ) -> Channel:
        channel = Channel(
            self.world.snowflakes.next(),
            TEXT_CHANNEL,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels),
            topic=topic,
        )
        for target, (allow, deny) in (overwrites or {}).items():
            overwrite = _overwrite(target, allow, deny)
            channel.overwrites[overwrite.target_id] = overwrite
        guild.channels[channel.id] = channel
        self.world.channels[channel.id] = channel
        return channel

    def add_role(self, guild: Guild, name: str, permissions: PermissionsLike = 0) -> Role:
        role = Role(self.world.snowflakes.next(), guild.id, name, as_bits(permissions), position=len(guild.roles))
        guild.roles[role.id] = role
        self.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}, guild_id=guild.id, intent=GUILDS
        )
        return role

    def add_member(
        self,
        guild: Guild,
        who: str | User,
        *,
        roles: list[Role] | tuple[Role, ...] = (),
        permissions: PermissionsLike | None = None,
    ) -> Member:
        """A new member (pass a ``User`` to add the same person to another guild).

        ``permissions`` gives the member a personal role with exactly those permissions.
        """
        world = self.world
        user = who if isinstance(who, User) else User(world.snowflakes.next(), who)
        world.users[user.id] = user
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{user.username}'s role", permissions).id)
        member = Member(user, guild.id, role_ids)
        guild.members[user.id] = member
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)}, guild_id=guild.id, intent=GUILD_MEMBERS
        )
        return member

    # -- changing it under the bot -------------------------------------------------------------

    def set_overwrite(
        self, channel: Channel, target: Role | Actor, *, allow: PermissionsLike = 0, deny: PermissionsLike = 0
    ) -> None:
        """Replace ``target``'s overwrite in ``channel`` and send CHANNEL_UPDATE."""
        if channel.guild_id is None or channel.is_thread:
            raise ValueError("permission overwrites live on guild channels, not DMs or threads")
        overwrite = _overwrite(target, allow, deny)
        channel.overwrites[overwrite.target_id] = overwrite
        self.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), guild_id=channel.guild_id, intent=GUILDS)

    def set_bot_permissions(
        self, target: Channel | Guild, *, allow: PermissionsLike = 0, deny: PermissionsLike = 0
    ) -> None:
        """Grant or take away permissions from the bot, in one channel or the whole guild.

        In a guild, denied bits are also removed from @everyone, as an admin would have to do for
        the bot to really lose them; GUILD_ROLE_UPDATE keeps discord.py's cache in step.
        """
        allow_bits, deny_bits = as_bits(allow), as_bits(deny)
        if isinstance(target, Channel):
            current = target.overwrites.get(self.world.bot_user.id) or Overwrite(self.world.bot_user.id, 1)
            self.set_overwrite(
                target,
                self.world.bot_user,
                allow=(current.allow | allow_bits) & ~deny_bits,
                deny=(current.deny | deny_bits) & ~allow_bits,
            )
            return
        for role in (target.bot_role, target.everyone):
            grant = allow_bits if role is target.bot_role else 0
            role.permissions = (role.permissions | grant) & ~deny_bits
            self.gateway.dispatch(
                "GUILD_ROLE_UPDATE",
                {"guild_id": str(target.id), "role": role.payload()},
                guild_id=target.id,
                intent=GUILDS,
            )

    def add_user(self, name: str) -> User:
        """A Discord account in no guild (with ``install_app``: someone who uses the app only on their own)."""
        user = User(self.world.snowflakes.next(), name)
        self.world.users[user.id] = user
        return user

    def install_app(self, actor: Actor) -> None:
        """The member adds the app to their own account (a user install): its user-installable commands
        then work for them everywhere, in group DMs and guilds without the bot too."""
        user_of(actor).app_installed = True

    def add_group_dm(self, *actors: Actor, name: str | None = None) -> Channel:
        """A group DM between members; the bot is not in it (it is reached there only through a user install)."""
        users = [user_of(actor) for actor in actors]
        for user in users:
            self.world.users[user.id] = user
        channel = Channel(self.world.snowflakes.next(), GROUP_DM, name=name, recipients=users, owner_id=users[0].id)
        self.world.channels[channel.id] = channel
        return channel

    def close_dms(self, actor: Actor) -> None:
        """The member turned off DMs from server members: the bot's DMs now fail with 50007."""
        user_of(actor).dms_open = False

    def open_dms(self, actor: Actor) -> None:
        user_of(actor).dms_open = True

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel or thread: REST calls on it now get 404 10003."""
        channel.deleted = True
        if channel.is_thread:
            data: Json = {
                "id": str(channel.id),
                "guild_id": str(channel.guild_id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self.gateway.dispatch("THREAD_DELETE", data, guild_id=channel.guild_id, intent=GUILDS)
        else:
            self.gateway.dispatch("CHANNEL_DELETE", channel.payload(), guild_id=channel.guild_id, intent=GUILDS)

    # -- faults ----------------------------------------------------------------------------------

    def inject_429(
        self, method: str, path_regex: str, count: int = 1, retry_after: float = 0.05, global_: bool = False
    ) -> None:
        """Answer the next ``count`` requests whose path (after /api/v10) matches with 429."""
        self._ratelimiter.inject(method, path_regex, count=count, retry_after=retry_after, is_global=global_)

    def reject_token(self, method: str, path_regex: str) -> None:
        """Answer matching requests (path after /api/v10) with 401 whatever the token, as Discord does
        once a token is reset: e.g. ``GET /gateway/bot`` right after a successful login."""
        self._rest.rejecting.append((method.upper(), re.compile(path_regex)))

    @property
    def rate_limited(self) -> list[tuple[str, str]]:
        """(method, path) of every request answered with 429."""
        return self._ratelimiter.limited

    async def drop_gateway(self, *, code: int | None = 4000, resumable: bool = True, timeout: float = 5.0) -> None:
        """Close the bot's gateway connection and wait until it is back.

        ``code=None`` cuts the TCP connection without a close frame (what a network blip looks
        like); ``resumable=False`` also forgets the session, so the bot's RESUME is refused with
        INVALID_SESSION and it must identify again.
        """
        before = self.gateway.identify_count + self.gateway.resume_count
        await self.gateway.drop(code=code, resumable=resumable)
        await self.world.wait_for(
            lambda: (
                (self.gateway.identify_count + self.gateway.resume_count > before and self.gateway.live_sessions())
                or None
            ),
            timeout,
            "the bot to reconnect to the gateway",
        )

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    # -- what the bot did ------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._rest.requests

    def calls(self, method: str, route: str) -> list[RecordedRequest]:
        """Requests by method and route template, e.g. ``("PUT", "/applications/{application_id}/commands")``."""
        return [r for r in self._rest.requests if r.method == method and r.route == route]

    @property
    def problems(self) -> list[Problem]:
        return self.world.problems

    def synced_commands(self, guild: Guild | None = None) -> list[Json]:
        return list(self.world.commands(guild.id if guild else None).values())

    async def wait_until_connected(self, timeout: float = 5.0) -> None:
        """Until the bot has identified and holds a live gateway connection."""
        await self.world.wait_for(lambda: self.gateway.live_sessions() or None, timeout, "the bot to connect")


def _overwrite(target: Role | Actor, allow: PermissionsLike, deny: PermissionsLike) -> Overwrite:
    if isinstance(target, Role):
        return Overwrite(target.id, 0, as_bits(allow), as_bits(deny))
    return Overwrite(user_of(target).id, 1, as_bits(allow), as_bits(deny))
