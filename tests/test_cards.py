"""Cards with markup: Discord gets its own syntax (what the cogs used to write by hand), the shell plain text."""

from __future__ import annotations

import datetime as dt

from bot.cards import Card, Mention, MessageLink, Moment, discord_markup, plain

WHEN = dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.UTC)
RICH = (
    Mention("user", 7),
    " in ",
    Mention("channel", 9),
    " for ",
    Mention("role", 8),
    " at ",
    Moment(WHEN, relative=True),
)


def test_discord_gets_mentions_timestamps_and_links_in_its_own_syntax() -> None:
    stamp = int(WHEN.timestamp())
    assert discord_markup(RICH) == f"<@7> in <#9> for <@&8> at <t:{stamp}:F> (<t:{stamp}:R>)"
    assert discord_markup((Moment(WHEN),)) == f"<t:{stamp}:F>"
    assert discord_markup((MessageLink(1, 2, 3),)) == "https://discord.com/channels/1/2/3"


def test_other_front_ends_get_plain_words_and_utc() -> None:
    assert plain(RICH) == "member 7 in channel 9 for role 8 at 2026-11-24 08:30 UTC"
    card = Card("Title", RICH, fields=(("Link", (MessageLink(1, 2, 3),)),))
    assert "member 7 in channel 9" in card.text() and "https://discord.com/channels/1/2/3" in card.text()


def test_size_counts_what_discord_receives() -> None:
    card = Card("T", (Mention("user", 123),), fields=(("F", "x"),), footer="ft")
    assert card.size() == len("T") + len("<@123>") + len("F") + len("x") + len("ft")
