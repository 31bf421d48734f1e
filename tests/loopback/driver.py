"""Acting as members: slash commands, clicks, selects, modals, autocomplete and DMs.

Each action builds the INTERACTION_CREATE (or MESSAGE_CREATE) payload a Discord client would cause,
with the member, permissions and resolved objects filled in, and only allows what the client would
allow: commands the bot synced and the member may use, components that exist and are enabled,
required modal fields. The returned ``InteractionHandle`` waits for what the bot did with it.
"""

# Waits take ``timeout`` on purpose: on expiry the error names what the bot failed to do in time.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from tests.loopback.gateway import Gateway
from tests.loopback.messages import Messages
from tests.loopback.permissions import DEFAULT_BOT, channel_permissions, has
from tests.loopback.state import Channel, Interaction, Json, Member, Message, Role, User, World, walk_components
from tests.loopback.webhooks import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    CallbackType,
)

Actor = Member | User
CommandPath = str | Sequence[str]
OptionValue = str | int | float | bool | Member | User | Role | Channel

SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
BUTTON, STRING_SELECT, TEXT_INPUT = 2, 3, 4
MESSAGE_COMMAND = 3  # application command type of a message context menu
ENTITY_SELECTS = {5: "user", 6: "role", 7: "mentionable", 8: "channel"}
LINK_BUTTON = 5
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1
#: What an app may do where it is present only through a user install (Discord: attach, embed, mention).
USER_INSTALL_APP_PERMISSIONS = discord.Permissions(attach_files=True, embed_links=True, mention_everyone=True).value
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class CommandUnavailable(LookupError):
    """The Discord client would not offer this command to this member here."""


@dataclass(frozen=True)
class Callback:
    """The bot's answer to an interaction: callback type, its data, and the message it made or edited."""

    type: int
    data: Json | None
    message: Message | None


class InteractionHandle:
    """One interaction sent to the bot; awaits and inspects what the bot did with it."""

    def __init__(self, world: World, record: Interaction) -> None:
        self._world = world
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def payload(self) -> Json:
        return self.record.payload

    async def response(self, timeout: float = 5.0) -> Callback:
        record = self.record

        def probe() -> Callback | None:
            if record.response_type is None:
                return None
            return Callback(record.response_type, record.response_data, self.original)

        return await self._world.wait_for(probe, timeout, f"a response to interaction {record.label!r}")

    @property
    def original(self) -> Message | None:
        """The response message (types 4/5), or the message a component sat on (types 6/7)."""
        message_id = self.record.original_message_id or (
            self.record.source_message_id
            if self.record.response_type in (CallbackType.DEFERRED_UPDATE, CallbackType.UPDATE_MESSAGE)
            else None
        )
        return None if message_id is None else self._world.messages.get(message_id)

    async def original_message(
        self, predicate: Callable[[Message], bool] | None = None, timeout: float = 5.0
    ) -> Message:
        """The original response once it is no longer "thinking" (and matches ``predicate``)."""

        def probe() -> Message | None:
            message = self.original
            if message is None or message.loading or (predicate is not None and not predicate(message)):
                return None
            return message

        return await self._world.wait_for(probe, timeout, f"the original response to {self.record.label!r}")

    async def followups(self, n: int = 1, timeout: float = 5.0) -> list[Message]:
        def probe() -> list[Message] | None:
            ids = self.record.followup_ids
            return [self._world.messages[i] for i in ids[:n]] if len(ids) >= n else None

        return await self._world.wait_for(probe, timeout, f"{n} followup(s) to {self.record.label!r}")

    @property
    def modal(self) -> Json | None:
        return self.record.response_data if self.record.response_type == CallbackType.MODAL else None


