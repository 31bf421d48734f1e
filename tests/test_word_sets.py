"""The compact table of example questions answers exactly as a dict of word sets did."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask.word_sets import WordSet, WordSetTable

word_sets = st.frozensets(st.sampled_from(("po", "pm", "roadmap", "pay", "why")), max_size=3)
documents = st.lists(st.lists(word_sets, max_size=4), max_size=8)


def as_a_dict(docs: list[list[WordSet]]) -> dict[WordSet, int]:
    """The table as search first built it: the first document of each set, sets in two documents left out."""
    table: dict[WordSet, int] = {}
    ambiguous: set[WordSet] = set()
    for number, keys in enumerate(docs):
        for key in keys:
            if key in table and table[key] != number:
                ambiguous.add(key)
            table.setdefault(key, number)
    return {key: number for key, number in table.items() if key and key not in ambiguous}


@settings(max_examples=300, deadline=None)
@given(docs=documents, asked=st.lists(word_sets, max_size=5))
def test_the_table_answers_as_the_dict_did(docs: list[list[WordSet]], asked: list[WordSet]) -> None:
    table = WordSetTable(len(docs), docs.__getitem__)
    expected = as_a_dict(docs)
    for key in [*asked, *(key for keys in docs for key in keys)]:
        assert table.get(key) == expected.get(key)
