"""``pmpo-bot``, the console script: the Discord-free sub-commands of :mod:`bot.cli` plus the ones in
:mod:`runner.commands` that need Discord. Without a sub-command it is ``start``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bot import cli
from runner import commands

FEATURES = (commands, *cli.FEATURES)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, features=FEATURES, default="start", loop_factory=event_loop_factory())


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop when it is installed (the ``speed`` extra, Linux and macOS), else asyncio's own.

    Measured on the loopback Discord, it takes a few per cent off the bot's CPU per ``/ask`` (1–9 % in three
    side-by-side comparisons; docs/benchmarks.md, "Bot-side cost of one /ask"): worth having where it installs, not
    worth making every installation need it.
    """
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory
