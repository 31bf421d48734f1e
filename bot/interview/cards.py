"""Every mock-interview screen as a card, the same in Discord and in the shell."""

from __future__ import annotations

from dataclasses import replace

from bot import limits
from bot.cards import Card, Moment, Rich
from bot.drills.cards import drill_card, feedback_card
from bot.drills.choice import Pick
from bot.interview.engine import (
    RATINGS,
    Comparison,
    FeedbackScreen,
    History,
    InterviewSummary,
    Next,
    PromptScreen,
    SessionScore,
    SignalScore,
)
from bot.sessions.cards import open_session_card
from bot.sessions.engine import OpenSession, Status

ENDINGS: dict[Status, str] = {
    "active": "Mock interview in progress",
    "finished": "Mock interview complete",
    "quit": "Mock interview stopped",
    "expired": "Mock interview expired",
    "abandoned": "Mock interview abandoned",
}
#: The label of the button (or shell choice) that leaves a feedback screen.
NEXT_LABELS: dict[Next, str] = {
    "follow-up": "Next: the follow-up",
    "question": "Next question",
    "summary": "See the summary",
}
ANSWER_LABEL = "Answer"
QUIT_LABEL = "Quit"
#: Signals ``/interview history`` lists, and the marks it shows per signal (the latest ones).
HISTORY_SIGNALS = 12
HISTORY_MARKS = 8
PROMPT_PREVIEW = 90


def _heading(number: int, total: int, follow_up: bool) -> str:
    return f"Question {number} of {total}" + (" · follow-up" if follow_up else "")


def prompt_card(screen: PromptScreen) -> Card:
    """A question or a follow-up, waiting for the member's answer."""
    drill = screen.drill
    if screen.follow_up is None:
        fields = [("The situation", drill.situation)]
        if screen.reason:
            fields.append(("Why this question", screen.reason))
        return Card(
            title=f"{_heading(screen.number, screen.total, False)} · {drill.theme}",
            body=f"**{drill.prompt}**",
            fields=tuple(fields),
            footer=f"Drill {drill.id} · answer as you'd say it: the situation, your decision, the evidence, the result",
        )
    probes = ", ".join(f"“{s.name}”" for s in screen.missed)
    why = (
        f"Your answer didn't show {probes}, so the interviewer probes it."
        if screen.missed
        else "Your answer covered what this probes; the interviewer digs deeper."
    )
    return Card(
        title=_heading(screen.number, screen.total, True),
        body=f"The interviewer follows up:\n**{screen.follow_up.ask}**",
        fields=(("Why this follow-up", why),),
        footer=f"Drill {drill.id} · a follow-up answer can be short: one example, your part in it, the result",
    )


def answer_card(screen: FeedbackScreen) -> Card:
    """The feedback on the answer just given (the drills' feedback card, headed with where it stands)."""
    card = feedback_card(screen.feedback)
    shown = len(screen.feedback.signals_found)
    judged = shown + len(screen.feedback.signals_missing)
    what = "probed signals" if screen.follow_up is not None else "signals"
    title = card.title.replace(f"({shown} of {judged} signals)", f"({shown} of {judged} {what})")
    return replace(card, title=f"{_heading(screen.number, screen.total, screen.follow_up is not None)}: {title}")


def _ratings(counts: tuple[int, int, int]) -> str:
    return ", ".join(f"{count} {rating}" for rating, count in zip(RATINGS, counts, strict=True) if count)


def _share(score: SessionScore) -> str:
    return f"{score.percent} % ({score.shown} of {score.asked})"


def _signal_line(mark: str, score: SignalScore) -> str:
    return f"{mark} **{score.name}**: shown in {score.shown} of {score.asked}"


def _comparison(comparison: Comparison | None, score: SessionScore) -> str:
    if comparison is None:
        return "This is your first finished mock interview: the next one is compared with it."
    before = comparison.previous
    change = score.percent - before.percent
    trend = f"up {change} points" if change > 0 else f"down {-change} points" if change < 0 else "no change"
    lines = [f"Signals shown: {_share(score)} now, {_share(before)} last time: {trend}."]
    if comparison.improved:
        lines.append(f"Shown more often: {', '.join(comparison.improved)}.")
    if comparison.slipped:
        lines.append(f"Shown less often: {', '.join(comparison.slipped)}.")
    return "\n".join(lines)


