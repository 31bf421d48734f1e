"""Discord building blocks shared by the cogs, so no cog re-implements embeds, views or DM fallback."""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Concatenate, ParamSpec, Self, TypeVar

import discord
from discord import app_commands

from bot import limits
from bot.cards import Card, Tone, discord_markup
from bot.drills.service import MIN_ANSWER_LENGTH
from bot.knowledge.cards import entry_card
from bot.knowledge.entries import EntryLibrary
from bot.services import Services
from bot.sessions.cards import ABANDON_LABEL, CONTINUE_LABEL
from bot.storage.cooldowns import CooldownStore
from cogs._errors import report_error
from runner.client import PmPoBot

log = logging.getLogger(__name__)

BRAND = discord.Colour.from_rgb(88, 101, 242)
GOOD = discord.Colour.green()
WARN = discord.Colour.orange()
#: The embed colour of each :data:`bot.cards.Tone`.
TONES: dict[Tone, discord.Colour] = {"neutral": BRAND, "good": GOOD, "warn": WARN}
DM_CLOSED = "Your DMs are closed (or I can't message you), so I'll run it here, visible only to you."
DM_SENT = "I've sent you a DM. Open it to continue."
#: The text input of the answer forms (drill practice, mock interview).
ANSWER_INPUT = "answer"
#: Discord's ceiling for a text input, whatever ``drills.max_answer_length`` says.
TEXT_INPUT_MAX = 4000

#: What a screen looks like in Discord: the embed and the buttons under it.
Rendered = tuple[discord.Embed, discord.ui.View]
#: The theme a start carries when the member asked for every theme.
ALL_THEMES = "all"

S = TypeVar("S")
T = TypeVar("T")
P = ParamSpec("P")


def member_cooldown(rate: int = 3, per: float | Callable[[Services], float] = 30.0) -> Callable[[T], T]:
    """``rate`` uses per ``per`` seconds per member and command (default three per 30 s: plenty for real use,
    too few to flood a channel or anyone's DMs); ``per`` may read the configuration.

    Counted in the database (:class:`~bot.storage.cooldowns.CooldownStore`), not in this process: every bot
    process serving the member enforces the same limit, also after a shard moves. Refused as
    :class:`app_commands.CommandOnCooldown`, which the error reporter words for the member.
    """

    async def predicate(interaction: discord.Interaction) -> bool:
        services = services_of(interaction)
        seconds = per(services) if callable(per) else per
        bucket = interaction.command.qualified_name if interaction.command is not None else "command"
        wait = await CooldownStore(services.db).take(
            interaction.user.id, bucket, rate=rate, per=seconds, now=services.clock()
        )
        if wait is not None:
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(rate, seconds), wait)
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check


