"""/kb: the moderators' knowledge base tools: reload, gaps (and acting on them), stats, history, undo.

Hidden from members (Manage Server by default) and checked again on every call by the group
(:class:`~cogs._permissions.ModeratorGroup`), because hiding a command is not a permission. The buttons,
menus and forms ``/kb gaps`` opens are checked the same way on every use (:func:`moderator_of`): they
live on private messages, but a custom_id can be replayed by anyone. Those that edit the knowledge every
server shares, and ``/kb undo``, also need this server in ``curation.edit_servers`` (:func:`editor_of`).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.ask.service import AskService
from bot.curation.cards import gap_card, gaps_card, history_card, outcome_card, with_unhelpful
from bot.curation.engine import EditOutcome, Gap, Moderator
from bot.curation.service import CurationService, EntryDraft, TopicDraft, entry_limits, topic_limits
from bot.knowledge.cards import reload_card, stats_card
from bot.knowledge.entries import Entry
from cogs._permissions import NOT_A_MODERATOR, member_is_moderator, moderator_group
from cogs._ui import TEXT_INPUT_MAX, BaseModal, BaseView, card_embed, dynamic_view, guarded, server_name, services_of
from runner.client import PmPoBot

NEW_TOPIC = "+new"
#: The gap buttons that edit the knowledge (the others search or dismiss, which this server alone sees).
EDITS = ("sig", "draft")


def curation(interaction: discord.Interaction) -> CurationService:
    return services_of(interaction).feature(CurationService)


async def moderator_of(interaction: discord.Interaction) -> Moderator:
    """The moderator behind a button, menu or form, or the same refusal the /kb commands give."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    if not await member_is_moderator(interaction):
        raise app_commands.CheckFailure(NOT_A_MODERATOR)
    return Moderator(str(interaction.user), interaction.user.id, interaction.guild_id, server_name(interaction))


async def editor_of(interaction: discord.Interaction) -> Moderator:
    """The moderator behind an action that edits the shared knowledge, refused unless this server is one
    of ``curation.edit_servers`` (checked again by the edit itself)."""
    moderator = await moderator_of(interaction)
    curation(interaction).check_may_edit(moderator)
    return moderator


async def show_outcome(interaction: discord.Interaction, outcome: EditOutcome) -> None:
    await interaction.followup.send(embed=card_embed(outcome_card(outcome)), ephemeral=True)


def _option(label: str, value: str, description: str | None = None) -> discord.SelectOption:
    return discord.SelectOption(
        label=limits.trim(label, limits.SELECT_OPTION_LABEL),
        value=value,
        description=limits.trim(description, limits.SELECT_OPTION_LABEL) if description else None,
    )


def gap_view(interaction: discord.Interaction, gap: Gap, chosen: int, entries: list[Entry] | None = None) -> BaseView:
    """The actions on one gap; ``entries`` replaces the closest entries after a search."""
    shown = (entries if entries is not None else list(gap.proposals))[: limits.SELECT_OPTIONS]
    items: list[discord.ui.Item[Any]] = []
    if shown:
        items.append(AddSelect(chosen, [_option(e.title, e.id, e.id) for e in shown]))
    topics = curation(interaction).topics()
    if topics:
        options = [_option(t.title, t.id, t.id) for t in topics[: limits.SELECT_OPTIONS - 1]]
        items.append(NotCoveredSelect(chosen, [*options, _option("New not-covered topic…", NEW_TOPIC)]))
    if len(gap.wordings) > 1:
        wordings = [_option(f"{w.count}× {w.question}", str(w.id)) for w in gap.wordings[: limits.SELECT_OPTIONS]]
        items.append(WordingSelect(chosen, wordings))
    if gap.candidates:
        best = max(gap.candidates, key=lambda c: c.helpful + c.quiet)
        items.append(GapButton("sig", chosen, f"Add to “{best.entry.title}”", best.entry.id))
    items += [GapButton("find", chosen, "Search entries…"), GapButton("draft", chosen, "Draft a new entry…")]
    items.append(GapButton("dismiss", chosen, "Dismiss"))
    return dynamic_view(*items)