class MemberActions:
    """What members do to the bot. Mixed into ``LoopbackDiscord`` so tests use one object."""

    world: World
    gateway: Gateway
    _messages: Messages

    # -- application commands ----------------------------------------------------------------

    async def slash(
        self,
        actor: Actor,
        command: CommandPath,
        options: Mapping[str, OptionValue] | None = None,
        *,
        channel: Channel | None = None,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Invoke ``/command`` (``"kb reload"`` or ``("kb", "reload")``); ``channel=None`` means the bot's DM."""
        synced, leaf = await self._command(actor, command, channel, timeout)
        built = _Options(self.world, actor, channel)
        data = _command_data(
            synced, built.build(leaf, dict(options or {}), focused=None), built.resolved, _path(command)
        )
        return await self._interact(APPLICATION_COMMAND, actor, channel, data, timeout=timeout)

    async def message_command(
        self, actor: Actor, name: str, target: Message, *, channel: Channel, timeout: float = 5.0
    ) -> InteractionHandle:
        """Right-click ``target`` → Apps → ``name``: a message context-menu command."""
        world = self.world

        def find() -> Json | None:
            scopes = [world.commands(channel.guild_id)] if channel.guild_id else []
            key = (name, MESSAGE_COMMAND)
            return next((scope[key] for scope in [*scopes, world.global_commands] if key in scope), None)

        synced = await world.wait_for(find, timeout, f"message command {name!r} to be synced")
        data = {
            "id": synced["id"],
            "name": name,
            "type": MESSAGE_COMMAND,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): self._messages.payload(target)}},
        }
        return await self._interact(APPLICATION_COMMAND, actor, channel, data, timeout=timeout)

    async def autocomplete(
        self,
        actor: Actor,
        command: CommandPath,
        options: Mapping[str, OptionValue],
        *,
        focused: str,
        channel: Channel | None = None,
        timeout: float = 5.0,
    ) -> list[Json]:
        """Type into option ``focused``; returns the choices the bot suggested."""
        synced, leaf = await self._command(actor, command, channel, timeout)
        built = _Options(self.world, actor, channel)
        data = _command_data(synced, built.build(leaf, dict(options), focused=focused), built.resolved, _path(command))
        handle = await self._interact(AUTOCOMPLETE, actor, channel, data, timeout=timeout)
        callback = await handle.response(timeout)
        if callback.type != CallbackType.AUTOCOMPLETE_RESULT:
            raise AssertionError(f"autocomplete answered with callback type {callback.type}, expected 8")
        return list((callback.data or {}).get("choices") or [])

    async def _command(
        self, actor: Actor, command: CommandPath, channel: Channel | None, timeout: float
    ) -> tuple[Json, Json]:
        path = _path(command)
        guild_id = channel.guild_id if channel is not None else None
        world = self.world

        def find() -> Json | None:
            scopes = [world.commands(guild_id), world.global_commands] if guild_id else [world.global_commands]
            return next((s[(path[0], 1)] for s in scopes if (path[0], 1) in s), None)

        synced = await world.wait_for(find, timeout, f"command /{path[0]} to be synced")
        context = _context(channel)
        installs = _installs(world, user_of(actor), channel)
        if not installs & set(synced.get("integration_types") or [GUILD_INSTALL]):
            raise CommandUnavailable(f"/{path[0]} is not installed for {user_of(actor).username} here ({installs=})")
        contexts = synced.get("contexts")
        if contexts is not None and context not in contexts:
            raise CommandUnavailable(f"/{path[0]} is not available in interaction context {context}")
        if guild_id is None:
            if contexts is None and synced.get("dm_permission") is False:
                raise CommandUnavailable(f"/{path[0]} is not available in DMs")
        elif world.has_bot(guild_id):  # a server's own permission settings apply to what it installed
            needed = synced.get("default_member_permissions")
            member = _member(world, actor, guild_id)
            assert channel is not None
            if needed is not None and not has(
                channel_permissions(world.guilds[guild_id], member, channel), int(needed)
            ):
                raise CommandUnavailable(f"{member.user.username} lacks default_member_permissions of /{path[0]}")
        leaf = synced
        for name in path[1:]:
            leaf = next(
                (
                    o
                    for o in leaf.get("options") or []
                    if o["name"] == name and o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)
                ),
                {},
            )
            if not leaf:
                raise CommandUnavailable(f"/{' '.join(path)}: no subcommand {name!r}")
        return synced, leaf

    # -- components and modals -------------------------------------------------------------------

    async def click(self, actor: Actor, message: Message, custom_id: str, *, timeout: float = 5.0) -> InteractionHandle:
        """Press a button on the current state of ``message``."""
        current, component = self._component(actor, message, custom_id)
        if component.get("type") != BUTTON or component.get("style") == LINK_BUTTON:
            raise ValueError(f"{custom_id!r} is not a clickable button: {component}")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return await self._interact(
            MESSAGE_COMPONENT, actor, self._channel_of(current), data, message=current, timeout=timeout
        )

    async def select(
        self,
        actor: Actor,
        message: Message,
        custom_id: str,
        values: Sequence[str | Member | User | Role | Channel],
        *,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Pick ``values`` in a select menu: option values for string selects, objects for the others."""
        current, component = self._component(actor, message, custom_id)
        kind = component.get("type")
        if kind != STRING_SELECT and kind not in ENTITY_SELECTS:
            raise ValueError(f"{custom_id!r} is not a select menu: {component}")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"{custom_id!r} takes between {low} and {high} values, got {len(values)}")
        channel = self._channel_of(current)
        data: Json = {"custom_id": custom_id, "component_type": kind}
        if kind == STRING_SELECT:
            offered = {o["value"] for o in component.get("options") or []}
            if not set(map(str, values)) <= offered:
                raise ValueError(f"{custom_id!r} offers {sorted(offered)}, not {values}")
            data["values"] = [str(v) for v in values]
        else:
            resolver = _Options(self.world, actor, channel)
            data["values"] = [resolver.resolve(v) for v in values if not isinstance(v, str)]
            data["resolved"] = resolver.resolved
        return await self._interact(MESSAGE_COMPONENT, actor, channel, data, message=current, timeout=timeout)

    async def submit_modal(
        self,
        actor: Actor,
        opened: InteractionHandle,
        values: Mapping[str, str | Sequence[str]],
        *,
        timeout: float = 5.0,
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened in response to ``opened``."""
        modal = opened.modal
        if modal is None:
            raise ValueError(f"interaction {opened.record.label!r} was not answered with a modal")
        unknown = set(values) - {c.get("custom_id") for c in walk_components(modal.get("components") or [])}
        if unknown:
            raise ValueError(f"the modal has no inputs {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": [_submitted(c, values) for c in modal["components"]]}
        source = opened.record.source_message_id
        message = self.world.messages.get(source) if source is not None else None
        channel = self.world.channels[opened.record.channel_id]
        return await self._interact(MODAL_SUBMIT, actor, channel, data, message=message, timeout=timeout)

    def _component(self, actor: Actor, message: Message, custom_id: str) -> tuple[Message, Json]:
        current = self.world.messages.get(message.id)
        if current is None or current.deleted:
            raise LookupError(f"message {message.id} does not exist (any more)")
        shown_to = (current.interaction_metadata or {}).get("user", {}).get("id")
        if current.ephemeral and shown_to != str(user_of(actor).id):
            raise PermissionError("only the member an ephemeral message was shown to can use its components")
        component = current.component(custom_id)
        if component is None:
            raise LookupError(f"no component {custom_id!r} on message {current.id}; it has {current.custom_ids}")
        if component.get("disabled"):
            raise PermissionError(f"component {custom_id!r} is disabled")
        return current, component

    def _channel_of(self, message: Message) -> Channel | None:
        channel = self.world.channels[message.channel_id]
        return None if channel.is_dm else channel

    # -- messages from members -----------------------------------------------------------------

    async def send_dm(self, actor: Actor, content: str) -> Message:
        """``actor`` writes to the bot in their DM channel (MESSAGE_CREATE, DIRECT_MESSAGES intent)."""
        user = user_of(actor)
        return self._messages.create(self.world.dm_channel(user), user, {"content": content})

    async def say(self, actor: Actor, channel: Channel, content: str) -> Message:
        """``actor`` posts in a guild channel (MESSAGE_CREATE, GUILD_MESSAGES intent)."""
        assert channel.guild_id is not None
        member = _member(self.world, actor, channel.guild_id)
        return self._messages.create(channel, member.user, {"content": content})

    # -- sending -------------------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        actor: Actor,
        channel: Channel | None,
        data: Json,
        *,
        message: Message | None = None,
        timeout: float,
    ) -> InteractionHandle:
        world = self.world
        user = user_of(actor)
        resolved_channel = channel if channel is not None else world.dm_channel(user)
        guild_id = resolved_channel.guild_id
        await world.wait_for(
            lambda: next((s for s in self.gateway.live_sessions() if s.handles_guild(guild_id)), None),
            timeout,
            "the bot to be connected to the gateway",
        )
        payload: Json = {
            "id": str(world.snowflakes.next()),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "token": f"loopback.{secrets.token_urlsafe(48)}",
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(resolved_channel.id),
        }
        # Who authorized the app here: the guild that installed it ("0": its id, or "0" in the bot's DMs)
        # and/or the member's own install ("1": their id).
        installs = _installs(world, user, channel)
        owners = {str(USER_INSTALL): str(user.id)} if USER_INSTALL in installs else {}
        if guild_id is None:
            if GUILD_INSTALL in installs:
                owners[str(GUILD_INSTALL)] = "0"
            payload.update(
                user=user.payload(),
                context=_context(channel),
                authorizing_integration_owners=owners,
                channel=resolved_channel.payload(),
                app_permissions=str(DEFAULT_BOT if resolved_channel.is_dm else USER_INSTALL_APP_PERMISSIONS),
            )
        else:
            guild = world.guilds[guild_id]
            member = _member(world, actor, guild_id)
            member_permissions = channel_permissions(guild, member, resolved_channel)
            if GUILD_INSTALL in installs:
                owners[str(GUILD_INSTALL)] = str(guild_id)
                app_permissions = channel_permissions(guild, world.bot_member(guild_id), resolved_channel)
            else:
                app_permissions = USER_INSTALL_APP_PERMISSIONS
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member={**member.payload(), "permissions": str(member_permissions)},
                context=GUILD_CONTEXT,
                authorizing_integration_owners=owners,
                channel={**resolved_channel.payload(), "permissions": str(member_permissions)},
                app_permissions=str(app_permissions),
            )
        if message is not None:
            payload["message"] = self._messages.payload(message)
        record = Interaction(
            id=int(payload["id"]),
            token=payload["token"],
            type=kind,
            user=user,
            channel_id=resolved_channel.id,
            guild_id=guild_id,
            payload=payload,
            source_message_id=message.id if message is not None else None,
            dispatched_at=asyncio.get_running_loop().time(),
        )
        world.interactions[record.id] = record
        self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id)
        return InteractionHandle(world, record)

    # -- waiting for the bot -------------------------------------------------------------------

    def messages_in(self, target: Channel | Actor) -> list[Message]:
        """Every message in a channel, or in the bot's DM with a member, oldest first."""
        channel = target if isinstance(target, Channel) else self.world.dm_channel(user_of(target))
        return sorted((m for m in self.world.messages.values() if m.channel_id == channel.id), key=lambda m: m.id)

    async def wait_for_message(
        self,
        target: Channel | Actor,
        predicate: Callable[[Message], bool] | None = None,
        *,
        after: Message | None = None,
        timeout: float = 5.0,
    ) -> Message:
        """The oldest visible bot message in ``target`` (newer than ``after``) whose current state matches.

        Matching the current state means edits count: waiting for "done" finds a message that
        was posted as "working..." and edited later. Ephemeral replies are left out: only one
        member sees them, and ``InteractionHandle`` is the way to reach them.
        """

        def probe() -> Message | None:
            for message in self.messages_in(target):
                if message.author.id != self.world.bot_user.id or message.deleted or message.ephemeral:
                    continue
                if after is not None and message.id <= after.id:
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        return await self.world.wait_for(probe, timeout, f"a bot message in {_describe(target)}")


