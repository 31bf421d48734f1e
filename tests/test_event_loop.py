"""The bot's event loop: uvloop's when it is installed (the ``speed`` extra), asyncio's own otherwise.

The bot processes other tests start (``pmpo-bot run``) run on whichever this environment gives them.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

from runner.cli import event_loop_factory, main


def test_the_bot_runs_on_uvloop_when_it_is_installed() -> None:
    uvloop = pytest.importorskip("uvloop")
    assert event_loop_factory() is uvloop.new_event_loop


def test_without_uvloop_the_bot_runs_on_asyncios_own_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    assert event_loop_factory() is None


def test_a_command_runs_on_the_chosen_loop(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``pmpo-bot`` runs each command on the factory's loop, as ``asyncio.run`` would on its own."""
    made: list[asyncio.AbstractEventLoop] = []

    def factory() -> asyncio.AbstractEventLoop:
        made.append(asyncio.new_event_loop())
        return made[-1]

    monkeypatch.setattr("runner.cli.event_loop_factory", lambda: factory)
    assert main(["kb", "validate"]) == 0
    assert len(made) == 1 and made[0].is_closed()
