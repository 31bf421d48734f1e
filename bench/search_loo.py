"""Leave-one-out on the entries' (and honest neighbours') own example questions: ``python -m bench.search_loo``.

Each example question is taken out of its entry, the index is rebuilt without it, and the question is
asked: does its entry come first? Search constants (such as ``TITLE_BONUS``) are tuned on this and on the
dev half of the member-questions set, never on its test half, so that half keeps measuring questions search
has not seen. The same figures come from ``pmpo-bot eval --loo``.
"""

from __future__ import annotations

from bench.search import REPO
from bot.ask.content import NotCoveredList, SynonymList
from bot.ask.evaluation import leave_one_out
from bot.ask.semantic import shipped_memo
from bot.knowledge.entries import EntryLibrary
from bot.knowledge.loader import require_knowledge


def main() -> None:
    knowledge = require_knowledge(REPO / "knowledge")
    result = leave_one_out(
        list(knowledge.part(EntryLibrary).entries.values()),
        list(knowledge.part(NotCoveredList).topics.values()),
        knowledge.part(SynonymList).folding(),
        shipped_memo(),
    )
    print(f"Leave-one-out top-1 on the entries' own example questions: {result.entries.text()} (target 85 %)")
    print(f"Leave-one-out top-1 on the not-covered topics' example questions: {result.topics.text()}")


if __name__ == "__main__":
    main()