def _context(channel: Channel | None) -> int:
    """The interaction context: a guild, the bot's DM (``None``), or a group DM the bot is not in."""
    if channel is None or channel.is_dm:
        return BOT_DM_CONTEXT
    return PRIVATE_CHANNEL_CONTEXT if channel.guild_id is None else GUILD_CONTEXT


def _installs(world: World, user: User, channel: Channel | None) -> set[int]:
    """Through which installs the app reaches ``user`` here: a guild's (in guilds the bot is in, and in its DMs
    for members of one), and the member's own user install (anywhere)."""
    found = {USER_INSTALL} if user.app_installed else set()
    if channel is None or channel.is_dm:
        if world.shares_guild_with_bot(user) or not user.app_installed:
            found.add(GUILD_INSTALL)
    elif world.has_bot(channel.guild_id):
        found.add(GUILD_INSTALL)
    return found


def _describe(target: Channel | Actor) -> str:
    if isinstance(target, Channel):
        return f"#{target.name or target.id}"
    return f"the DM with {user_of(target).username}"


def user_of(actor: Actor) -> User:
    return actor.user if isinstance(actor, Member) else actor


def _member(world: World, actor: Actor, guild_id: int) -> Member:
    member = world.member(guild_id, user_of(actor).id)
    if member is None:
        raise LookupError(f"{user_of(actor).username} is not a member of guild {guild_id}")
    return member


