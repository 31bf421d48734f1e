"""The harness runs the real PmPoBot against the loopback server, and survives a restart."""

from __future__ import annotations

from pathlib import Path

from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.harness import BotHarness

COMMANDS_ROUTE = "/applications/{application_id}/commands"


async def test_pmpo_bot_connects_syncs_answers_and_restarts(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        assert harness.bot.get_guild(guild.id) is not None
        assert "about" in {c["name"] for c in loopback.synced_commands()}
        reply = await (await loopback.slash(alice, "about", channel=general)).response()
        assert reply.message is not None and reply.message.pings == frozenset()

        await harness.restart()
        assert loopback.identify_count == 2
        # The command tree did not change, so the new process must not upload it again.
        assert len(loopback.calls("PUT", COMMANDS_ROUTE)) == 1
        again = await (await loopback.slash(alice, "about", channel=general)).response()
        assert again.type == CallbackType.CHANNEL_MESSAGE
