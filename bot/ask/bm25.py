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

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

K1 = 1.2
B = 0.75
#: FTS5's floor for the idf of a word in more than half the entries: it still counts, barely.
IDF_FLOOR = 1e-6


class Bm25Index:
    """Immutable once built.

    ``documents`` are entries as columns of words; ``term_of`` maps each word to the term it is indexed
    under (its stem), so "stories" and "story" count as one term. Words it has no term for (stopwords)
    are skipped, and do not count towards a document's length.
    """

    def __init__(
        self,
        documents: Sequence[Sequence[Sequence[str]]],
        column_weights: Sequence[float],
        term_of: Mapping[str, str],
    ) -> None:
        self.size = len(documents)
        words: list[str] = []
        column_lengths: list[int] = []
        for columns in documents:
            for column in columns:
                words.extend(column)
                column_lengths.append(len(column))
        term_index: dict[str, int] = {}
        word_index = {
            word: term_index.setdefault(term_of[word], len(term_index)) if word in term_of else -1
            for word in set(words)
        }
        terms = len(term_index)
        # Vectorised from here: one row per word occurrence, then one per (document, term) pair.
        term = np.fromiter(map(word_index.__getitem__, words), dtype=np.int64, count=len(words))
        lengths = np.array(column_lengths, dtype=np.int64)
        weight = np.repeat(np.tile(np.asarray(column_weights, dtype=np.float64), self.size), lengths)
        per_doc = lengths.reshape(self.size, len(column_weights)).sum(axis=1)
        doc = np.repeat(np.arange(self.size, dtype=np.int64), per_doc)
        indexed = term >= 0
        term, weight, doc = term[indexed], weight[indexed], doc[indexed]
        doc_length = np.bincount(doc, minlength=self.size).astype(np.float64)
        # One row per (term, document) pair, sorted by term and then document: the postings, in order.
        pairs, occurrence = np.unique(term * self.size + doc, return_inverse=True)
        frequency = np.bincount(occurrence, weights=weight)  # per-column weights add up, as in FTS5
        pair_term, pair_doc = np.divmod(pairs, max(self.size, 1))
        df = np.bincount(pair_term, minlength=terms)
        idf = np.maximum(np.log((self.size - df + 0.5) / (df + 0.5)), IDF_FLOOR)
        average = doc_length.mean() if self.size and doc_length.any() else 1.0
        norm = K1 * (1 - B + B * doc_length[pair_doc] / average)
        self._impact = idf[pair_term] * frequency * (K1 + 1) / (frequency + norm)
        self._docs = pair_doc.astype(np.int32)
        bounds = np.concatenate(([0], np.cumsum(df))).tolist()
        self._span = {name: (bounds[i], bounds[i + 1]) for name, i in term_index.items()}

    def __contains__(self, term: str) -> bool:
        return term in self._span

    def df(self, term: str) -> int:
        """How many documents contain ``term``."""
        start, end = self._span.get(term, (0, 0))
        return end - start

    def top(self, terms: Iterable[str], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` best (document, score) pairs for ``terms``, best first; only documents with a term."""
        scores = np.zeros(self.size)
        for term in terms:
            start, end = self._span.get(term, (0, 0))
            scores[self._docs[start:end]] += self._impact[start:end]  # a term's documents are distinct
        matched = np.flatnonzero(scores)
        found = scores[matched]
        if len(matched) > limit:
            # Everything above the limit-th best score, then entries equal to it in entry order: ties at the
            # cut go to the earlier entry, never to wherever a partial sort happened to leave them.
            cut = np.partition(found, len(found) - limit)[len(found) - limit]
            matched = np.concatenate((matched[found > cut], matched[found == cut]))[:limit]
        ranked = zip(matched.tolist(), scores[matched].tolist(), strict=True)
        return sorted(ranked, key=lambda pair: (-pair[1], pair[0]))

    def coverage(self, weights: Mapping[str, float], docs: Sequence[int]) -> list[float]:
        """For each of ``docs``, the sum of the weights of the terms it contains."""
        total = np.zeros(self.size)
        for term, weight in weights.items():
            start, end = self._span.get(term, (0, 0))
            total[self._docs[start:end]] += weight
        return total[list(docs)].tolist()
