"""The daily interview drill in Discord: ``/drills`` for moderators (schedule, pause, skip, post now),
``/drill`` on demand, ``/drill-streak`` and ``/drill-top`` for members, and the poster loop.

The drill message carries three buttons (strong answer, weak answer, practise) as ``DynamicItem``s whose
custom_id holds the drill id and the post id, so they work on old drills and after a restart. The
practice form is a modal that discord.py never stores (it is stopped before it is sent): every
submission, before or after a restart, arrives through one ``on_interaction`` listener instead of
being silently dropped as "unknown modal" once the process that opened it is gone.

``/drill-streak`` and ``/drill-top`` are top-level commands rather than ``/drills streak``: Discord applies
a group's default permissions to every subcommand, so under the moderators-only ``/drills`` group members
would never see them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import limits
from bot.drills.cards import drill_card, feedback_card, status_card, streak_card, strong_card, top_card, weak_card
from bot.drills.content import Drill
from bot.drills.engine import ScheduleStatus
from bot.drills.feedback import Feedback
from bot.drills.poster import (
    REQUESTS_PER_SECOND,
    ChannelUnavailable,
    Delivered,
    Delivery,
    DrillPoster,
    PostRejected,
)
from bot.drills.schedule import timezone_choices
from bot.drills.service import DrillService, SetupRequest, UnknownDrill
from bot.errors import UserFacingError
from bot.interview.cards import chosen_drill_card
from bot.interview.service import InterviewService
from cogs._errors import permission_names
from cogs._permissions import moderator_group
from cogs._ui import (
    answer_form,
    autocomplete_choices,
    card_embed,
    dynamic_view,
    form_submission,
    guarded,
    member_cooldown,
    server_name,
    services_of,
    submitted_answer,
)
from runner.client import PmPoBot

log = logging.getLogger(__name__)

Action = Literal["strong", "weak", "practise"]
ANSWER_FORM = re.compile(r"^drill-answer:(?P<drill>[a-z0-9]+(?:-[a-z0-9]+)*):(?P<post>\d+)$")
PRACTISE_HINT = "practise privately with the buttons: only you see your answer and the feedback"
#: What the bot needs in the drill channel to post a drill at all.
POST_PERMISSIONS = ("view_channel", "send_messages", "embed_links")


def service_of(interaction: discord.Interaction) -> DrillService:
    return services_of(interaction).feature(DrillService)


def drill_view(drill_id: str, post_id: int = 0) -> discord.ui.View:
    """The three buttons under every drill; ``post_id`` 0 means an on-demand drill (no streak)."""
    return dynamic_view(
        DrillButton(drill_id, post_id, "strong"),
        DrillButton(drill_id, post_id, "weak"),
        DrillButton(drill_id, post_id, "practise"),
    )


BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "strong": ("Show a strong answer", discord.ButtonStyle.success),
    "weak": ("Show a weak answer", discord.ButtonStyle.secondary),
    "practise": ("Practise", discord.ButtonStyle.primary),
}


class DrillButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"drill:(?P<action>strong|weak|practise):(?P<drill>[a-z0-9]+(?:-[a-z0-9]+)*):(?P<post>\d+)",
):
    """Reveal the strong or weak answer privately, or open the practice form."""

    def __init__(self, drill_id: str, post_id: int, action: Action) -> None:
        super().__init__(
            discord.ui.Button(
                label=BUTTONS[action][0],
                style=BUTTONS[action][1],
                custom_id=f"drill:{action}:{drill_id}:{post_id}",
            )
        )
        self.drill_id, self.post_id, self.action = drill_id, post_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DrillButton:
        return cls(match["drill"], int(match["post"]), cast(Action, match["action"]))

    @guarded("drill button")
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            drill = service_of(interaction).get(self.drill_id)
        except UnknownDrill:
            raise UserFacingError("This drill has been taken out of the drill bank since it was posted.") from None
        if self.action == "practise":
            limit = services_of(interaction).config.drills.max_answer_length
            await interaction.response.send_modal(practice_form(drill, self.post_id, limit))
            return
        card = strong_card(drill) if self.action == "strong" else weak_card(drill)
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)


def practice_form(drill: Drill, post_id: int, limit: int) -> discord.ui.Modal:
    """The practice form; its submissions arrive in :meth:`Drills.on_interaction`."""
    return answer_form(
        title="Practise this drill",
        custom_id=f"drill-answer:{drill.id}:{post_id}",
        asked=drill.prompt,
        limit=limit,
        hint="the situation, your decision, the evidence, the result",
    )


def feedback_embed(feedback: Feedback, streak_line: str | None) -> discord.Embed:
    card = feedback_card(feedback)
    if streak_line:
        card = replace(card, footer=f"{streak_line} · {card.footer}")
    return card_embed(card)


def status_embed(interaction: discord.Interaction, status: ScheduleStatus) -> discord.Embed:
    return card_embed(status_card(status, server_name(interaction)))


def missing_post_permissions(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks in ``channel`` to post a drill there: the one check for setup and every post."""
    permissions = channel.permissions_for(channel.guild.me)
    return [name for name in POST_PERMISSIONS if not getattr(permissions, name)]


