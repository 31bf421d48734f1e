"""What curation shows, for every front end: ``/kb gaps`` and one gap, an edit's outcome, ``/kb history``,
and the "not helpful" votes ``/kb stats`` adds."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot import limits
from bot.cards import Card, Moment
from bot.curation.engine import EditOutcome, EditRecord, Gap
from bot.knowledge.entries import Entry

#: Problems an edit's refusal lists before "…and N more".
PROBLEMS_SHOWN = 8


def _quote(text: str, limit: int = 120) -> str:
    return f"“{limits.trim(text, limit)}”"


def gaps_card(gaps: Sequence[Gap]) -> Card:
    """``/kb gaps``: groups of unanswered questions, most asked first, each with its closest entry, and
    the honest neighbour (not-covered topic) a group is about, so moderators see which neighbours members want."""
    if not gaps:
        return Card(title="Unanswered questions", body="No unanswered questions waiting. 🎉")
    lines = []
    for number, gap in enumerate(gaps, start=1):
        others = len(gap.wordings) - 1
        more = f" (+{others} other wording{'s' if others > 1 else ''})" if others else ""
        lines.append(f"**{number}.** {gap.count}× {_quote(gap.wordings[0].question)}{more}")
        if gap.candidates:
            best = max(gap.candidates, key=lambda c: c.helpful + c.quiet)
            lines.append(f"   ✓ members found *{best.entry.title}* answered it")
        elif gap.proposals:
            lines.append(f"   closest: *{gap.proposals[0].title}*")
        if gap.topic:
            lines.append(f"   not covered: `{gap.topic.id}` (members are told so)")
    return Card(
        title="Unanswered questions, grouped",
        body=limits.trim("\n".join(lines), limits.EMBED_DESCRIPTION),
        footer="Pick a group below to add it to an entry, mark it not covered, draft an entry or dismiss it.",
    )


def gap_card(gap: Gap, chosen: int) -> Card:
    """One gap: its wordings, members' signals and the closest entries; ``chosen`` is the wording to add."""
    wordings = "\n".join(
        f"{'▶' if w.id == chosen else '•'} {w.count}× {_quote(w.question, 200)}" for w in gap.wordings[:10]
    )
    fields = [("Asked as", wordings)]
    if gap.candidates:
        signals = "\n".join(
            f"*{c.entry.title}*: {c.helpful} found it helpful, {c.quiet} opened it and asked nothing more"
            for c in gap.candidates
        )
        fields.append(("Members' signals", signals))
    if gap.topic:
        fields.append(("Not covered here", f"Members asking this are told *{gap.topic.title}* is not covered."))
    if gap.proposals:
        fields.append(
            ("Closest entries", "\n".join(f"{i}. {e.title} (`{e.id}`)" for i, e in enumerate(gap.proposals, 1)))
        )
    return Card(
        title=f"{gap.count} unanswered question(s) asking the same thing",
        body="The ▶ wording is the one an action adds. Every edit is validated first, then written, reloaded "
        "and committed, and can be undone with `/kb undo`.",
        fields=tuple(fields),
    )


def outcome_card(outcome: EditOutcome) -> Card:
    """An edit done (reloaded, committed or why not) or refused (the validator's problems; nothing written)."""
    if not outcome.accepted:
        lines = [f"`{limits.trim(str(p), 400)}`" for p in outcome.problems[:PROBLEMS_SHOWN]]
        if len(outcome.problems) > PROBLEMS_SHOWN:
            lines.append(f"…and {len(outcome.problems) - PROBLEMS_SHOWN} more.")
        return Card(
            title="Edit refused",
            body=f"Not done: {outcome.summary}. `{outcome.file}` is unchanged.\n\n" + "\n".join(lines),
            tone="warn",
        )
    if outcome.commit_sha:
        committed = f"Committed as `{outcome.commit_sha[:10]}`."
    else:
        committed = f"Not committed: {outcome.commit_note or 'no git work tree'}."
    reload = outcome.reload
    served = (
        "Reloaded: members get it now."
        if reload is None or reload.accepted
        else f"Written, but the reload was refused ({len(reload.problems)} problem(s)); run `/kb reload`."
    )
    return Card(
        title="Knowledge edited",
        body=f"Done: {outcome.summary} (`{outcome.file}`).\n{served}\n{committed}",
        tone="good" if reload is None or reload.accepted else "warn",
    )


def history_card(records: Sequence[EditRecord], viewer_guild: int | None) -> Card:
    """``/kb history``: the latest edits made with /kb or ``pmpo-bot kb``, newest first.

    Every server shares one knowledge folder, so the list holds every server's edits; but a moderator's
    name is theirs to show in their own server only, so edits from elsewhere name no one.
    """
    if not records:
        return Card(title="Knowledge edits", body="No edits made from Discord or `pmpo-bot kb` yet.")
    body: list[str | Moment] = []
    for record in records:
        state = " (undone)" if record.reverted_by else ""
        commit = f" `{record.commit_sha[:10]}`" if record.commit_sha else " (not committed)"
        body += [f"**#{record.id}** ", Moment(record.made_at, relative=True)]
        body.append(f" {_editor(record, viewer_guild)}: {record.summary}{state} · `{record.file}`{commit}\n")
    return Card(title="Knowledge edits", body=tuple(body), footer="/kb undo reverts the newest one not yet undone.")


def _editor(record: EditRecord, viewer_guild: int | None) -> str:
    """Who made an edit, as the viewer may see it: the name in their own server (or the terminal)."""
    if record.guild_id is None:
        return f"{record.moderator} (terminal)"
    return record.moderator if record.guild_id == viewer_guild else "a moderator of another server"


def with_unhelpful(card: Card, unhelpful: Sequence[tuple[Entry | None, str, str, int]]) -> Card:
    """``/kb stats`` with a field for the "not helpful" votes and the questions that led to them."""
    lines = [
        f"{n}× {_quote(question, 100)} → {entry.title if entry else f'(removed entry {entry_id})'}"
        for entry, entry_id, question, n in unhelpful
    ]
    field = ("Not helpful, and what was asked", "\n".join(lines) or "No “not helpful” votes with a question yet.")
    return dataclasses.replace(card, fields=(*card.fields, field))
