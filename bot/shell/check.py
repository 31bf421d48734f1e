"""/check in the shell: the same sessions and verdicts as in Discord, with numbered choices for buttons.

The shell is one local member, so its checks live in the same table (under ``LOCAL_USER_ID``): a
check left open when the input ends is offered again next time, exactly like in Discord.
``/check posting`` reads a pasted job ad (lines up to an empty line or the end of input) into the same
check, pre-filled, as Discord's form does.
"""

from __future__ import annotations

from bot.check.cards import LOOKS_RIGHT, history_card, open_check_card, question_card, reading_card, verdict_card
from bot.check.engine import Action, ClosedScreen, OpenCheck, QuestionScreen, Screen, VerdictScreen
from bot.check.posting.intake import CLI_LIMIT, PostingInputError
from bot.check.posting.verdict import PostingStart
from bot.check.service import CheckService
from bot.knowledge.cards import entry_card
from bot.knowledge.entries import EntryLibrary
from bot.shell.session import Session, ShellCommand

START = "/check"
USAGE = (
    "Usage: /check to run the three-question check, /check posting to check a job ad, "
    "/check history for your past verdicts."
)
PASTE = "Paste the job ad, then an empty line (or Ctrl-D) to finish. Blank lines inside the ad end it early."


async def check_command(session: Session, rest: str) -> None:
    word = rest.strip().lower()
    if word == "history":
        await history_command(session)
        return
    if word == "posting":
        await posting_command(session)
        return
    if word:
        session.say(USAGE)
        return
    service = session.services.feature(CheckService)
    await run_flow(session, service, await service.start(session.user_id, None, None))


async def posting_command(session: Session) -> None:
    """Read a pasted ad, show what it says, then run its check pre-filled (the same as Discord's form)."""
    service = session.services.feature(CheckService)
    service.require_posting()
    session.say(PASTE)
    lines: list[str] = []
    while (line := await session.read("ad> ")) is not None and line.strip():
        lines.append(line)
    if not lines:
        session.say("No ad was pasted, so there is nothing to check.")
        return
    try:
        started = await service.start_posting(session.user_id, None, None, "\n".join(lines), limit=CLI_LIMIT)
    except PostingInputError as error:
        session.say(error.sentence())
        return
    await run_flow(session, service, started)


async def run_flow(session: Session, service: CheckService, screen: Screen | OpenCheck | PostingStart) -> None:
    """Ask until a verdict (or the input ends: the check then stays open for next time)."""
    while isinstance(screen, OpenCheck):
        chosen = await open_check_prompt(session, service, screen)
        if chosen is None:
            return
        screen = chosen
    if isinstance(screen, PostingStart):
        session.show(reading_card(service.content, screen.judged))
        if screen.screen is None:
            await offer_entries(session, screen.judged.entries)
            return
        screen = screen.screen
    while isinstance(screen, QuestionScreen):
        session.show(question_card(screen))
        choices = screen.question.choices
        labels = [c.label + (" (your answer)" if c.value == screen.selected else "") for c in choices]
        moves = ([(Action.BACK, "Back")] if screen.step > 0 else []) + [(Action.RESTART, "Start over")]
        if screen.reviewing:
            moves.append((Action.ACCEPT, LOOKS_RIGHT))
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


async def open_check_prompt(
    session: Session, service: CheckService, prompt: OpenCheck
) -> Screen | OpenCheck | PostingStart | None:
    """Continue the open check or abandon it (for the ad waiting, if one is); None when the input ends."""
    session.show(open_check_card(prompt))
    abandon = "Abandon it and check the ad" if prompt.waiting_ad is not None else "Abandon it and start a new one"
    picked = await session.choose("What now?", ["Continue the open check", abandon])
    if picked is None:
        return None
    open_id = prompt.session.id
    if picked == 0:
        return await service.resume(open_id, session.user_id, waiting_ad=prompt.waiting_ad)
    return await service.abandon_and_start(open_id, session.user_id, None, None, waiting_ad=prompt.waiting_ad)


async def show_verdict(session: Session, screen: VerdictScreen) -> None:
    """The verdict card, then its related entries to read (the shell's "read more" buttons)."""
    session.show(verdict_card(screen.content, screen.result, screen.notice, screen.ad_steps))
    await offer_entries(session, tuple(entry.id for entry in screen.entries))


async def offer_entries(session: Session, entry_ids: tuple[str, ...]) -> None:
    knowledge = session.services.knowledge.current
    library = knowledge.part(EntryLibrary).entries
    entries = [library[e] for e in entry_ids if e in library]
    while entries:
        picked = await session.choose("Read a related entry?", [e.title for e in entries] + ["Done"])
        if picked is None or picked == len(entries):
            return
        session.show(entry_card(knowledge, entries[picked]))


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
    ShellCommand(
        "check",
        "/check [posting|history]",
        "the three-question check; posting: check a pasted job ad; history: your past verdicts",
        check_command,
    ),
]
