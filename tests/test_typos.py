"""The deletion index finds exactly the words a full comparison finds (search's typo correction relies on it)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from bot.ask.typos import TypoIndex, deletions

TWO_EDITS_FROM = 5
words = st.text(alphabet="abcde", min_size=1, max_size=9)


def everything_within(vocabulary: list[str], word: str, limit: int) -> set[tuple[str, int]]:
    return {(other, OSA.distance(word, other)) for other in vocabulary if OSA.distance(word, other) <= limit}


@settings(max_examples=300, deadline=None)
@given(vocabulary=st.lists(words, max_size=40), word=words)
def test_one_edit_finds_exactly_the_words_within_one_edit(vocabulary: list[str], word: str) -> None:
    index = TypoIndex(vocabulary, two_edits_from=TWO_EDITS_FROM)
    assert set(index.within(word, 1)) == everything_within(vocabulary, word, 1)


@settings(max_examples=300, deadline=None)
@given(
    vocabulary=st.lists(words, max_size=40), word=st.text(alphabet="abcde", min_size=TWO_EDITS_FROM + 2, max_size=11)
)
def test_two_edits_find_exactly_the_words_within_two_edits(vocabulary: list[str], word: str) -> None:
    index = TypoIndex(vocabulary, two_edits_from=TWO_EDITS_FROM)
    assert set(index.within(word, 2)) == everything_within(vocabulary, word, 2)


def test_swapped_letters_and_deletions() -> None:
    index = TypoIndex(["roadmap", "backlog", "manager", "manger"], two_edits_from=7)
    assert dict(index.within("roadmpa", 1)) == {"roadmap": 1}
    assert dict(index.within("manager", 1)) == {"manager": 0, "manger": 1}
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