async def show_gap(interaction: discord.Interaction, wording_id: int, *, edit: bool = False) -> None:
    gap = await curation(interaction).gap(interaction.guild_id, wording_id)
    chosen = wording_id if gap.wording(wording_id) else gap.key
    embed, view = card_embed(gap_card(gap, chosen)), gap_view(interaction, gap, chosen)
    if edit:
        await interaction.response.edit_message(embed=embed, view=view)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class GapSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"kb:gap"):
    """Under /kb gaps: pick a group to act on."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(custom_id="kb:gap", placeholder="Act on a group…", options=options or [_option("…", "0")])
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapSelect:
        return cls()

    @guarded("kb gaps pick")
    async def callback(self, interaction: discord.Interaction) -> None:
        await moderator_of(interaction)
        await show_gap(interaction, int(self.item.values[0]))


class AddSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"kb:add:(?P<wording>\d+)"):
    """Add the chosen wording as an example question to the picked entry."""

    def __init__(self, wording_id: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"kb:add:{wording_id}",
                placeholder="Add as example question to…",
                options=options or [_option("…", "0")],
            )
        )
        self.wording_id = wording_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AddSelect:
        return cls(int(match["wording"]))

    @guarded("kb add question")
    async def callback(self, interaction: discord.Interaction) -> None:
        moderator = await editor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await curation(interaction).add_from_gap(
            interaction.guild_id, self.wording_id, self.item.values[0], moderator
        )
        await show_outcome(interaction, outcome)


class NotCoveredSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"kb:nc:(?P<wording>\d+)"):
    """Mark the chosen wording as a question a not-covered topic answers honestly, or draft a new topic."""

    def __init__(self, wording_id: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"kb:nc:{wording_id}",
                placeholder="Mark as not covered…",
                options=options or [_option("…", "0")],
            )
        )
        self.wording_id = wording_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NotCoveredSelect:
        return cls(int(match["wording"]))

    @guarded("kb not covered")
    async def callback(self, interaction: discord.Interaction) -> None:
        moderator = await editor_of(interaction)
        picked = self.item.values[0]
        if picked == NEW_TOPIC:
            gap = await curation(interaction).gap(interaction.guild_id, self.wording_id)
            await interaction.response.send_modal(TopicForm(self.wording_id, gap))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await curation(interaction).not_covered_from_gap(
            interaction.guild_id, self.wording_id, picked, moderator
        )
        await show_outcome(interaction, outcome)


class WordingSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"kb:word:(?P<wording>\d+)"):
    """Choose which of the group's wordings the actions add."""

    def __init__(self, wording_id: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"kb:word:{wording_id}",
                placeholder="Add which wording? (▶ now)",
                options=options or [_option("…", "0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WordingSelect:
        return cls(int(match["wording"]))

    @guarded("kb pick wording")
    async def callback(self, interaction: discord.Interaction) -> None:
        await moderator_of(interaction)
        await show_gap(interaction, int(self.item.values[0]), edit=True)


class GapButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"kb:(?P<action>sig|find|draft|dismiss):(?P<wording>\d+)(?::(?P<entry>[a-z0-9-]+))?",
):
    """One-click actions on a gap: add to the entry members' signals point to, search entries to add it to,
    draft a new entry, dismiss."""

    def __init__(self, action: str, wording_id: int, label: str = "…", entry_id: str | None = None) -> None:
        suffix = f":{entry_id}" if entry_id else ""
        style = discord.ButtonStyle.success if action == "sig" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL),
                style=discord.ButtonStyle.danger if action == "dismiss" else style,
                custom_id=f"kb:{action}:{wording_id}{suffix}",
            )
        )
        self.action, self.wording_id, self.entry_id = action, wording_id, entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapButton:
        return cls(match["action"], int(match["wording"]), entry_id=match["entry"])

    @guarded("kb gap action")
    async def callback(self, interaction: discord.Interaction) -> None:
        moderator = await (editor_of if self.action in EDITS else moderator_of)(interaction)
        service = curation(interaction)
        if self.action == "find":
            await interaction.response.send_modal(SearchForm(self.wording_id))
        elif self.action == "draft":
            await interaction.response.send_modal(
                EntryForm(self.wording_id, await service.gap(interaction.guild_id, self.wording_id))
            )
        elif self.action == "dismiss":
            gap = await service.dismiss(interaction.guild_id, self.wording_id)
            await interaction.response.edit_message(
                content=f"Dismissed {gap.count} question(s); they leave /kb gaps.", embed=None, view=None
            )
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
            outcome = await service.add_from_gap(interaction.guild_id, self.wording_id, self.entry_id or "", moderator)
            await show_outcome(interaction, outcome)


def _text_input(label: str, custom_id: str, *, long: bool = False, **kwargs: Any) -> discord.ui.Label[Any]:
    style = discord.TextStyle.paragraph if long else discord.TextStyle.short
    return discord.ui.Label(text=label, component=discord.ui.TextInput(custom_id=custom_id, style=style, **kwargs))


def _value(form: discord.ui.Modal, custom_id: str) -> str:
    for child in form.walk_children():
        if isinstance(child, discord.ui.TextInput) and child.custom_id == custom_id:
            return child.value
    return ""


class SearchForm(BaseModal, title="Search entries"):
    """Search text; the gap's message then offers the entries found in its "Add as example" menu."""

    def __init__(self, wording_id: int) -> None:
        super().__init__(custom_id=f"kb:find-form:{wording_id}")
        self.wording_id = wording_id
        self.add_item(_text_input("Words from the entry's title or topic", "text", max_length=100))

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await moderator_of(interaction)
        service = curation(interaction)
        gap = await service.gap(interaction.guild_id, self.wording_id)
        found = await service.find_entries(_value(self, "text"))
        if not found:
            await interaction.response.send_message("No entry matches that; try other words.", ephemeral=True)
            return
        await interaction.response.edit_message(
            embed=card_embed(gap_card(gap, self.wording_id)), view=gap_view(interaction, gap, self.wording_id, found)
        )


