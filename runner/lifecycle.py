"""Starting and stopping the bot the way an operator expects: one line per problem, never a traceback.

- A token Discord rejects (401) is :class:`TokenRejected`: retrying cannot help, so the command ends with
  one line saying how to get a new token, and exit status 2 (the systemd unit does not restart on 2).
- Discord unreachable at start (no network, DNS, a 5xx) is retried with backoff, one log line per try,
  as discord.py does after a disconnect; :class:`OneLineNetworkErrors` keeps discord.py's own reconnect
  messages to one line too.
- Stopping (SIGTERM, Ctrl-C) closes the gateway first, so no new interaction arrives, lets the ones in
  flight finish for a few seconds, cancels the rest, and only then closes HTTP and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord
from discord.backoff import ExponentialBackoff

from runner.client import PmPoBot

log = logging.getLogger(__name__)

NEW_TOKEN = (
    "Discord rejected the bot token (401 Unauthorized). Get a new one in the Developer Portal "
    "(https://discord.com/developers/applications → your application → Bot → Reset Token) and set DISCORD_TOKEN to it."
)
#: Errors that mean "Discord can't be reached right now": worth another try later.
UNREACHABLE = (OSError, aiohttp.ClientError, asyncio.TimeoutError, discord.DiscordServerError, discord.GatewayNotFound)
#: Longest wait between two tries at start (discord.py's backoff alone grows to 17 minutes).
MAX_RETRY_DELAY = 60.0
#: How long interactions already being handled get to finish when the bot stops.
SHUTDOWN_GRACE = 5.0
#: The names discord.py gives the tasks that run commands, buttons and forms (app_commands/tree.py, ui/).
INTERACTION_TASKS = ("CommandTree-invoker", "discord-ui-")


class TokenRejected(Exception):
    """Discord answered 401: the token is wrong or was reset. The message says how to get a new one."""

    def __init__(self) -> None:
        super().__init__(NEW_TOKEN)


#: The gateway's close code for a token it does not accept (reset while the bot was running).
AUTHENTICATION_FAILED = 4004


def rejected(error: BaseException) -> bool:
    """A 401 from Discord, at login (``LoginFailure``) or later (``/gateway/bot`` wraps it in GatewayNotFound),
    or the gateway closing with 4004."""
    if isinstance(error, discord.LoginFailure):
        return True
    if isinstance(error, discord.ConnectionClosed):
        return error.code == AUTHENTICATION_FAILED
    cause = error.__cause__ if isinstance(error, discord.GatewayNotFound) else error
    return isinstance(cause, discord.HTTPException) and cause.status == 401


def reason(error: BaseException) -> str:
    """An error in a few words, for one log line."""
    cause = error.__cause__ if isinstance(error, discord.GatewayNotFound) and error.__cause__ else error
    return str(cause).splitlines()[0] if str(cause) else type(cause).__name__


async def login(bot: PmPoBot, token: str) -> None:
    """Log in once; a rejected token raises :class:`TokenRejected`."""
    try:
        await bot.login(token)
    except (discord.LoginFailure, discord.HTTPException) as error:
        if rejected(error):
            raise TokenRejected() from None
        raise


async def connect(bot: PmPoBot, token: str) -> None:
    """Log in and stay connected, trying again with backoff while Discord can't be reached."""
    backoff: ExponentialBackoff[bool] = ExponentialBackoff()
    logged_in = False
    attempt = 1
    while True:
        try:
            if not logged_in:
                await login(bot, token)
                logged_in = True
            await bot.connect()
            return
        except discord.ConnectionClosed as error:
            if rejected(error):
                raise TokenRejected() from None
            raise
        except UNREACHABLE as error:
            if rejected(error):
                raise TokenRejected() from None
            delay = min(backoff.delay(), MAX_RETRY_DELAY)
            log.warning(
                "Can't reach Discord at %s (%s); try %d failed, trying again in %.1f s",
                discord.http.Route.BASE,
                reason(error),
                attempt,
                delay,
            )
            if not logged_in:
                await bot.http.close()  # a failed login leaves its HTTP session open; the next one opens anew
                bot.http.connector = discord.utils.MISSING  # closed with that session
        attempt += 1
        await asyncio.sleep(delay)


async def serve(bot: PmPoBot, token: str, stop: asyncio.Event) -> None:
    """Run the bot until ``stop`` is set (a signal), then stop it gently (see :func:`shut_down`)."""
    running = asyncio.create_task(connect(bot, token), name="pmpo-bot connection")
    stopping = asyncio.create_task(stop.wait(), name="pmpo-bot stop signal")
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        stopping.cancel()
        running.result()  # raises TokenRejected, or what the connection ended with
        return
    log.info("Stopping")
    await shut_down(bot, running)


async def shut_down(bot: PmPoBot, running: asyncio.Task[None]) -> None:
    """Close the gateway (no new interactions), drain the ones in flight, then close everything else."""
    await asyncio.gather(*(shard.disconnect() for shard in bot.shards.values()))
    in_flight = interaction_tasks()
    if in_flight:
        log.info("Finishing %d interaction(s) in flight (for up to %.0f s)", len(in_flight), SHUTDOWN_GRACE)
        _, late = await asyncio.wait(in_flight, timeout=SHUTDOWN_GRACE)
        if late:
            log.info("Gave up on %d interaction(s) still running after %.0f s", len(late), SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
            await asyncio.wait(late)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    await bot.close()


def interaction_tasks() -> set[asyncio.Task[object]]:
    """The tasks handling commands, buttons and forms right now."""
    return {t for t in asyncio.all_tasks() if t.get_name().startswith(INTERACTION_TASKS) and not t.done()}


class OneLineNetworkErrors(logging.Filter):
    """discord.py logs every reconnect attempt with a full traceback; for a network error, the reason is enough.

    Its "logging in" line is dropped as well: with a login retried, it would double every try's line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "discord.client" and record.msg == "logging in using static token":
            return False
        error = record.exc_info[1] if record.exc_info else None
        network = isinstance(error, (*UNREACHABLE, discord.ConnectionClosed))
        if error is not None and network and record.name.startswith("discord"):
            record.msg, record.args = f"{record.getMessage()}: {reason(error)}", None
            record.exc_info = record.exc_text = None
        return True
