"""/drill in the shell: a private drill on demand, with numbered choices where Discord has buttons. Without
a theme it is the drill for the member's weakest signals, with the reason (``bot.drills.choice``).

Practice answers are stored under the local shell user like the bot's (they don't count towards a
server's streak: there is no scheduled post in the shell).
"""

from __future__ import annotations

from bot.cards import Card
from bot.drills.cards import drill_card, feedback_card, strong_card, weak_card
from bot.drills.content import Drill
from bot.drills.service import DrillService
from bot.errors import UserFacingError
from bot.interview.cards import chosen_drill_card
from bot.interview.service import InterviewService
from bot.shell.session import Session, ShellCommand

ACTIONS = ("Show a strong answer", "Show a weak answer", "Practise: type your answer", "Another drill", "Done")
HINT = "pick a number below to reveal answers or practise"


async def drill_command(session: Session, rest: str) -> None:
    service = session.services.feature(DrillService)
    try:
        card = await next_card(session, rest.strip() or None)
    except UserFacingError as error:
        session.say(str(error))
        return
    await run_drill(session, service, card, rest.strip() or None)


async def next_card(session: Session, theme: str | None, besides: str | None = None) -> tuple[Drill, Card]:
    """A drill from the theme, or without one the drill for the member's weakest signals, saying why."""
    if theme:
        drill = session.services.feature(DrillService).pick(theme)
        return drill, drill_card(drill, hint=HINT)
    pick = await session.services.feature(InterviewService).next_drill(session.user_id, besides=besides)
    return pick.drill, chosen_drill_card(pick, hint=HINT)


async def run_drill(session: Session, service: DrillService, shown: tuple[Drill, Card], theme: str | None) -> None:
    """Show the drill, then offer the actions until the member is done or the input ends."""
    drill, card = shown
    session.show(card)
    while True:
        picked = await session.choose("What next?", list(ACTIONS))
        if picked is None or picked == 4:
            return
        if picked == 0:
            session.show(strong_card(drill))
        elif picked == 1:
            session.show(weak_card(drill))
        elif picked == 2:
            await practise(session, service, drill)
        else:
            drill, card = await next_card(session, theme, besides=drill.id)
            session.show(card)


async def practise(session: Session, service: DrillService, drill: Drill) -> None:
    limit = session.services.config.drills.max_answer_length
    session.say(f"Type your answer on one line (up to {limit} characters), then press Enter:")
    answer = await session.read("answer> ")
    if answer is None:
        return
    try:
        feedback = await service.practise(
            user_id=session.user_id, guild_id=None, drill_id=drill.id, post_id=None, answer=answer
        )
    except UserFacingError as error:
        session.say(str(error))
        return
    session.show(feedback_card(feedback))


COMMANDS = [
    ShellCommand("drill", "/drill [theme]", "an interview drill to practise, with feedback", drill_command),
]
