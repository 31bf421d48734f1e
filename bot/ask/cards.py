"""What asking shows, as cards every front end draws: no curated answer, the topics, the comparison table.

An entry itself is drawn by :func:`bot.knowledge.cards.entry_card`, the same for every feature.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.ask.engine import Answer
from bot.cards import Card
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.cards import entry_card
from bot.knowledge.entries import ComparisonTable, Entry, EntryLibrary, SourceList

#: Entries listed per ``/topics`` page; a theme longer than this spans several pages.
TOPICS_PER_PAGE = 10

NO_ANSWER = "I don't have a curated answer to that yet, and I'd rather say so than guess."
NO_ANSWER_RECORDED = "I've noted the question (not who asked) so the moderators can consider adding one."
NO_ANSWER_SUGGEST = "These entries are the closest I have:"
NO_ANSWER_NOTHING = "Nothing in the knowledge base comes close. Try `/topics` to browse what I know."
NOT_COVERED_OFFER = "What I do cover that comes closest:"
VAGUE = (
    "That's too short or too general for me to answer from the knowledge base. Ask about Product Managers "
    "and Product Owners, for example: *what's the difference between a PM and a PO?* or *should I apply "
    "for this PO job?* `/topics` lists everything I know."
)
DID_YOU_MEAN = "Did you mean…?"


@dataclass(frozen=True)
class TopicPage:
    card: Card
    entries: tuple[Entry, ...] = field(default=())


def answer_card(knowledge: KnowledgeBase, answer: Answer, *, recorded: bool = True) -> Card:
    """What ``/ask`` shows: the answer's entry (with a close runner-up offered), or the refusal."""
    if answer.entry is None:
        return no_answer_card(answer, recorded=recorded)
    card = entry_card(knowledge, answer.entry)
    if answer.did_you_mean is None:
        return card
    return replace(card, fields=((DID_YOU_MEAN, answer.did_you_mean.title), *card.fields))


def no_answer_card(answer: Answer, *, recorded: bool = True) -> Card:
    """Says plainly there is no curated answer, and why; ``recorded`` when the question went to ``/kb gaps``.

    A question about an honest neighbour says it is not covered here and offers what is; a question with
    nothing to go on asks for more; anything else offers the closest entries.
    """
    refusal = answer.refusal
    if refusal is not None and refusal.reason == "vague":
        return Card(title="Could you ask a bit more?", body=VAGUE)
    noted = NO_ANSWER_RECORDED if recorded else ""
    if refusal is not None and refusal.topic is not None:
        lines = [refusal.topic.says, *([noted] if noted else []), "", NOT_COVERED_OFFER]
        lines.extend(f"• {entry.title}" for entry in answer.suggestions)
        return Card(title=f"Not covered here: {refusal.topic.title}", body="\n".join(lines))
    lines = [f"{NO_ANSWER} {noted}".strip(), ""]
    if answer.suggestions:
        lines.append(NO_ANSWER_SUGGEST)
        lines.extend(f"• {entry.title}" for entry in answer.suggestions)
    else:
        lines.append(NO_ANSWER_NOTHING)
    return Card(title="No curated answer yet", body="\n".join(lines))


def comparison_card(knowledge: KnowledgeBase) -> Card:
    table = knowledge.part(ComparisonTable)
    fields = tuple((row.aspect, f"**PM:** {row.pm}\n**PO:** {row.po}") for row in table.rows)
    sources = knowledge.part(SourceList).sources
    cited = "; ".join(sources[s].title for s in table.sources if s in sources)
    footer = " ".join(x for x in (table.footer, f"Sources: {cited}." if cited else None) if x)
    return Card(title=table.title or "PM vs PO", body=table.intro or "", fields=fields, footer=footer or None)


def topic_pages(knowledge: KnowledgeBase) -> list[TopicPage]:
    """Entries grouped by theme, at most :data:`TOPICS_PER_PAGE` per page, for ``/topics``."""
    chunks: list[tuple[str, list[Entry]]] = []
    for theme, entries in knowledge.part(EntryLibrary).by_theme().items():
        for start in range(0, len(entries), TOPICS_PER_PAGE):
            chunks.append((theme, entries[start : start + TOPICS_PER_PAGE]))
    pages = []
    for number, (theme, entries) in enumerate(chunks, start=1):
        body = "\n".join(f"• **{e.title}**" for e in entries)
        card = Card(
            title=f"Topics: {theme}",
            body=body,
            footer=f"Page {number}/{len(chunks)} · open one with /topic",
        )
        pages.append(TopicPage(card, tuple(entries)))
    return pages
