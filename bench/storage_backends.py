"""SQLite vs PostgreSQL, side by side in one run: ``scripts/with-postgres .venv/bin/python -m bench.storage_backends``.

The write-heavy paths with 500 members at the same time, once per backend, the bot in its own process
(``pmpo-bot run``) against the loopback Discord, latency read on loopback's clock (event sent → the bot's
answer arrived):

* quiz clicks: 500 members start a quiz in the same instant and click answer / Next through 5 questions
  as fast as the answers come (a closed loop: every click writes an answer or moves the session on), and
  500 members starting within 10 s with 4–8 s of reading between clicks, as people take;
* drill practice: 500 members send a practice answer through the form in the same instant (each writes
  the answer and its feedback; ``/drill`` before it writes the member's cooldown);
* the drill ledger itself, without Discord: 1,000 servers' posts claimed and marked posted by 500
  concurrent tasks, the poster's writes (``DrillStore.claim`` / ``mark_posted``), in this process.

PostgreSQL comes from ``PMPO_TEST_DATABASE_URL`` (the command above starts a throwaway server, on the same
machine; see docs/benchmarks.md for its settings); without it only SQLite is measured. Nothing is asserted: this
is a measurement.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

from bench.load import Latency, quiz_sessions, summarise
from bot.config import load_config
from bot.drills.store import DrillStore
from bot.storage import open_database
from tests.bot_process import BotProcess
from tests.helpers import labels
from tests.loopback import LoopbackDiscord
from tests.loopback.state import Channel, Member
from tests.postgres import SKIP_REASON, fresh_schema, server_url

MEMBERS = 500
SERVERS = 1000
PRACTICE = (
    "I owned the roadmap for our onboarding flow and decided to cut two features after interviews with "
    "twelve customers showed activation, not features, was the problem; activation rose from 31 % to 44 %."
)


async def practice(server: LoopbackDiscord, members: list[Member], channel: Channel) -> Latency:
    """Every member opens ``/drill``, clicks Practise, and all submit their answer in the same instant."""
    opened = []
    for member in members:  # opening the forms is set-up, not measured
        message = (await (await server.slash(member, "drill", {}, channel=channel, timeout=60)).response(60)).message
        assert message is not None
        handle = await server.click(member, message, labels(message)["Practise"], timeout=60)
        await handle.response(timeout=60)
        opened.append((member, handle))
    samples: list[float] = []
    errors = 0

    async def submit(member: Member, handle: object) -> None:
        nonlocal errors
        try:
            sent = await server.submit_modal(member, handle, {"answer": PRACTICE}, timeout=60)  # type: ignore[arg-type]
            await sent.response(timeout=60)
            samples.append(sent.record.responded_at - sent.record.dispatched_at)  # type: ignore[operator]
        except Exception:
            errors += 1

    await asyncio.gather(*(submit(m, h) for m, h in opened))
    return summarise(samples, errors)


async def bot_paths(url: str | None) -> tuple[Latency, Latency, Latency]:
    with tempfile.TemporaryDirectory() as folder:
        async with LoopbackDiscord(heartbeat_interval=30, validate_spec=False) as server:
            guild = server.add_guild("Load")
            channel = server.add_text_channel(guild, "general")
            members = [server.add_member(guild, f"member{i}") for i in range(MEMBERS)]
            warm_up = [server.add_member(guild, f"warm-up{i}") for i in range(20)]
            paced = [server.add_member(guild, f"reader{i}") for i in range(MEMBERS)]
            bot = BotProcess.on_loopback(
                server, Path(folder), database_url=url, config="ask:\n  cooldown_seconds: 0.01\n"
            )
            await bot.start(within=120)
            try:
                await quiz_sessions(server, warm_up, channel, 5, (0.0, 0.0))
                quiz = await quiz_sessions(server, members, channel, 5, (0.0, 0.0))
                reading = await quiz_sessions(server, paced, channel, 5, (4.0, 8.0), start_within=10.0)
                drills = await practice(server, members, channel)
            finally:
                await bot.stop()
    return quiz, reading, drills


async def ledger(url: str | None) -> float:
    """Seconds for 1,000 claims and 1,000 marks by 500 concurrent tasks."""
    with tempfile.TemporaryDirectory() as folder:
        overrides = {"database": {"path": str(Path(folder) / "x.sqlite3"), **({"url": url} if url else {})}}
        db = await open_database(load_config(None, overrides=overrides))
        try:
            store = DrillStore(db)
            now = dt.datetime.now(dt.UTC)
            limiter = asyncio.Semaphore(MEMBERS)
            ids = [f"drill-{n}" for n in range(30)]

            async def post(guild_id: int) -> None:
                async with limiter:
                    claimed = await store.claim(
                        guild_id=guild_id, local_date=now.date(), scheduled_for=now, channel_id=guild_id,
                        bank_ids=ids, now=now,
                    )  # fmt: skip
                    assert claimed is not None
                    await asyncio.sleep(random.uniform(0, 0.01))  # the send, meanwhile
                    await store.mark_posted(claimed.id, message_id=guild_id, thread_id=None, now=now)

            started = time.perf_counter()
            await asyncio.gather(*(post(1 + n) for n in range(SERVERS)))
            return time.perf_counter() - started
        finally:
            await db.close()


async def run() -> dict[str, tuple[Latency, Latency, Latency, float]]:
    results = {}
    async with AsyncExitStack() as stack:
        backends: list[tuple[str, str | None]] = [("SQLite", None)]
        if server_url() is not None:
            backends.append(("PostgreSQL", await stack.enter_async_context(fresh_schema())))
        for name, url in backends:
            quiz, reading, drills = await bot_paths(url)
            results[name] = (quiz, reading, drills, await ledger(url))  # servers 1…1,000: none of the bot run's
    return results


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(run())
    if len(results) == 1:
        print(f"(PostgreSQL skipped: {SKIP_REASON})")
    names = list(results)
    print("| Path (500 members at once) | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    rows = [
        ("Quiz clicks, all at once, as fast as answers come: p50 / p99 (clicks; sessions with errors)", 0),
        ("Quiz clicks, starting within 10 s, 4–8 s between clicks: p50 / p99 (clicks; sessions with errors)", 1),
        ("Drill practice answers, all sent at once: p50 / p99 (answers; errors)", 2),
    ]
    for label, index in rows:
        cells = []
        for name in names:
            lat = results[name][index]
            assert isinstance(lat, Latency)
            cells.append(f"{lat.p50_ms:.1f} / {lat.p99_ms:.1f} ms ({lat.count}, {lat.errors})")
        print(f"| {label} | " + " | ".join(cells) + " |")
    ledger_cells = [f"{results[n][3]:.2f} s ({2 * SERVERS / results[n][3]:.0f} writes/s)" for n in names]
    print("| Drill ledger: 1,000 claims + 1,000 marks, 500 tasks | " + " | ".join(ledger_cells) + " |")


if __name__ == "__main__":
    main()
