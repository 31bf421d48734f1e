"""The check's screens as plain cards (title, text, fields, footer) that every front end renders.

The cog turns a card into an embed, the shell prints it; building the text here keeps the verdict a
member sees in Discord word for word the one a moderator previews in the shell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.cards import Card, Mention, MessageLink, Text
from bot.check.content import CONTEXT, QUESTIONS, CheckContent
from bot.check.engine import AdNote, CheckResult, ClosedScreen, HistoryLine, OpenCheck, QuestionScreen
from bot.check.posting.verdict import PostingVerdict
from bot.limits import EMBED_FIELD_VALUE

SECTION_NAMES = {CONTEXT: "Context", QUESTIONS: "The three questions"}
#: The context a job ad is read for, as the reading card names it.
CONTEXT_NAMES = {"title": "Title", "size": "Company size", "model": "Operating model", "kind": "Kind of company"}
#: Quotes shown per answer; an ad that says the same thing five times needs no five quotes.
MAX_QUOTES = 3
NOT_STATED = "not stated in the ad"
SILENT = "The ad doesn't say. That silence is itself a signal: ask about it in the interview."
LOOKS_RIGHT = "Looks right, show the verdict"


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
    if step == 0 and not screen.reviewing:
        parts.append(content.intro)
    parts.append(f"**{question.prompt}**" + (f"\n{question.help.strip()}" if question.help else ""))
    if screen.ad is not None:
        parts.append(_ad_note(screen.ad, question.section))
    earlier = {q.id: answers[q.id] for q in content.questions[:step] if q.id in answers}
    so_far = recap(content, earlier)
    section = SECTION_NAMES.get(question.section, question.section)
    if screen.reviewing:
        footer = (
            f"{section} · The ad's answer is picked: keep it or correct it · Start over goes back to the ad's answers"
        )
    else:
        footer = f"{section} · Back goes one step back, Start over clears every answer"
    return Card(
        title=f"{content.title} · Step {step + 1} of {len(content.questions)}",
        body="\n\n".join(parts),
        fields=(("So far", so_far),) if so_far else (),
        footer=footer,
    )


def _ad_note(note: AdNote, section: str) -> str:
    if note.quotes:
        return "**The ad says:**\n" + _quotes(note.quotes)
    if section == QUESTIONS:
        return f"**{SILENT}**"
    return f"**The ad doesn't say.** Pick what you know; *{LOOKS_RIGHT}* assumes an answer no verdict depends on."


def _quotes(quotes: Sequence[str]) -> str:
    shown = [f"“{quote}”" for quote in quotes[:MAX_QUOTES]]
    if len(quotes) > MAX_QUOTES:
        shown.append(f"…and {len(quotes) - MAX_QUOTES} more")
    return "\n".join(shown)


def ad_answer_label(content: CheckContent, question_id: str, value: str, *, stated: bool) -> str:
    """ "Roadmap: a PM above", or "Roadmap: not stated in the ad" where the ad is silent."""
    question = content.question(question_id)
    choice = question.choice(value) if question is not None else None
    if choice is None or not stated:
        return f"{question_id.capitalize()}: {NOT_STATED}"
    return choice.short


def reading_card(content: CheckContent, judged: PostingVerdict, source: MessageLink | None = None) -> Card:
    """What the ad says for each of the three questions and the context, each with the ad's own words.

    For a PM or PO job the check follows, pre-filled; for another job, the card says which job it is.
    """
    reading = judged.reading
    fields: list[tuple[str, Text]] = []
    for question_id, answer in reading.answers.items():
        quotes = tuple(quote.shown() for quote in reading.evidence[question_id])
        name = ad_answer_label(content, question_id, judged.answers[question_id], stated=answer != "not_stated")
        fields.append((name, _quotes(quotes) if quotes else SILENT))
    context = []
    for key, name in CONTEXT_NAMES.items():
        question, value = content.question(key), reading.context.get(key)
        quote = reading.context_evidence.get(key)
        choice = question.choice(value) if question is not None and quote is not None else None
        if choice is not None and quote is not None:
            context.append(f"**{name}:** {choice.short} (“{quote.shown()}”)")
    missing = [name.lower() for key, name in CONTEXT_NAMES.items() if key not in reading.context_evidence]
    if missing:
        context.append(f"Not in the ad: {', '.join(missing)}.")
    fields.append(("Context", "\n".join(context)))
    lead: Text = ("Reading ", source, "\n\n") if source is not None else ""
    if judged.not_product is not None:
        fields.extend(_packed("Next steps", [f"{i}. {step}" for i, step in enumerate(judged.next_steps, 1)]))
        body = judged.summary
        return Card(judged.title, _joined(lead, body), tuple(fields), footer="No check for this one.", tone="warn")
    body = (
        "Here is what I read for the three questions. Your check starts with these answers picked: confirm "
        f"or correct each one, or choose **{LOOKS_RIGHT}**."
    )
    return Card(
        "What the ad says", _joined(lead, body), tuple(fields), footer="The ad is kept only while the check is open."
    )


def _joined(lead: Text, body: str) -> Text:
    return (*lead, body) if isinstance(lead, tuple) else lead + body


def verdict_card(
    content: CheckContent, result: CheckResult, notice: str | None = None, ad_steps: Sequence[str] = ()
) -> Card:
    """The verdict; ``ad_steps`` (next steps quoting a job ad) come before the verdict's own."""
    fields = [
        *_packed("Why", result.reasons),
        *_packed("What the context changes", [f"• {note.text}" for note in result.notes]),
    ]
    if result.salary:
        fields.append(("Salary context", result.salary))
    steps = [*ad_steps, *result.next_steps]
    fields.extend(_packed("Next steps", [f"{i}. {step}" for i, step in enumerate(steps, 1)]))
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
            + (
                "Continue it, or abandon it and check the ad you just sent?"
                if prompt.waiting_ad is not None
                else "Continue it, or abandon it and start a new one?"
            )
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
