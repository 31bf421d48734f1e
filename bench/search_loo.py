"""Leave-one-out on the entries' own example questions: ``python -m bench.search_loo``.

Each example question is taken out of its entry, the index is rebuilt without it, and the question is
asked: does its entry come first? Search constants (such as ``TITLE_BONUS``) are tuned on this, never on
the held-out evaluation set in ``tests/eval/``, so that set keeps measuring questions search has not seen.
"""

from __future__ import annotations

from dataclasses import replace

from bench.search import REPO
from bot.ask.search import SearchIndex
from bot.knowledge.entries import EntryLibrary
from bot.knowledge.loader import require_knowledge


def leave_one_out() -> tuple[int, int]:
    """(questions whose entry came first, questions asked)."""
    entries = list(require_knowledge(REPO / "knowledge").part(EntryLibrary).entries.values())
    hits = asked = 0
    for position, entry in enumerate(entries):
        for question in entry.questions:
            without = replace(entry, questions=tuple(q for q in entry.questions if q != question))
            index = SearchIndex([*entries[:position], without, *entries[position + 1 :]])
            result = index.search(question, limit=1)
            asked += 1
            hits += bool(result.hits) and result.hits[0].entry.id == entry.id
    return hits, asked


def main() -> None:
    hits, asked = leave_one_out()
    print(f"Leave-one-out top-1 on the entries' own example questions: {hits}/{asked} ({hits / asked:.1%})")


if __name__ == "__main__":
    main()
