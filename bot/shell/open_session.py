"""The shell's "you already have one going" step, the same for /quiz and /interview.

Discord shows the card with two buttons (``cogs._ui.OpenSessionButton``); the shell shows it with two
numbered choices and asks again while the answer is yet another open session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar, cast

from bot.cards import Card
from bot.sessions.cards import ABANDON_LABEL, CONTINUE_LABEL
from bot.shell.session import Session

ScreenT = TypeVar("ScreenT")
OpenT = TypeVar("OpenT")


async def continue_or_abandon(
    session: Session,
    outcome: ScreenT | OpenT,
    open_type: type[OpenT],
    card: Callable[[OpenT], Card],
    *,
    resume: Callable[[OpenT], Awaitable[ScreenT]],
    replace: Callable[[OpenT], Awaitable[ScreenT | OpenT]],
    labels: Sequence[str] = (CONTINUE_LABEL, ABANDON_LABEL),
) -> ScreenT | None:
    """The screen a start leads to: ``outcome`` itself, or, while it is an ``open_type`` (the member has a
    session going), what the member picks: continue it (``resume``) or abandon it for the one just asked
    for (``replace``). None when the input ends first."""
    while isinstance(outcome, open_type):
        session.show(card(outcome))
        picked = await session.choose("What now?", labels)
        if picked is None:
            return None
        outcome = await (resume(outcome) if picked == 0 else replace(outcome))
    return cast(ScreenT, outcome)  # no longer an open_type, which mypy cannot narrow away