def summary_card(summary: InterviewSummary) -> Card:
    score = summary.score
    title = ENDINGS[score.status] + (f" · {summary.theme}" if summary.theme else "")
    lines = [
        f"**{score.answered} of {summary.total} questions answered**"
        + (f": {_ratings(score.ratings)}" if score.answered else "")
    ]
    if sum(summary.follow_ups):
        lines.append(f"Follow-ups answered: {sum(summary.follow_ups)}: {_ratings(summary.follow_ups)}")
    if score.asked:
        lines.append(f"Signals shown: {_share(score)}")
    if score.status != "finished":
        lines.append("This session counts as unfinished.")
    fields: list[tuple[str, str]] = []
    if summary.strongest:
        fields.append(("Strongest signals", "\n".join(_signal_line("✅", s) for s in summary.strongest)))
    if summary.weakest:
        fields.append(("Weakest signals", "\n".join(_signal_line("▫️", s) for s in summary.weakest)))
    if summary.retry:
        retry = [f"• **{r.drill_id}** ({r.rating}): {limits.trim(r.prompt, PROMPT_PREVIEW)}" for r in summary.retry]
        fields.append(("Drills to retry", "\n".join(retry)))
    elif score.answered and score.status == "finished":
        fields.append(("Drills to retry", "None: every answer was strong. Try a longer session or another theme."))
    if score.asked:
        fields.append(("Compared with your previous session", _comparison(summary.comparison, score)))
    return Card(
        title=title,
        body="\n".join(lines),
        fields=tuple(fields),
        footer="/interview start for another (it picks your weakest signals) · /interview history for your progress",
        tone="good" if score.status == "finished" else "neutral",
    )


def open_interview_card(prompt: OpenSession) -> Card:
    return open_session_card(prompt, "mock interview")


def _marks(marks: tuple[bool, ...]) -> str:
    return "".join("✓" if shown else "✗" for shown in marks[-HISTORY_MARKS:])


def history_card(history: History) -> Card:
    """``/interview history``: the last sessions and each signal over time, the weakest first."""
    if not history.sessions and not history.signals:
        return Card(
            "Your interview practice",
            "Nothing yet. Start a mock interview with /interview start, or practise one drill with /drill.",
        )
    fields: list[tuple[str, str | Rich]] = []
    if history.sessions:
        sessions: list[str | Moment] = []
        for score in history.sessions:
            if sessions:
                sessions.append("\n")
            figures = f"signals shown {_share(score)}" if score.asked else "nothing answered"
            sessions += ["• ", Moment(score.started_at), f": {score.answered} answered, {figures} · {score.status}"]
        fields.append(("Mock interviews, newest first", tuple(sessions)))
    lines: list[str] = []
    for signal in history.signals[:HISTORY_SIGNALS]:
        line = f"`{_marks(signal.marks)}` {signal.name}: {signal.shown} of {signal.asked}"
        if len("\n".join([*lines, line])) > limits.EMBED_FIELD_VALUE:
            break
        lines.append(line)
    if lines:
        fields.append(("Each signal over time (oldest → newest), weakest first", "\n".join(lines)))
    hidden = len(history.signals) - len(lines)
    more = f" {hidden} more signals, none of them weaker, are not listed." if hidden > 0 else ""
    return Card(
        "Your interview practice",
        "From your mock interviews and practice answers: ✓ an answer showed the signal, ✗ it did not." + more,
        fields=tuple(fields),
        footer="/interview start picks drills for your weakest signals, and so does /drill without a theme.",
    )


def chosen_drill_card(pick: Pick, *, hint: str | None = None) -> Card:
    """``/drill`` without a theme: the drill, and why it was chosen for this member."""
    card = drill_card(pick.drill, hint=hint)
    return replace(card, fields=(*card.fields, ("Why this drill", pick.reason)))