class DiscordSender:
    """The poster's view of Discord: post the drill (with nonce), open its thread, tell moderators."""

    def __init__(self, bot: PmPoBot) -> None:
        self.bot = bot

    def handles(self, guild_id: int) -> bool:
        """The server is on this process's shards (another process posts the others) and the bot is in it."""
        return self.bot.serves(guild_id) and self.bot.get_guild(guild_id) is not None

    async def deliver(self, delivery: Delivery) -> Delivered:
        channel = self.bot.get_channel(delivery.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise ChannelUnavailable("the drill channel was deleted (or I can no longer see it)")
        missing = missing_post_permissions(channel)
        if missing:
            raise ChannelUnavailable(f"I'm missing {permission_names(missing)} in #{channel.name}")
        role = delivery.ping_role_id
        try:
            message = await channel.send(
                content=f"<@&{role}>" if role else None,
                embed=card_embed(drill_card(delivery.drill, heading="Daily interview drill", hint=PRACTISE_HINT)),
                view=drill_view(delivery.drill.id, delivery.post_id),
                nonce=delivery.nonce,  # discord.py sends enforce_nonce with it: a re-send can't duplicate
                allowed_mentions=(
                    discord.AllowedMentions(
                        everyone=False, users=False, replied_user=False, roles=[discord.Object(role)]
                    )
                    if role
                    else discord.AllowedMentions.none()
                ),
            )
        except discord.NotFound:
            raise ChannelUnavailable("the drill channel was deleted") from None
        except discord.Forbidden as error:
            raise ChannelUnavailable(f"Discord refused me posting in #{channel.name} ({error.text})") from None
        except discord.HTTPException as error:
            if 400 <= error.status < 500 and error.status != 429:
                raise PostRejected(f"{error.status} {error.text}") from None
            raise
        return Delivered(message.id, await self._open_thread(channel, message, delivery))

    async def _open_thread(
        self, channel: discord.TextChannel, message: discord.Message, delivery: Delivery
    ) -> int | None:
        """A discussion thread when asked for and allowed; the drill stands on its own without one."""
        if not delivery.threads:
            return None
        if not channel.permissions_for(channel.guild.me).create_public_threads:
            log.info("No thread for the drill in guild %s: missing Create Public Threads", delivery.guild_id)
            return None
        name = limits.trim(f"Drill {delivery.local_date.isoformat()}: {delivery.drill.theme}", 100)
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=1440)
        except discord.HTTPException as error:
            if error.code == 160004:  # already created (a re-send returned the first message)
                return message.id  # a thread started from a message shares its id
            log.warning("Could not open a drill thread in guild %s: %s", delivery.guild_id, error)
            return None
        return thread.id

    async def notify(self, guild_id: int, user_id: int | None, text: str) -> None:
        guild = self.bot.get_guild(guild_id)
        where = f"**{guild.name}**: " if guild else ""
        if user_id is not None:
            try:
                user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
                await user.send(where + text)
                return
            except discord.HTTPException:
                log.info("Could not DM moderator %s about paused drills; trying the system channel", user_id)
        channel = guild.system_channel if guild else None
        if channel is not None and channel.permissions_for(channel.guild.me).send_messages:
            await channel.send(text)
        else:
            log.warning("Nobody could be told that drills are paused in guild %s: %s", guild_id, text)


