"""/about: what this bot is, its version, how much it knows and how long it has been up."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.about import about_card
from cogs._ui import anywhere, card_embed, services_of
from runner.client import PmPoBot


class About(commands.Cog):
    @app_commands.command(name="about", description="What this bot is, its version, knowledge size and uptime")
    @anywhere()
    async def about(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_embed(about_card(services_of(interaction))), ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    await bot.add_cog(About())
