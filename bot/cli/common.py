"""Small pieces every sub-command module uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import Config
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import require_knowledge

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, Config], Awaitable[int]]
SubParsers = Any  # argparse's _SubParsersAction is private


class CommandError(Exception):
    """A mistake in how the command was called; printed as one line, exit status 2."""


def add_command(subparsers: SubParsers, name: str, handler: Handler, **kwargs: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(name, **kwargs)
    parser.set_defaults(handler=handler)
    return parser


def add_knowledge_arg(parser: argparse.ArgumentParser) -> None:
    """``--knowledge DIR``, for commands that read only the knowledge folder (see :func:`knowledge_of`)."""
    parser.add_argument("--knowledge", metavar="DIR", help="knowledge folder (default: the configured one)")


def knowledge_of(args: argparse.Namespace, config: Config) -> KnowledgeBase:
    """The knowledge in ``--knowledge`` or else the configured folder; a broken one raises ``KnowledgeError``."""
    return require_knowledge(config.knowledge_location(args.knowledge).path)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
