"""Small pieces every sub-command module uses."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import Config

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


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
