"""/quiz in the shell: the same quiz as in Discord, with numbered choices where Discord has buttons.

Plays are stored under the local shell user like the bot's, so unseen and missed questions come first
here too, and a quiz left when the input ends can be continued with /quiz (until it expires).
"""

from __future__ import annotations

from bot.errors import UserFacingError
from bot.knowledge.cards import entry_card
from bot.quiz.cards import open_quiz_card, question_card, result_card, stats_card, summary_card
from bot.quiz.engine import QuestionScreen, ResultScreen, Screen
from bot.quiz.service import QuizService
from bot.sessions.engine import OpenSession
from bot.shell.open_session import continue_or_abandon
from bot.shell.session import Session, ShellCommand

DEFAULT_LENGTH = 10
USAGE = "Usage: /quiz [start] [theme] [5|10|15] to play, /quiz stats for your history."


async def quiz_command(session: Session, rest: str) -> None:
    service = session.services.feature(QuizService)
    words = rest.split()
    if [w.lower() for w in words] == ["stats"]:
        session.show(stats_card(await service.stats(session.user_id)))
        return
    if words and words[0].lower() == "start":  # "/quiz start ..." as in Discord works here too
        words = words[1:]
    length = int(words.pop()) if words and words[-1].isdigit() else DEFAULT_LENGTH
    try:
        theme = service.resolve_theme(" ".join(words) or None)
        service.check_length(length)
        screen = await continue_or_abandon(
            session,
            await service.start(user_id=session.user_id, guild_id=None, theme=theme, length=length),
            OpenSession,
            open_quiz_card,
            resume=lambda prompt: service.screen(prompt.session_id, session.user_id),
            replace=lambda prompt: service.start(
                user_id=session.user_id, guild_id=None, theme=theme, length=length, replacing=prompt.session_id
            ),
        )
        if screen is not None:
            await play(session, service, screen)
    except UserFacingError as error:
        session.say(str(error))
        session.say(USAGE)


async def play(session: Session, service: QuizService, screen: Screen) -> None:
    """Ask until the summary, or until the input ends (the quiz then waits for the next /quiz)."""
    user = session.user_id
    while True:
        if isinstance(screen, QuestionScreen):
            session.show(question_card(screen))
            labels = [screen.question.options[i].text for i in screen.order]
            picked = await session.choose("Your answer:", [*labels, "Skip this question", "Quit the quiz"])
            sid, position = screen.session_id, screen.position
            if picked is None:
                break
            if picked < len(labels):
                screen = await service.answer(sid, user, position, screen.order[picked])
            elif picked == len(labels):
                screen = await service.skip(sid, user, position)
            else:
                screen = await service.quit(sid, user)
        elif isinstance(screen, ResultScreen):
            session.show(result_card(screen))
            step = await after_result(session, service, screen)
            if step is None:
                break
            if step == "quit":
                screen = await service.quit(screen.session_id, user)
            else:
                screen = await service.next(screen.session_id, user, screen.position)
        else:
            session.show(summary_card(screen.summary))
            return
    minutes = session.services.config.quiz.session_ttl_minutes
    session.say(f"Paused. Type /quiz to continue (the quiz expires after {minutes:g} minutes without an answer).")


async def after_result(session: Session, service: QuizService, screen: ResultScreen) -> str | None:
    """Next, Quit or None (input ended); the linked entry can be read first, like the result's buttons."""
    entry = service.linked_entry(screen.question)
    moves = [("next", "See your score" if screen.ended else "Next question")]
    if entry is not None:
        moves.append(("read", f"Read: {entry.title}"))
    if not screen.ended:
        moves.append(("quit", "Quit the quiz"))
    while True:
        picked = await session.choose("Next:", [label for _, label in moves])
        if picked is None:
            return None
        move = moves[picked][0]
        if move != "read":
            return move
        if entry is not None:
            session.show(entry_card(session.services.knowledge.current, entry))


COMMANDS = [
    ShellCommand(
        "quiz", "/quiz [theme] [5|10|15]", "a quiz with explanations; /quiz stats for your history", quiz_command
    ),
]