def autocomplete_choices(options: Iterable[str] | Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Options (a name that is its own value, or a (name, value) pair) as choices Discord accepts: it
    refuses a whole autocomplete answer with more than 25 choices or one name over 100 characters."""
    choices: list[app_commands.Choice[str]] = []
    for option in itertools.islice(options, limits.AUTOCOMPLETE_CHOICES):
        name, value = (option, option) if isinstance(option, str) else option
        choices.append(app_commands.Choice(name=limits.trim(name, limits.AUTOCOMPLETE_NAME), value=value))
    return choices


def anywhere() -> Callable[[T], T]:
    """For a command members may use wherever they are: in servers that installed the bot and in its DMs,
    and, once a member adds the app to their own account (a user install), in group DMs, DMs with others
    and servers without the bot. Replies there are private (see :func:`installed_here`).

    Everything else is installed with the server only (the tree's default, ``runner.client``): leaderboards,
    drills and moderator commands need a server that has the bot.
    """

    def decorate(command: T) -> T:
        command = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)
        return app_commands.allowed_installs(guilds=True, users=True)(command)

    return decorate


def installed_here(interaction: discord.Interaction) -> bool:
    """Whether the bot is installed where this interaction happened: a server that added it, or its own DMs.

    Through a member's user install it also answers in servers that don't have it, in group DMs and in DMs
    between members. It is a guest there (it can't even post a message of its own), so it answers only the
    member who asked, and keeps nothing about the place (no server id with an unanswered question, no
    channel to share a verdict in).
    """
    if interaction.guild_id is not None:
        return interaction.is_guild_integration()
    return not interaction.context.private_channel


def services_of(interaction: discord.Interaction) -> Services:
    """The bot's :class:`Services`: how commands, buttons, forms and checks, which discord.py calls with an
    interaction, reach the core (the bot is a :class:`PmPoBot`; discord.py types it as any client)."""
    bot = interaction.client
    if not isinstance(bot, PmPoBot):
        raise TypeError(f"the cogs run in a PmPoBot, not a {type(bot).__name__}")
    return bot.services


def server_name(interaction: discord.Interaction) -> str | None:
    """The name of the server the interaction came from (None in DMs), for cards that name it."""
    return interaction.guild.name if interaction.guild is not None else None


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


def card_embed(card: Card) -> discord.Embed:
    """A core :class:`~bot.cards.Card` as an embed, in its tone's colour and trimmed like any embed."""
    fields = [(name, discord_markup(value)) for name, value in card.fields]
    return make_embed(card.title, discord_markup(card.body), fields=fields, footer=card.footer, colour=TONES[card.tone])


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


async def open_entry_privately(interaction: discord.Interaction, entry_id: str) -> None:
    """Show an entry only to the member who asked, e.g. from a "read more" button under a verdict or answer."""
    knowledge = services_of(interaction).knowledge.current
    entry = knowledge.part(EntryLibrary).entries.get(entry_id)
    if entry is None:
        await interaction.response.send_message("That entry is no longer in the knowledge base.", ephemeral=True)
        return
    await interaction.response.send_message(embed=card_embed(entry_card(knowledge, entry)), ephemeral=True)


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


class OpenSessionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Continue the member's open session, or abandon it and start the one just asked for.

    The two buttons under the card a start shows when the member already has a session going (the
    quiz's, the mock interview's). A feature subclasses this with its own custom_id template
    (fixed: buttons on old messages carry it) and says what continuing (:meth:`resume`) and abandoning
    (:meth:`replace`) show; the prompt becomes that screen, or the prompt again when yet another session
    was started meanwhile. Quiz-like features subclass :class:`ContinueOrNewButton` instead.
    """

    #: The continue and the abandon button's labels, as the shell words its choices too.
    labels: ClassVar[tuple[str, str]] = (CONTINUE_LABEL, ABANDON_LABEL)

    def __init__(self, session_id: int, custom_id: str, *, continues: bool) -> None:
        label, style = (
            (self.labels[0], discord.ButtonStyle.primary) if continues else (self.labels[1], discord.ButtonStyle.danger)
        )
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.session_id, self.continues = session_id, continues

    async def resume(self, interaction: discord.Interaction) -> Rendered:
        """The open session's current screen."""
        raise NotImplementedError

    async def replace(self, interaction: discord.Interaction) -> Rendered:
        """Abandon the open session and show the new one's first screen."""
        raise NotImplementedError

    @guarded("continue or abandon")
    async def callback(self, interaction: discord.Interaction) -> None:
        embed, view = await (self.resume(interaction) if self.continues else self.replace(interaction))
        await interaction.response.edit_message(embed=embed, view=view)


@dataclass(frozen=True)
class NewSession:
    """The session a member asked for while another was going, as the abandon button carries it."""

    guild_id: int | None
    #: How many questions.
    size: int
    #: As the feature's start resolves it; None for every theme.
    theme: str | None


class ContinueOrNewButton(OpenSessionButton, template=r"(?!)"):
    """An :class:`OpenSessionButton` whose abandon button carries the :class:`NewSession` to start.

    The custom_id is ``<prefix>:<session>:continue`` or ``<prefix>:<session>:new:<server>:<size>:<theme>``
    (server 0 in DMs, theme ``all`` for every theme). A subclass names its prefix
    (``class OpenQuizButton(ContinueOrNewButton, prefix="quiz")``) and says what :meth:`resume` and
    :meth:`start` show; :meth:`prompt` draws the card with both buttons.
    """

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str) -> None:
        template = rf"{re.escape(prefix)}:(?P<sid>\d+):(?:continue|new:(?P<guild>\d+):(?P<size>\d+):(?P<theme>.+))"
        super().__init_subclass__(template=template)
        cls.prefix = prefix

    def __init__(self, session_id: int, new: NewSession | None = None) -> None:
        if new is None:
            custom_id = f"{self.prefix}:{session_id}:continue"
        else:
            custom_id = f"{self.prefix}:{session_id}:new:{new.guild_id or 0}:{new.size}:"
            # A theme too long for the id is cut: the start resolves a theme from its beginning.
            custom_id += (new.theme or ALL_THEMES)[: limits.CUSTOM_ID - len(custom_id)]
        super().__init__(session_id, custom_id, continues=new is None)
        self.new = new

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        if match["theme"] is None:
            return cls(int(match["sid"]))
        theme = None if match["theme"] == ALL_THEMES else match["theme"]
        return cls(int(match["sid"]), NewSession(int(match["guild"]) or None, int(match["size"]), theme))

    @classmethod
    def prompt(cls, card: Card, session_id: int, new: NewSession) -> Rendered:
        """``card`` (where the open session ``session_id`` stands) with the continue and abandon buttons."""
        return card_embed(card), dynamic_view(cls(session_id), cls(session_id, new))

    async def replace(self, interaction: discord.Interaction) -> Rendered:
        if self.new is None:  # the continue button never replaces
            return await self.resume(interaction)
        return await self.start(interaction, self.new)

    async def start(self, interaction: discord.Interaction, new: NewSession) -> Rendered:
        """Start ``new`` in place of the open session (``replacing``) and draw what the start returned."""
        raise NotImplementedError


class BaseModal(discord.ui.Modal):
    """A form whose failures reach the member as a private message, like :class:`BaseView`'s."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error, what=f"{type(self).__name__} form")


def answer_form(*, title: str, custom_id: str, asked: str, limit: int, hint: str | None = None) -> discord.ui.Modal:
    """The form for one typed answer (drill practice, a mock interview step) to ``asked``, at most ``limit``
    characters (or Discord's ceiling); ``hint`` follows "Up to N characters" in the empty field.

    Stopped before it is sent, so discord.py never keeps it: the cog reads every submission, the same way
    before and after a restart, in one ``on_interaction`` listener (:func:`form_submission`,
    :func:`submitted_answer`), instead of discord.py dropping it as an unknown modal after a restart.
    """
    limit = min(limit, TEXT_INPUT_MAX)
    form = BaseModal(title=title, custom_id=custom_id, timeout=None)
    form.add_item(
        discord.ui.Label(
            text="Your answer, as you'd say it",
            description=limits.trim(asked, 100),
            component=discord.ui.TextInput(
                custom_id=ANSWER_INPUT,
                style=discord.TextStyle.paragraph,
                min_length=MIN_ANSWER_LENGTH,
                max_length=limit,
                placeholder=f"Up to {limit} characters" + (f": {hint}." if hint else "."),
            ),
        )
    )
    form.stop()
    return form


def form_submission(interaction: discord.Interaction, form: re.Pattern[str]) -> re.Match[str] | None:
    """``form`` matched on the custom_id of a submitted form; None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return None
    return form.match(str(interaction.data.get("custom_id", "")))


def submitted_answer(interaction: discord.Interaction) -> str:
    """What the member typed in an :func:`answer_form` ("" when the field is missing)."""
    components = interaction.data.get("components", []) if interaction.data else []
    return submitted_text(components if isinstance(components, list) else [], ANSWER_INPUT) or ""


def submitted_text(components: list[Any], custom_id: str) -> str | None:
    """The value of one text input in a modal submission (inside action rows or labels)."""
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component["value"])
        nested = list(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            nested.append(component["component"])
        found = submitted_text(nested, custom_id)
        if found is not None:
            return found
    return None


async def start_private_flow(
    interaction: discord.Interaction,
    *,
    embed: discord.Embed,
    view: discord.ui.View,
    intro: discord.Embed | None = None,
) -> discord.Message | discord.WebhookMessage:
    """Run an interactive flow in the member's DMs; if they are closed (or the bot may not DM them, as when it
    is used only through their user install), privately where it was started instead.

    ``intro`` (what the flow starts from, such as a job ad's reading) goes first, as a message of its own,
    so the flow's message can be edited step by step without it. Answers within the 3-second deadline by
    deferring first, because opening a DM takes two requests.
    """
    if interaction.guild_id is None and not interaction.context.private_channel:  # already in the bot's DMs
        if intro is None:
            await interaction.response.send_message(embed=embed, view=view)
            return await interaction.original_response()
        await interaction.response.send_message(embed=intro)
        return await interaction.followup.send(embed=embed, view=view, wait=True)
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        if intro is not None:
            await interaction.user.send(embed=intro)
        message = await interaction.user.send(embed=embed, view=view)
    except discord.Forbidden:
        log.info("DMs closed for user %s; running the flow ephemerally", interaction.user.id)
        if intro is None:
            return await interaction.followup.send(DM_CLOSED, embed=embed, view=view, ephemeral=True, wait=True)
        await interaction.followup.send(DM_CLOSED, embed=intro, ephemeral=True)
        return await interaction.followup.send(embed=embed, view=view, ephemeral=True, wait=True)
    await interaction.followup.send(DM_SENT, ephemeral=True)
    return message


PageRenderer = Callable[[discord.Interaction, int], tuple[discord.Embed, int]]
_PAGERS: dict[str, PageRenderer] = {}


def register_pager(name: str, render: PageRenderer) -> None:
    """Make ``name`` pageable: ``render(interaction, page)`` returns that page's embed and the page count.

    Call it from the cog's ``setup`` (with ``bot.add_dynamic_items(PageButton)``); the page number lives
    in the buttons' custom_ids, so paging keeps working on messages sent before a restart.
    """
    _PAGERS[name] = render


def page_view(name: str, page: int, count: int) -> BaseView:
    """Previous / next buttons for page ``page`` (0-based) of ``count``."""
    return dynamic_view(
        PageButton(name, page, "prev", count),
        PageButton(name, page, "next", count),
    )


async def send_pages(interaction: discord.Interaction, name: str, *, ephemeral: bool = True) -> None:
    """Send the first page of a registered pager, with its buttons when there is more than one page."""
    embed, count = _PAGERS[name](interaction, 0)
    if count > 1:
        await interaction.response.send_message(embed=embed, view=page_view(name, 0, count), ephemeral=ephemeral)
    else:
        await interaction.response.send_message(embed=embed, ephemeral=ephemeral)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"page:(?P<name>[a-z_]+):(?P<page>\d+):(?P<direction>prev|next)",
):
    """One of the two paging buttons. The custom_id holds the page the message shows now."""

    def __init__(self, name: str, page: int, direction: str, count: int | None = None) -> None:
        target = page - 1 if direction == "prev" else page + 1
        disabled = count is not None and not 0 <= target < count
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"page:{name}:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.name, self.page, self.target = name, page, target

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["name"], int(match["page"]), match["direction"])

    @guarded("page button")
    async def callback(self, interaction: discord.Interaction) -> None:
        render = _PAGERS.get(self.name)
        if render is None:
            await interaction.response.send_message("This list is no longer available.", ephemeral=True)
            return
        _, count = render(interaction, 0)
        page = min(max(self.target, 0), count - 1)  # the list may have shrunk since the message was sent
        embed, count = render(interaction, page)
        await interaction.response.edit_message(embed=embed, view=page_view(self.name, page, count))
