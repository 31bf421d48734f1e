"""The deletion index finds exactly the words a full comparison finds (search's typo correction relies on it);
and a real English word is no typo of the word it is built on ("taker" of "take"), which search asks."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from bot.ask import english
from bot.ask.stemming import PorterStemmer
from bot.ask.typos import (
    LOOK_ALIKE_DIGITS,
    MAX_LOOK_ALIKE_DIGITS,
    MIXED_WORD,
    TypoIndex,
    built_on,
    deletions,
    letter_spellings,
)

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


#: Real English words (as the frequency list has them), long enough to have a word inside them.
REAL_WORDS = sorted(w for w in english._frequencies() if english.frequency(w) and w.isalpha() and 6 <= len(w) <= 14)
STEMMER = PorterStemmer()


@settings(max_examples=300, deadline=None)
@given(word=st.sampled_from(REAL_WORDS), cut=st.integers(1, 2), front=st.booleans())
def test_a_real_word_is_no_typo_of_the_word_it_is_built_on(word: str, cut: int, front: bool) -> None:
    """Whatever ending or beginning made it ("taker", "atypical"), unless it is only a form of the same word."""
    base = word[cut:] if front else word[:-cut]
    assume(STEMMER.stem(base) != STEMMER.stem(word))
    assert built_on(word, base)


@settings(max_examples=300, deadline=None)
@given(word=st.sampled_from(REAL_WORDS), letter=st.sampled_from("bcdfghjklmnpqrstvwxz"))
def test_a_made_up_word_is_still_a_typo_of_the_word_it_extends(word: str, letter: str) -> None:
    typed = word + letter
    assume(not english.frequency(typed))
    assert not built_on(typed, word)


def test_real_words_built_on_a_word_keep_their_meaning() -> None:
    assert built_on("taker", "take")  # "order-taker", not "order-take"
    assert built_on("atypical", "typical")  # the opposite of "typical"
    assert built_on("hirer", "hire")
    assert not built_on("incomes", "income")  # a form of the same word: nothing changes
    assert not built_on("roadmapp", "roadmap")  # no English word: a typo
    assert not built_on("manger", "manager")  # a real word, but not built on "manager"
    assert built_on("takers", "take") and built_on("taker", "takes") and not built_on("take", "take")


def test_a_real_word_sharing_only_a_shorter_root_is_still_a_typo() -> None:
    """ "Sprint planing" means planning: both grow from "plan", but "planing" is not built on "planning"."""
    assert not built_on("planing", "planning")
    assert not built_on("busyness", "business")


def test_look_alike_digits_are_read_as_letters_every_way() -> None:
    assert letter_spellings("psp0") == ["pspo"]
    assert letter_spellings("s1ze") == ["size", "slze"]
    assert letter_spellings("experi3nce") == ["experience"]


@pytest.mark.parametrize("token", ["b2b", "h1b", "10x", "web2", "2026", "q4", "roadmap"])
def test_names_with_digits_and_words_without_are_no_digit_typos(token: str) -> None:
    """Mostly digits, a digit that looks like no letter (2, 6, 8, 9), or no digit at all: nothing to read."""
    assert letter_spellings(token) == []


@pytest.mark.parametrize("token", ["s1mp" * 12, "s1mps1mps1mps1mp", "experi3nceexperi3nce3"])
def test_a_word_with_many_digits_or_letters_is_not_read_every_way(token: str) -> None:
    """Each "1" doubles the spellings search then tries to correct: "s1mp" twelve times made 4,096 of them."""
    assert letter_spellings(token) == []


@given(token=st.text(alphabet="0134571ilmps", max_size=60))
def test_no_word_has_more_spellings_than_its_allowed_digits_make(token: str) -> None:
    assert len(letter_spellings(token)) <= 2**MAX_LOOK_ALIKE_DIGITS


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet="abcdeilost", min_size=4, max_size=10), data=st.data())
def test_a_word_with_one_letter_typed_as_its_look_alike_digit_is_found_again(word: str, data: st.DataObject) -> None:
    """Whatever the word, one look-alike letter typed as its digit is one of the spellings, and the regex that
    finds such words in a question takes the word whole."""
    positions = [i for i, c in enumerate(word) if any(c in letters for letters in LOOK_ALIKE_DIGITS.values())]
    assume(positions)
    at = data.draw(st.sampled_from(positions))
    digit = next(d for d, letters in LOOK_ALIKE_DIGITS.items() if word[at] in letters)
    typed = word[:at] + digit + word[at + 1 :]
    assert word in letter_spellings(typed)
    assert [m.group() for m in MIXED_WORD.finditer(f"is {typed} ok")] == [typed]