def _path(command: CommandPath) -> list[str]:
    return command.split() if isinstance(command, str) else list(command)


def _command_data(synced: Json, leaf_options: list[Json], resolved: Json, path: list[str]) -> Json:
    """Wrap leaf options in their subcommand (group) options, as Discord nests them."""
    options = leaf_options
    parent_options = synced.get("options") or []
    chain: list[Json] = []
    for name in path[1:]:
        option = next(o for o in parent_options if o["name"] == name)
        chain.append(option)
        parent_options = option.get("options") or []
    for option in reversed(chain):
        options = [{"name": option["name"], "type": option["type"], "options": options}]
    data: Json = {"id": synced["id"], "name": synced["name"], "type": 1, "options": options}
    if resolved:
        data["resolved"] = resolved
    if "guild_id" in synced:
        data["guild_id"] = synced["guild_id"]
    return data


class _Options:
    """Turns test-friendly option values into Discord's option list and ``resolved`` map."""

    def __init__(self, world: World, actor: Actor, channel: Channel | None) -> None:
        self._world = world
        self._channel = channel
        self._guild_id = channel.guild_id if channel is not None else None
        self._actor = actor
        self.resolved: Json = {}

    def build(self, leaf: Json, given: dict[str, OptionValue], *, focused: str | None) -> list[Json]:
        declared = {o["name"]: o for o in leaf.get("options") or [] if o["type"] not in (SUBCOMMAND, SUBCOMMAND_GROUP)}
        unknown = set(given) - set(declared)
        if unknown:
            raise CommandUnavailable(f"/{leaf['name']} has no options {sorted(unknown)}; it has {sorted(declared)}")
        built: list[Json] = []
        for name, option in declared.items():
            if name not in given:
                if option.get("required") and focused is None:
                    raise CommandUnavailable(f"/{leaf['name']}: required option {name!r} is missing")
                continue
            if name == focused:
                built.append({"name": name, "type": option["type"], "value": str(given[name]), "focused": True})
                continue
            built.append({"name": name, "type": option["type"], "value": self._value(option, given[name])})
        if focused is not None and focused not in given:
            raise ValueError(f"focused option {focused!r} needs a (partial) value")
        return built

    def _value(self, option: Json, value: OptionValue) -> Any:
        kind = option["type"]
        choices = option.get("choices")
        if kind == ATTACHMENT:
            raise NotImplementedError("loopback does not serve attachment options")
        if kind in (USER, CHANNEL, ROLE, MENTIONABLE):
            if isinstance(value, str | int | float | bool):
                raise TypeError(f"option {option['name']!r} needs a Member/User/Role/Channel, got {value!r}")
            return self.resolve(value)
        coerced: Any = {STRING: str, INTEGER: int, BOOLEAN: bool, NUMBER: float}[kind](value)
        if choices and coerced not in [c["value"] for c in choices]:
            raise CommandUnavailable(f"{coerced!r} is not one of the choices of {option['name']!r}")
        return coerced

    def resolve(self, value: Member | User | Role | Channel) -> str:
        world = self._world
        if isinstance(value, Role):
            self.resolved.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if isinstance(value, Channel):
            payload = {k: v for k, v in value.payload().items() if k in _RESOLVED_CHANNEL_KEYS}
            guild = world.guilds.get(value.guild_id or 0)
            if guild is not None:
                member = _member(world, self._actor, guild.id)
                payload["permissions"] = str(channel_permissions(guild, member, value))
            self.resolved.setdefault("channels", {})[str(value.id)] = payload
            return str(value.id)
        user = user_of(value)
        self.resolved.setdefault("users", {})[str(user.id)] = user.payload()
        resolved_member = world.member(self._guild_id, user.id) if self._guild_id is not None else None
        if resolved_member is not None and self._channel is not None:
            permissions = channel_permissions(world.guilds[resolved_member.guild_id], resolved_member, self._channel)
            self.resolved.setdefault("members", {})[str(user.id)] = {
                **resolved_member.payload(with_user=False),
                "permissions": str(permissions),
            }
        return str(user.id)


