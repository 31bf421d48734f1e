"""Every moderator subcommand is checked on the bot's side, whatever Discord shows (issue #13, point 10).

A server admin can open any command to everyone (Integrations settings), which loopback mimics by
clearing ``default_member_permissions``; the bot must still refuse members without the right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.moderation.service import ModerationService
from tests.helpers import embed
from tests.loopback import LoopbackDiscord
from tests.loopback.driver import BOOLEAN, CHANNEL, INTEGER, NUMBER, ROLE, STRING, SUBCOMMAND, SUBCOMMAND_GROUP
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild, Json, Role

MANAGE_SERVER = 0x20


def leaves(command: Json) -> list[tuple[list[str], Json]]:
    """Every invocable (path, leaf) of a synced command: its subcommands, through subcommand groups."""
    found: list[tuple[list[str], Json]] = []
    for option in command.get("options") or []:
        if option["type"] == SUBCOMMAND:
            found.append(([command["name"], option["name"]], option))
        elif option["type"] == SUBCOMMAND_GROUP:
            found += [([command["name"], *path[1:]], leaf) for path, leaf in leaves(option)]
    return found or [([command["name"]], command)]


def filled(leaf: Json, channel: Channel, role: Role) -> dict[str, Any]:
    """A value for every required option, as a member could type it."""
    values: dict[str, Any] = {}
    for option in leaf.get("options") or []:
        if not option.get("required"):
            continue
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        else:
            by_type = {STRING: "x", INTEGER: 1, NUMBER: 1.0, BOOLEAN: False, CHANNEL: channel, ROLE: role}
            values[option["name"]] = by_type[option["type"]]
    return values


async def test_every_moderator_subcommand_refuses_an_ordinary_member(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    helpers = loopback.add_role(guild, "helpers")
    async with BotHarness(loopback, tmp_path) as harness:
        hidden = [c for c in loopback.synced_commands() if c.get("default_member_permissions") is not None]
        called = []
        for command in hidden:
            command["default_member_permissions"] = None  # the admin opened it to everyone
            for path, leaf in leaves(command):
                handle = await loopback.slash(alice, path, filled(leaf, general, helpers), channel=general)
                refused = await handle.original_message()
                assert refused.ephemeral, path
                assert (refused.content or "").startswith("This command is for"), (path, refused.content)
                called.append(" ".join(path))
        assert {"moderators add", "moderators remove", "moderators list", "kb reload", "drills setup"} <= set(called)
        assert await harness.bot.services.feature(ModerationService).moderator_role_ids(guild.id) == set()


async def test_moderators_is_for_manage_server_not_for_moderator_roles(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    helpers = loopback.add_role(guild, "helpers")
    helper = loopback.add_member(guild, "helper", roles=[helpers])
    admin = loopback.add_member(guild, "admin", permissions=MANAGE_SERVER)
    async with BotHarness(loopback, tmp_path) as harness:
        await harness.bot.services.feature(ModerationService).set_moderator_role_ids(guild.id, [helpers.id])
        loopback.world.global_commands[("moderators", 1)]["default_member_permissions"] = None
        for path, options in [("moderators list", {}), ("moderators add", {"role": helpers})]:
            refused = await (await loopback.slash(helper, path, options, channel=general)).response()
            assert refused.message is not None and refused.message.ephemeral
            assert (refused.message.content or "").startswith("This command is for members with the Manage Server")
        listed = await (await loopback.slash(admin, "moderators list", channel=general)).response()
        assert listed.message is not None and f"<@&{helpers.id}>" in embed(listed.message)["description"]
