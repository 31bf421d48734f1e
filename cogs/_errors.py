"""The one place where failures of commands, buttons and modals become a message for the member.

Expected problems (cooldowns, missing permissions, bad arguments, :class:`UserFacingError`) get a specific
sentence. Anything else gets a short reference code; the log gets the same code with the traceback and
the command, server and member ids, so a moderator can find it.
"""

from __future__ import annotations

import logging
import secrets

import aiohttp
import discord
from discord import app_commands

from bot import limits
from bot.errors import UserFacingError

log = logging.getLogger("pmpo.errors")


def explain(error: BaseException) -> str | None:
    """The sentence for an expected failure, or None when it is a bug worth a reference code."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError) and error.__cause__:
        cause = error.__cause__
        if isinstance(cause, UserFacingError | discord.Forbidden):
            error = cause
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: you can use this again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions):
        return f"This command is for moderators: it needs {permission_names(error.missing_permissions)}."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I can't do that here: I'm missing {permission_names(error.missing_permissions)}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.TransformerError):
        return f"'{error.value}' isn't a valid value for that option."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return "Discord refused that action: I'm missing a permission in this channel or the member's DMs are closed."
    return None


async def report_error(interaction: discord.Interaction, error: BaseException, *, what: str) -> None:
    """Tell the member privately what went wrong; log unexpected errors with a reference code."""
    message = explain(error)
    if message is None:
        code = secrets.token_hex(3).upper()
        log.error(
            "Error %s in %s (guild=%s channel=%s user=%s)",
            code,
            what,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            exc_info=error,
        )
        message = f"Something went wrong on my side (reference `{code}`). A moderator can look it up in the bot's log."
    message = limits.trim(message, limits.MESSAGE_CONTENT)  # whatever an error quotes, the reply must fit
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError):  # refused, or the network went: the log has it
        log.warning("Could not tell user %s about an error in %s", interaction.user.id, what)


def permission_names(names: list[str]) -> str:
    """``["send_messages", "embed_links"]`` -> "the Send Messages and Embed Links permissions"."""
    titles = [n.replace("_", " ").title() for n in names]
    if len(titles) == 1:
        return f"the {titles[0]} permission"
    return f"the {', '.join(titles[:-1])} and {titles[-1]} permissions"


def describe_command(interaction: discord.Interaction) -> str:
    command = interaction.command
    return f"/{command.qualified_name}" if command is not None else "an interaction"


class ErrorReportingTree(app_commands.CommandTree[discord.Client]):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error, what=describe_command(interaction))
