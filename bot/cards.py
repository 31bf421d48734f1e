"""What a screen shows, independent of where it is shown: one :class:`Card` type for every feature.

The core builds cards (``bot.<feature>.cards``); each front end only draws them: Discord as an embed
(``cogs._ui.card_embed``), the shell with ``Session.show``, a terminal with :meth:`Card.text`. The
wording therefore never drifts between them, and validators can measure the exact text Discord will
receive with :meth:`Card.size`.

A card's body and field values are plain text, or :data:`Rich` text where a screen names a member, a
role, a channel, an instant or a message: Discord draws those natively (a name that doesn't ping, a time
in each reader's zone, a link), and :func:`plain` spells them out for front ends without Discord.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

#: A colour hint for front ends that have colours (Discord); the shell and the CLI ignore it.
Tone = Literal["neutral", "good", "warn"]


@dataclass(frozen=True)
class Mention:
    """A member, role or channel: Discord shows its name (an embed never pings); elsewhere its id."""

    kind: Literal["user", "role", "channel"]
    id: int


@dataclass(frozen=True)
class Moment:
    """An instant: Discord shows it in each reader's time zone, and how far away it is (``relative``)."""

    when: dt.datetime
    relative: bool = False


@dataclass(frozen=True)
class MessageLink:
    """A link to a message in a server."""

    guild_id: int
    channel_id: int
    message_id: int

    @property
    def url(self) -> str:
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


Markup = Mention | Moment | MessageLink
#: Text with markup in it, in reading order: ``("Your streak, ", Mention("user", 42), "…")``.
Rich = tuple[str | Markup, ...]
Text = str | Rich

_MENTIONS = {"user": "<@{}>", "role": "<@&{}>", "channel": "<#{}>"}
_PLAIN_MENTIONS = {"user": "member {}", "role": "role {}", "channel": "channel {}"}


def discord_markup(text: Text) -> str:
    """``text`` in Discord's own markup (``<@id>``, ``<t:unix:F>``), as an embed carries it."""
    if isinstance(text, str):
        return text
    return "".join(_discord_part(part) for part in text)


def plain(text: Text) -> str:
    """``text`` for a front end without Discord: ids by name of what they are, instants in UTC."""
    if isinstance(text, str):
        return text
    return "".join(_plain_part(part) for part in text)


def _discord_part(part: str | Markup) -> str:
    if isinstance(part, Mention):
        return _MENTIONS[part.kind].format(part.id)
    if isinstance(part, Moment):
        stamp = int(part.when.timestamp())
        return f"<t:{stamp}:F> (<t:{stamp}:R>)" if part.relative else f"<t:{stamp}:F>"
    if isinstance(part, MessageLink):
        return part.url
    return part


def _plain_part(part: str | Markup) -> str:
    if isinstance(part, Mention):
        return _PLAIN_MENTIONS[part.kind].format(part.id)
    if isinstance(part, Moment):
        return f"{part.when.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if isinstance(part, MessageLink):
        return part.url
    return part


@dataclass(frozen=True)
class Card:
    title: str
    body: Text = ""
    fields: tuple[tuple[str, Text], ...] = ()
    footer: str | None = None
    tone: Tone = "neutral"

    def text(self) -> str:
        """Plain text for terminals (the CLI); Markdown bold is left as is, it reads fine."""
        lines = [f"== {self.title} =="]
        if self.body:
            lines.append(plain(self.body))
        for name, value in self.fields:
            lines += ["", f"-- {name}", plain(value)]
        if self.footer:
            lines += ["", f"({self.footer})"]
        return "\n".join(lines)

    def size(self) -> int:
        """Characters Discord counts towards its 6,000-per-embed total."""
        fields = sum(len(name) + len(discord_markup(value)) for name, value in self.fields)
        return len(self.title) + len(discord_markup(self.body)) + len(self.footer or "") + fields
