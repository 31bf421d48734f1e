"""BM25 over an in-memory inverted index, scored with numpy.

Why not SQLite FTS5 any more: FTS5 computes ``bm25()`` at query time for every row that contains any
word of the question, so a question with one common word scored thousands of rows (13 ms at 10,000
entries). Here each word's contribution to each entry is computed once, when the index is built (the
"eager scoring" bm25s uses), so a question is one vectorised add per word plus a partial sort: well
under a millisecond at 10,000 entries, and some 20 microseconds on the shipped knowledge base.

The formula is FTS5's ``bm25()``, kept exactly, because search quality was tuned against it:
per-column weights add up to a word's frequency in an entry, the entry's length is its total number of
words, k1 = 1.2, b = 0.75, and a word in more than half the entries gets a tiny positive idf instead of
a negative one.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

K1 = 1.2
B = 0.75
#: FTS5's floor for the idf of a word in more than half the entries: it still counts, barely.
IDF_FLOOR = 1e-6
#: Documents indexed at a time: their words are in memory together, as numpy arrays of term numbers.
CHUNK = 4096
#: Postings whose scores are worked out at a time while building (float64 temporaries of this length).
SCORED_AT_ONCE = 1 << 20
#: A question's terms are scored rarest first, skipping the common terms' postings (:meth:`Bm25Index._contenders`),
#: when their postings add up to at least this many: below it, adding every posting is quicker than bisecting.
SKIP_FROM = 20_000
#: What finding a document in a term's postings by bisection costs, in postings added (measured at 100,000 entries).
BISECTION_COST = 8


class Bm25Index:
    """Immutable once built.

    ``documents`` are entries as columns of words; ``term_of`` gives the term each word is indexed under
    (its stem), so "stories" and "story" count as one term, or None for a word that is not indexed
    (stopwords): those are skipped, and do not count towards a document's length. The documents are read
    :data:`CHUNK` at a time, so the words of every entry are never in memory at once.

    A question touches only the postings of its terms: scores are added into a scratch array that is
    reset entry by entry afterwards, never allocated or scanned in full, so a question costs time in
    proportion to the entries containing its words, not to the size of the knowledge base. The per-entry
    scores are kept in float32 (half the memory; they are summed in float64, and the equivalence check in
    ``bench.search_equivalence`` shows the ranking is the same to the last document).
    """

    def __init__(
        self,
        documents: Iterable[Sequence[Sequence[str]]],
        column_weights: Sequence[float],
        term_of: Callable[[str], str | None],
    ) -> None:
        weights = np.asarray(column_weights, dtype=np.float64)
        term_index: dict[str, int] = {}
        word_index: dict[str, int] = {}
        pair_terms: list[np.ndarray] = []
        pair_docs: list[np.ndarray] = []
        frequencies: list[np.ndarray] = []
        doc_lengths: list[np.ndarray] = []
        size = 0
        for chunk in _chunks(documents, CHUNK):
            words: list[str] = []
            column_lengths: list[int] = []
            for columns in chunk:
                for column in columns:
                    words.extend(column)
                    column_lengths.append(len(column))
            for word in set(words).difference(word_index):
                name = term_of(word)
                word_index[word] = -1 if name is None else term_index.setdefault(name, len(term_index))
            count = len(chunk)
            # Vectorised from here: one row per word occurrence, then one per (document, term) pair.
            term = np.fromiter(map(word_index.__getitem__, words), dtype=np.int64, count=len(words))
            del words
            lengths = np.array(column_lengths, dtype=np.int64)
            weight = np.repeat(np.tile(weights, count), lengths)
            per_doc = lengths.reshape(count, len(weights)).sum(axis=1)
            doc = np.repeat(np.arange(count, dtype=np.int64), per_doc)
            indexed = term >= 0
            term, weight, doc = term[indexed], weight[indexed], doc[indexed]
            doc_lengths.append(np.bincount(doc, minlength=count))
            pairs, occurrence = np.unique(doc * (len(term_index) + 1) + term, return_inverse=True)
            frequencies.append(
                np.bincount(occurrence, weights=weight).astype(np.float32)
            )  # column weights add up, as in FTS5
            chunk_doc, chunk_term = np.divmod(pairs, len(term_index) + 1)
            pair_terms.append(chunk_term.astype(np.int32))
            pair_docs.append((chunk_doc + size).astype(np.int32))
            size += count
        self.size = size
        terms = len(term_index)
        # The postings, in order: sorted by term, and within a term by document (chunks come in document order).
        # Each list of chunks is let go as it is joined, and the scores are worked out a slice at a time, so the
        # build never holds the postings twice over or a float64 array as long as them.
        pair_term = _joined(pair_terms, np.int32)
        order = np.argsort(pair_term, kind="stable")
        pair_term = pair_term[order]
        pair_doc = _joined(pair_docs, np.int32)[order]
        frequency = _joined(frequencies, np.float32)[order]
        del order
        doc_length = _joined(doc_lengths, np.int64).astype(np.float64)
        df = np.bincount(pair_term, minlength=terms)
        idf = np.maximum(np.log((self.size - df + 0.5) / (df + 0.5)), IDF_FLOOR)
        average = doc_length.mean() if self.size and doc_length.any() else 1.0
        self._impact = np.empty(len(pair_term), dtype=np.float32)
        for start in range(0, len(pair_term), SCORED_AT_ONCE):
            part = slice(start, start + SCORED_AT_ONCE)
            tf = frequency[part].astype(
                np.float64
            )  # sums of column weights: exact in float32 for halves, as search's are
            norm = K1 * (1 - B + B * doc_length[pair_doc[part]] / average)
            self._impact[part] = idf[pair_term[part]] * tf * (K1 + 1) / (tf + norm)
        del frequency
        self._docs = pair_doc
        bounds = np.concatenate(([0], np.cumsum(df))).tolist()
        self._span = {name: (bounds[i], bounds[i + 1]) for name, i in term_index.items()}
        #: Each term's highest score in any document: what a document it is the only term of can reach.
        self._ceiling = dict.fromkeys(self._span, 0.0)
        if len(self._impact):
            highest = np.maximum.reduceat(self._impact, np.asarray(bounds[:-1], dtype=np.int64)).tolist()
            self._ceiling = {name: highest[i] for name, i in term_index.items()}
        #: Scores of the question being answered, zero between questions; one question at a time.
        self._scores = np.zeros(self.size)
        self._lock = threading.Lock()

    def __contains__(self, term: str) -> bool:
        return term in self._span

    def df(self, term: str) -> int:
        """How many documents contain ``term``."""
        start, end = self._span.get(term, (0, 0))
        return end - start

    def top(self, terms: Iterable[str], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best (document, score) pairs for ``terms``, best first; only documents with a term."""
        named = [term for term in terms if term in self._span]
        if not named:
            return []
        docs, found = self._contenders(named, limit)
        if len(docs) > limit:
            # Everything above the limit-th best score, then entries equal to it in entry order: ties at the
            # cut go to the earlier entry, never to wherever a partial sort happened to leave them.
            cut = np.partition(found, len(found) - limit)[len(found) - limit]
            tied = found == cut
            by_entry = np.argsort(docs[tied], kind="stable")
            docs = np.concatenate((docs[found > cut], docs[tied][by_entry]))[:limit]
            found = np.concatenate((found[found > cut], found[tied][by_entry]))[:limit]
        ranked = zip(docs.tolist(), found.tolist(), strict=True)
        return sorted(ranked, key=lambda pair: (-pair[1], pair[0]))

    def _contenders(self, terms: Sequence[str], limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Documents, each once, with their scores, among which are all that score at least the ``limit``-th best.

        Common words have long postings but score little in any one document (their idf is low). So the
        rarest terms' documents are scored first, in full (the other terms looked up by bisection): when the
        ``limit``-th best of them scores more than the common terms left out could give a document together
        (their ceilings added up), no document found only under those can reach the top, and their postings
        are never read in full. The rare terms taken are as many as keep the bisections cheaper than adding
        every posting. Scores are added in the terms' own order, as :meth:`_scored` adds them, so they are
        the same to the last bit, and so is the top; otherwise every posting is added up after all.
        """
        postings = sum(map(self.df, terms))
        by_length = sorted(terms, key=self.df) if postings >= SKIP_FROM else []
        taken, seen = 0, 0
        while (
            taken < len(by_length) - 1 and (seen + self.df(by_length[taken])) * len(terms) * BISECTION_COST <= postings
        ):
            seen += self.df(by_length[taken])
            taken += 1
        if taken and seen >= limit:
            # Each term's postings are sorted: a stable sort merges them, then repeats are dropped.
            merged = np.sort(np.concatenate([self._postings(term) for term in by_length[:taken]]), kind="stable")
            docs = merged[np.concatenate(([True], merged[1:] != merged[:-1]))]
            if len(docs) >= limit:
                found = self._scores_of(terms, docs)
                left = sum(self._ceiling[term] for term in by_length[taken:])
                if np.partition(found, len(found) - limit)[len(found) - limit] > left * (1 + 1e-9) + 1e-12:
                    return docs, found
        with self._lock:
            return self._scored([self._span[term] for term in terms])

    def _postings(self, term: str) -> np.ndarray:
        start, end = self._span[term]
        return self._docs[start:end]

    def _scores_of(self, terms: Sequence[str], docs: np.ndarray) -> np.ndarray:
        """The scores of ``docs`` (sorted) for ``terms``, each term's share added in the order of ``terms``."""
        total = np.zeros(len(docs))
        for term in terms:
            start, end = self._span[term]
            term_docs = self._docs[start:end]  # sorted: each document is found by bisection
            at = np.minimum(np.searchsorted(term_docs, docs), end - start - 1)
            total += np.where(term_docs[at] == docs, self._impact[start + at], np.float32(0))
        return total

    def _scored(self, spans: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Every document containing a term of ``spans`` once, and its score; leaves the scratch at zero."""
        scores = self._scores
        for start, end in spans:
            scores[self._docs[start:end]] += self._impact[start:end]  # a term's documents are distinct
        docs: list[np.ndarray] = []
        found: list[np.ndarray] = []
        for start, end in spans:
            term_docs = self._docs[start:end]
            values = scores[term_docs]
            unseen = values != 0  # a document already taken (under an earlier term) was reset to zero
            docs.append(term_docs[unseen])
            found.append(values[unseen])
            scores[term_docs] = 0.0
        if len(docs) == 1:
            return docs[0], found[0]
        return np.concatenate(docs), np.concatenate(found)

    def coverage(self, weights: Mapping[str, float], docs: Sequence[int]) -> list[float]:
        """For each of ``docs``, the sum of the weights of the terms it contains."""
        wanted = np.asarray(docs, dtype=np.int32)
        total = np.zeros(len(wanted))
        for term, weight in weights.items():
            start, end = self._span.get(term, (0, 0))
            if start == end:
                continue
            term_docs = self._docs[start:end]  # sorted: each candidate is found by bisection
            at = np.minimum(np.searchsorted(term_docs, wanted), end - start - 1)
            total += weight * (term_docs[at] == wanted)
        return total.tolist()


def _joined(chunks: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
    """The chunks as one array; the list is emptied, so each chunk goes as soon as it is copied."""
    joined = np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)
    chunks.clear()
    return joined


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
