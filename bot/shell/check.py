"""/check in the shell: the same sessions and verdicts as in Discord, with numbered choices for buttons.

The shell is one local member, so its checks live in the same table (under ``LOCAL_USER_ID``): a
check left open when the input ends is offered again next time, exactly like in Discord.
"""

from __future__ import annotations

from bot.check.cards import history_card, open_check_card, question_card, verdict_card
from bot.check.engine import Action, ClosedScreen, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.service import CheckService
from bot.knowledge.cards import entry_card
from bot.shell.open_session import continue_or_abandon
from bot.shell.session import Session, ShellCommand

START = "/check"


async def check_command(session: Session, rest: str) -> None:
    if rest.strip().lower() == "history":
        await history_command(session)
        return
    if rest.strip():
        session.say("Usage: /check to run the three-question check, /check history for your past verdicts.")
        return
    service = session.services.feature(CheckService)
    screen = await continue_or_abandon(
        session,
        await service.start(session.user_id, None, None),
        OpenCheck,
        open_check_card,
        resume=lambda prompt: service.resume(prompt.session.id, session.user_id),
        replace=lambda prompt: service.abandon_and_start(prompt.session.id, session.user_id, None, None),
        labels=("Continue the open check", "Abandon it and start a new one"),
    )
    if screen is not None:
        await run_flow(session, service, screen)


async def run_flow(session: Session, service: CheckService, screen: Screen) -> None:
    """Ask until a verdict (or the input ends: the check then stays open for next time)."""
    while isinstance(screen, QuestionScreen):
        session.show(question_card(screen))
        choices = screen.question.choices
        labels = [c.label + (" (your answer)" if c.value == screen.selected else "") for c in choices]
        moves = ([(Action.BACK, "Back")] if screen.step > 0 else []) + [(Action.RESTART, "Start over")]
        picked = await session.choose("Your answer:", labels + [label for _, label in moves])
        if picked is None:
            session.say(f"Stopped. Your check stays open: type {START} to continue it.")
            return
        sid, step = screen.session.id, screen.step
        if picked < len(choices):
            screen = await service.act(sid, session.user_id, step, Action.ANSWER, choices[picked].value)
        else:
            screen = await service.act(sid, session.user_id, step, moves[picked - len(choices)][0])
    if isinstance(screen, VerdictScreen):
        await show_verdict(session, screen)
    elif isinstance(screen, ClosedScreen):
        session.say(screen.message(START))


async def show_verdict(session: Session, screen: VerdictScreen) -> None:
    """The verdict card, then its related entries to read (the shell's "read more" buttons)."""
    session.show(verdict_card(screen.content, screen.result, screen.notice))
    entries = screen.entries
    while entries:
        picked = await session.choose("Read a related entry?", [e.title for e in entries] + ["Done"])
        if picked is None or picked == len(entries):
            return
        session.show(entry_card(session.services.knowledge.current, entries[picked]))


async def history_command(session: Session) -> None:
    service = session.services.feature(CheckService)
    lines = await service.history(session.user_id)
    session.show(history_card(lines))
    if not lines:
        return
    picked = await session.choose("Show which verdict again?", [line.text() for line in lines] + ["Done"])
    if picked is None or picked == len(lines):
        return
    screen = await service.reopen(lines[picked].session_id, session.user_id)
    if isinstance(screen, VerdictScreen):
        await show_verdict(session, screen)
    elif isinstance(screen, ClosedScreen):
        session.say(screen.message(START))


COMMANDS = [
    ShellCommand("check", "/check [history]", "the three-question check, or your past verdicts", check_command),
]
