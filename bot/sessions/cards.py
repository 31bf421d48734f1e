"""The "you already have one going" card, and the two choices every front end offers under it."""

from __future__ import annotations

from bot.cards import Card
from bot.sessions.engine import OpenSession

#: The choices under :func:`open_session_card`: Discord's two buttons, the shell's numbered options.
CONTINUE_LABEL = "Continue it"
ABANDON_LABEL = "Abandon it and start the new one"


def open_session_card(prompt: OpenSession, what: str) -> Card:
    """Where the member's active ``what`` ("quiz", "mock interview") stands, asking what to do with it."""
    theme = prompt.theme or "all themes"
    return Card(
        title=f"You already have a {what} going",
        body=(
            f"Your {what} on **{theme}** is at question {prompt.number} of {prompt.total}. "
            "Continue it, or abandon it (it counts as unfinished) and start the new one?"
        ),
        tone="warn",
    )
