"""Starting and stopping ``pmpo-bot run`` as an operator sees it (issue #13, points 1 and 9).

The bot runs as its own process against the loopback Discord; the tests read its standard error and
exit status, as systemd or a terminal would.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
from pathlib import Path
from types import SimpleNamespace

import discord
import pytest

from bot.ask.service import AskService
from runner import lifecycle
from tests.bot_process import BotProcess, write_config
from tests.loopback import Channel, LoopbackDiscord, Member
from tests.loopback.harness import BotHarness

REJECTED = "Discord rejected the bot token (401 Unauthorized)"
RETRYING = r"Can't reach Discord at .* try (\d+) failed, trying again in [\d.]+ s"
#: The /ask cooldown cut to 0.01 s, as these tests have always run the bot.
QUICK_ASK = "ask:\n  cooldown_seconds: 0.01\n"


def assert_one_line_each(stderr: str) -> None:
    """Every line is a log line or the command's own message: no traceback, no voice warnings."""
    assert "Traceback" not in stderr and "never retrieved" not in stderr, stderr
    assert "PyNaCl" not in stderr and "davey" not in stderr, stderr
    assert all(line and not line[0].isspace() for line in stderr.splitlines()), stderr


@pytest.mark.parametrize(("code", "rejected"), [(4004, True), (4014, False), (1006, False)])
def test_only_an_authentication_failure_closes_as_a_rejected_token(code: int, rejected: bool) -> None:
    closed = discord.ConnectionClosed(SimpleNamespace(close_code=code), shard_id=0)  # type: ignore[arg-type]
    assert lifecycle.rejected(closed) is rejected


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once, as with no route to Discord."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("where", ["login", "gateway"])
async def test_a_rejected_token_is_one_line_and_exit_2(loopback: LoopbackDiscord, tmp_path: Path, where: str) -> None:
    token = "bogus" if where == "login" else loopback.token
    if where == "gateway":
        loopback.reject_token("GET", r"^/gateway/bot$")  # reset between logging in and connecting
    bot = BotProcess(write_config(tmp_path, loopback.api_base_url, loopback.gateway_url, sections=QUICK_ASK), token)
    await bot.launch()
    try:
        status = await bot.exit_status()
    finally:
        await bot.kill()
    assert status == 2, bot.stderr
    assert_one_line_each(bot.stderr)
    told = bot.lines[-1]
    assert told.startswith(f"pmpo-bot: {REJECTED}") and "Developer Portal" in told and "Bot → Reset Token" in told
    assert not [line for line in bot.lines if re.search(r"WARNING|ERROR|Discord rejected", line)][:-1], bot.stderr
    assert loopback.identify_count == 0


async def test_discord_unreachable_at_start_is_retried_one_line_per_try(tmp_path: Path) -> None:
    bot = BotProcess(
        write_config(tmp_path, f"http://127.0.0.1:{closed_port()}/api/v10", sections=QUICK_ASK), "any-token"
    )
    await bot.launch()
    try:
        tries = await bot.wait_for_lines(RETRYING, count=3)
        assert [int(re.search(RETRYING, line).group(1)) for line in tries] == [1, 2, 3]  # type: ignore[union-attr]
        assert all("Connect call failed" in line or "Cannot connect" in line for line in tries), tries
        bot.send_signal(signal.SIGTERM)
        status = await bot.exit_status(timeout=5)
    finally:
        await bot.kill()
    assert status == 0, bot.stderr
    assert_one_line_each(bot.stderr)
    tried = [line for line in bot.lines if "Can't reach Discord" in line or "logging in" in line]
    assert len(tried) == len([line for line in bot.lines if re.search(RETRYING, line)]), bot.stderr  # one per try


STOP_ROUNDS = 10
QUESTIONS = ("who owns the roadmap?", "is a PO a PM?", "PSPO worth it?", "boil an egg", "PO salary 2026")


async def stop_mid_burst(loopback: LoopbackDiscord, config: Path, general: Channel, members: list[Member]) -> None:
    """Start the bot, send 50 /ask at once, SIGTERM it as the first answer arrives; it must exit 0 quietly."""
    bot = BotProcess(config, loopback.token)
    identified = loopback.identify_count
    await bot.launch()
    try:
        await loopback.world.wait_for(lambda: loopback.identify_count > identified or None, 30, "the bot to connect")
        sent = await asyncio.gather(
            *(loopback.slash(m, "ask", {"question": QUESTIONS[i % 5]}, channel=general) for i, m in enumerate(members))
        )
        await loopback.world.wait_for(lambda: any(h.record.response_type for h in sent) or None, 10, "a first answer")
        bot.send_signal(signal.SIGTERM)
        status = await bot.exit_status(timeout=10)
    finally:
        await bot.kill()
    assert status == 0, f"exit status {status}\n{bot.stderr}"
    assert_one_line_each(bot.stderr)
    assert "Session is closed" not in bot.stderr and "reference" not in bot.stderr, bot.stderr
    answered = [h.record for h in sent if h.record.response_type is not None]
    assert all("Something went wrong" not in str(r.response_data) for r in answered)
    assert not await asyncio.to_thread((config.parent / "pmpo.sqlite3-wal").exists), "the database was not closed"


async def test_sigterm_mid_burst_exits_0_quietly_every_time(loopback: LoopbackDiscord, tmp_path: Path) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    members = [loopback.add_member(guild, f"member{i}") for i in range(50)]
    config = write_config(tmp_path, loopback.api_base_url, loopback.gateway_url, sections=QUICK_ASK)
    for _ in range(STOP_ROUNDS):
        await stop_mid_burst(loopback, config, general, members)


async def test_interactions_still_running_after_the_grace_are_given_up_quietly(
    loopback: LoopbackDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    guild = loopback.add_guild("Product People")
    general = loopback.add_text_channel(guild, "general")
    alice = loopback.add_member(guild, "alice")
    monkeypatch.setattr(lifecycle, "SHUTDOWN_GRACE", 0.2)
    asking = asyncio.Event()

    async def stuck(*args: object, **kwargs: object) -> None:
        asking.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(AskService, "ask", stuck)
    async with BotHarness(loopback, tmp_path) as harness:
        handle = await loopback.slash(alice, "ask", {"question": "who owns the roadmap?"}, channel=general)
        await asyncio.wait_for(asking.wait(), 5)
        connection = asyncio.create_task(asyncio.sleep(3600))  # stands in for serve()'s connection task
        with caplog.at_level(logging.INFO):
            await lifecycle.shut_down(harness.bot, connection)
        assert harness.bot.is_closed() and connection.cancelled()
        assert "Gave up on 1 interaction(s) still running" in caplog.text
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
        assert handle.record.response_type is None  # no answer rather than an error
