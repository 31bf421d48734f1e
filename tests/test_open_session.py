"""The pieces every session feature shares: the expiry rule, the "already going" card, the Discord buttons'
custom_ids (pinned: buttons on messages sent by earlier versions must keep matching) and the shell's step."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest

from bot.services import Services
from bot.sessions.cards import open_session_card
from bot.sessions.engine import OpenSession, expired
from bot.shell import commands
from bot.shell.open_session import continue_or_abandon
from bot.shell.session import Session
from cogs._ui import NewSession, OpenSessionButton
from cogs.interview import OpenInterviewButton
from cogs.quiz import OpenQuizButton

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(minutes=30)


def test_a_session_expires_only_once_idle_for_longer_than_its_time_to_live() -> None:
    assert not expired(NOW - TTL, NOW, TTL)
    assert expired(NOW - TTL - dt.timedelta(seconds=1), NOW, TTL)


def test_the_open_session_card_names_the_feature_and_where_it_stands() -> None:
    card = open_session_card(OpenSession(7, None, 2, 10), "quiz")
    assert card.title == "You already have a quiz going"
    assert "Your quiz on **all themes** is at question 2 of 10." in str(card.body)
    assert OpenSession(7, "Salary", 2, 10).position == 1


async def parsed(button: OpenSessionButton) -> OpenSessionButton:
    """The button discord.py rebuilds from the custom_id of a click."""
    template: re.Pattern[str] = type(button).__discord_ui_compiled_template__
    match = template.fullmatch(button.custom_id)
    assert match is not None, button.custom_id
    item: Any = None
    return await type(button).from_custom_id(item, item, match)


@pytest.mark.parametrize(
    ("button", "custom_id", "continues"),
    [
        (lambda: OpenQuizButton(12), "quiz:12:continue", True),
        (lambda: OpenQuizButton(12, NewSession(None, 5, None)), "quiz:12:new:0:5:all", False),
        (lambda: OpenQuizButton(12, NewSession(99, 10, "in-theory")), "quiz:12:new:99:10:in-theory", False),
        (lambda: OpenInterviewButton(3), "interview:3:continue", True),
        (
            lambda: OpenInterviewButton(3, NewSession(7, 4, "Career changer")),
            "interview:3:new:7:4:Career changer",
            False,
        ),
    ],
)
async def test_open_session_buttons_keep_their_custom_ids(button: Any, custom_id: str, continues: bool) -> None:
    made: OpenSessionButton = button()
    assert (made.custom_id, made.continues) == (custom_id, continues)
    again = await parsed(made)
    assert (again.custom_id, again.continues, again.session_id) == (custom_id, continues, made.session_id)


async def test_a_new_session_button_round_trips_what_to_start_and_cuts_a_long_theme() -> None:
    again = await parsed(OpenQuizButton(12, NewSession(None, 5, None)))
    assert isinstance(again, OpenQuizButton) and again.new == NewSession(None, 5, None)
    long = OpenInterviewButton(3, NewSession(7, 4, "x" * 200))
    assert len(long.custom_id) == 100
    assert long.custom_id.startswith("interview:3:new:7:4:xxx")


async def test_the_shell_asks_again_while_the_answer_is_yet_another_open_session(services: Services) -> None:
    out = io.StringIO()
    session = Session(services, io.StringIO("2\n1\n"), out, commands())
    opened = [OpenSession(1, None, 1, 5), OpenSession(2, "Salary", 3, 5)]

    async def replace(prompt: OpenSession) -> str | OpenSession:
        return opened[1]  # another start won the race: the member decides again

    async def resume(prompt: OpenSession) -> str:
        return f"screen of {prompt.session_id}"

    screen = await continue_or_abandon(
        session,
        opened[0],
        OpenSession,
        lambda prompt: open_session_card(prompt, "quiz"),
        resume=resume,
        replace=replace,
    )
    assert screen == "screen of 2"
    assert out.getvalue().count("== You already have a quiz going ==") == 2
    assert "  1. Continue it\n  2. Abandon it and start the new one" in out.getvalue()
