"""``pmpo-bot``, the console script: the Discord-free sub-commands of :mod:`bot.cli` plus the ones in
:mod:`runner.commands` that need Discord. Without a sub-command it is ``start``."""

from __future__ import annotations

from collections.abc import Sequence

from bot import cli
from runner import commands

FEATURES = (commands, *cli.FEATURES)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, features=FEATURES, default="start")
