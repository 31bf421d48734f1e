"""Starting and stopping ``pmpo-bot run`` as an operator sees it (issue #13, point 1).

The bot runs as its own process against the loopback Discord; the tests read its standard error and
exit status, as systemd or a terminal would.
"""

from __future__ import annotations

import re
import signal
import socket
from pathlib import Path

import pytest

from tests.loopback import LoopbackDiscord
from tests.runner_support import BotProcess, write_config

REJECTED = "Discord rejected the bot token (401 Unauthorized)"
RETRYING = r"Can't reach Discord at .* try (\d+) failed, trying again in [\d.]+ s"


def assert_one_line_each(stderr: str) -> None:
    """Every line is a log line or the command's own message: no traceback, no voice warnings."""
    assert "Traceback" not in stderr and "never retrieved" not in stderr, stderr
    assert "PyNaCl" not in stderr and "davey" not in stderr, stderr
    assert all(line and not line[0].isspace() for line in stderr.splitlines()), stderr


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
    bot = BotProcess(write_config(tmp_path, loopback.api_base_url, loopback.gateway_url), token)
    await bot.start()
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
    bot = BotProcess(write_config(tmp_path, f"http://127.0.0.1:{closed_port()}/api/v10"), "any-token")
    await bot.start()
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
