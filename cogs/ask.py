"""/ask, the "Answer this with PM-or-PO" message menu, /topic, /topics and /compare.

A thin adapter over :mod:`bot.ask`: it parses the interaction, calls the core and draws its cards as
embeds. Buttons are ``DynamicItem`` s with the entry id in the custom_id, so they keep working after a
restart: related entries reuse the shared :class:`~cogs._ui.EntryButton`, votes are :class:`VoteButton`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import limits
from bot.ask.cards import answer_card, comparison_card, topic_pages
from bot.ask.engine import Answer, related_entries
from bot.ask.service import AskService
from bot.errors import UserFacingError
from bot.knowledge.cards import entry_card
from bot.knowledge.entries import Entry
from cogs._ui import (
    BaseView,
    EntryButton,
    PageButton,
    anywhere,
    autocomplete_choices,
    card_embed,
    dynamic_view,
    guarded,
    installed_here,
    member_cooldown,
    open_entry_privately,
    register_pager,
    send_pages,
    services_of,
)
from runner.client import PmPoBot

log = logging.getLogger(__name__)

MENU_NAME = "Answer this with PM-or-PO"
#: How an answer message shows the question it answers (its embed's author line).
QUESTION_PREFIX = "Q: "
TOPICS_PAGER = "topics"


def ask_service(interaction: discord.Interaction) -> AskService:
    return services_of(interaction).feature(AskService)


#: One answer per member per ``ask.cooldown_seconds``, so nobody can flood a channel with answers.
ask_cooldown = member_cooldown(1, per=lambda services: services.config.ask.cooldown_seconds)


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vote:(?P<entry>[a-z0-9]+(?:-[a-z0-9]+)*):(?P<helpful>[yn])(?::(?P<origin>m|u\d+))?",
):
    """ "Helpful? yes / no" under an answer. The vote is keyed by member, entry and answer message.

    ``origin`` says where the question voted on is: none, on the answer message's "Q:" line (a member's
    own /ask); ``u<id>``, the unanswered question the entry was suggested for; ``m``, the context menu,
    whose text its author never asked the bot to keep (nor does a message the menu answered before
    ``m`` existed, known by the message it targeted).
    """

    def __init__(self, entry_id: str, helpful: bool, origin: str | None = None) -> None:
        suffix = f":{origin}" if origin else ""
        super().__init__(
            discord.ui.Button(
                label="Helpful? Yes" if helpful else "No",
                style=discord.ButtonStyle.success if helpful else discord.ButtonStyle.secondary,
                custom_id=f"vote:{entry_id}:{'y' if helpful else 'n'}{suffix}",
                row=4,
            )
        )
        self.entry_id = entry_id
        self.helpful = helpful
        self.origin = origin

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["entry"], match["helpful"] == "y", match["origin"])

    @guarded("helpful vote")
    async def callback(self, interaction: discord.Interaction) -> None:
        message_id = interaction.message.id if interaction.message is not None else 0
        question = asked_on(interaction.message) if self.origin is None else None
        unanswered_id = int(self.origin[1:]) if self.origin and self.origin.startswith("u") else None
        changed = await ask_service(interaction).vote(
            user_id=interaction.user.id,
            entry_id=self.entry_id,
            message_id=message_id,
            guild_id=interaction.guild_id,
            helpful=self.helpful,
            question=question,
            unanswered_id=unanswered_id,
        )
        verdict = "helpful" if self.helpful else "not helpful"
        text = f"Changed your vote to {verdict}." if changed else f"Thanks! Noted as {verdict}."
        await interaction.response.send_message(text, ephemeral=True)


def asked_on(message: discord.Message | None) -> str | None:
    """The question a member's /ask answer message answered, from its "Q: …" line (as :func:`answer_message`
    writes it); None for an answer to someone else's message."""
    metadata = message.interaction_metadata if message is not None else None
    if message is None or (metadata is not None and metadata.target_message_id is not None):
        return None
    author = message.embeds[0].author.name if message.embeds else None
    return author.removeprefix(QUESTION_PREFIX) if author and author.startswith(QUESTION_PREFIX) else None


class SuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"suggest:(?P<unanswered>\d+):(?P<entry>[a-z0-9]+(?:-[a-z0-9]+)*)",
):
    """A close entry offered when a question had no answer; carries the kept question's id, so when the
    member who asked opens it (and votes on it), moderators see a candidate example question."""

    def __init__(self, unanswered_id: int, entry_id: str, label: str = "Read more") -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=f"suggest:{unanswered_id}:{entry_id}",
                row=0,
            )
        )
        self.unanswered_id = unanswered_id
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SuggestionButton:
        return cls(int(match["unanswered"]), match["entry"])

    @guarded("open suggestion")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = ask_service(interaction)
        entry = service.entry(self.entry_id)
        metadata = interaction.message.interaction_metadata if interaction.message is not None else None
        if entry is None or metadata is None or metadata.user.id != interaction.user.id:
            await open_entry_privately(interaction, self.entry_id)  # someone else's question: just show it
            return
        await service.open_suggestion(unanswered_id=self.unanswered_id, entry_id=entry.id, user_id=interaction.user.id)
        view = entry_view((), entry, origin=f"u{self.unanswered_id}")
        embed = card_embed(entry_card(service.knowledge, entry))
        await send(interaction, embed, view, ephemeral=True)


