"""Test doubles and builders shared by the whole suite (built once here, not per test file)."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from bot.ask.embedding_cache import EmbeddingCache
from bot.ask.search import SearchIndex
from bot.config import EMBEDDINGS_SUFFIX, Config, load_config
from bot.knowledge.loader import require_knowledge
from bot.services import Services
from tests.loopback.state import Message

REPO = Path(__file__).resolve().parent.parent
SHIPPED_KNOWLEDGE = REPO / "knowledge"


@functools.cache
def shipped_vectors() -> Path:
    """The shipped knowledge base's vectors file (``bot.ask.embedding_cache``), built once per test process;
    building it also leaves every vector in the process's memo (``bot.ask.semantic``), where in-process bots
    find them."""
    folder = Path(tempfile.mkdtemp(prefix="pmpo-test-vectors-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / f"shipped{EMBEDDINGS_SUFFIX}"
    SearchIndex.from_knowledge(require_knowledge(SHIPPED_KNOWLEDGE), EmbeddingCache(path))
    return path


def give_shipped_vectors(database: Path) -> None:
    """Put the shipped knowledge base's vectors beside a bot process's database, as a restart finds them.

    Why: a bot process started on an empty folder embeds all 1,540 titles and example questions first (some
    18 s of CPU), and the tests that start bot processes (runner, shards) start dozens. They test what a
    process does once it runs, not its first start; the cold start keeps its own tests (SIGTERM in
    tests/test_foundation_e2e.py, tests/test_embedding_cache.py) and its benchmark (bench/startup.py).
    """
    shutil.copyfile(shipped_vectors(), database.with_suffix(EMBEDDINGS_SUFFIX))


class FakeClock:
    """A clock tests move by hand, so time-based behaviour (expiry, schedules) needs no sleeping."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def install_bot_clock(monkeypatch: pytest.MonkeyPatch, start: dt.datetime) -> FakeClock:
    """A fake clock inside the real bot: every Services it opens (also after a restart) reads this clock."""
    clock = FakeClock(start)
    original = Services.open

    async def open_with_clock(cls: type[Services], config: Config, clock_: object = None) -> Services:
        return await original(config, clock=clock)

    monkeypatch.setattr(Services, "open", classmethod(open_with_clock))
    return clock


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    """Defaults plus a database under tmp_path and the shipped knowledge, overridable per section."""
    overrides: dict[str, Any] = {
        "database": {"path": str(tmp_path / "pmpo.sqlite3")},
        "knowledge": {"path": str(SHIPPED_KNOWLEDGE)},
    }
    for name, values in sections.items():
        overrides[name] = {**overrides.get(name, {}), **values}
    return load_config(None, overrides=overrides)


def embed(message: Message) -> dict[str, Any]:
    """The message's (first) embed, failing clearly when the bot sent none."""
    assert message.embeds, f"message {message.id} has no embed: {message.content!r}"
    return message.embeds[0]


def labels(message: Message) -> dict[str, str]:
    """Button label -> custom_id, for the buttons on the message as it is now."""
    return {c["label"]: c["custom_id"] for row in message.components for c in row["components"] if "custom_id" in c}
