"""``pmpo-bot shell``: the local shell, the bot's commands in a terminal without Discord."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.cli.common import EXIT_OK, SubParsers, add_command
from bot.config import Config
from bot.services import Services


def register(subparsers: SubParsers) -> None:
    add_command(subparsers, "shell", shell_command, help="the local shell: try the bot without Discord")


async def shell_command(args: argparse.Namespace, config: Config) -> int:
    from bot.shell import run_shell

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    services = await Services.open(config)
    try:
        await run_shell(services, sys.stdin, sys.stdout)
    finally:
        await services.close()
    return EXIT_OK
