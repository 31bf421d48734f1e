"""/about: what this bot is, its version, how much it knows and how long it has been up."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.about import about_lines
from cogs._ui import make_embed, services_of


class About(commands.Cog):
    @app_commands.command(name="about", description="What this bot is, its version, knowledge size and uptime")
    async def about(self, interaction: discord.Interaction) -> None:
        info = about_lines(services_of(interaction))
        await interaction.response.send_message(
            embed=make_embed(info.title, info.description, fields=info.fields), ephemeral=True
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(About())
