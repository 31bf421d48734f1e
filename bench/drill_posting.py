"""1,000 servers due in the same minute: ``python -m bench.drill_posting [--servers N] [--threads]``.

The real bot runs against the loopback Discord with Discord's global rate limit switched on (50 requests
per second), with a fake clock moved to the posting minute. One poster pass must post every server's drill
exactly once; a second pass and a restart must post nothing more. Prints the time taken next to the
floor the global limit sets (N posts / 50 per second; a thread per drill doubles the requests).
Nothing is asserted in CI: this is a measurement, run by hand or with ``python -m bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

from bot.drills.service import DrillService, SetupRequest
from bot.services import Services
from cogs.drills import Drills
from tests.helpers import FakeClock
from tests.loopback import LoopbackDiscord
from tests.loopback.harness import BotHarness

GLOBAL_LIMIT = 50  # requests per second, Discord's global limit for a bot
BEFORE = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
POSTING = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)  # 09:30 in Berlin


def cog_of(harness: BotHarness) -> Drills:
    return cast(Drills, harness.bot.get_cog("Drills"))


async def run(servers: int, threads: bool) -> dict[str, Any]:
    clock = FakeClock(BEFORE)
    original = Services.open

    async def open_with_clock(cls: type[Services], config: Any, clock_: Any = None) -> Services:
        return await original(config, clock=clock)

    Services.open = classmethod(open_with_clock)  # type: ignore[assignment,method-assign]
    server = LoopbackDiscord(global_rate_limit=GLOBAL_LIMIT, validate_spec=False)
    await server.start()
    try:
        channels = {}
        for i in range(servers):
            guild = server.add_guild(f"Server {i}")
            channels[guild.id] = server.add_text_channel(guild, "drills")
        with tempfile.TemporaryDirectory() as folder:
            harness = BotHarness(server, Path(folder), startup_timeout=120, drills={"poll_seconds": 3600})
            async with harness:
                cog = cog_of(harness)
                await asyncio.wait_for(cog.started.wait(), 60)
                service = harness.bot.services.feature(DrillService)
                for guild_id, channel in channels.items():
                    await service.setup(SetupRequest(guild_id, channel.id, "09:30", "Europe/Berlin", threads=threads))
                clock.now = POSTING
                limited_before = len(server.rate_limited)
                started = time.perf_counter()
                report = await cog.poster.tick()
                elapsed = time.perf_counter() - started
                limited = len(server.rate_limited) - limited_before
                again = await cog.poster.tick()
                clock.advance(seconds=30)
                await harness.restart()
                await asyncio.wait_for(cog_of(harness).started.wait(), 60)
                after_restart = await cog_of(harness).poster.tick()
                per_channel = Counter(
                    m.channel_id
                    for m in server.world.messages.values()
                    if m.channel_id in {c.id for c in channels.values()}
                )
    finally:
        Services.open = original  # type: ignore[method-assign]
        await server.close()
    requests = servers * (2 if threads else 1)
    return {
        "servers": servers,
        "threads": threads,
        "posted": len(report.posted),
        "exactly_once": len(per_channel) == servers and set(per_channel.values()) == {1},
        "second_pass_posted": len(again.posted),
        "after_restart_posted": len(after_restart.posted),
        "seconds": elapsed,
        "floor_seconds": requests / GLOBAL_LIMIT,
        "posts_per_second": len(report.posted) / elapsed,
        "global_429s": limited,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--threads", action="store_true", help="also open a thread on every drill (2 requests each)")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.servers, args.threads))
    columns = ("servers", "threads", "posted", "exactly once", "2nd pass / after restart", "time", "floor at 50 req/s")
    print("| " + " | ".join((*columns, "posts/s", "global 429s")) + " |")
    print("|---" * (len(columns) + 2) + "|")
    cells = (
        result["servers"],
        "on" if result["threads"] else "off",
        result["posted"],
        "yes" if result["exactly_once"] else "NO",
        f"{result['second_pass_posted']} / {result['after_restart_posted']}",
        f"{result['seconds']:.1f} s",
        f"{result['floor_seconds']:.1f} s",
        f"{result['posts_per_second']:.1f}",
        result["global_429s"],
    )
    print("| " + " | ".join(str(c) for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
