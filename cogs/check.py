"""/check start and /check history: the three-question check as buttons on one message in the member's DMs.

``/check`` is a group rather than a command plus a ``/check-history`` command: Discord cannot make a
group callable itself, but the group keeps both under one name in the command picker (typing ``/check``
offers "start" and "history" side by side), which is where a member looks for their old verdicts.

All state is in the database (``bot.check.service``); every button carries the session id and the
step it was drawn for, so clicks keep working across restarts and stale clicks change nothing.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.check.cards import closed_card, history_card, open_check_card, question_card, verdict_card
from bot.check.engine import Action, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.service import CheckService
from cogs._ui import (
    EntryButton,
    anywhere,
    card_embed,
    dynamic_view,
    guarded,
    installed_here,
    member_cooldown,
    services_of,
    start_private_flow,
)
from runner.client import PmPoBot

START = "/check start"
#: Verdict entry buttons fill at most two rows, leaving a row for Share.
MAX_ENTRY_BUTTONS = 2 * limits.BUTTONS_PER_ROW


def service_of(interaction: discord.Interaction) -> CheckService:
    return services_of(interaction).feature(CheckService)


def render(screen: Screen | OpenCheck, origin: tuple[int, int]) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and buttons for a screen (an empty view removes old buttons).

    ``origin`` (guild, channel; 0 for none) is where a check started from the open-check prompt shares.
    """
    if isinstance(screen, QuestionScreen):
        return card_embed(question_card(screen)), question_view(screen)
    if isinstance(screen, VerdictScreen):
        return card_embed(verdict_card(screen.content, screen.result, screen.notice)), verdict_view(screen)
    if isinstance(screen, OpenCheck):
        sid = screen.session.id
        return card_embed(open_check_card(screen)), dynamic_view(
            OpenCheckButton(sid, "continue", *origin), OpenCheckButton(sid, "abandon", *origin)
        )
    return card_embed(closed_card(screen, START)), dynamic_view()


def question_view(screen: QuestionScreen) -> discord.ui.View:
    sid, step = screen.session.id, screen.step
    items: list[discord.ui.Item[Any]] = [
        StepButton(
            sid,
            step,
            Action.ANSWER,
            choice.value,
            label=choice.label,
            picked=choice.value == screen.selected,
        )
        for choice in screen.question.choices
    ]
    items.append(StepButton(sid, step, Action.BACK, label="Back", disabled=step == 0, row=1))
    items.append(StepButton(sid, step, Action.RESTART, label="Start over", row=1))
    return dynamic_view(*items)


def verdict_view(screen: VerdictScreen) -> discord.ui.View:
    items: list[discord.ui.Item[Any]] = [
        EntryButton(entry.id, entry.title, row=i // limits.BUTTONS_PER_ROW)
        for i, entry in enumerate(screen.entries[:MAX_ENTRY_BUTTONS])
    ]
    session = screen.session
    if session.guild_id is not None:
        items.append(ShareButton(session.id, disabled=session.shared_at is not None))
    return dynamic_view(*items)


async def post_in_channel(client: discord.Client, channel_id: int, embed: discord.Embed) -> bool:
    """Post ``embed`` in a server channel; False when it could not be posted (so the share can be retried)."""
    try:
        channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return False
        await channel.send(embed=embed)
    except discord.HTTPException:  # gone, forbidden, an archived thread, Discord failing: nothing was posted
        return False
    return True


class StepButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"check:(?P<sid>\d+):(?P<step>\d+):(?P<action>[abr])(?::(?P<value>[a-z0-9+-]+))?",
):
    """An answer, Back or Start over, drawn for one step of one session."""

    def __init__(
        self,
        session_id: int,
        step: int,
        action: Action,
        value: str | None = None,
        *,
        label: str = "…",
        picked: bool = False,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        custom_id = f"check:{session_id}:{step}:{action.value}" + (f":{value}" if value else "")
        if action is Action.ANSWER:
            style = discord.ButtonStyle.success if picked else discord.ButtonStyle.primary
        else:
            style = discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL), style=style, custom_id=custom_id, disabled=disabled
            ),
            row=row,
        )
        self.session_id, self.step, self.action, self.value = session_id, step, action, value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StepButton:
        return cls(int(match["sid"]), int(match["step"]), Action(match["action"]), match["value"])

    @guarded("check step")
    async def callback(self, interaction: discord.Interaction) -> None:
        screen = await service_of(interaction).act(
            self.session_id, interaction.user.id, self.step, self.action, self.value
        )
        embed, view = render(screen, (0, 0))
        await interaction.response.edit_message(embed=embed, view=view)


class OpenCheckButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"check:(?P<sid>\d+):(?P<choice>continue|abandon):(?P<guild>\d+):(?P<channel>\d+)",
):
    """Continue the open check, or abandon it for a new one that shares where the new /check was run."""

    def __init__(self, session_id: int, choice: str, guild_id: int, channel_id: int) -> None:
        label = "Continue the open check" if choice == "continue" else "Abandon it and start a new one"
        style = discord.ButtonStyle.primary if choice == "continue" else discord.ButtonStyle.danger
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"check:{session_id}:{choice}:{guild_id}:{channel_id}"
            )
        )
        self.session_id, self.choice, self.guild_id, self.channel_id = session_id, choice, guild_id, channel_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenCheckButton:
        return cls(int(match["sid"]), match["choice"], int(match["guild"]), int(match["channel"]))

    @guarded("check open prompt")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        user_id = interaction.user.id
        if self.choice == "continue":
            screen: Screen | OpenCheck = await service.resume(self.session_id, user_id)
        else:
            screen = await service.abandon_and_start(
                self.session_id, user_id, self.guild_id or None, self.channel_id or None
            )
        embed, view = render(screen, (self.guild_id, self.channel_id))
        await interaction.response.edit_message(embed=embed, view=view)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"check:(?P<sid>\d+):share"):
    """Posts a short summary of the verdict where the check was started, only when the member asks."""

    def __init__(self, session_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share in the server",
                style=discord.ButtonStyle.success,
                custom_id=f"check:{session_id}:share",
                disabled=disabled,
                row=2,
            )
        )
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        return cls(int(match["sid"]))

    @guarded("check share")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        request = await service.share(self.session_id, interaction.user.id)
        # Opening the channel and posting can take two requests: answer within Discord's 3 s first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        where = f"<#{request.channel_id}>"
        embed = card_embed(request.card).set_footer(text=f"Run {START} to check a role of your own.")
        if not await post_in_channel(interaction.client, request.channel_id, embed):
            await service.unshare(self.session_id)
            await interaction.followup.send(
                f"I can't post in {where} (I may be missing permission there, or the channel is gone), "
                "so nothing was shared.",
                ephemeral=True,
            )
            return
        await interaction.followup.send(f"Shared in {where}.", ephemeral=True)


class HistorySelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"check:history"):
    """Pick a finished check to see its verdict again."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id="check:history",
                placeholder="Show a verdict again",
                options=options or [discord.SelectOption(label="…", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HistorySelect:
        return cls()

    @guarded("check history")
    async def callback(self, interaction: discord.Interaction) -> None:
        session_id = int(self.item.values[0])
        screen = await service_of(interaction).reopen(session_id, interaction.user.id)
        embed, view = render(screen, (0, 0))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class Check(commands.Cog):
    check = anywhere()(
        app_commands.Group(name="check", description="The three-question check: what a PM or PO title really means")
    )

    @check.command(name="start", description="Check a job posting or your current role with the three questions")
    @member_cooldown()
    async def start(self, interaction: discord.Interaction) -> None:
        # Through a user install in a server without the bot, there is nowhere to share the verdict to.
        here = installed_here(interaction)
        guild_id, channel_id = (interaction.guild_id, interaction.channel_id) if here else (None, None)
        outcome = await service_of(interaction).start(interaction.user.id, guild_id, channel_id)
        embed, view = render(outcome, (guild_id or 0, channel_id or 0))
        await start_private_flow(interaction, embed=embed, view=view)

    @check.command(name="history", description="Your past verdicts; open one again")
    @member_cooldown()
    async def history(self, interaction: discord.Interaction) -> None:
        lines = await service_of(interaction).history(interaction.user.id, limit=limits.SELECT_OPTIONS)
        embed = card_embed(history_card(lines))
        if not lines:
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        options = [
            discord.SelectOption(label=limits.trim(line.text(), limits.SELECT_OPTION_LABEL), value=str(line.session_id))
            for line in lines
        ]
        await interaction.response.send_message(embed=embed, view=dynamic_view(HistorySelect(options)), ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(StepButton, OpenCheckButton, ShareButton, HistorySelect, EntryButton)
    await bot.add_cog(Check())
