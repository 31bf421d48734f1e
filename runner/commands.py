"""The sub-commands that need Discord: ``start`` (the bot when ``DISCORD_TOKEN`` is set, else the local
shell: what ``make run`` does), ``run`` (always the bot) and ``sync`` (upload the slash commands now)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from bot.cli.common import EXIT_OK, CommandError, SubParsers, add_command
from bot.cli.shell import shell_command
from bot.config import TOKEN_ENV, Config, discord_token, parse_shards, with_shards
from bot.services import Services

NO_TOKEN = (
    f"No {TOKEN_ENV} is set, so here is the local shell instead (same answers, no Discord). "
    "To run the real bot: create an application at https://discord.com/developers/applications, "
    f"add a Bot, copy its token and start again with {TOKEN_ENV}=<token> (README: 'Run it in Discord')."
)


def register(subparsers: SubParsers) -> None:
    add_command(
        subparsers,
        "start",
        start_command,
        help="the Discord bot if DISCORD_TOKEN is set, else the local shell",
    )
    run = add_command(subparsers, "run", run_command, help=f"the Discord bot (needs {TOKEN_ENV})")
    run.add_argument(
        "--shards",
        metavar="RANGE",
        help="run only these shards in this process, e.g. 0-3 (default: discord.shard_ids, else all)",
    )
    run.add_argument(
        "--shard-count", type=int, metavar="N", help="total shards over all processes (default: discord.shard_count)"
    )
    sync = add_command(subparsers, "sync", sync_command, help="upload the slash commands to Discord now")
    sync.add_argument("--guild", type=int, metavar="ID", help="sync to one server only (instant, for testing)")


async def start_command(args: argparse.Namespace, config: Config) -> int:
    if discord_token() is None:
        print(NO_TOKEN, file=sys.stderr)
        return await shell_command(args, config)
    return await run_command(args, config)


async def run_command(args: argparse.Namespace, config: Config) -> int:
    """The bot until SIGTERM or Ctrl-C (then exit 0); a rejected token is one line and exit status 2."""
    token = _require_token()
    shards = getattr(args, "shards", None)  # `start` has no shard options
    config = with_shards(config, parse_shards(shards) if shards else None, getattr(args, "shard_count", None))
    from runner.client import PmPoBot, configure_logging
    from runner.lifecycle import OneLineNetworkErrors, TokenRejected, serve

    configure_logging(config, OneLineNetworkErrors())
    services = await Services.open(config)
    try:
        bot = PmPoBot(config, services)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with bot:
            await serve(bot, token, stop)
    except TokenRejected as error:
        raise CommandError(str(error)) from None
    finally:  # whoever opens the services closes them, after the bot has stopped using them
        await services.close()
    return EXIT_OK


async def sync_command(args: argparse.Namespace, config: Config) -> int:
    token = _require_token()
    from runner.client import PmPoBot, configure_logging
    from runner.lifecycle import UNREACHABLE, TokenRejected, login, reason

    configure_logging(config)
    services = await Services.open(config)
    try:
        async with PmPoBot(config, services, sync_on_start=False) as bot:
            await login(bot, token)
            count = await bot.sync_commands(guild_id=args.guild)
    except TokenRejected as error:
        raise CommandError(str(error)) from None
    except UNREACHABLE as error:
        raise CommandError(f"can't reach Discord at {config.discord.api_base_url} ({reason(error)})") from None
    finally:
        await services.close()
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour to show everywhere)"
    print(f"Synced {count} command(s) to {where}.")
    return EXIT_OK


def _require_token() -> str:
    token = discord_token()
    if token is None:
        raise CommandError(f"{TOKEN_ENV} is not set; the bot token comes only from the environment")
    return token