class EntryForm(BaseModal, title="Draft a new entry"):
    """Title, answer, example questions, related entries: the limits are the entries schema's."""

    def __init__(self, wording_id: int, gap: Gap) -> None:
        super().__init__(custom_id=f"kb:entry-form:{wording_id}")
        self.wording_id = wording_id
        limit = entry_limits()
        questions = "\n".join(w.question for w in gap.wordings[:10])
        self.add_item(_text_input("Title", "title", max_length=limit.title))
        self.add_item(_text_input("Answer (Markdown)", "answer", long=True, max_length=min(limit.text, TEXT_INPUT_MAX)))
        self.add_item(_text_input(limit.questions_label, "questions", long=True, default=questions[:TEXT_INPUT_MAX]))
        related = " ".join(e.id for e in gap.proposals[:3])
        self.add_item(_text_input("Related entry ids (the first sets the file)", "related", default=related))

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        moderator = await editor_of(interaction)
        draft = EntryDraft.from_form(
            _value(self, "title"), _value(self, "answer"), _value(self, "questions"), _value(self, "related")
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await curation(interaction).entry_from_gap(interaction.guild_id, self.wording_id, draft, moderator)
        await show_outcome(interaction, outcome)


class TopicForm(BaseModal, title="New not-covered topic"):
    """A topic the bot says honestly it does not cover, pointing to the closest entries: the limits are the
    not-covered schema's."""

    def __init__(self, wording_id: int, gap: Gap) -> None:
        super().__init__(custom_id=f"kb:topic-form:{wording_id}")
        self.wording_id = wording_id
        limit = topic_limits()
        self.add_item(_text_input("Title", "title", max_length=limit.title))
        says = min(limit.text, TEXT_INPUT_MAX)
        self.add_item(_text_input("What the bot says (not covered, and what is)", "says", long=True, max_length=says))
        questions = "\n".join(w.question for w in gap.wordings[:10])
        self.add_item(_text_input(limit.questions_label, "questions", long=True, default=questions[:TEXT_INPUT_MAX]))
        self.add_item(_text_input("Closest entry ids", "points_to", default=" ".join(e.id for e in gap.proposals[:3])))

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        moderator = await editor_of(interaction)
        draft = TopicDraft.from_form(
            _value(self, "title"), _value(self, "says"), _value(self, "questions"), _value(self, "points_to")
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await curation(interaction).topic_from_gap(interaction.guild_id, self.wording_id, draft, moderator)
        await show_outcome(interaction, outcome)


class Kb(commands.Cog):
    kb = moderator_group("kb", "Knowledge base tools for moderators")

    @kb.command(name="reload", description="Re-read the knowledge files; refused (old version kept) if any is broken")
    async def reload(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        services.feature(AskService)  # registers the search index, so the reload builds it before the swap
        await interaction.response.defer(ephemeral=True, thinking=True)  # a big reload outlasts the 3 s deadline
        outcome = await services.reload_knowledge()  # every bot process reloads, not only this one
        await interaction.followup.send(embed=card_embed(reload_card(outcome)), ephemeral=True)

    @kb.command(name="gaps", description="Unanswered questions, grouped, with the closest entries; act on them")
    async def gaps(self, interaction: discord.Interaction) -> None:
        found = await curation(interaction).gaps(interaction.guild_id)
        embed = card_embed(gaps_card(found))
        if not found:
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        options = [
            _option(f"{number}. {gap.count}× {gap.wordings[0].question}", str(gap.key))
            for number, gap in enumerate(found, start=1)
        ]
        await interaction.response.send_message(embed=embed, view=dynamic_view(GapSelect(options)), ephemeral=True)

    @kb.command(
        name="stats", description="Most asked entries, how helpful members found them, and what 'No' votes were about"
    )
    async def stats(self, interaction: discord.Interaction) -> None:
        services = services_of(interaction)
        card = stats_card(await services.feature(AskService).stats(interaction.guild_id))
        card = with_unhelpful(card, await curation(interaction).unhelpful(interaction.guild_id))
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)

    @kb.command(name="history", description="The latest knowledge edits made from Discord or pmpo-bot kb")
    async def history(self, interaction: discord.Interaction) -> None:
        card = history_card(await curation(interaction).history(), interaction.guild_id)
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)

    @kb.command(name="undo", description="Revert the latest knowledge edit made from Discord (a new commit in git)")
    async def undo(self, interaction: discord.Interaction) -> None:
        moderator = await editor_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await show_outcome(interaction, await curation(interaction).undo(moderator))


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(GapSelect, AddSelect, NotCoveredSelect, WordingSelect, GapButton)
    await bot.add_cog(Kb())
