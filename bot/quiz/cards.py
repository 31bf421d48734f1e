"""The text of every quiz screen, as front-end-neutral cards (title, body, fields, footer).

Discord turns a card into an embed, the shell prints it; both therefore say exactly the same thing. The
validator measures :func:`longest_description` so no question can grow past Discord's embed limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.cards import Card, Mention, Tone
from bot.quiz.content import QuizQuestion
from bot.quiz.engine import LeaderboardRow, MemberStats, QuestionScreen, QuizSummary, ResultScreen
from bot.sessions.cards import open_session_card
from bot.sessions.engine import OpenSession

VERDICTS = {"right": "✅ **Right!**", "wrong": "❌ **Not quite.**", "skipped": "⏭️ **Skipped.**"}
ENDINGS = {
    "finished": "Quiz complete",
    "quit": "Quiz stopped",
    "expired": "Quiz expired",
    "abandoned": "Quiz abandoned",
}


def time_taken(delta: dt.timedelta) -> str:
    """Like "4m 05s": a quiz takes minutes, so seconds matter (``bot.about`` rounds uptime to minutes)."""
    minutes, seconds = divmod(int(delta.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def _heading(position: int, total: int, theme: str) -> str:
    return f"Question {position + 1} of {total} · {theme}"


def question_card(screen: QuestionScreen) -> Card:
    question = screen.question
    points = "point" if question.points == 1 else "points"
    return Card(
        title=_heading(screen.position, screen.total, question.theme),
        body=f"*{screen.notice}*\n\n{question.question}" if screen.notice else question.question,
        footer=f"{question.difficulty.capitalize()} · {question.points} {points} · pick an answer below",
    )


def result_description(question: QuizQuestion, chosen: int | None) -> str:
    """Question, verdict, the right option and the explanation: what the member reads after answering."""
    right = question.options[question.correct_index].text
    if chosen is None:
        verdict = VERDICTS["skipped"]
    elif question.options[chosen].correct:
        verdict = VERDICTS["right"]
    else:
        verdict = f"{VERDICTS['wrong']} You picked: *{question.options[chosen].text}*"
    return f"{question.question}\n\n{verdict}\n**Answer:** {right}\n\n{question.explanation}"


def longest_description(question: QuizQuestion) -> int:
    """The longest embed description this question can produce (after the longest wrong pick)."""
    picks: list[int | None] = [None, *range(len(question.options))]
    return max(len(result_description(question, pick)) for pick in picks)


def result_card(screen: ResultScreen) -> Card:
    tone: Tone = "good" if screen.outcome == "right" else "warn"
    return Card(
        title=_heading(screen.position, screen.total, screen.question.theme),
        body=result_description(screen.question, screen.chosen),
        footer="That was the last question." if screen.ended else None,
        tone=tone,
    )


def summary_card(summary: QuizSummary) -> Card:
    title = ENDINGS[summary.status]
    if summary.theme:
        title += f" · {summary.theme}"
    lines = [f"**{summary.right} of {summary.total} right** · {summary.score} of {summary.max_score} points"]
    extras = []
    if summary.wrong:
        extras.append(f"{summary.wrong} wrong")
    if summary.skipped:
        extras.append(f"{summary.skipped} skipped")
    if summary.unanswered:
        extras.append(f"{summary.unanswered} not reached")
    if extras:
        lines.append(", ".join(extras))
    lines.append(f"Time taken: {time_taken(summary.duration)}")
    if summary.status != "finished":
        lines.append("This quiz counts as unfinished, so it does not go on the leaderboard.")
    if summary.new_best:
        lines.append("🏆 **New personal best!**")
    elif summary.personal_best is not None:
        lines.append(f"Personal best: {summary.personal_best} points")
    fields: list[tuple[str, str]] = []
    if summary.themes:
        fields.append(("By theme", "\n".join(f"{s.theme}: {s.right}/{s.asked}" for s in summary.themes)))
    if summary.study_next:
        fields.append(("Study next", "\n".join(f"• {theme}" for theme in summary.study_next)))
    elif summary.status == "finished":
        fields.append(("Study next", "Nothing missed. Try another theme or a longer quiz."))
    return Card(
        title=title,
        body="\n".join(lines),
        fields=tuple(fields),
        footer="/quiz start for another round · /quiz stats for your history",
        tone="good" if summary.status == "finished" else "neutral",
    )


def open_quiz_card(prompt: OpenSession) -> Card:
    return open_session_card(prompt, "quiz")


def stats_card(stats: MemberStats) -> Card:
    if not stats.started:
        return Card("Your quiz stats", "You haven't played yet. Start with /quiz start.")
    share = f" ({stats.right * 100 // stats.answered}% right)" if stats.answered else ""
    best = f"{stats.best_score} points" if stats.best_score is not None else "no finished quiz yet"
    lines = [
        f"Quizzes: {stats.started} started, {stats.finished} finished, {stats.unfinished} unfinished"
        + (" (one in progress)" if stats.in_progress else ""),
        f"Questions: {stats.answered} asked, {stats.right} right{share}",
        f"Best score: {best}",
    ]
    fields: list[tuple[str, str]] = []
    if stats.themes:
        fields.append(("By theme", "\n".join(f"{s.theme}: {s.right}/{s.asked}" for s in stats.themes)))
    if stats.weakest:
        fields.append(("Weakest themes", "\n".join(f"• {s.theme}: {s.right}/{s.asked} right" for s in stats.weakest)))
    if stats.untried:
        fields.append(("Not tried yet", ", ".join(stats.untried)))
    return Card(
        "Your quiz stats", "\n".join(lines), tuple(fields), footer="All your quizzes, in every server and in DMs."
    )


def leaderboard_card(rows: Sequence[LeaderboardRow], *, server: str, viewer: int, limit: int = 10) -> Card:
    """Top ``limit`` players, plus the viewer's own line when they are further down."""
    if not rows:
        return Card(f"Quiz leaderboard · {server}", "Nobody has played here yet. Be the first: /quiz start.")
    shown = list(rows[:limit])
    own = next((r for r in rows[limit:] if r.user_id == viewer), None)
    lines = [_leader_line(r) for r in shown]
    if own is not None:
        lines += [["…"], _leader_line(own)]
    body: list[str | Mention] = []
    for line in lines:
        body += ["\n", *line] if body else line
    return Card(
        f"Quiz leaderboard · {server}",
        tuple(body),
        footer="Best score of a finished quiz (hard questions are worth more) · questions answered here.",
    )


def _leader_line(row: LeaderboardRow) -> list[str | Mention]:
    best = f"{row.best_score} pts" if row.best_score is not None else "no finished quiz"
    return [f"**{row.rank}.** ", Mention("user", row.user_id), f" · best {best} · {row.answered} answered"]
