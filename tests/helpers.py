"""Test doubles and builders shared by the whole suite (built once here, not per test file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bot.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent
SHIPPED_KNOWLEDGE = REPO / "knowledge"


class FakeClock:
    """A clock tests move by hand, so time-based behaviour (expiry, schedules) needs no sleeping."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def make_config(tmp_path: Path, **sections: dict[str, Any]) -> Config:
    """Defaults plus a database under tmp_path and the shipped knowledge, overridable per section."""
    overrides: dict[str, Any] = {
        "database": {"path": str(tmp_path / "pmpo.sqlite3")},
        "knowledge": {"path": str(SHIPPED_KNOWLEDGE)},
    }
    for name, values in sections.items():
        overrides[name] = {**overrides.get(name, {}), **values}
    return load_config(None, overrides=overrides)
