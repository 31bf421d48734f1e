"""The check's screens as plain cards (title, text, fields, footer) that every front end renders.

The cog turns a card into an embed, the shell prints it; building the text here keeps the verdict a
member sees in Discord word for word the one a moderator previews in the shell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.cards import Card, Mention
from bot.check.content import CONTEXT, QUESTIONS, CheckContent
from bot.check.engine import CheckResult, ClosedScreen, HistoryLine, OpenCheck, QuestionScreen
from bot.limits import EMBED_FIELD_VALUE

SECTION_NAMES = {CONTEXT: "Context", QUESTIONS: "The three questions"}


def recap(content: CheckContent, answers: Mapping[str, str], *, only_history: bool = False) -> str:
    """The answers given so far as short labels, in question order."""
    labels = []
    for question in content.questions:
        choice = question.choice(answers.get(question.id))
        if choice is not None and (question.in_history or not only_history):
            labels.append(choice.short)
    return " · ".join(labels)


def checked_label(content: CheckContent, answers: Mapping[str, str]) -> str:
    """What was checked (e.g. "Job posting · Product Owner"), from the questions marked ``in_history``."""
    return recap(content, answers, only_history=True) or "A role"


def question_card(screen: QuestionScreen) -> Card:
    content, step, answers = screen.content, screen.step, screen.session.answers
    question = screen.question
    parts = []
    if screen.notice:
        parts.append(f"*{screen.notice}*")
    if step == 0:
        parts.append(content.intro)
    parts.append(f"**{question.prompt}**" + (f"\n{question.help.strip()}" if question.help else ""))
    earlier = {q.id: answers[q.id] for q in content.questions[:step] if q.id in answers}
    so_far = recap(content, earlier)
    return Card(
        title=f"{content.title} · Step {step + 1} of {len(content.questions)}",
        body="\n\n".join(parts),
        fields=(("So far", so_far),) if so_far else (),
        footer=f"{SECTION_NAMES.get(question.section, question.section)} · Back goes one step back, "
        "Start over clears every answer",
    )


def verdict_card(content: CheckContent, result: CheckResult, notice: str | None = None) -> Card:
    fields = [
        *_packed("Why", result.reasons),
        *_packed("What the context changes", [f"• {note.text}" for note in result.notes]),
    ]
    if result.salary:
        fields.append(("Salary context", result.salary))
    fields.extend(_packed("Next steps", [f"{i}. {step}" for i, step in enumerate(result.next_steps, 1)]))
    body = result.summary
    if notice:
        body = f"*{notice}*\n\n{body}"
    return Card(
        title=f"Verdict: {result.verdict.title}",
        body=body,
        fields=tuple(fields),
        footer=recap(content, result.answers) or None,
        tone="good",
    )


def share_card(content: CheckContent, result: CheckResult, user_id: int) -> Card:
    """The short public summary a member may choose to post: no reasons, no next steps."""
    return Card(
        title=f"Three-question check: {result.verdict.title}",
        body=(Mention("user", user_id), f" checked: {recap(content, result.answers)}\n\n{result.summary}"),
    )


def open_check_card(prompt: OpenCheck) -> Card:
    content, session = prompt.content, prompt.session
    so_far = recap(content, session.answers)
    return Card(
        title="You already have a check open",
        body=(
            f"You started one on {session.created_at:%Y-%m-%d at %H:%M} UTC and got to step {prompt.step + 1} of "
            f"{len(content.questions)}{f' ({so_far})' if so_far else ''}.\n\n"
            "Continue it, or abandon it and start a new one?"
        ),
        tone="warn",
    )


def closed_card(screen: ClosedScreen, start: str) -> Card:
    """A check that can't go on; ``start`` is the front end's command for a new one."""
    return Card("Three-question check", screen.message(start), tone="warn")


def history_card(lines: Sequence[HistoryLine]) -> Card:
    if not lines:
        return Card("Your checks", "You haven't finished a check yet.")
    body = "\n".join(f"{i}. {line.text()}" for i, line in enumerate(lines, 1))
    return Card("Your checks", body, footer="Pick one to see its verdict again.")


def _packed(name: str, lines: Sequence[str]) -> list[tuple[str, str]]:
    """Lines under one heading, spread over as many fields as Discord's field size needs."""
    fields: list[tuple[str, str]] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > EMBED_FIELD_VALUE:
            fields.append((name if not fields else f"{name} (continued)", current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        fields.append((name if not fields else f"{name} (continued)", current))
    return fields
