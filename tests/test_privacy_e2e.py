"""/privacy through the loopback Discord: show only shows, forget confirms, and "No, keep it" answers."""

from __future__ import annotations

from pathlib import Path

from bot.privacy.service import PrivacyService
from tests.helpers import embed, labels
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild


async def test_show_shows_and_forget_can_be_declined(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        await (await loopback.slash(alice, "quiz start", {"length": 5}, channel=general)).original_message()
        privacy = harness.bot.services.feature(PrivacyService)
        stored = (await privacy.stored(alice.id)).total
        assert stored

        shown = await (await loopback.slash(alice, ("privacy", "show"), channel=general)).response()
        assert shown.message is not None and shown.message.ephemeral
        assert not shown.message.components  # nothing to click: showing is not deleting
        card = embed(shown.message)
        assert card["title"] == "What I store about you" and "your quizzes" in card["description"]
        assert "/privacy forget deletes all of it" in card["footer"]["text"]

        asked = await (await loopback.slash(alice, ("privacy", "forget"), channel=general)).response()
        assert asked.message is not None
        assert set(labels(asked.message)) == {"Yes, delete all of it", "No, keep it"}
        kept = await (await loopback.click(alice, asked.message, f"privacy:keep:{alice.id}")).response()
        assert kept.type == CallbackType.UPDATE_MESSAGE and kept.message is not None
        assert embed(kept.message)["title"] == "Nothing deleted" and not kept.message.components
        assert (await privacy.stored(alice.id)).total == stored
