"""/kb reload, /kb gaps and /kb stats: the moderators' knowledge base tools.

Hidden from members (Manage Server by default) and checked again on every call by the group
(:class:`~cogs._permissions.ModeratorGroup`), because hiding a command is not a permission.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.ask.service import AskService
from bot.knowledge.cards import gaps_card, reload_card, stats_card
from cogs._permissions import moderator_group
from cogs._ui import card_embed, services_of
from runner.client import PmPoBot


class Kb(commands.Cog):
    kb = moderator_group("kb", "Knowledge base tools for moderators")

    @kb.command(name="reload", description="Re-read the knowledge files; refused (old version kept) if any is broken")
    async def reload(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        services.feature(AskService)  # registers the search index, so the reload builds it before the swap
        await interaction.response.defer(ephemeral=True, thinking=True)  # a big reload outlasts the 3 s deadline
        outcome = await services.reload_knowledge()  # every bot process reloads, not only this one
        await interaction.followup.send(embed=card_embed(reload_card(outcome)), ephemeral=True)

    @kb.command(name="gaps", description="The most frequent questions members asked that had no curated answer")
    async def gaps(self, interaction: discord.Interaction) -> None:
        card = gaps_card(await services_of(interaction).feature(AskService).gaps(interaction.guild_id))
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)

    @kb.command(name="stats", description="Most asked entries and how helpful members found the answers")
    async def stats(self, interaction: discord.Interaction) -> None:
        card = stats_card(await services_of(interaction).feature(AskService).stats(interaction.guild_id))
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    await bot.add_cog(Kb())
