"""The command line's Discord-free half: the local shell and the moderators' tools.

Each feature adds its sub-commands in a module of this package with ``register(subparsers)``; errors a
user can fix are printed as one line and exit with status 2, never as a traceback. ``pmpo-bot`` (the
console script, :mod:`runner.cli`) adds the sub-commands that need Discord to these; ``python -m bot``
runs these alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

from bot import __version__
from bot.cli import ask, check, db, drill, kb, shell
from bot.cli.common import EXIT_USAGE, CommandError, SubParsers
from bot.config import ConfigError, default_config_path, load_config
from bot.knowledge.loader import KnowledgeError
from bot.storage.database import StorageError


class Feature(Protocol):
    """A module of sub-commands."""

    def register(self, subparsers: SubParsers) -> None: ...


FEATURES: tuple[Feature, ...] = (shell, kb, check, ask, drill, db)


def build_parser(features: Sequence[Feature] = FEATURES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmpo-bot",
        description="PM-or-PO: a Discord bot (and local shell) that tells Product Managers and Product Owners apart.",
    )
    parser.add_argument("--version", action="version", version=f"pmpo-bot {__version__}")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: ./config.yaml if present)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for feature in features:
        feature.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    features: Sequence[Feature] = FEATURES,
    default: str = "shell",
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> int:
    """Run one sub-command of ``features``; ``default`` when none is given. ``loop_factory``: the event loop
    to run it on (asyncio's own when None)."""
    parser = build_parser(features)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), default])
    try:
        config = load_config(default_config_path(args.config))
        with asyncio.Runner(loop_factory=loop_factory) as runner:  # asyncio.run, with a choice of loop
            result: int = runner.run(args.handler(args, config))
        return result
    except (ConfigError, StorageError, CommandError) as exc:
        print(f"pmpo-bot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KnowledgeError as exc:
        print(
            f"pmpo-bot: the knowledge base has {len(exc.problems)} problem(s); fix them and start again:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C: the command stopped where it was (the shell closes its database first)
        print("\npmpo-bot: interrupted" if sys.stderr.isatty() else "pmpo-bot: interrupted", file=sys.stderr)
        return 130
