"""/quiz start, /quiz stats and /quiz leaderboard: the PM-vs-PO quiz as buttons on one DM message.

Each question replaces the previous one on the same message. Every button carries the session id and
the question's position, and the core re-reads the quiz from the database on each click, so buttons
keep working across restarts and a double or stale click never counts twice (``bot.quiz.service``).
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.quiz.cards import (
    leaderboard_card,
    open_quiz_card,
    question_card,
    result_card,
    stats_card,
    summary_card,
)
from bot.quiz.content import theme_key
from bot.quiz.engine import LENGTHS, QuestionScreen, ResultScreen, Screen
from bot.quiz.service import QuizService
from bot.sessions.engine import OpenSession
from cogs._ui import (
    ContinueOrNewButton,
    EntryButton,
    NewSession,
    Rendered,
    autocomplete_choices,
    card_embed,
    dynamic_view,
    guarded,
    member_cooldown,
    server_name,
    services_of,
    start_private_flow,
)
from runner.client import PmPoBot

DEFAULT_LENGTH = 10

Action = Literal["a", "s", "n", "q"]  # answer, skip, next, quit


def service_of(interaction: discord.Interaction) -> QuizService:
    return services_of(interaction).feature(QuizService)


def render(interaction: discord.Interaction, screen: Screen) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and buttons for a screen; the summary gets an empty view, which removes the buttons."""
    if isinstance(screen, QuestionScreen):
        return card_embed(question_card(screen)), question_view(screen)
    if isinstance(screen, ResultScreen):
        return card_embed(result_card(screen)), result_view(interaction, screen)
    return card_embed(summary_card(screen.summary)), dynamic_view()


def question_view(screen: QuestionScreen) -> discord.ui.View:
    sid, position = screen.session_id, screen.position
    items: list[discord.ui.Item[Any]] = [
        QuizButton(sid, position, "a", option, label=screen.question.options[option].text, row=0)
        for option in screen.order
    ]
    items.append(QuizButton(sid, position, "s", label="Skip", row=1))
    items.append(QuizButton(sid, position, "q", label="Quit", row=1))
    return dynamic_view(*items)


def result_view(interaction: discord.Interaction, screen: ResultScreen) -> discord.ui.View:
    label = "See your score" if screen.ended else "Next question"
    items: list[discord.ui.Item[Any]] = [QuizButton(screen.session_id, screen.position, "n", label=label)]
    entry = service_of(interaction).linked_entry(screen.question)
    if entry is not None:
        items.append(EntryButton(entry.id, f"Read: {entry.title}"))
    if not screen.ended:
        items.append(QuizButton(screen.session_id, screen.position, "q", label="Quit"))
    return dynamic_view(*items)


async def start_quiz(interaction: discord.Interaction, new: NewSession, replacing: int | None = None) -> Rendered:
    """Start ``new`` (in place of the quiz ``replacing``): its first question, or, for a member who has
    another quiz going, the prompt to continue that one or abandon it for ``new``."""
    outcome = await service_of(interaction).start(
        user_id=interaction.user.id, guild_id=new.guild_id, theme=new.theme, length=new.size, replacing=replacing
    )
    if isinstance(outcome, OpenSession):
        return OpenQuizButton.prompt(open_quiz_card(outcome), outcome.session_id, new)
    return render(interaction, outcome)


class QuizButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:(?P<sid>\d+):(?P<pos>\d+):(?P<action>[asnq])(?::(?P<option>\d+))?",
):
    """An answer option, Skip, Next or Quit, drawn for one question of one quiz."""

    def __init__(
        self,
        session_id: int,
        position: int,
        action: Action,
        option: int | None = None,
        *,
        label: str = "…",
        row: int | None = None,
    ) -> None:
        custom_id = f"quiz:{session_id}:{position}:{action}" + (f":{option}" if option is not None else "")
        style = {
            "a": discord.ButtonStyle.primary,
            "s": discord.ButtonStyle.secondary,
            "n": discord.ButtonStyle.success,
            "q": discord.ButtonStyle.danger,
        }[action]
        super().__init__(
            discord.ui.Button(label=limits.trim(label, limits.BUTTON_LABEL), style=style, custom_id=custom_id),
            row=row,
        )
        self.session_id, self.position, self.action, self.option = session_id, position, action, option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuizButton:
        option = int(match["option"]) if match["option"] is not None else None
        return cls(int(match["sid"]), int(match["pos"]), cast(Action, match["action"]), option)

    @guarded("quiz button")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        user, sid, position = interaction.user.id, self.session_id, self.position
        if self.action == "a" and self.option is not None:
            screen = await service.answer(sid, user, position, self.option)
        elif self.action == "s":
            screen = await service.skip(sid, user, position)
        elif self.action == "n":
            screen = await service.next(sid, user, position)
        elif self.action == "q":
            screen = await service.quit(sid, user)
        else:
            screen = await service.screen(sid, user)
        embed, view = render(interaction, screen)
        await interaction.response.edit_message(embed=embed, view=view)


class OpenQuizButton(ContinueOrNewButton, prefix="quiz"):
    """Continue the running quiz, or abandon it and start the one just asked for (theme, length, server)."""

    async def resume(self, interaction: discord.Interaction) -> Rendered:
        return render(interaction, await service_of(interaction).screen(self.session_id, interaction.user.id))

    async def start(self, interaction: discord.Interaction, new: NewSession) -> Rendered:
        return await start_quiz(interaction, new, replacing=self.session_id)


class Quiz(commands.Cog):
    quiz = app_commands.Group(name="quiz", description="Quiz yourself on Product Manager vs Product Owner")

    @quiz.command(name="start", description="Start a quiz in your DMs: one question at a time, with explanations")
    @member_cooldown()
    @app_commands.describe(theme="Only questions on this theme (default: all themes)", length="How many questions")
    @app_commands.choices(length=[app_commands.Choice(name=f"{n} questions", value=n) for n in LENGTHS])
    async def start(
        self,
        interaction: discord.Interaction,
        theme: str | None = None,
        length: app_commands.Choice[int] | None = None,
    ) -> None:
        size = length.value if length is not None else DEFAULT_LENGTH
        chosen = service_of(interaction).resolve_theme(theme)
        new = NewSession(interaction.guild_id, size, theme_key(chosen) if chosen else None)
        embed, view = await start_quiz(interaction, new)
        await start_private_flow(interaction, embed=embed, view=view)

    @start.autocomplete("theme")
    async def theme_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return autocomplete_choices(service_of(interaction).theme_choices(current))

    @quiz.command(name="stats", description="Your quiz history, best score and weakest themes")
    @member_cooldown()
    async def stats(self, interaction: discord.Interaction) -> None:
        stats = await service_of(interaction).stats(interaction.user.id)
        await interaction.response.send_message(embed=card_embed(stats_card(stats)), ephemeral=True)

    @quiz.command(name="leaderboard", description="This server's best quiz scores")
    @member_cooldown()
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        # A subcommand cannot be hidden from DMs (only top-level commands carry contexts): check here.
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        rows = await service_of(interaction).leaderboard(interaction.guild_id)
        card = leaderboard_card(rows, server=server_name(interaction) or "this server", viewer=interaction.user.id)
        await interaction.response.send_message(embed=card_embed(card))


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(QuizButton, OpenQuizButton, EntryButton)
    await bot.add_cog(Quiz())