_RESOLVED_CHANNEL_KEYS = ("id", "name", "type", "parent_id", "thread_metadata", "guild_id")


def _submitted(component: Json, values: Mapping[str, str | Sequence[str]]) -> Json:
    """Echo one top-level modal component the way Discord returns it on submit."""
    if component.get("type") == 18:  # label wrapping one input
        return {"type": 18, "id": component.get("id"), "component": _input_value(component["component"], values)}
    return {
        "type": component["type"],
        "components": [_input_value(c, values) for c in component.get("components") or []],
    }


def _input_value(component: Json, values: Mapping[str, str | Sequence[str]]) -> Json:
    custom_id = component.get("custom_id")
    echoed: Json = {"type": component["type"], "id": component.get("id"), "custom_id": custom_id}
    if component["type"] == TEXT_INPUT:
        text = values.get(custom_id or "", component.get("value") or "")
        if not isinstance(text, str):
            raise TypeError(f"text input {custom_id!r} takes a string")
        if component.get("required", True) and not text:
            raise ValueError(f"text input {custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if text and not low <= len(text) <= high:
            raise ValueError(f"text input {custom_id!r} takes {low}..{high} characters, got {len(text)}")
        echoed["value"] = text
    else:
        picked = values.get(custom_id or "", [])
        echoed["values"] = [picked] if isinstance(picked, str) else list(picked)
    return echoed
