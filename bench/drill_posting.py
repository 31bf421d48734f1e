"""1,000 servers due in the same minute: ``python -m bench.drill_posting [--servers N] [--threads]``.

The real bot runs against the loopback Discord with Discord's global rate limit switched on (50 requests
per second), with a fake clock moved to the posting minute. One poster pass must post every server's drill
exactly once; a second pass and a restart must post nothing more. Prints the time taken next to the
floor the global limit sets (N posts / 50 per second; a thread per drill doubles the requests).

``--processes``: the fan-out by real ``pmpo-bot run`` processes (real clock, drills due a minute ago) over
4 shards: one process running all of them, then two running 0-1 and 2-3 against one PostgreSQL, then two
with the first killed (SIGKILL) a third of the way through its servers and restarted. Every server must
get exactly one drill. PostgreSQL comes from ``PMPO_TEST_DATABASE_URL`` (``scripts/with-postgres python -m
bench.drill_posting --processes`` starts one); without it only the SQLite row is measured.
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
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, cast

from bot.config import load_config
from bot.drills.service import DrillService, SetupRequest
from bot.services import Services
from bot.storage import open_database
from cogs.drills import Drills
from tests.bot_process import BotProcess, drills_in, due_now, until
from tests.helpers import FakeClock
from tests.loopback import LoopbackDiscord
from tests.loopback.harness import BotHarness
from tests.postgres import SKIP_REASON, fresh_schema, server_url

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


SHARDS = 4


async def run_processes(servers: int, backend: str, ranges: tuple[str, ...], kill: bool) -> dict[str, Any]:
    """Real bot processes, one per shard range, posting ``servers`` drills due a minute ago."""
    server = LoopbackDiscord(global_rate_limit=GLOBAL_LIMIT, validate_spec=False, max_concurrency=16)
    await server.start()
    try:
        channels = [
            server.add_text_channel(server.add_guild(f"Server {i}", shard=(i % SHARDS, SHARDS)), "drills")
            for i in range(servers)
        ]
        with tempfile.TemporaryDirectory() as folder:
            async with AsyncExitStack() as stack:
                url = await stack.enter_async_context(fresh_schema()) if backend == "postgres" else None
                config = {"database": {"path": str(Path(folder) / "pmpo.sqlite3"), **({"url": url} if url else {})}}
                db = await open_database(load_config(None, overrides=config))
                try:
                    await due_now(db, channels)
                finally:
                    await db.close()
                sqlite = Path(folder) / "pmpo.sqlite3"
                processes = [
                    BotProcess.on_loopback(server, Path(folder) / f"p{n}", database_url=url, sqlite_path=sqlite,
                                           shards=shards, shard_count=SHARDS, config="drills:\n  poll_seconds: 1\n")
                    for n, shards in enumerate(ranges)
                ]  # fmt: skip
                limited_before = len(server.rate_limited)
                await asyncio.gather(*(p.start(within=120) for p in processes))
                await until(server, lambda: any(drills_in(server, c) for c in channels), "the first drill", 120)
                first_post = time.perf_counter()
                if kill:
                    victims = [c for c in channels if c.guild_id is not None and processes[0].serves(c.guild_id)]
                    third = len(victims) // 3
                    await until(server, lambda: sum(drills_in(server, c) for c in victims) >= third, "a third", 120)
                    await processes[0].kill()
                    await processes[0].start(within=120)
                await until(server, lambda: all(drills_in(server, c) for c in channels), "every drill", 600)
                elapsed = time.perf_counter() - first_post
                await asyncio.sleep(3)  # more poster passes: nothing may be posted again
                counts = Counter(drills_in(server, c) for c in channels)
                resent = sum("Re-sending unconfirmed" in line for p in processes for line in p.lines)
                await asyncio.gather(*(p.stop() for p in processes))
    finally:
        await server.close()
    return {
        "servers": servers,
        "backend": backend,
        "processes": " + ".join(ranges),
        "kill": kill,
        "exactly_once": counts == Counter({1: servers}),
        "seconds": elapsed,
        "floor_seconds": servers / GLOBAL_LIMIT,
        "global_429s": len(server.rate_limited) - limited_before,
        "resent": resent,
    }


def print_processes(servers: int) -> None:
    runs: list[tuple[str, tuple[str, ...], bool]] = [("sqlite", ("0-3",), False)]
    if server_url() is not None:
        runs += [("postgres", ("0-3",), False), ("postgres", ("0-1", "2-3"), False), ("postgres", ("0-1", "2-3"), True)]
    else:
        print(f"(PostgreSQL rows skipped: {SKIP_REASON})")
    print("| Backend | Processes (shards of 4) | Killed mid-posting | Exactly once | First to last drill "
          "| Floor at 50 req/s | Global 429s | Claims re-sent after the kill |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for backend, ranges, kill in runs:
        r = asyncio.run(run_processes(servers, backend, ranges, kill))
        print(f"| {r['backend']} | {r['processes']} | {'yes (SIGKILL, restarted)' if r['kill'] else 'no'} "
              f"| {'yes' if r['exactly_once'] else 'NO'} | {r['seconds']:.1f} s | {r['floor_seconds']:.1f} s "
              f"| {r['global_429s']} | {r['resent'] if r['kill'] else '—'} |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--threads", action="store_true", help="also open a thread on every drill (2 requests each)")
    parser.add_argument("--processes", action="store_true", help="real processes: 1 vs 2, SQLite vs PostgreSQL")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    logging.basicConfig(level=logging.WARNING)
    if args.processes:
        print_processes(args.servers)
        return 0
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
