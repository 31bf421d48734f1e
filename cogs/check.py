"""/check start, /check posting, /check history and the "Check this job post" message menu: the
three-question check as buttons on one message in the member's DMs.

``/check`` is a group rather than a command plus a ``/check-history`` command: Discord cannot make a
group callable itself, but the group keeps both under one name in the command picker (typing ``/check``
offers "start", "posting" and "history" side by side), which is where a member looks for their old verdicts.

``/check posting`` opens a form to paste a job ad; the message menu reads an ad posted in a channel. The
ad's reading comes first, then the same check pre-filled with its answers, with "Looks right" to skip
the review.

All state is in the database (``bot.check.service``); every button carries the session id and the
step it was drawn for, and the ad form is handled by its custom_id, so clicks and forms keep working
across restarts and stale clicks change nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import limits
from bot.cards import MessageLink
from bot.check.cards import (
    LOOKS_RIGHT,
    closed_card,
    history_card,
    open_check_card,
    question_card,
    reading_card,
    verdict_card,
)
from bot.check.engine import Action, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.posting.intake import MODAL_LIMIT, PostingInputError
from bot.check.posting.verdict import PostingStart
from bot.check.service import CheckService
from bot.errors import UserFacingError
from bot.knowledge.entries import EntryLibrary
from cogs._ui import (
    BaseModal,
    EntryButton,
    anywhere,
    card_embed,
    dynamic_view,
    guarded,
    installed_here,
    member_cooldown,
    services_of,
    start_private_flow,
    submitted_text,
)
from runner.client import PmPoBot

log = logging.getLogger(__name__)

START = "/check start"
POSTING = "/check posting"
MENU_NAME = "Check this job post"
POSTING_FORM = "check-posting"
AD_INPUT = "ad"
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
        card = verdict_card(screen.content, screen.result, screen.notice, screen.ad_steps)
        return card_embed(card), verdict_view(screen)
    if isinstance(screen, OpenCheck):
        sid, ad = screen.session.id, screen.waiting_ad or 0
        return card_embed(open_check_card(screen)), dynamic_view(
            OpenCheckButton(sid, "continue", *origin, ad), OpenCheckButton(sid, "abandon", *origin, ad)
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
    if screen.reviewing:
        items.append(StepButton(sid, step, Action.ACCEPT, label=LOOKS_RIGHT, row=1))
    return dynamic_view(*items)


def not_product_view(interaction: discord.Interaction, started: PostingStart) -> discord.ui.View:
    """The closest entry, for an ad whose job is not a PM or PO role."""
    library = services_of(interaction).knowledge.current.part(EntryLibrary).entries
    entries = [library[e] for e in started.judged.entries[:1] if e in library]
    return dynamic_view(*(EntryButton(entry.id, entry.title) for entry in entries))


async def check_ad(interaction: discord.Interaction, text: str, source: MessageLink | None = None) -> None:
    """Read an ad, show what it says, and run its pre-filled check privately (DMs, else ephemeral)."""
    service = service_of(interaction)
    origin = (interaction.guild_id or 0, interaction.channel_id or 0)
    try:
        outcome = await service.start_posting(interaction.user.id, interaction.guild_id, interaction.channel_id, text)
    except PostingInputError as error:
        raise UserFacingError(error.sentence()) from None
    if isinstance(outcome, OpenCheck):
        embed, view = render(outcome, origin)
        await start_private_flow(interaction, embed=embed, view=view)
        return
    reading = card_embed(reading_card(service.content, outcome.judged, source))
    if outcome.screen is None:
        ephemeral = interaction.guild_id is not None
        await interaction.response.send_message(
            embed=reading, view=not_product_view(interaction, outcome), ephemeral=ephemeral
        )
        return
    embed, view = render(outcome.screen, origin)
    await start_private_flow(interaction, intro=reading, embed=embed, view=view)


def posting_form() -> discord.ui.Modal:
    """The form for pasting an ad. Stopped before it is sent, so discord.py never keeps it: submissions are
    handled by :meth:`Check.on_interaction` through its custom_id, the same way before and after a restart."""
    form = BaseModal(title="Check a job posting", custom_id=POSTING_FORM, timeout=None)
    form.add_item(
        discord.ui.Label(
            text="The job ad",
            description="Paste the whole ad; I read who owns the roadmap, the customers and the metrics.",
            component=discord.ui.TextInput(
                custom_id=AD_INPUT,
                style=discord.TextStyle.paragraph,
                max_length=MODAL_LIMIT,
                placeholder=f"Paste the ad here (up to {MODAL_LIMIT:,} characters).",
            ),
        )
    )
    form.stop()
    return form


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
    template=r"check:(?P<sid>\d+):(?P<step>\d+):(?P<action>[abrk])(?::(?P<value>[a-z0-9+-]+))?",
):
    """An answer, Back, Start over or Looks right, drawn for one step of one session."""

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
        elif action is Action.ACCEPT:
            style = discord.ButtonStyle.success
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
    template=r"check:(?P<sid>\d+):(?P<choice>continue|abandon):(?P<guild>\d+):(?P<channel>\d+)(?::(?P<ad>\d+))?",
):
    """Continue the open check, or abandon it for a new one that shares where the new /check was run.

    ``ad`` (0 for none) is a job ad waiting to be checked: abandoning checks it, continuing drops it.
    """

    def __init__(self, session_id: int, choice: str, guild_id: int, channel_id: int, ad: int = 0) -> None:
        if choice == "continue":
            label, style = "Continue the open check", discord.ButtonStyle.primary
        else:
            label = "Abandon it and check the ad" if ad else "Abandon it and start a new one"
            style = discord.ButtonStyle.danger
        custom_id = f"check:{session_id}:{choice}:{guild_id}:{channel_id}" + (f":{ad}" if ad else "")
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.session_id, self.choice, self.guild_id, self.channel_id = session_id, choice, guild_id, channel_id
        self.ad = ad

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenCheckButton:
        return cls(
            int(match["sid"]), match["choice"], int(match["guild"]), int(match["channel"]), int(match["ad"] or 0)
        )

    @guarded("check open prompt")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        user_id = interaction.user.id
        if self.choice == "continue":
            screen: Screen | OpenCheck | PostingStart = await service.resume(
                self.session_id, user_id, waiting_ad=self.ad or None
            )
        else:
            screen = await service.abandon_and_start(
                self.session_id, user_id, self.guild_id or None, self.channel_id or None, waiting_ad=self.ad or None
            )
        origin = (self.guild_id, self.channel_id)
        if not isinstance(screen, PostingStart):
            embed, view = render(screen, origin)
            await interaction.response.edit_message(embed=embed, view=view)
            return
        # The prompt becomes the ad's reading; the check follows as a message of its own, like any start.
        reading = card_embed(reading_card(service.content, screen.judged))
        if screen.screen is None:
            await interaction.response.edit_message(embed=reading, view=not_product_view(interaction, screen))
            return
        await interaction.response.edit_message(embed=reading, view=dynamic_view())
        embed, view = render(screen.screen, origin)
        ephemeral = interaction.message is not None and interaction.message.flags.ephemeral
        await interaction.followup.send(embed=embed, view=view, ephemeral=ephemeral)


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

    def __init__(self, bot: PmPoBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.check_message_menu)
        member_cooldown()(self.menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)
        self.sweep.start()

    async def cog_unload(self) -> None:
        self.sweep.cancel()
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @tasks.loop(hours=1)
    async def sweep(self) -> None:
        """Hourly: close checks left open too long and delete their job ads, for members who never come back."""
        try:
            removed = await self.bot.services.feature(CheckService).sweep()
        except Exception:
            log.exception("Sweeping expired checks failed; trying again in an hour")
            return
        if removed:
            log.info("Deleted %d job ad(s) of checks that ended or expired", removed)

    @check.command(name="start", description="Check a job posting or your current role with the three questions")
    @member_cooldown()
    async def start(self, interaction: discord.Interaction) -> None:
        # Through a user install in a server without the bot, there is nowhere to share the verdict to.
        here = installed_here(interaction)
        guild_id, channel_id = (interaction.guild_id, interaction.channel_id) if here else (None, None)
        outcome = await service_of(interaction).start(interaction.user.id, guild_id, channel_id)
        embed, view = render(outcome, (guild_id or 0, channel_id or 0))
        await start_private_flow(interaction, embed=embed, view=view)

    @check.command(name="posting", description="Paste a job ad: see what it says on the three questions, then check it")
    @member_cooldown()
    async def posting(self, interaction: discord.Interaction) -> None:
        service_of(interaction).require_posting()  # "not set up" before the form, not after the member pasted
        await interaction.response.send_modal(posting_form())

    async def check_message_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Check a job ad someone posted. Their text is kept only while the member's check is open."""
        if not message.content.strip():
            raise UserFacingError(
                f"That message has no text for me to read (only attachments or embeds). Paste the ad with {POSTING}."
            )
        source = MessageLink(message.guild.id, message.channel.id, message.id) if message.guild else None
        await check_ad(interaction, message.content, source)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
            return
        if interaction.data.get("custom_id") == POSTING_FORM:
            await self.posting_submitted(interaction)

    @guarded("job ad form")
    async def posting_submitted(self, interaction: discord.Interaction) -> None:
        components = interaction.data.get("components", []) if interaction.data else []
        text = submitted_text(components if isinstance(components, list) else [], AD_INPUT)
        await check_ad(interaction, text or "")

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
    await bot.add_cog(Check(bot))
