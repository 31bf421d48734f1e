"""Discord building blocks shared by the cogs, so no cog re-implements embeds, views or DM fallback."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord

from bot import limits
from bot.knowledge.entries import Entry, EntryLibrary
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


def dynamic_view(*items: discord.ui.Item[Any]) -> BaseView:
    """A view holding ``DynamicItem`` buttons, with no timeout.

    The state lives in the custom_ids, so the view object itself is never needed again. It must not time
    out or be stopped: discord.py 2.7 then removes the templates of the DynamicItems it holds from the
    bot-wide registry (``ViewStore.remove_view``), and every such button, on any message, stops working.
    """
    view = BaseView(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def entry_embed(entry: Entry) -> discord.Embed:
    """A knowledge entry on its own, as any feature shows it."""
    return make_embed(entry.title, entry.answer, footer=f"Last reviewed {entry.last_reviewed}")


async def open_entry_privately(interaction: discord.Interaction, entry_id: str) -> None:
    """Show an entry only to the member who asked, e.g. from a "read more" button under a verdict or answer."""
    entry = services_of(interaction).knowledge.current.part(EntryLibrary).entries.get(entry_id)
    if entry is None:
        await interaction.response.send_message("That entry is no longer in the knowledge base.", ephemeral=True)
        return
    await interaction.response.send_message(embed=entry_embed(entry), ephemeral=True)


class EntryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"entry:(?P<entry>[a-z0-9]+(?:-[a-z0-9]+)*)"
):
    """Opens a knowledge entry privately. Register with ``bot.add_dynamic_items(EntryButton)`` (idempotent)."""

    def __init__(self, entry_id: str, label: str = "Read more", *, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=f"entry:{entry_id}",
            ),
            row=row,
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EntryButton:
        return cls(match["entry"])

    @guarded("open entry")
    async def callback(self, interaction: discord.Interaction) -> None:
        await open_entry_privately(interaction, self.entry_id)


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
