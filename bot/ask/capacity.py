"""How close the knowledge base is to the texts ``/ask`` can match by meaning, as warnings for moderators.

Past ``SEMANTIC_MAX_TEXTS`` a valid knowledge base is still served, but ``/ask`` silently matches by words
alone, and only one log line says so. Moderators hear of it where they act: ``pmpo-bot kb validate`` before a
commit and ``/kb reload`` after one, with the same words.
"""

from __future__ import annotations

from bot.ask.search import SEMANTIC_MAX_TEXTS, indexed_documents, semantic_texts
from bot.knowledge.base import KnowledgeBase

#: The share of SEMANTIC_MAX_TEXTS past which moderators are warned: 200 texts of room, some 25 entries, so
#: they hear of the limit while a few rounds of new example questions still fit under it.
SEMANTIC_WARN_SHARE = 0.9


def knowledge_warnings(knowledge: KnowledgeBase) -> list[str]:
    """What is worth a moderator's attention in a valid knowledge base: not a problem (the bot serves it), so
    it fails neither validation nor a reload."""
    entries, topics = indexed_documents(knowledge)
    texts, limit = semantic_texts((*entries, *topics)), SEMANTIC_MAX_TEXTS
    remedy = "remove example questions or raise SEMANTIC_MAX_TEXTS in bot/ask/search.py"
    if texts > limit:
        return [
            f"{texts:,} entry and not-covered titles and example questions, more than the {limit:,} /ask can "
            "match by meaning: it matches by words alone, so a question asked in none of an entry's words goes "
            f"unanswered; {remedy}"
        ]
    warn_above = int(SEMANTIC_WARN_SHARE * limit)
    if texts > warn_above:
        return [
            f"{texts:,} of the {limit:,} entry and not-covered titles and example questions /ask can match by "
            f"meaning (this warning shows above {warn_above:,}); above {limit:,} it matches by words alone ({remedy})"
        ]
    return []
