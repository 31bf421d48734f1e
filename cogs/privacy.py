"""/privacy show and /privacy forget: members see and delete what the bot keeps about them."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.privacy.cards import NOTHING, confirm_card, deleted_card, kept_card, stored_card
from bot.privacy.service import PrivacyService
from cogs._ui import anywhere, card_embed, dynamic_view, guarded, services_of
from runner.client import PmPoBot


class ForgetButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"privacy:forget:(?P<user>\d+)"):
    """Confirm button; the member id in the custom_id keeps anyone else from pressing it for them."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, delete all of it", style=discord.ButtonStyle.danger, custom_id=f"privacy:forget:{user_id}"
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ForgetButton:
        return cls(int(match["user"]))

    @guarded("privacy forget")
    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message("This button is for someone else.", ephemeral=True)
            return
        deleted = await services_of(interaction).feature(PrivacyService).forget(interaction.user.id)
        await interaction.response.edit_message(embed=card_embed(deleted_card(deleted)), view=None)


class KeepButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"privacy:keep:(?P<user>\d+)"):
    """ "No, keep it" on the confirmation: says that nothing was deleted, and removes both buttons."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="No, keep it", style=discord.ButtonStyle.secondary, custom_id=f"privacy:keep:{user_id}"
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> KeepButton:
        return cls(int(match["user"]))

    @guarded("privacy keep")
    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(embed=card_embed(kept_card()), view=None)


class Privacy(commands.Cog):
    privacy = anywhere()(app_commands.Group(name="privacy", description="See or delete what this bot stores about you"))

    @privacy.command(name="show", description="List what this bot stores about you (deleting is /privacy forget)")
    async def show(self, interaction: discord.Interaction) -> None:
        data = await services_of(interaction).feature(PrivacyService).stored(interaction.user.id)
        await interaction.response.send_message(embed=card_embed(stored_card(data)), ephemeral=True)

    @privacy.command(name="forget", description="Delete everything this bot stores about you")
    async def forget_command(self, interaction: discord.Interaction) -> None:
        data = await services_of(interaction).feature(PrivacyService).stored(interaction.user.id)
        if not data.total:
            await interaction.response.send_message(NOTHING, ephemeral=True)
            return
        view = dynamic_view(ForgetButton(interaction.user.id), KeepButton(interaction.user.id))
        await interaction.response.send_message(embed=card_embed(confirm_card(data)), view=view, ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(ForgetButton, KeepButton)
    await bot.add_cog(Privacy())
