"""The loopback server's world: users, guilds, channels, messages, commands and interactions.

Objects keep Discord's ids and render themselves as the JSON payloads Discord sends, so the gateway,
the REST routes and the test driver all read and change one shared picture of the server.
"""

# Waits take ``timeout`` on purpose: on expiry the error names what the bot failed to do in time.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")
Json = dict[str, Any]

_log = logging.getLogger("tests.loopback")

DISCORD_EPOCH_MS = 1_420_070_400_000

TEXT_CHANNEL = 0
DM_CHANNEL = 1
GROUP_DM = 3
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12

EPHEMERAL = 1 << 6
LOADING = 1 << 7

_MENTION = re.compile(r"<@(?P<kind>[!&]?)(?P<id>\d+)>|@(?P<mass>everyone|here)")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def now() -> datetime:
    return datetime.now(UTC)


class Snowflakes:
    """Issues increasing, time-based ids so discord.py's ``created_at`` and ordering make sense."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose server lands on ``shard_id`` (Discord: ``(id >> 22) % shard_count``)."""
        candidate = self.next()
        moment = candidate >> 22
        moment += (shard_id - moment) % shard_count  # a few milliseconds later at most
        self._last = max(self._last, moment << 22)
        return self._last


@dataclass(eq=False)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True
    #: Added the app to their own account (a user install): its user-installable commands go with them.
    app_installed: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> Json:
        payload: Json = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            payload["bot"] = True
        return payload


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> Json:
        payload: Json = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload


