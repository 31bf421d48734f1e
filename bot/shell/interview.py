"""/interview in the shell: the same mock interview as in Discord, an answer typed on one line where
Discord opens a form, numbered choices where it has buttons.

Sessions are stored under the local shell user like the bot's, so the drills chosen adapt to the answers
given here too, and a session left when the input ends can be continued with /interview (until it
expires).
"""

from __future__ import annotations

from bot.errors import UserFacingError
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
from bot.interview.engine import DEFAULT_QUESTIONS, FeedbackScreen, PromptScreen, Screen
from bot.interview.service import InterviewService
from bot.sessions.engine import OpenSession
from bot.shell.open_session import continue_or_abandon
from bot.shell.session import Session, ShellCommand

USAGE = "Usage: /interview [start] [theme] [3-6] for a mock interview, /interview history for your progress."


async def interview_command(session: Session, rest: str) -> None:
    service = session.services.feature(InterviewService)
    words = rest.split()
    if [w.lower() for w in words] == ["history"]:
        session.show(history_card(await service.history(session.user_id)))
        return
    if words and words[0].lower() == "start":  # "/interview start ..." as in Discord works here too
        words = words[1:]
    questions = int(words.pop()) if words and words[-1].isdigit() else DEFAULT_QUESTIONS
    try:
        theme = service.resolve_theme(" ".join(words) or None)
        service.check_questions(questions)
        screen = await continue_or_abandon(
            session,
            await service.start(user_id=session.user_id, guild_id=None, theme=theme, questions=questions),
            OpenSession,
            open_interview_card,
            resume=lambda prompt: service.screen(prompt.session_id, session.user_id),
            replace=lambda prompt: service.start(
                user_id=session.user_id, guild_id=None, theme=theme, questions=questions, replacing=prompt.session_id
            ),
        )
    except UserFacingError as error:
        session.say(str(error))
        session.say(USAGE)
        return
    if screen is not None:
        await run(session, service, screen)


async def run(session: Session, service: InterviewService, screen: Screen) -> None:
    """Ask until the summary, or until the input ends (the session then waits for the next /interview)."""
    user = session.user_id
    while True:
        if isinstance(screen, PromptScreen):
            session.show(prompt_card(screen))
            picked = await session.choose("Your move:", [ANSWER_LABEL, QUIT_LABEL])
            if picked is None:
                break
            if picked == 1:
                screen = await service.quit(screen.session_id, user)
                continue
            session.say(f"Type your answer on one line (up to {service.answer_limit()} characters), then press Enter:")
            answer = await session.read("answer> ")
            if answer is None:
                break
            try:
                screen = await service.answer(screen.session_id, user, screen.step, answer)
            except UserFacingError as error:
                session.say(str(error))
        elif isinstance(screen, FeedbackScreen):
            session.show(answer_card(screen))
            moves = [NEXT_LABELS[screen.next]] + ([QUIT_LABEL] if screen.next != "summary" else [])
            picked = await session.choose("Next:", moves)
            if picked is None:
                break
            if picked == 0:
                screen = await service.next(screen.session_id, user, screen.step)
            else:
                screen = await service.quit(screen.session_id, user)
        else:
            session.show(summary_card(screen.summary))
            return
    minutes = session.services.config.interview.session_ttl_minutes
    session.say(f"Paused. Type /interview to continue (it expires after {minutes:g} minutes without an answer).")


COMMANDS = [
    ShellCommand(
        "interview",
        "/interview [theme] [3-6]",
        "a mock interview with follow-ups and a summary; /interview history for your progress",
        interview_command,
    ),
]
