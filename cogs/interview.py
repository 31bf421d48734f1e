"""/interview start and /interview history: a mock interview on one DM message, answered in forms.

Each step replaces the previous one on the same message: a question (or follow-up) with an Answer
button that opens a form, then the feedback with a button to move on. Buttons carry the session id and
the step, and so does the form, and the core re-reads the session from the database on every click and
submit (``bot.interview.service``), so they keep working across restarts and a double submit counts once.

The form is the drills' answer form (``answer_form`` in ``cogs/_ui.py``), which discord.py never stores:
every submission, before or after a restart, arrives through one ``on_interaction`` listener.
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.interview.cards import (
    ANSWER_LABEL,
    NEXT_LABELS,
    QUIT_LABEL,
    answer_card,
    history_card,
    open_interview_card,
    prompt_card,
    summary_card,
)
from bot.interview.engine import DEFAULT_QUESTIONS, QUESTIONS, FeedbackScreen, PromptScreen, Screen
from bot.interview.service import InterviewService
from bot.sessions.engine import OpenSession
from cogs._ui import (
    ContinueOrNewButton,
    NewSession,
    Rendered,
    answer_form,
    autocomplete_choices,
    card_embed,
    dynamic_view,
    form_submission,
    guarded,
    member_cooldown,
    services_of,
    start_private_flow,
    submitted_answer,
)
from runner.client import PmPoBot

Action = Literal["a", "n", "q"]  # answer (opens the form), next, quit
ANSWER_FORM = re.compile(r"^interview-answer:(?P<sid>\d+):(?P<step>\d+)$")


def service_of(interaction: discord.Interaction) -> InterviewService:
    return services_of(interaction).feature(InterviewService)


def render(screen: Screen) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and buttons for a screen; the summary gets an empty view, which removes the buttons."""
    if isinstance(screen, PromptScreen):
        return card_embed(prompt_card(screen)), dynamic_view(
            InterviewButton(screen.session_id, screen.step, "a", label=ANSWER_LABEL),
            InterviewButton(screen.session_id, screen.step, "q", label=QUIT_LABEL),
        )
    if isinstance(screen, FeedbackScreen):
        items: list[discord.ui.Item[Any]] = [
            InterviewButton(screen.session_id, screen.step, "n", label=NEXT_LABELS[screen.next])
        ]
        if screen.next != "summary":
            items.append(InterviewButton(screen.session_id, screen.step, "q", label=QUIT_LABEL))
        return card_embed(answer_card(screen)), dynamic_view(*items)
    return card_embed(summary_card(screen.summary)), dynamic_view()


async def start_interview(interaction: discord.Interaction, new: NewSession, replacing: int | None = None) -> Rendered:
    """Start ``new`` (in place of the session ``replacing``): its first question, or, for a member who has
    another session going, the prompt to continue that one or abandon it for ``new``."""
    outcome = await service_of(interaction).start(
        user_id=interaction.user.id, guild_id=new.guild_id, theme=new.theme, questions=new.size, replacing=replacing
    )
    if isinstance(outcome, OpenSession):
        return OpenInterviewButton.prompt(open_interview_card(outcome), outcome.session_id, new)
    return render(outcome)


def step_form(screen: PromptScreen, limit: int) -> discord.ui.Modal:
    """The answer form for one step; its submissions arrive in :meth:`Interview.on_interaction`."""
    return answer_form(
        title=f"Question {screen.number} of {screen.total}" + (" · follow-up" if screen.follow_up else ""),
        custom_id=f"interview-answer:{screen.session_id}:{screen.step}",
        asked=screen.follow_up.ask if screen.follow_up is not None else screen.drill.prompt,
        limit=limit,
    )


class InterviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"interview:(?P<sid>\d+):(?P<step>\d+):(?P<action>[anq])",
):
    """Answer (opens the form), Next or Quit, drawn for one step of one session."""

    def __init__(self, session_id: int, step: int, action: Action, *, label: str = "…") -> None:
        style = {
            "a": discord.ButtonStyle.primary,
            "n": discord.ButtonStyle.success,
            "q": discord.ButtonStyle.danger,
        }[action]
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL),
                style=style,
                custom_id=f"interview:{session_id}:{step}:{action}",
            )
        )
        self.session_id, self.step, self.action = session_id, step, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> InterviewButton:
        return cls(int(match["sid"]), int(match["step"]), cast(Action, match["action"]))

    @guarded("interview button")
    async def callback(self, interaction: discord.Interaction) -> None:
        service = service_of(interaction)
        user = interaction.user.id
        if self.action == "a":
            screen = await service.screen(self.session_id, user)
            if isinstance(screen, PromptScreen) and screen.step == self.step:
                await interaction.response.send_modal(step_form(screen, service.answer_limit()))
                return
        elif self.action == "n":
            screen = await service.next(self.session_id, user, self.step)
        else:
            screen = await service.quit(self.session_id, user)
        embed, view = render(screen)  # a stale Answer button shows where the session really is
        await interaction.response.edit_message(embed=embed, view=view)


class OpenInterviewButton(ContinueOrNewButton, prefix="interview"):
    """Continue the running session, or abandon it and start the one just asked for."""

    async def resume(self, interaction: discord.Interaction) -> Rendered:
        return render(await service_of(interaction).screen(self.session_id, interaction.user.id))

    async def start(self, interaction: discord.Interaction, new: NewSession) -> Rendered:
        return await start_interview(interaction, new, replacing=self.session_id)


class Interview(commands.Cog):
    interview = app_commands.Group(name="interview", description="A mock interview in your DMs, with feedback")

    @interview.command(
        name="start", description="A mock interview in your DMs: drills for your weakest signals, with follow-ups"
    )
    @member_cooldown()
    @app_commands.describe(theme="Only drills on this theme (default: any)", questions="How many questions")
    async def start(
        self,
        interaction: discord.Interaction,
        theme: str | None = None,
        questions: app_commands.Range[int, QUESTIONS[0], QUESTIONS[-1]] = DEFAULT_QUESTIONS,
    ) -> None:
        chosen = service_of(interaction).resolve_theme(theme)
        embed, view = await start_interview(interaction, NewSession(interaction.guild_id, questions, chosen))
        await start_private_flow(interaction, embed=embed, view=view)

    @start.autocomplete("theme")
    async def theme_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return autocomplete_choices(service_of(interaction).theme_choices(current))

    @interview.command(name="history", description="Your mock interviews and each signal over time")
    @member_cooldown()
    async def history(self, interaction: discord.Interaction) -> None:
        history = await service_of(interaction).history(interaction.user.id)
        await interaction.response.send_message(embed=card_embed(history_card(history)), ephemeral=True)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        match = form_submission(interaction, ANSWER_FORM)
        if match is not None:
            await self.answer_submitted(interaction, int(match["sid"]), int(match["step"]))

    @guarded("interview answer form")
    async def answer_submitted(self, interaction: discord.Interaction, session_id: int, step: int) -> None:
        answer = submitted_answer(interaction)
        screen = await service_of(interaction).answer(session_id, interaction.user.id, step, answer)
        embed, view = render(screen)
        await interaction.response.edit_message(embed=embed, view=view)


async def setup(bot: PmPoBot) -> None:
    bot.add_dynamic_items(InterviewButton, OpenInterviewButton)
    await bot.add_cog(Interview())