@dataclass(eq=False)
class Overwrite:
    """A channel permission overwrite; ``type`` 0 targets a role, 1 a member."""

    target_id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> Json:
        return {"id": str(self.target_id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipient: User | None = None
    #: The members of a group DM (the bot is never one: it is reached there only through a user install).
    recipients: list[User] = field(default_factory=list)
    owner_id: int | None = None
    starter_message_id: int | None = None
    last_message_id: int | None = None
    message_count: int = 0
    created_at: datetime = field(default_factory=now)
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    @property
    def is_dm(self) -> bool:
        return self.type == DM_CHANNEL

    @property
    def is_group_dm(self) -> bool:
        return self.type == GROUP_DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> Json:
        payload: Json = {
            "id": str(self.id),
            "type": self.type,
            "flags": 0,
            "last_message_id": _opt(self.last_message_id),
        }
        if self.is_dm:
            assert self.recipient is not None
            payload["recipients"] = [self.recipient.payload()]
            return payload
        if self.is_group_dm:
            payload.update(
                name=self.name,
                icon=None,
                owner_id=_opt(self.owner_id),
                recipients=[user.payload() for user in self.recipients],
            )
            return payload
        payload.update(
            guild_id=str(self.guild_id),
            name=self.name,
            parent_id=_opt(self.parent_id),
            rate_limit_per_user=0,
        )
        if self.is_thread:
            payload.update(
                owner_id=_opt(self.owner_id),
                message_count=self.message_count,
                total_message_sent=self.message_count,
                member_count=1,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(self.created_at),
                    "locked": False,
                    "create_timestamp": iso(self.created_at),
                },
            )
            if self.type == PRIVATE_THREAD:
                payload["thread_metadata"]["invitable"] = True
        else:
            payload.update(
                position=self.position,
                permission_overwrites=[o.payload() for o in self.overwrites.values()],
                topic=self.topic,
                nsfw=False,
            )
        return payload


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime = field(default_factory=now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True) -> Json:
        payload: Json = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.role_ids],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self.user.payload()
        return payload


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    system_channel_id: int | None = None
    bot_role_id: int | None = None

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def system_channel(self) -> Channel:
        assert self.system_channel_id is not None
        return self.channels[self.system_channel_id]

    @property
    def bot_role(self) -> Role:
        assert self.bot_role_id is not None
        return self.roles[self.bot_role_id]

    def payload(self) -> Json:
        """The fields of a REST guild object (GET /guilds/{id})."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _opt(self.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def create_payload(self, *, bot_id: int, include_all_members: bool, joined: bool = False) -> Json:
        """GUILD_CREATE: the REST object plus the gateway-only fields.

        Without the GUILD_MEMBERS intent Discord only includes the bot's own member. ``unavailable``
        is false for guilds announced in READY and absent when the bot just joined (discord.py
        tells on_guild_available from on_guild_join by exactly that).
        """
        members = [m for m in self.members.values() if include_all_members or m.user.id == bot_id]
        payload = self.payload()
        payload.update(
            joined_at=iso(self.members[bot_id].joined_at),
            large=False,
            member_count=len(self.members),
            voice_states=[],
            members=[m.payload() for m in members],
            channels=[c.payload() for c in self.channels.values() if not c.is_thread and not c.deleted],
            threads=[c.payload() for c in self.channels.values() if c.is_thread and not c.deleted],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        if not joined:
            payload["unavailable"] = False
        return payload


@dataclass
class Snapshot:
    """A message's renderable state at one point in time, kept so tests can inspect edits."""

    content: str
    embeds: list[Json]
    components: list[Json]
    flags: int
    allowed_mentions: Json | None
    edited_at: datetime | None


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    author: User
    guild_id: int | None = None
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[Json] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: Json | None = None
    type: int = 0
    tts: bool = False
    message_reference: Json | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: Json | None = None
    thread_id: int | None = None
    timestamp: datetime = field(default_factory=now)
    edited_at: datetime | None = None
    edits: list[Snapshot] = field(default_factory=list)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while a deferred response still shows "<bot> is thinking..."."""
        return bool(self.flags & LOADING)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> Json | None:
        return next((c for c in walk_components(self.components) if c.get("custom_id") == custom_id), None)

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.content, list(self.embeds), list(self.components), self.flags, self.allowed_mentions, self.edited_at
        )

    @property
    def pings(self) -> frozenset[str]:
        """Mentions in the content that Discord would turn into notifications.

        Applies ``allowed_mentions`` the way Discord does: absent means everything in the content
        is parsed. Results look like ``"everyone"``, ``"here"``, ``"user:<id>"``, ``"role:<id>"``;
        a reply adds ``"user:<id>"`` of the replied-to author when ``replied_user`` allows it.
        """
        allowed = self.allowed_mentions
        parse = set(allowed.get("parse") or []) if allowed is not None else {"users", "roles", "everyone"}
        users = {str(u) for u in (allowed or {}).get("users") or []}
        roles = {str(r) for r in (allowed or {}).get("roles") or []}
        found: set[str] = set()
        for match in _MENTION.finditer(self.content):
            if match["mass"]:
                if "everyone" in parse:
                    found.add(match["mass"])
            elif match["kind"] == "&":
                if "roles" in parse or match["id"] in roles:
                    found.add(f"role:{match['id']}")
            elif "users" in parse or match["id"] in users:
                found.add(f"user:{match['id']}")
        replied_author = (self.message_reference or {}).get("author_id")
        if replied_author and (allowed is None or allowed.get("replied_user")):
            found.add(f"user:{replied_author}")
        return frozenset(found)

    def payload(self, *, member: Member | None = None, hide_content: bool = False) -> Json:
        """The message object; ``hide_content`` mimics a missing MESSAGE_CONTENT intent."""
        payload: Json = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": "" if hide_content else self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_at) if self.edited_at else None,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [] if hide_content else self.attachments,
            "embeds": [] if hide_content else self.embeds,
            "components": [] if hide_content else self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if member is not None:
            payload["member"] = member.payload(with_user=False)
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
            payload["application_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            payload["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            payload["message_reference"] = {k: v for k, v in self.message_reference.items() if k != "author_id"}
        return payload


def walk_components(components: list[Json]) -> list[Json]:
    """Every component, depth first, through action rows, sections, containers and labels."""
    found: list[Json] = []
    for component in components:
        found.append(component)
        found.extend(walk_components(component.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                found.extend(walk_components([component[key]]))
    return found


@dataclass(eq=False)
class Interaction:
    """One interaction the driver sent, and everything the bot did with its token."""

    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    payload: Json
    source_message_id: int | None = None
    dispatched_at: float | None = None
    #: Loop time when the bot's callback arrived; with ``dispatched_at`` it gives the bot-side latency.
    responded_at: float | None = None
    response_type: int | None = None
    response_data: Json | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        data = self.payload.get("data") or {}
        return str(data.get("name") or data.get("custom_id") or self.id)


@dataclass(frozen=True)
class Problem:
    """Something the bot did that Discord would not accept or loopback cannot serve faithfully.

    ``kind`` is "unknown route", "spec", "malformed request" or "gateway"; the pytest fixture fails
    the test on any.
    """

    kind: str
    detail: str


class World:
    """Everything the server knows, plus an event that waiters use to see changes."""

    def __init__(self, *, token: str, bot_name: str) -> None:
        self.snowflakes = Snowflakes()
        self.token = token
        self.bot_user = User(self.snowflakes.next(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        # The developer: owns the application and every guild the test creates.
        self.owner = User(self.snowflakes.next(), "owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.global_commands: dict[tuple[str, int], Json] = {}
        self.guild_commands: dict[int, dict[tuple[str, int], Json]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.problems: list[Problem] = []
        #: Pending ``wait_for`` calls: each probe with the future that gets its first non-None result.
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._check_scheduled = False

    def report(self, kind: str, detail: str) -> None:
        _log.error("loopback %s: %s", kind, detail)
        self.problems.append(Problem(kind, detail))

    def notify(self) -> None:
        """Called after each change so waits never poll.

        The waiters' probes run once, right after the current handler has finished its changes, and
        only the waiters whose probe now holds are woken: with hundreds of members waiting (benchmarks),
        waking every task on every change would cost more than the bot being measured.
        """
        if self._waiters and not self._check_scheduled:
            self._check_scheduled = True
            asyncio.get_running_loop().call_soon(self._check_waiters)

    def _check_waiters(self) -> None:
        self._check_scheduled = False
        waiting = []
        for probe, future in self._waiters:
            if future.done():
                continue  # timed out or cancelled
            try:
                result = probe()
            except Exception as error:
                future.set_exception(error)
                continue
            if result is None:
                waiting.append((probe, future))
            else:
                future.set_result(result)
        self._waiters = waiting

    async def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """Return ``probe()`` as soon as it is not None; TimeoutError naming ``what`` otherwise."""
        result = probe()
        if result is not None:
            return result
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((probe, future))
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            raise TimeoutError(f"loopback: timed out after {timeout}s waiting for {what}") from None
        finally:
            future.cancel()  # no-op once done; otherwise the next check drops it

    def channel(self, channel_id: int) -> Channel | None:
        return self.channels.get(channel_id)

    def member(self, guild_id: int, user_id: int) -> Member | None:
        guild = self.guilds.get(guild_id)
        return None if guild is None else guild.members.get(user_id)

    def bot_member(self, guild_id: int) -> Member:
        member = self.member(guild_id, self.bot_user.id)
        assert member is not None
        return member

    def commands(self, guild_id: int | None) -> dict[tuple[str, int], Json]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.snowflakes.next(), DM_CHANNEL, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def has_bot(self, guild_id: int | None) -> bool:
        """Whether the bot is in this guild (installed there): only then does it get the guild's events."""
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        return guild is not None and self.bot_user.id in guild.members

    def bot_present(self, channel: Channel) -> bool:
        """Whether the bot can see ``channel``: its own DMs, and channels of guilds it is in (not group DMs)."""
        if channel.guild_id is not None:
            return self.has_bot(channel.guild_id)
        return channel.is_dm

    def shares_guild_with_bot(self, user: User) -> bool:
        return any(user.id in g.members and self.bot_user.id in g.members for g in self.guilds.values())


def _opt(value: int | None) -> str | None:
    return None if value is None else str(value)
