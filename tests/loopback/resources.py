"""REST resources a bot like ours uses: identity, commands, guilds, channels, messages, threads, DMs.

Each handler checks what Discord checks (existence, the bot's permissions in the channel, limits)
and answers with Discord's error codes, so the bot's error paths run against realistic failures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.loopback import errors, limits
from tests.loopback.gateway import GUILDS, MESSAGE_CONTENT, Gateway
from tests.loopback.messages import Messages
from tests.loopback.permissions import (
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    channel_permissions,
    has,
)
from tests.loopback.rest import Call, Reply, RestApi
from tests.loopback.state import (
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT_CHANNEL,
    Channel,
    Guild,
    Json,
    Message,
    World,
    now,
)

#: How long Discord remembers a nonce for ``enforce_nonce`` ("the past few minutes").
NONCE_WINDOW = timedelta(minutes=5)


class Resources:
    def __init__(self, world: World, gateway: Gateway, messages: Messages, gateway_url: Callable[[], str]) -> None:
        self._world = world
        self._gateway = gateway
        self._messages = messages
        self._gateway_url = gateway_url
        #: (channel id, nonce) → the message created with it, for ``enforce_nonce``.
        self._nonces: dict[tuple[int, str], Message] = {}

    def register(self, api: RestApi) -> None:
        routes: list[tuple[str, str, Callable[[Call], Reply]]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/applications/{application_id}/commands", self.list_commands),
            ("PUT", "/applications/{application_id}/commands", self.overwrite_commands),
            ("POST", "/applications/{application_id}/commands", self.upsert_command),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.list_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.overwrite_commands),
            ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", self.upsert_command),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_roles),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.list_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.create_thread_from_message),
            ("POST", "/channels/{channel_id}/threads", self.create_thread),
        ]
        for method, template, handler in routes:
            api.add(method, template, handler)

    # -- identity ---------------------------------------------------------------------------

    def get_me(self, call: Call) -> Reply:
        return {**self._world.bot_user.payload(), "verified": True, "mfa_enabled": False}

    def get_user(self, call: Call) -> Reply:
        user = self._world.users.get(call.snowflake("user_id"))
        if user is None:
            raise errors.unknown_user()
        return user.payload()

    def create_dm(self, call: Call) -> Reply:
        user = self._world.users.get(int(call.json.get("recipient_id", 0)))
        if user is None:
            raise errors.unknown_user()
        # Discord opens the channel even when the user does not accept DMs; sending then fails.
        return self._world.dm_channel(user).payload()

    def get_gateway(self, call: Call) -> Reply:
        return {"url": self._gateway_url()}

    def get_gateway_bot(self, call: Call) -> Reply:
        return {
            "url": self._gateway_url(),
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": self._gateway.max_concurrency,
            },
        }

    def get_application(self, call: Call) -> Reply:
        world = self._world
        return {
            "id": str(world.application_id),
            "name": world.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": world.owner.payload(),
            "team": None,
            "flags": self._gateway.application_flags,
            "bot": world.bot_user.payload(),
            "approximate_guild_count": sum(world.has_bot(g) for g in world.guilds),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}, "1": {}},  # guild and user installs are both enabled
        }

    # -- application commands ------------------------------------------------------------------

    def _command_scope(self, call: Call) -> int | None:
        if call.snowflake("application_id") != self._world.application_id:
            raise errors.missing_access()
        if "guild_id" not in call.params:
            return None
        guild = self._world.guilds.get(call.snowflake("guild_id"))
        if guild is None or self._world.bot_user.id not in guild.members:
            raise errors.missing_access()
        return guild.id

    def list_commands(self, call: Call) -> Reply:
        return list(self._world.commands(self._command_scope(call)).values())

    def overwrite_commands(self, call: Call) -> Reply:
        guild_id = self._command_scope(call)
        bodies = call.body if isinstance(call.body, list) else []
        violations = [
            ((i, *path), code, msg) for i, b in enumerate(bodies) for path, code, msg in limits.command_violations(b)
        ]
        keys = [(b.get("name"), b.get("type", 1)) for b in bodies]
        if len(set(keys)) != len(keys):
            violations.append(((), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"))
        if violations:
            raise errors.invalid_form_body(violations)
        commands = self._world.commands(guild_id)
        previous = dict(commands)
        commands.clear()
        for body in bodies:
            self._store_command(guild_id, body, previous)
        self._world.notify()
        return list(commands.values())

    def upsert_command(self, call: Call) -> Reply:
        guild_id = self._command_scope(call)
        limits.check(limits.command_violations(call.json))
        command = self._store_command(guild_id, call.json, dict(self._world.commands(guild_id)))
        self._world.notify()
        return command

    def _store_command(self, guild_id: int | None, body: Json, previous: dict[tuple[str, int], Json]) -> Json:
        world = self._world
        key = (body["name"], body.get("type", 1))
        old = previous.get(key)
        command: Json = {
            "type": 1,
            "description": "",
            "default_member_permissions": None,
            "nsfw": False,
            "integration_types": [0],
            "contexts": None,
            **body,
            "id": old["id"] if old else str(world.snowflakes.next()),
            "application_id": str(world.application_id),
            "version": str(world.snowflakes.next()),
        }
        if command["default_member_permissions"] is not None:
            command["default_member_permissions"] = str(command["default_member_permissions"])
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        else:
            command.setdefault("dm_permission", True)
        world.commands(guild_id)[key] = command
        return command

    # -- guilds ----------------------------------------------------------------------------------

    def _guild(self, call: Call) -> Guild:
        guild = self._world.guilds.get(call.snowflake("guild_id"))
        if guild is None:
            raise errors.unknown_guild()
        if self._world.bot_user.id not in guild.members:
            raise errors.missing_access()
        return guild

    def get_guild(self, call: Call) -> Reply:
        guild = self._guild(call)
        payload = guild.payload()
        if call.query.get("with_counts") in ("true", "1", "True"):
            payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return payload

    def get_member(self, call: Call) -> Reply:
        member = self._guild(call).members.get(call.snowflake("user_id"))
        if member is None:
            raise errors.unknown_member()
        return member.payload()

    def get_guild_channels(self, call: Call) -> Reply:
        return [c.payload() for c in self._guild(call).channels.values() if not c.is_thread and not c.deleted]

    def get_roles(self, call: Call) -> Reply:
        return [r.payload() for r in self._guild(call).roles.values()]

    # -- channels and messages -------------------------------------------------------------------

    def _channel(self, call: Call) -> Channel:
        """The channel, if it exists and the bot can see it (Discord: 10003, then 50001)."""
        channel = self._world.channel(call.snowflake("channel_id"))
        if channel is None or channel.deleted:
            raise errors.unknown_channel()
        if not self._world.bot_present(channel):  # a group DM, or a guild the bot is not in
            raise errors.missing_access()
        if not channel.is_dm and not self._bot_can(channel, VIEW_CHANNEL):
            raise errors.missing_access()
        return channel

    def _bot_can(self, channel: Channel, required: int) -> bool:
        if channel.guild_id is None:
            return True
        guild = self._world.guilds[channel.guild_id]
        return has(channel_permissions(guild, self._world.bot_member(guild.id), channel), required)

    def _message(self, call: Call, channel: Channel) -> Message:
        message = self._world.messages.get(call.snowflake("message_id"))
        if message is None or message.deleted or message.channel_id != channel.id or message.ephemeral:
            raise errors.unknown_message()
        return message

    def get_channel(self, call: Call) -> Reply:
        return self._channel(call).payload()

    def list_messages(self, call: Call) -> Reply:
        channel = self._channel(call)
        if not self._bot_can(channel, READ_MESSAGE_HISTORY):
            return []
        found = [
            m for m in self._world.messages.values() if m.channel_id == channel.id and not m.deleted and not m.ephemeral
        ]
        found.sort(key=lambda m: m.id, reverse=True)
        if "before" in call.query:
            found = [m for m in found if m.id < int(call.query["before"])]
        if "after" in call.query:
            found = [m for m in found if m.id > int(call.query["after"])]
        limit = int(call.query.get("limit", 50))
        return [self._messages.payload(m, content_intent=self._content_allowed()) for m in found[:limit]]

    def _content_allowed(self) -> bool:
        """REST hides message content too when the app lacks the MESSAGE_CONTENT intent."""
        return self._gateway.allows(MESSAGE_CONTENT)

    def get_message(self, call: Call) -> Reply:
        channel = self._channel(call)
        if not self._bot_can(channel, READ_MESSAGE_HISTORY):
            raise errors.missing_permissions()
        return self._messages.payload(self._message(call, channel), content_intent=self._content_allowed())

    def create_message(self, call: Call) -> Reply:
        channel = self._channel(call)
        if channel.is_dm:
            assert channel.recipient is not None
            if not channel.recipient.dms_open or not self._world.shares_guild_with_bot(channel.recipient):
                raise errors.cannot_dm()
        elif not self._bot_can(channel, SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES):
            raise errors.missing_permissions()
        limits.check_new_message(call.json, call.filenames)
        nonce = call.json.get("nonce")
        key = (channel.id, str(nonce))
        if nonce is not None and call.json.get("enforce_nonce"):
            # Discord: the same author and nonce within a few minutes returns the earlier message instead.
            earlier = self._nonces.get(key)
            if earlier is not None and not earlier.deleted and now() - earlier.timestamp < NONCE_WINDOW:
                return self._messages.payload(earlier)
        message = self._messages.create(channel, self._world.bot_user, call.json, filenames=call.filenames)
        if nonce is not None:
            self._nonces[key] = message
        return self._messages.payload(message)

    def edit_message(self, call: Call) -> Reply:
        channel = self._channel(call)
        message = self._message(call, channel)
        if message.author.id != self._world.bot_user.id:
            raise errors.cannot_edit_others_message()
        limits.check(limits.message_violations(call.json))
        return self._messages.payload(self._messages.edit(message, call.json, filenames=call.filenames))

    def delete_message(self, call: Call) -> Reply:
        channel = self._channel(call)
        message = self._message(call, channel)
        if message.author.id != self._world.bot_user.id and not self._bot_can(channel, MANAGE_MESSAGES):
            raise errors.missing_permissions()
        self._messages.delete(message)
        return None

    # -- threads -----------------------------------------------------------------------------

    def create_thread_from_message(self, call: Call) -> Reply:
        channel = self._channel(call)
        if channel.type != TEXT_CHANNEL:
            raise errors.wrong_channel_type()
        if not self._bot_can(channel, CREATE_PUBLIC_THREADS):
            raise errors.missing_permissions()
        message = self._message(call, channel)
        if message.thread_id is not None:
            raise errors.thread_already_created()
        # A thread started from a message shares the message's id.
        thread = self._open_thread(channel, call.json, thread_id=message.id, thread_type=PUBLIC_THREAD)
        thread.starter_message_id = message.id
        message.thread_id = thread.id
        return thread.payload()

    def create_thread(self, call: Call) -> Reply:
        channel = self._channel(call)
        if channel.type != TEXT_CHANNEL:
            raise errors.wrong_channel_type()
        thread_type = call.json.get("type") or PRIVATE_THREAD
        needed = CREATE_PUBLIC_THREADS if thread_type == PUBLIC_THREAD else CREATE_PRIVATE_THREADS
        if not self._bot_can(channel, needed):
            raise errors.missing_permissions()
        return self._open_thread(
            channel, call.json, thread_id=self._world.snowflakes.next(), thread_type=thread_type
        ).payload()

    def _open_thread(self, parent: Channel, body: Json, *, thread_id: int, thread_type: int) -> Channel:
        name = body.get("name") or ""
        limits.check(list(limits.length_between(("name",), name, 1, 100)))
        world = self._world
        assert parent.guild_id is not None
        thread = Channel(
            thread_id, thread_type, name=name, guild_id=parent.guild_id, parent_id=parent.id, owner_id=world.bot_user.id
        )
        world.guilds[parent.guild_id].channels[thread.id] = thread
        world.channels[thread.id] = thread
        payload: dict[str, Any] = {**thread.payload(), "newly_created": True}
        self._gateway.dispatch("THREAD_CREATE", payload, guild_id=parent.guild_id, intent=GUILDS)
        return thread
