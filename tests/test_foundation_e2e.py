"""Foundation and operations through the loopback Discord: reconnects, restarts, errors, privacy, shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

from bot.moderation.service import ModerationService
from tests.helpers import REPO, SHIPPED_KNOWLEDGE, give_shipped_vectors
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild


def embed_text(message: object) -> str:
    embeds = getattr(message, "embeds", [])
    parts = []
    for embed in embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_about_survives_a_gateway_drop(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        await loopback.drop_gateway()
        reply = await (await loopback.slash(alice, "about", channel=general)).response(timeout=15)
        assert loopback.resume_count == 1
        assert harness.bot.is_ready()
        text = embed_text(reply.message)
        assert "0.1.0" in text and "entries" in text and "Uptime" in text
        assert reply.message is not None and reply.message.ephemeral


async def test_persistent_button_works_after_restart(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path) as harness:
        db = harness.bot.services.db
        await db.execute("CREATE TABLE notes (user_id INTEGER, text TEXT)")
        async with db.transaction() as tx:
            for row in [(alice.id, "a"), (alice.id, "b"), (bob.id, "c")]:
                await tx.execute("INSERT INTO notes VALUES (?, ?)", row)

        shown = await (await loopback.slash(alice, ("privacy", "show"), channel=general)).response()
        assert "2 × notes" in embed_text(shown.message)
        asked = await (await loopback.slash(alice, ("privacy", "forget"), channel=general)).response()
        assert asked.message is not None and "cannot be undone" in embed_text(asked.message)

        await harness.restart()
        click = await loopback.click(alice, asked.message, f"privacy:forget:{alice.id}")
        done = await click.response()
        assert done.type == CallbackType.UPDATE_MESSAGE and "Deleted" in embed_text(done.message)
        rows = await harness.bot.services.db.fetchall("SELECT user_id FROM notes")
        assert [r["user_id"] for r in rows] == [bob.id]


async def test_unexpected_error_gives_a_reference_code_that_is_in_the_log(
    loopback: LoopbackDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")

    def broken(_: object) -> None:
        raise RuntimeError("knowledge exploded")

    async with BotHarness(loopback, tmp_path):
        # discord.py loads extensions as fresh module objects: patch the one the bot is running.
        monkeypatch.setattr(sys.modules["cogs.about"], "about_card", broken)
        with caplog.at_level(logging.ERROR, logger="pmpo.errors"):
            reply = await (await loopback.slash(alice, "about", channel=general)).response()
            assert reply.message is not None and reply.message.ephemeral
            code = re.search(r"reference `([0-9A-F]{6})`", reply.message.content or "")
            assert code, reply.message.content
            record = next(r for r in caplog.records if code.group(1) in r.getMessage())
            assert "/about" in record.getMessage() and f"user={alice.id}" in record.getMessage()
            assert record.exc_info is not None and "knowledge exploded" in str(record.exc_info[1])


async def test_token_never_reaches_the_log(
    loopback: LoopbackDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    with caplog.at_level(logging.DEBUG):
        async with BotHarness(loopback, tmp_path):
            reply = await (await loopback.slash(alice, "about", channel=general)).response()
            await loopback.drop_gateway()
    assert loopback.token not in caplog.text
    assert loopback.token not in embed_text(reply.message)


async def test_moderators_commands_are_for_manage_server(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    helpers = loopback.add_role(guild, "helpers", 0)
    admin = loopback.add_member(guild, "admin", permissions=0x20)  # Manage Server
    async with BotHarness(loopback, tmp_path) as harness:
        added = await (
            await loopback.slash(admin, ("moderators", "add"), {"role": helpers}, channel=general)
        ).response()
        assert added.message is not None and "now counts as a moderator role" in (added.message.content or "")
        assert not added.message.pings
        listed = await (await loopback.slash(admin, ("moderators", "list"), channel=general)).response()
        assert f"<@&{helpers.id}>" in embed_text(listed.message)
        assert await harness.bot.services.feature(ModerationService).moderator_role_ids(guild.id) == {helpers.id}


def bot_process(config: Path, token: str) -> list[str]:
    return [sys.executable, "-m", "runner", "--config", str(config), "run"]


def process_env(token: str) -> dict[str, str]:
    return {**os.environ, "DISCORD_TOKEN": token, "PYTHONPATH": str(REPO)}


async def test_sigterm_finishes_writes_closes_the_database_and_exits_0(
    loopback: LoopbackDiscord, tmp_path: Path
) -> None:
    loopback.add_guild("Product People")
    config = tmp_path / "config.yaml"
    db_path = tmp_path / "pmpo.sqlite3"
    config.write_text(
        f"database:\n  path: {db_path}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
        f"discord:\n  api_base_url: {loopback.api_base_url}\n  gateway_url: {loopback.gateway_url}\n"
    )
    process = await asyncio.create_subprocess_exec(
        *bot_process(config, loopback.token),
        env=process_env(loopback.token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        # A first start embeds the knowledge base's 1,500 example questions (15-30 s of CPU on a busy machine).
        await loopback.world.wait_for(lambda: loopback.identify_count or None, 60, "the bot to connect")
        assert loopback.identify_count == 1
        await asyncio.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:  # a failed wait must not leave the bot running after the test
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    wal_left = await asyncio.to_thread(os.path.exists, f"{db_path}-wal")
    assert not wal_left, "the database was not closed (WAL not checkpointed)"
    assert loopback.token not in stderr.decode()


def test_corrupt_knowledge_at_start_refuses_with_locations(tmp_path: Path) -> None:
    import subprocess

    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    theory = knowledge / "entries" / "theory.yaml"
    theory.write_text(theory.read_text().replace("entries:", "entries: [oops", 1))
    (knowledge / "compare.yaml").write_text("kind: comparison\ntitle: T\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  path: {tmp_path / 'db.sqlite3'}\nknowledge:\n  path: {knowledge}\n")
    done = subprocess.run(
        bot_process(config, "token"), env=process_env("not-a-real-token"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert re.search(r"theory\.yaml:\d+:\d+: YAML syntax error", done.stderr), done.stderr
    assert re.search(r"compare\.yaml:1:1: missing required key 'rows'", done.stderr), done.stderr
    assert not (tmp_path / "db.sqlite3").exists()


async def test_sync_command_uploads_to_one_guild(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    config = tmp_path / "config.yaml"
    give_shipped_vectors(tmp_path / "db.sqlite3")
    config.write_text(
        f"database:\n  path: {tmp_path / 'db.sqlite3'}\nknowledge:\n  path: {SHIPPED_KNOWLEDGE}\n"
        f"discord:\n  api_base_url: {loopback.api_base_url}\n  gateway_url: {loopback.gateway_url}\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "runner",
        "--config",
        str(config),
        "sync",
        "--guild",
        str(guild.id),
        env=process_env(loopback.token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert re.search(rf"Synced \d+ command\(s\) to server {guild.id}", stdout.decode())
    names = {c["name"] for c in loopback.synced_commands(guild)}
    assert {"about", "privacy", "moderators"} <= names
    assert loopback.identify_count == 0  # syncing needs no gateway connection


async def test_member_commands_have_a_cooldown_with_a_specific_message(
    loopback: LoopbackDiscord, tmp_path: Path
) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path):
        for _ in range(3):
            shown = await (await loopback.slash(alice, "compare", channel=general)).response()
            assert shown.message is not None and shown.message.embeds
        refused = await (await loopback.slash(alice, "compare", channel=general)).response()
        assert refused.message is not None and refused.message.ephemeral
        assert re.match(r"Slow down a little: you can use this again in \d+ s\.", refused.message.content or "")
        other = await (await loopback.slash(bob, "compare", channel=general)).response()
        assert other.message is not None and other.message.embeds  # the cooldown is per member


MODERATOR_COMMANDS: list[tuple[str, dict[str, str]]] = [
    ("kb reload", {}),
    ("kb gaps", {}),
    ("drills status", {}),
    ("drills pause", {}),
    ("drills post-now", {}),
]


@pytest.mark.parametrize(("command", "options"), MODERATOR_COMMANDS)
async def test_moderator_commands_are_refused_server_side_even_when_shown_to_everyone(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, command: str, options: dict[str, str]
) -> None:
    alice = loopback.add_member(guild, "alice")
    helpers = loopback.add_role(guild, "helpers", 0)
    helper = loopback.add_member(guild, "helper", roles=[helpers])
    async with BotHarness(loopback, tmp_path) as harness:
        # A server admin can show a hidden command to everyone in Integrations settings.
        loopback.world.global_commands[(command.split()[0], 1)]["default_member_permissions"] = None
        refused = await (await loopback.slash(alice, command, options, channel=general)).response()
        assert refused.message is not None and refused.message.ephemeral
        assert (refused.message.content or "").startswith("This command is for moderators")

        await harness.bot.services.feature(ModerationService).set_moderator_role_ids(guild.id, [helpers.id])
        allowed = await (await loopback.slash(helper, command, options, channel=general)).response()
        assert allowed.message is None or not (allowed.message.content or "").startswith("This command is for")


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("quiz start", {"theme": "x" * 2100}, "There is no quiz theme 'xxx"),
        ("drill", {"theme": "y" * 2100}, "There's no drill theme 'yyy"),
        ("topic", {"name": "z" * 2100}, "I have no topic called 'zzz"),
    ],
)
async def test_absurdly_long_options_get_a_short_clear_answer(
    loopback: LoopbackDiscord,
    tmp_path: Path,
    guild: Guild,
    general: Channel,
    command: str,
    options: dict,
    expected: str,
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path):
        handle = await loopback.slash(alice, command, options, channel=general)
        reply = await handle.original_message()
        assert reply.ephemeral
        assert (reply.content or "").startswith(expected)
        assert len(reply.content or "") < 400


async def test_everyone_cannot_be_made_a_moderator_role(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    admin = loopback.add_member(guild, "admin", permissions=0x20)  # Manage Server
    async with BotHarness(loopback, tmp_path) as harness:
        handle = await loopback.slash(admin, ("moderators", "add"), {"role": guild.everyone}, channel=general)
        refused = await handle.response()
        assert refused.message is not None and refused.message.ephemeral
        assert (refused.message.content or "").startswith("@everyone can't be a moderator role")
        assert await harness.bot.services.feature(ModerationService).moderator_role_ids(guild.id) == set()
