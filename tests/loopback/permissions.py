"""Discord's permission computation, so a bot that lacks a permission in production fails here too.

Implements the algorithm from the docs (topics/permissions#permission-overwrites): @everyone, then
the member's roles, ADMINISTRATOR short-circuit, then channel overwrites in the order @everyone,
roles, member. Threads take their parent's overwrites.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from tests.loopback.state import Channel, Guild, Member

PermissionsLike = int | discord.Permissions

ALL = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value
VIEW_CHANNEL = discord.Permissions(view_channel=True).value
SEND_MESSAGES = discord.Permissions(send_messages=True).value
SEND_MESSAGES_IN_THREADS = discord.Permissions(send_messages_in_threads=True).value
CREATE_PUBLIC_THREADS = discord.Permissions(create_public_threads=True).value
CREATE_PRIVATE_THREADS = discord.Permissions(create_private_threads=True).value
READ_MESSAGE_HISTORY = discord.Permissions(read_message_history=True).value
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value

# Close to what Discord grants @everyone in a freshly created server.
DEFAULT_EVERYONE = discord.Permissions(
    view_channel=True,
    create_instant_invite=True,
    change_nickname=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    create_private_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    use_external_stickers=True,
    read_message_history=True,
    use_application_commands=True,
    connect=True,
    speak=True,
    stream=True,
    use_voice_activation=True,
).value

# What a typical invite link for a text bot asks for; lands on the bot's managed role.
DEFAULT_BOT = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
).value


def as_bits(value: PermissionsLike) -> int:
    return value.value if isinstance(value, discord.Permissions) else int(value)


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL
    bits = guild.everyone.permissions
    for role_id in member.role_ids:
        role = guild.roles.get(role_id)
        if role is not None:
            bits |= role.permissions
    return ALL if bits & ADMINISTRATOR else bits


def channel_permissions(guild: Guild, member: Member, channel: Channel) -> int:
    bits = base_permissions(guild, member)
    if bits & ADMINISTRATOR:
        return ALL
    overwrite_source = guild.channels.get(channel.parent_id or 0) if channel.is_thread else channel
    overwrites = overwrite_source.overwrites if overwrite_source is not None else {}

    everyone = overwrites.get(guild.id)
    if everyone is not None:
        bits = (bits & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.role_ids:
        overwrite = overwrites.get(role_id)
        if overwrite is not None:
            allow |= overwrite.allow
            deny |= overwrite.deny
    bits = (bits & ~deny) | allow
    own = overwrites.get(member.user.id)
    if own is not None:
        bits = (bits & ~own.deny) | own.allow
    # Without VIEW_CHANNEL every other permission in the channel is implicitly denied.
    return bits if bits & VIEW_CHANNEL else 0


def has(bits: int, required: int) -> bool:
    return bits & required == required
