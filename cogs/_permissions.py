"""The server-side moderator check: hiding a command from members is not enough, so every call is checked."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.moderation.service import ModerationService
from cogs._ui import services_of

NOT_A_MODERATOR = (
    "This command is for moderators: you need the Manage Server permission or one of this server's moderator roles."
)
NOT_A_SERVER_MANAGER = (
    "This command is for members with the Manage Server permission: it changes who counts as a moderator here."
)


async def member_is_moderator(interaction: discord.Interaction) -> bool:
    member = interaction.user
    roles: list[int] = []
    manage = False
    if isinstance(member, discord.Member):  # a User outside a server has neither
        roles, manage = [role.id for role in member.roles], member.guild_permissions.manage_guild
    moderation = services_of(interaction).feature(ModerationService)
    return await moderation.is_moderator(
        user_id=member.id, guild_id=interaction.guild_id, manage_guild=manage, role_ids=roles
    )


class ModeratorGroup(app_commands.Group):
    """A command group for moderators: hidden from members by default, and checked on every call.

    Server admins can show a hidden command to everyone in Integrations settings, so the check lives on
    the group itself, where a new subcommand cannot forget it.
    """

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not await member_is_moderator(interaction):
            raise app_commands.CheckFailure(NOT_A_MODERATOR)
        return True


class ManageServerGroup(ModeratorGroup):
    """A command group for members with Manage Server only (a moderator role is not enough), checked on every
    call: it decides who the moderators are, so a moderator role must not be able to grant itself."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        member = interaction.user
        if not (isinstance(member, discord.Member) and member.guild_permissions.manage_guild):
            raise app_commands.CheckFailure(NOT_A_SERVER_MANAGER)
        return True


def moderator_group(name: str, description: str, **kwargs: Any) -> ModeratorGroup:
    """Commands for moderators (see :class:`ModeratorGroup`)."""
    return ModeratorGroup(
        name=name,
        description=description,
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        default_permissions=discord.Permissions(manage_guild=True),
        **kwargs,
    )


def manage_server_group(name: str, description: str, **kwargs: Any) -> ManageServerGroup:
    """Commands for members with Manage Server only (see :class:`ManageServerGroup`)."""
    return ManageServerGroup(
        name=name,
        description=description,
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        default_permissions=discord.Permissions(manage_guild=True),
        **kwargs,
    )