def entry_view(
    entries: tuple[Entry, ...], vote_on: Entry | None, *, origin: str | None = None, unanswered_id: int | None = None
) -> BaseView | None:
    """Buttons for entries to open privately (related or suggested), plus the vote buttons for an answer.

    With ``unanswered_id`` the entries are suggestions for that kept question (:class:`SuggestionButton`);
    ``origin`` goes on the votes (see :class:`VoteButton`).
    """
    shown = entries[: limits.BUTTONS_PER_ROW]
    items: list[discord.ui.Item[Any]] = (
        [SuggestionButton(unanswered_id, e.id, e.title) for e in shown]
        if unanswered_id is not None
        else [EntryButton(e.id, e.title, row=0) for e in shown]
    )
    if vote_on is not None:
        items += [VoteButton(vote_on.id, True, origin), VoteButton(vote_on.id, False, origin)]
    return dynamic_view(*items) if items else None


def answer_message(
    interaction: discord.Interaction, answer: Answer, *, own_question: bool = True
) -> tuple[discord.Embed, BaseView | None]:
    """The answer (the runner-up's button first when there is one) or the refusal with its suggestions.

    ``own_question``: the member asked it themselves (/ask), so a "not helpful" vote may keep it.
    """
    embed = card_embed(answer_card(ask_service(interaction).knowledge, answer))
    if answer.entry is None:
        view = entry_view(answer.suggestions, None, unanswered_id=answer.unanswered_id)
    else:
        offered = (answer.did_you_mean, *answer.related) if answer.did_you_mean else answer.related
        view = entry_view(offered, answer.entry, origin=None if own_question else "m")
    embed.set_author(name=limits.trim(f"{QUESTION_PREFIX}{answer.question}", limits.EMBED_TITLE))
    return embed, view


async def send(
    interaction: discord.Interaction, embed: discord.Embed, view: BaseView | None, *, ephemeral: bool
) -> None:
    if view is None:
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)


def render_topics(interaction: discord.Interaction, page: int) -> tuple[discord.Embed, int]:
    pages = topic_pages(ask_service(interaction).knowledge)
    return card_embed(pages[page].card), len(pages)


class Ask(commands.Cog):
    def __init__(self, bot: PmPoBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.answer_message_menu)
        ask_cooldown(self.menu)

    async def cog_load(self) -> None:
        """Build the search index now (not on the first question) so it follows every reload from the start.

        The service is created (and its index registered for every reload) here, on the loop; the index is
        built in a worker thread: embedding the knowledge base takes seconds on a cold start, which on the
        event loop would stall everything else on it meanwhile (stop signals, reload notices from other
        processes). It is still built before the gateway connects (``setup_hook`` awaits every cog's
        load), so no /ask arrives before the index exists.
        """
        await asyncio.to_thread(self.bot.services.feature(AskService).build_now)
        self.bot.tree.add_command(self.menu)
        self.prune.start()

    async def cog_unload(self) -> None:
        self.prune.cancel()
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @tasks.loop(hours=24)
    async def prune(self) -> None:
        """At start and daily: forget unanswered questions older than ``ask.unanswered_retention_days``."""
        try:
            removed = await self.bot.services.feature(AskService).prune_unanswered()
        except Exception:
            log.exception("Pruning unanswered questions failed; will try again tomorrow")
            return
        if removed:
            log.info("Pruned %d old unanswered question(s)", removed)

    @app_commands.command(name="ask", description="Ask a PM-vs-PO question; answers come from a curated knowledge base")
    @app_commands.describe(question="Your question, e.g. who owns the roadmap?", private="Only you see the answer")
    @ask_cooldown
    @anywhere()
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        guild_id = interaction.guild_id if installed_here(interaction) else None
        answer = await ask_service(interaction).ask(question, guild_id, user_id=interaction.user.id)
        embed, view = answer_message(interaction, answer)
        await send(interaction, embed, view, ephemeral=private or not installed_here(interaction))

    async def answer_message_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Answer the question in someone else's message, publicly, pointing at that message."""
        if not message.content.strip():
            raise UserFacingError("That message has no text for me to answer (only attachments or embeds).")
        # Someone else's message: answer its opening (they can't be asked to shorten it) and keep nothing of it.
        opening = message.content[: services_of(interaction).config.ask.max_question_length]
        answer = await ask_service(interaction).ask(opening, interaction.guild_id, keep_unanswered=False)
        embed, view = answer_message(interaction, answer, own_question=False)
        embed.description = limits.trim(
            f"Answering [this message]({message.jump_url}).\n\n{embed.description or ''}", limits.EMBED_DESCRIPTION
        )
        await send(interaction, embed, view, ephemeral=False)

    @app_commands.command(name="topic", description="Show one knowledge entry by title or alias")
    @member_cooldown()
    @app_commands.describe(name="Start typing a title or alias", private="Only you see it")
    @anywhere()
    async def topic(self, interaction: discord.Interaction, name: str, private: bool = False) -> None:
        service = ask_service(interaction)
        entry = service.topic(name)
        card = entry_card(service.knowledge, entry)
        view = entry_view(related_entries(service.knowledge, entry), entry)
        await send(interaction, card_embed(card), view, ephemeral=private or not installed_here(interaction))

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return autocomplete_choices(ask_service(interaction).autocomplete(current))

    @app_commands.command(name="topics", description="Browse every knowledge entry, by theme")
    @member_cooldown()
    @anywhere()
    async def topics(self, interaction: discord.Interaction) -> None:
        await send_pages(interaction, TOPICS_PAGER, ephemeral=True)

    @app_commands.command(name="compare", description="The PM vs PO comparison table")
    @member_cooldown()
    @app_commands.describe(private="Only you see it")
    @anywhere()
    async def compare(self, interaction: discord.Interaction, private: bool = False) -> None:
        card = comparison_card(ask_service(interaction).knowledge)
        await send(interaction, card_embed(card), None, ephemeral=private or not installed_here(interaction))


async def setup(bot: PmPoBot) -> None:
    register_pager(TOPICS_PAGER, render_topics)
    bot.add_dynamic_items(EntryButton, VoteButton, SuggestionButton, PageButton)
    await bot.add_cog(Ask(bot))
