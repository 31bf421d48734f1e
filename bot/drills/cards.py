"""What a drill looks like on screen, as plain cards (title, body, fields) that any front end renders.

Discord turns a card into an embed, the shell prints it; keeping the wording here means the two never
drift apart, and the validator can measure the exact text Discord will receive.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Card, Mention, MessageLink, Moment, Rich, Text, Tone
from bot.drills.content import Drill
from bot.drills.engine import ScheduleStatus, Streak, TopEntry
from bot.drills.feedback import Feedback
from bot.drills.schedule import format_days, format_time

SHOWS_FIELD = "What it shows"
FOLLOW_UPS_FIELD = "Be ready for the follow-ups"
RATING_TITLES = {
    "strong": "Strong answer",
    "mixed": "Getting there",
    "weak": "Needs work",
}
RATING_TONES: dict[str, Tone] = {"strong": "good", "mixed": "neutral", "weak": "warn"}


def drill_card(drill: Drill, *, heading: str = "Interview drill", hint: str | None = None) -> Card:
    """The question itself; ``hint`` tells the member how to practise in that front end."""
    return Card(
        title=f"{heading}: {drill.theme}",
        body=f"**{drill.prompt}**",
        fields=(("The situation", drill.situation),),
        footer=f"Drill {drill.id}" + (f" · {hint}" if hint else ""),
    )


def strong_card(drill: Drill) -> Card:
    shows = [s for s in drill.signals if s.id in drill.strong_shows]
    fields = [(SHOWS_FIELD, "\n".join(f"• **{s.name}**: {s.looks_for}" for s in shows))]
    if drill.follow_ups:
        fields.append((FOLLOW_UPS_FIELD, "\n".join(f"• {f.ask}" for f in drill.follow_ups)))
    return Card(title="A strong answer", body=drill.strong_answer, fields=tuple(fields))


def weak_card(drill: Drill) -> Card:
    return Card(title="A weak answer", body=drill.weak_answer, fields=(("Why it is weak", drill.weak_why),))


def feedback_card(feedback: Feedback) -> Card:
    fields: list[tuple[str, str]] = []
    if feedback.signals_found:
        fields.append(("Shown", "\n".join(f"✅ **{f.name}**: {f.detail}" for f in feedback.signals_found)))
    if feedback.signals_missing:
        fields.append(("Missing", "\n".join(f"▫️ **{f.name}**: {f.detail}" for f in feedback.signals_missing)))
    if feedback.weak_patterns:
        fields.append(("Weak patterns", "\n".join(f"⚠️ **{f.name}**: {f.detail}" for f in feedback.weak_patterns)))
    fields.append(("Try this", feedback.suggestion))
    shown = len(feedback.signals_found)
    total = shown + len(feedback.signals_missing)
    return Card(
        title=f"{RATING_TITLES[feedback.rating]} ({shown} of {total} signals)",
        body="",
        fields=tuple(fields),
        footer="Judged by cue phrases, not by a person: use it as a checklist, not a grade.",
        tone=RATING_TONES[feedback.rating],
    )


def status_card(status: ScheduleStatus, server: str | None) -> Card:
    """``/drills status``: the schedule, the next drill that will go out, and how the last one went."""
    schedule = status.schedule
    rule = schedule.rule
    fields: list[tuple[str, Text]] = [
        ("Channel", (Mention("channel", schedule.channel_id),)),
        ("When", f"{format_time(rule.at)} {rule.zone.key}, {format_days(rule.days)}"),
        ("Thread per drill", "on" if schedule.threads else "off"),
        ("Ping", (Mention("role", schedule.ping_role_id),) if schedule.ping_role_id else "nobody"),
    ]
    if not schedule.paused and status.next_posts:
        fields.append(("Next drill", (Moment(status.next_posts[0].when, relative=True),)))
    if status.skipped:
        fields.append(("Skipped", ", ".join(status.skipped)))
    if status.last is not None:
        last = status.last
        link: Rich = ()
        if last.message_id and last.channel_id:
            link = (" · ", MessageLink(last.guild_id, last.channel_id, last.message_id))
        detail = f" ({last.detail})" if last.detail else ""
        fields.append(("Last", (f"{last.local_date}: {last.status}", *link, detail)))
    if schedule.paused:
        return Card(
            "Daily drill: paused",
            f"Paused: {schedule.paused_reason}. Run `/drills resume` to start again.",
            tuple(fields),
            tone="warn",
        )
    where = f" in {server}" if server else ""
    return Card("Daily drill: on", f"One interview drill a day{where}.", tuple(fields), tone="good")


def streak_card(streak: Streak, member: int, *, own: bool) -> Card:
    """``/drill-streak`` for ``member``; ``own`` when the member asked about themselves."""
    whose: Rich = ("Your",) if own else (Mention("user", member), "'s")
    return Card(
        f"Drill streak: {streak.current}",
        (
            *whose,
            f" streak is **{streak.current}** scheduled drill(s) in a row. "
            f"Practised {streak.practised} of the {streak.scheduled} drills posted here.",
        ),
        footer="Practise today's drill with its Practise button to keep it going.",
        tone="good" if streak.current else "neutral",
    )


def top_card(entries: Sequence[TopEntry]) -> Card:
    """``/drill-top``: who practised the most scheduled drills in the last 7 days."""
    lines: list[str | Mention] = []
    for rank, entry in enumerate(entries, start=1):
        if lines:
            lines.append("\n")
        lines += [f"**{rank}.** ", Mention("user", entry.user_id)]
        lines.append(f": {entry.drills} drill(s), {entry.strong} strong · streak {entry.streak}")
    return Card(
        "Drill practice: the last 7 days",
        tuple(lines) or "Nobody has practised a scheduled drill this week yet. Be the first!",
        footer="Counts scheduled drills practised; strong answers break ties.",
    )
