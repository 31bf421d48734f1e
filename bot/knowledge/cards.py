"""Cards about the knowledge base itself: one entry (as every feature shows it) and the ``/kb`` reports.

``/kb stats`` reports what asking recorded (``/kb gaps`` is drawn by :mod:`bot.curation.cards`);
``/kb reload`` what a reload changed or why it was refused. Built here, they read the same in Discord and anywhere else.
"""

from __future__ import annotations

from bot import limits
from bot.ask.engine import AskStats
from bot.cards import Card
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, SourceList
from bot.knowledge.holder import ReloadOutcome


def source_line(knowledge: KnowledgeBase, entry: Entry) -> str:
    """The article(s) an entry is based on, as one line: title, publisher and date when known."""
    sources = knowledge.part(SourceList).sources
    parts = []
    for source_id in entry.sources:
        source = sources.get(source_id)
        if source is None:
            continue
        extra = ", ".join(x for x in (source.publisher, f"updated {source.updated}" if source.updated else None) if x)
        parts.append(f"*{source.title}*" + (f" ({extra})" if extra else ""))
    return "; ".join(parts) or "—"


def entry_card(knowledge: KnowledgeBase, entry: Entry) -> Card:
    return Card(
        title=entry.title,
        body=entry.answer,
        fields=(("Source", source_line(knowledge, entry)), ("Last reviewed", entry.last_reviewed)),
        footer=f"Topic: {entry.theme} · id: {entry.id}",
    )


def stats_card(stats: AskStats) -> Card:
    """``/kb stats`` as a card, shared by Discord and the shell."""
    ratio = stats.helpful_ratio
    votes = stats.helpful + stats.unhelpful
    summary = (
        f"Helpful: **{ratio:.0%}** of {votes} vote(s) ({stats.helpful} yes, {stats.unhelpful} no)."
        if ratio is not None
        else "No helpful votes yet."
    )
    lines = [
        f"{i}. {s.title} — asked {s.asked}×" + (f", {s.helpful}👍 {s.unhelpful}👎" if s.helpful + s.unhelpful else "")
        for i, s in enumerate(stats.most_asked, start=1)
    ]
    return Card(
        title="Knowledge base stats",
        body=summary,
        fields=(("Most asked", "\n".join(lines) or "Nothing asked yet."),),
    )


def reload_card(outcome: ReloadOutcome) -> Card:
    """``/kb reload``'s report: the problems that refused it (as many as fit), or what changed per label."""
    if not outcome.accepted:
        header = (
            f"Reload refused: {len(outcome.problems)} problem(s). "
            "Still serving the last good version; nothing changed for members.\n"
        )
        more = "\n…and {} more: run `pmpo-bot kb validate` for the full list."
        budget = limits.EMBED_DESCRIPTION - len(header) - len(more) - 10
        lines: list[str] = []
        for problem in outcome.problems:
            line = f"`{limits.trim(str(problem), 500)}`"
            if sum(len(x) + 1 for x in lines) + len(line) > budget:
                break
            lines.append(line)
        body = header + "\n".join(lines)
        if len(lines) < len(outcome.problems):
            body += more.format(len(outcome.problems) - len(lines))
        return Card(title="Knowledge reload refused", body=body, tone="warn")
    fields = []
    for label, change in outcome.changes.items():
        parts = [
            f"{verb}: {', '.join(ids)}"
            for verb, ids in (("added", change.added), ("removed", change.removed), ("edited", change.edited))
            if ids
        ]
        fields.append((label.capitalize(), "\n".join(parts)))
    if outcome.warnings:  # served all the same; the same words as `pmpo-bot kb validate`
        fields.append(("Worth a look", "\n".join(limits.trim(w, 500) for w in outcome.warnings)))
    body = "Now serving the new version." if outcome.changes else "No changes: the files match what was already served."
    return Card(
        title="Knowledge reloaded", body=body, fields=tuple(fields), tone="warn" if outcome.warnings else "good"
    )
