"""The BM25 index scores exactly as SQLite FTS5's bm25() does (search quality was tuned against it)."""

from __future__ import annotations

import sqlite3
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ask.bm25 import Bm25Index

WEIGHTS = (5.0, 0.5)
VOCABULARY = ("alpha", "beta", "gamma", "delta", "omega")
STOPWORD = "the"  # in documents, but with no index term: skipped, and not counted in a document's length
TERM_OF = {word: word for word in VOCABULARY}

columns = st.lists(st.sampled_from((*VOCABULARY, STOPWORD)), max_size=6)
documents = st.lists(st.tuples(columns, columns), min_size=1, max_size=12)
queries = st.sets(st.sampled_from(VOCABULARY), min_size=1, max_size=3)


def fts5_scores(docs: list[tuple[list[str], list[str]]], query: set[str]) -> dict[int, float]:
    """FTS5's own bm25() over the same documents (stopwords removed, as the index skips them)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
    conn.executemany(
        "INSERT INTO t(rowid, a, b) VALUES (?, ?, ?)",
        (
            (doc + 1, *(" ".join(w for w in column if w != STOPWORD) for column in columns_))
            for doc, columns_ in enumerate(docs)
        ),
    )
    rows = conn.execute(
        f"SELECT rowid, -bm25(t, {WEIGHTS[0]}, {WEIGHTS[1]}) FROM t WHERE t MATCH ?", (" OR ".join(sorted(query)),)
    ).fetchall()
    conn.close()
    return {rowid - 1: score for rowid, score in rows}


@settings(max_examples=200, deadline=None)
@given(docs=documents, query=queries)
def test_scores_equal_fts5_bm25(docs: list[tuple[list[str], list[str]]], query: set[str]) -> None:
    index = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    ours = dict(index.top(query, limit=len(docs)))
    expected = fts5_scores(docs, query)
    assert ours.keys() == expected.keys()
    for doc, score in expected.items():
        assert ours[doc] == pytest.approx(score, rel=1e-6)  # kept in float32: 24 bits of precision


@settings(max_examples=100, deadline=None)
@given(docs=documents, query=queries, limit=st.integers(min_value=1, max_value=4))
def test_top_is_the_best_first_with_ties_to_the_earlier_entry(
    docs: list[tuple[list[str], list[str]]], query: set[str], limit: int
) -> None:
    index = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    everything = index.top(query, limit=len(docs))
    assert index.top(query, limit=limit) == sorted(everything, key=lambda pair: (-pair[1], pair[0]))[:limit]


def test_identical_entries_tie_and_the_earlier_wins() -> None:
    docs = [(["beta"], []), (["alpha"], ["gamma"]), (["alpha"], ["gamma"])]
    index = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    assert [doc for doc, _ in index.top({"alpha"}, limit=1)] == [1]
    assert [doc for doc, _ in index.top({"alpha", "gamma"}, limit=2)] == [1, 2]


def test_document_frequency_and_coverage() -> None:
    docs = [(["alpha", "alpha"], ["beta"]), (["beta"], []), ([], [STOPWORD])]
    index = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    assert (index.df("alpha"), index.df("beta"), index.df(STOPWORD), index.df("zeta")) == (1, 2, 0, 0)
    assert "beta" in index
    assert STOPWORD not in index
    assert index.coverage({"alpha": 2.0, "beta": 0.5, "zeta": 9.0}, [0, 1, 2]) == [2.5, 0.5, 0.0]


def test_no_match_and_an_empty_index() -> None:
    index = Bm25Index([(["alpha"], [])], WEIGHTS, TERM_OF.get)
    assert index.top({"beta", "zeta"}, limit=3) == []
    empty = Bm25Index([], WEIGHTS, TERM_OF.get)
    assert empty.top({"alpha"}, limit=3) == []
    assert empty.coverage({"alpha": 1.0}, []) == []


@settings(max_examples=100, deadline=None)
@given(docs=documents, query=queries)
def test_building_a_few_documents_at_a_time_changes_nothing(
    docs: list[tuple[list[str], list[str]]], query: set[str]
) -> None:
    whole = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    with patch("bot.ask.bm25.CHUNK", 2):
        chunked = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    assert chunked.top(query, limit=len(docs)) == whole.top(query, limit=len(docs))
    assert [chunked.df(word) for word in VOCABULARY] == [whole.df(word) for word in VOCABULARY]
    assert chunked.coverage(dict.fromkeys(query, 1.0), range(len(docs))) == whole.coverage(
        dict.fromkeys(query, 1.0), range(len(docs))
    )


# Rare and common words, so the rarest terms' documents are often enough to settle the top and the common
# terms' postings are skipped: the pruned top must be the exhaustive one, score for score.
skewed = st.lists(st.sampled_from(("alpha", "beta", "gamma", "delta", "delta", "omega", "omega", "omega")), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    docs=st.lists(st.tuples(skewed, skewed), min_size=10, max_size=80),
    query=st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=4),
    limit=st.integers(min_value=1, max_value=5),
)
def test_the_top_skipping_common_terms_is_the_top_of_every_document_scored(
    docs: list[tuple[list[str], list[str]]], query: list[str], limit: int
) -> None:
    index = Bm25Index(docs, WEIGHTS, TERM_OF.get)
    everything = index.top(query, limit=len(docs))  # fewer documents than the limit: every one scored
    with patch("bot.ask.bm25.SKIP_FROM", 0):  # skip common terms however few postings there are
        assert index.top(query, limit=limit) == everything[:limit]
