"""/moderators: which roles count as moderators in this server (besides Manage Server).

Every subcommand, ``list`` included, is reserved to members with Manage Server and checked on the bot's
side by the group (:class:`~cogs._permissions.ManageServerGroup`), so a moderator role cannot grant itself
to others, and a server admin showing the command to everyone opens nothing.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.errors import UserFacingError
from bot.moderation.cards import moderators_card
from bot.moderation.service import ModerationService
from cogs._permissions import manage_server_group
from cogs._ui import card_embed, services_of
from runner.client import PmPoBot


class Moderators(commands.Cog):
    moderators = manage_server_group("moderators", "Choose which roles may run the bot's moderator commands here")

    @moderators.command(name="add", description="Let members with this role use moderator commands")
    async def add(self, interaction: discord.Interaction, role: discord.Role) -> None:
        assert interaction.guild_id is not None  # guild_only group
        if role.is_default() or role.managed:
            what = "@everyone" if role.is_default() else "a role managed by an integration"
            raise UserFacingError(f"{what} can't be a moderator role: pick a role you give to moderators yourself.")
        moderation = services_of(interaction).feature(ModerationService)
        roles = await moderation.moderator_role_ids(interaction.guild_id) | {role.id}
        await moderation.set_moderator_role_ids(interaction.guild_id, roles)
        await interaction.response.send_message(f"{role.mention} now counts as a moderator role.", ephemeral=True)

    @moderators.command(name="remove", description="Stop this role from using moderator commands")
    async def remove(self, interaction: discord.Interaction, role: discord.Role) -> None:
        assert interaction.guild_id is not None
        services = services_of(interaction)
        moderation = services.feature(ModerationService)
        roles = await moderation.moderator_role_ids(interaction.guild_id)
        if role.id in services.config.moderation.moderator_role_ids:
            await interaction.response.send_message(
                f"{role.mention} is a moderator role in the bot's config file; ask the bot's owner to change it.",
                ephemeral=True,
            )
            return
        await moderation.set_moderator_role_ids(
            interaction.guild_id, roles - {role.id} - set(services.config.moderation.moderator_role_ids)
        )
        await interaction.response.send_message(f"{role.mention} is no longer a moderator role.", ephemeral=True)

    @moderators.command(name="list", description="Show which roles count as moderators here")
    async def list_roles(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        roles = await services_of(interaction).feature(ModerationService).moderator_role_ids(interaction.guild_id)
        await interaction.response.send_message(embed=card_embed(moderators_card(roles)), ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    await bot.add_cog(Moderators())
