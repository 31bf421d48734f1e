"""What a drill looks like on screen, as plain cards (title, body, fields) that any front end renders.

Discord turns a card into an embed, the shell prints it; keeping the wording here means the two never
drift apart, and the validator can measure the exact text Discord will receive.
"""

from __future__ import annotations

from bot.cards import Card, Tone
from bot.drills.content import Drill
from bot.drills.feedback import Feedback

SHOWS_FIELD = "What it shows"
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
    return Card(
        title="A strong answer",
        body=drill.strong_answer,
        fields=(
            (SHOWS_FIELD, "\n".join(f"• **{s.name}**: {s.looks_for}" for s in shows)),
            ("Be ready for the follow-ups", "\n".join(f"• {f}" for f in drill.follow_ups)),
        ),
    )


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
