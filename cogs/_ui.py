"""Discord building blocks shared by the cogs, so no cog re-implements embeds, views or DM fallback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord

from bot import limits
from bot.services import Services
from cogs._errors import report_error

log = logging.getLogger(__name__)

BRAND = discord.Colour.from_rgb(88, 101, 242)
GOOD = discord.Colour.green()
WARN = discord.Colour.orange()
DM_CLOSED = "Your DMs are closed (or I can't message you), so I'll run it here, visible only to you."
DM_SENT = "I've sent you a DM. Open it to continue."

S = TypeVar("S")
P = ParamSpec("P")


def services_of(interaction: discord.Interaction) -> Services:
    """The bot's :class:`Services`; cogs and dynamic items reach the core through this."""
    services: Services = getattr(interaction.client, "services")  # noqa: B009 - PmPoBot attribute, typed loosely by discord.py
    return services


def make_embed(
    title: str,
    description: str = "",
    *,
    colour: discord.Colour = BRAND,
    fields: Sequence[tuple[str, str]] = (),
    footer: str | None = None,
    inline: bool = False,
) -> discord.Embed:
    """An embed trimmed to Discord's limits, so content edits can never make a send fail."""
    embed = discord.Embed(
        title=limits.trim(title, limits.EMBED_TITLE),
        description=limits.trim(description, limits.EMBED_DESCRIPTION) or None,
        colour=colour,
    )
    budget = limits.EMBED_TOTAL - len(embed.title or "") - len(embed.description or "") - len(footer or "")
    for name, value in fields[: limits.EMBED_FIELDS]:
        name = limits.trim(name, limits.EMBED_FIELD_NAME) or "\u200b"
        value = limits.trim(value, min(limits.EMBED_FIELD_VALUE, max(budget - len(name), 1))) or "\u200b"
        budget -= len(name) + len(value)
        if budget < 0:
            break
        embed.add_field(name=name, value=value, inline=inline)
    if footer:
        embed.set_footer(text=limits.trim(footer, limits.EMBED_FOOTER))
    return embed


def guarded(
    what: str,
) -> Callable[
    [Callable[Concatenate[S, discord.Interaction, P], Coroutine[Any, Any, None]]],
    Callable[Concatenate[S, discord.Interaction, P], Coroutine[Any, Any, None]],
]:
    """Route a component callback's failures to :func:`report_error`.

    discord.py only logs exceptions raised in ``DynamicItem`` callbacks, leaving the member with
    "This interaction failed"; this makes them get the same private message as any command error.
    """

    def decorate(
        func: Callable[Concatenate[S, discord.Interaction, P], Coroutine[Any, Any, None]],
    ) -> Callable[Concatenate[S, discord.Interaction, P], Coroutine[Any, Any, None]]:
        @functools.wraps(func)
        async def wrapper(self: S, interaction: discord.Interaction, *args: P.args, **kwargs: P.kwargs) -> None:
            try:
                await func(self, interaction, *args, **kwargs)
            except Exception as error:
                await report_error(interaction, error, what=what)

        return wrapper

    return decorate


class BaseView(discord.ui.View):
    """A view whose failures reach the member as a private message instead of 'This interaction failed'."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        await report_error(interaction, error, what=f"{type(self).__name__} button")


class BaseModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error, what=f"{type(self).__name__} form")


async def start_private_flow(
    interaction: discord.Interaction,
    *,
    embed: discord.Embed,
    view: discord.ui.View,
) -> discord.Message | discord.WebhookMessage:
    """Run an interactive flow in the member's DMs; if they are closed, privately in the server instead.

    Answers within the 3-second deadline by deferring first, because opening a DM takes two requests.
    """
    if interaction.guild_id is None:
        await interaction.response.send_message(embed=embed, view=view)
        return await interaction.original_response()
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        message = await interaction.user.send(embed=embed, view=view)
    except discord.Forbidden:
        log.info("DMs closed for user %s; running the flow ephemerally", interaction.user.id)
        return await interaction.followup.send(DM_CLOSED, embed=embed, view=view, ephemeral=True, wait=True)
    await interaction.followup.send(DM_SENT, ephemeral=True)
    return message