class Drills(commands.Cog):
    drills = moderator_group("drills", "Schedule the daily interview drill for this server")

    def __init__(self, bot: PmPoBot) -> None:
        self.bot = bot
        # The global rate limit is the bot's, shared by its processes: each paces itself to its share of shards.
        pace = REQUESTS_PER_SECOND * bot.shard_share()
        self.poster = DrillPoster(bot.services, DiscordSender(bot), requests_per_second=pace)
        self.poster_loop = tasks.loop(seconds=bot.services.config.drills.poll_seconds)(self.tick)
        self.poster_loop.before_loop(self.bot.wait_until_ready)
        #: Set when the first pass after start-up (the one that resolves claims a crash left) is done.
        self.started = asyncio.Event()

    async def cog_load(self) -> None:
        self.poster_loop.start()

    async def cog_unload(self) -> None:
        # Cancelling mid-send leaves a claimed row; the next start resolves it (see bot/drills/poster.py).
        self.poster_loop.cancel()

    async def tick(self) -> None:
        """One poster pass; never raises, so one bad tick can't stop the loop for good."""
        try:
            report = await self.poster.tick()
        except Exception:
            log.exception("Drill poster tick failed; trying again next time")
            return
        finally:
            self.started.set()
        if report.posted or report.missed or report.paused or report.unknown:
            log.info(
                "Drills: posted %d, missed %d, paused %d, unknown %d",
                len(report.posted),
                len(report.missed),
                len(report.paused),
                len(report.unknown),
            )

    # -- moderators ---------------------------------------------------------------------------------

    @drills.command(name="setup", description="Post one interview drill a day in a channel, at a local time")
    @app_commands.describe(
        channel="Where the drill goes",
        time="Local time, 24-hour HH:MM, e.g. 09:30",
        timezone="IANA time zone, e.g. Europe/Berlin",
        days="Which days: daily (default), weekdays, mon-fri, mon,wed,fri …",
        ping_role="A role to mention with each drill (nobody by default)",
        threads="Open a discussion thread on each drill (default: on)",
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        days: str = "daily",
        ping_role: discord.Role | None = None,
        threads: bool = True,
    ) -> None:
        assert interaction.guild_id is not None  # guild-only group
        missing = missing_post_permissions(channel)
        if missing:
            raise UserFacingError(
                f"I can't post in {channel.mention}: I'm missing {permission_names(missing)} there. "
                "Give me that and run `/drills setup` again."
            )
        if ping_role is not None and ping_role.is_default():
            raise UserFacingError("Pick a role to ping, not @everyone (or leave ping_role empty).")
        status = await service_of(interaction).setup(
            SetupRequest(
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                time=time,
                timezone=timezone,
                days=days,
                ping_role_id=ping_role.id if ping_role else None,
                threads=threads,
                moderator_id=interaction.user.id,
            )
        )
        notes = []
        permissions = channel.permissions_for(channel.guild.me)
        if threads and not permissions.create_public_threads:
            notes.append(
                f"Threads are on, but I can't create threads in {channel.mention} (Create Public Threads): "
                "drills go out without one until I can."
            )
        if ping_role is not None and not ping_role.mentionable and not permissions.mention_everyone:
            notes.append(f"{ping_role.mention} isn't mentionable, so the ping won't notify anyone until it is.")
        notes.append("If I lose access to the channel I'll pause the schedule and tell you.")
        await interaction.response.send_message(
            "\n".join(notes), embed=status_embed(interaction, status), ephemeral=True
        )

    @setup.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return autocomplete_choices(timezone_choices(current))

    @drills.command(name="status", description="When the next drill goes out, and how the last one went")
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await service_of(interaction).status(interaction.guild_id)
        await interaction.response.send_message(embed=status_embed(interaction, status), ephemeral=True)

    @drills.command(name="pause", description="Stop posting drills until /drills resume")
    async def pause(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await service_of(interaction).pause(interaction.guild_id)
        await interaction.response.send_message(
            "Drills are paused. `/drills resume` starts them again.", ephemeral=True
        )

    @drills.command(name="resume", description="Start posting drills again (after a pause or a fixed channel)")
    async def resume(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await service_of(interaction).resume(interaction.guild_id)
        await interaction.response.send_message(
            "Drills are back on.", embed=status_embed(interaction, status), ephemeral=True
        )

    @drills.command(name="skip", description="Skip the next drill (run it again to skip one more)")
    async def skip(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        skipped = await service_of(interaction).skip_next(interaction.guild_id)
        when = int(skipped.when.timestamp())
        await interaction.response.send_message(
            f"Skipped the drill of {skipped.local_date.isoformat()} (<t:{when}:F>).", ephemeral=True
        )

    @drills.command(name="post-now", description="Post today's drill right away (still one per day)")
    async def post_now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        post = await self.poster.post_now(interaction.guild_id)
        link = f"https://discord.com/channels/{post.guild_id}/{post.channel_id}/{post.message_id}"
        await interaction.followup.send(f"Posted today's drill in <#{post.channel_id}>: {link}", ephemeral=True)

    # -- members ------------------------------------------------------------------------------------

    @app_commands.command(name="drill", description="A private interview drill to practise, with feedback")
    @member_cooldown()
    @app_commands.describe(theme="Only drills on this theme (default: any)")
    async def drill(self, interaction: discord.Interaction, theme: str | None = None) -> None:
        if theme:
            chosen = service_of(interaction).pick(theme)
            card = drill_card(chosen, hint=PRACTISE_HINT)
        else:  # the drill for the member's weakest signals, saying why
            pick = await services_of(interaction).feature(InterviewService).next_drill(interaction.user.id)
            chosen, card = pick.drill, chosen_drill_card(pick, hint=PRACTISE_HINT)
        await interaction.response.send_message(embed=card_embed(card), view=drill_view(chosen.id), ephemeral=True)

    @drill.autocomplete("theme")
    async def theme_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return autocomplete_choices(service_of(interaction).theme_choices(current))

    @app_commands.command(name="drill-streak", description="How many scheduled drills in a row you've practised")
    @member_cooldown()
    @app_commands.guild_only()
    @app_commands.describe(member="Someone else's streak (default: yours)")
    async def streak(self, interaction: discord.Interaction, member: discord.Member | None = None) -> None:
        assert interaction.guild_id is not None
        who = member or interaction.user
        streak = await service_of(interaction).streak(interaction.guild_id, who.id)
        card = streak_card(streak, who.id, own=who.id == interaction.user.id)
        await interaction.response.send_message(embed=card_embed(card), ephemeral=True)

    @app_commands.command(name="drill-top", description="Who practised the most drills here this week")
    @member_cooldown()
    @app_commands.guild_only()
    async def top(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        entries = await service_of(interaction).weekly_top(interaction.guild_id)
        await interaction.response.send_message(embed=card_embed(top_card(entries)))

    # -- the practice form ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        match = form_submission(interaction, ANSWER_FORM)
        if match is not None:
            await self.answer_submitted(interaction, match["drill"], int(match["post"]))

    @guarded("drill practice form")
    async def answer_submitted(self, interaction: discord.Interaction, drill_id: str, post_id: int) -> None:
        service = service_of(interaction)
        feedback = await service.practise(
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            drill_id=drill_id,
            post_id=post_id or None,
            answer=submitted_answer(interaction),
        )
        streak_line = None
        if post_id and interaction.guild_id is not None:
            streak = await service.streak(interaction.guild_id, interaction.user.id)
            streak_line = f"Streak: {streak.current} scheduled drill(s) in a row"
        await interaction.response.send_message(embed=feedback_embed(feedback, streak_line), ephemeral=True)


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(DrillButton)
    await bot.add_cog(Drills(bot))
