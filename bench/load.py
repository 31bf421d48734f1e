"""Load and cost: ``python -m bench.load``. Prints markdown tables; nothing is asserted.

The bot runs as its own process (``pmpo-bot run``) against the loopback Discord in this process, as in
production, so its memory can be read on its own. Latency is *bot-side*: from the moment loopback
sends the interaction event on the gateway to the moment the bot's callback arrives over HTTP, both
read on loopback's clock.

* 200 members send ``/ask`` at the same instant (a burst: the last waits for the 199 before it in one
  process), then 200 members asking 3 questions each with random think times, at 50 and at 200
  questions per second overall. Target: p99 < 25 ms.
* 500 members each run a quiz in DMs at the same time, clicking answer / Next through 5 questions:
  once all starting in the same instant and clicking as fast as the bot answers (a closed loop: 500
  clicks always queued), once starting within 10 s of each other with 4–8 s of reading time between
  clicks, as people take. Target: no errors, p99 < 50 ms.
* For each phase, how busy the bot and this process were: both share the machine's cores, so where
  the harness is near 100 % the latencies are upper bounds for the bot.
* Memory (resident set size) idle with 1 server and with 1,000 servers; time from process start to
  the gateway READY being handled ("Ready" logged) for both.
* The bot-side cost of one ``/ask`` (``--ask``, also part of the full run): in each of ``--runs`` fresh bot
  processes, after a warm-up burst, ``--bursts`` bursts of 200 ``/ask`` sent in the same instant, with the
  120 questions of ``tests/eval/ask_eval.yaml`` (answered, refused and off-topic, as members ask): the
  latency of each (target p99 ≤ 150 ms) and the bot's CPU time (every thread) divided by the 200 (target
  ≤ 1.5 ms); then 200 ``/ask`` one after another, each sent when the previous answer arrived, where no
  work is shared between two of them (the cost of a lone question). ``--profile FILE`` also runs the
  first bot under cProfile during its bursts (main thread CPU time; ``bench/_bot.py``) and prints where
  that time went. ``--compare before=/tmp/before now=. now-without-uvloop=.:uvloop`` measures several bots
  side by side instead: source trees (e.g. a ``git worktree`` of an older commit), optional packages hidden.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import yaml

from bench._bot import HIDE_ENV, PROFILE_ENV
from tests.loopback import LoopbackDiscord
from tests.loopback.state import Channel, Member

REPO = Path(__file__).resolve().parent.parent
ASK_QUESTIONS = (
    "does a product owner own the roadmap",
    "how much more does a PM earn than a PO",
    "is the PSPO certification worth it",
    "what is the build trap",
    "what should I ask before accepting a PO job",
    "is PO a good first step for a career changer",
)
EVAL_FILE = REPO / "tests" / "eval" / "ask_eval.yaml"
#: How many ``/ask`` arrive in the same instant in a burst.
BURST = 200


class CpuShare:
    """How busy the bot and this process (loopback plus the simulated members) were during a phase.

    Both share the machine's cores, so a phase where the harness is near 100 % measures the harness as
    much as the bot: its latencies are upper bounds for the bot.
    """

    def __init__(self, bot: BotProcess) -> None:
        self.bot = bot
        self.own = psutil.Process()

    def __enter__(self) -> CpuShare:
        self.start = (time.perf_counter(), self.bot.cpu_seconds(), self._own())
        return self

    def __exit__(self, *_: object) -> None:
        wall = time.perf_counter() - self.start[0]
        self.bot_pct = (self.bot.cpu_seconds() - self.start[1]) / wall * 100
        self.harness_pct = (self._own() - self.start[2]) / wall * 100

    def _own(self) -> float:
        times = self.own.cpu_times()
        return float(times.user + times.system)

    def note(self) -> str:
        return f"CPU: bot {self.bot_pct:.0f} %, harness {self.harness_pct:.0f} %"


@dataclass(frozen=True)
class Latency:
    count: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def summarise(samples: Sequence[float], errors: int) -> Latency:
    ordered = sorted(samples) or [float("nan")]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Latency(len(samples), errors, statistics.median(ordered) * 1e3, p99 * 1e3, ordered[-1] * 1e3)


class BotProcess:
    """``pmpo-bot run`` in a child process, configured to talk to the loopback server."""

    def __init__(
        self, server: LoopbackDiscord, folder: Path, *, profile: Path | None = None, variant: Variant | None = None
    ) -> None:
        self.server = server
        self.profile = profile
        self.variant = variant or Variant("now", REPO)
        self.config = folder / "config.yaml"
        self.config.write_text(
            f"database:\n  path: {folder / 'pmpo.sqlite3'}\nknowledge:\n  path: {REPO / 'knowledge'}\n"
            f"discord:\n  api_base_url: {server.api_base_url}\n  gateway_url: {server.gateway_url}\n"
            "ask:\n  cooldown_seconds: 0.01\nlogging:\n  level: INFO\n"
        )
        self.process: asyncio.subprocess.Process | None = None
        self._drainer: asyncio.Task[None] | None = None
        self.startup_s = float("nan")

    async def start(self) -> None:
        env = {**os.environ, "DISCORD_TOKEN": self.server.token, "PYTHONPATH": str(self.variant.source)}
        env[HIDE_ENV] = ",".join(self.variant.hide)
        if self.profile is not None:
            env[PROFILE_ENV] = str(self.profile)
        started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, str(REPO / "bench" / "_bot.py"), "--config", str(self.config), "run",
            env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert self.process.stderr is not None
        while line := await asyncio.wait_for(self.process.stderr.readline(), 120):
            if b"Ready:" in line:
                self.startup_s = time.perf_counter() - started
                break
        self._drainer = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while await self.process.stderr.readline():
            pass

    def cpu_seconds(self) -> float:
        """CPU time of every thread of the bot, from Linux's nanosecond counters where they exist: psutil's
        are 10 ms ticks, 5–7 % of the CPU a burst of 200 ``/ask`` costs."""
        scheduled = self.scheduler_seconds()
        if scheduled is not None:
            return scheduled[0]
        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def scheduler_seconds(self) -> tuple[float, float] | None:
        """(on a core, ready but waiting for a core) over every thread of the bot, from Linux's
        ``schedstat``; None where the kernel does not keep it. The wait is how much other processes on the
        machine held the bot back."""
        assert self.process is not None
        totals = [0, 0]
        try:
            for thread in Path(f"/proc/{self.process.pid}/task").iterdir():
                running, waiting = (thread / "schedstat").read_text().split()[:2]
                totals[0] += int(running)
                totals[1] += int(waiting)
        except (OSError, ValueError):
            return None
        return totals[0] / 1e9, totals[1] / 1e9

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def rss_mib(self) -> float:
        assert self.process is not None
        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), 30)


async def ask_burst(
    server: LoopbackDiscord, members: list[Member], channel: Channel, questions: Sequence[str] = ASK_QUESTIONS
) -> Latency:
    async def one(member: Member, question: str) -> float:
        handle = await server.slash(member, "ask", {"question": question}, channel=channel, timeout=30)
        await handle.response(timeout=30)
        return handle.record.responded_at - handle.record.dispatched_at  # type: ignore[operator]

    results = await asyncio.gather(
        *(one(m, questions[i % len(questions)]) for i, m in enumerate(members)), return_exceptions=True
    )
    samples = [r for r in results if isinstance(r, float)]
    return summarise(samples, len(results) - len(samples))


async def ask_steady(
    server: LoopbackDiscord, members: list[Member], channel: Channel, per_member: int, rate: float
) -> Latency:
    """Each member asks ``per_member`` questions with exponential think times: ``rate`` questions/s overall."""
    rng = random.Random(7)
    samples: list[float] = []
    errors = 0

    async def member_loop(member: Member) -> None:
        nonlocal errors
        for i in range(per_member):
            await asyncio.sleep(rng.expovariate(rate / len(members)))
            try:
                handle = await server.slash(
                    member, "ask", {"question": ASK_QUESTIONS[i % 6]}, channel=channel, timeout=30
                )
                await handle.response(timeout=30)
                samples.append(handle.record.responded_at - handle.record.dispatched_at)  # type: ignore[operator]
            except Exception:
                errors += 1

    await asyncio.gather(*(member_loop(m) for m in members))
    return summarise(samples, errors)


async def quiz_sessions(
    server: LoopbackDiscord,
    members: list[Member],
    channel: Channel,
    questions: int,
    think: tuple[float, float],
    start_within: float = 0.0,
) -> Latency:
    """Every member plays a quiz at the same time, starting within ``start_within`` seconds of each other;
    between clicks each waits a random ``think`` time (seconds)."""
    rng = random.Random(11)
    samples: list[float] = []
    errors = 0

    async def play(member: Member) -> None:
        nonlocal errors
        try:
            await asyncio.sleep(rng.uniform(0, start_within))
            start = await server.slash(member, ("quiz", "start"), {"length": 5}, channel=channel, timeout=60)
            await start.response(timeout=60)
            message = await server.wait_for_message(member, lambda m: any(":a:" in c for c in m.custom_ids), timeout=60)
            for _ in range(questions):
                await asyncio.sleep(rng.uniform(*think))
                answer = next(c for c in message.custom_ids if ":a:" in c)
                click = await server.click(member, message, answer, timeout=60)
                result = await click.response(timeout=60)
                samples.append(click.record.responded_at - click.record.dispatched_at)  # type: ignore[operator]
                assert result.message is not None
                following = [c for c in result.message.custom_ids if c.endswith(":n")]
                if not following:
                    break
                await asyncio.sleep(rng.uniform(*think))
                click = await server.click(member, result.message, following[0], timeout=60)
                shown = await click.response(timeout=60)
                samples.append(click.record.responded_at - click.record.dispatched_at)  # type: ignore[operator]
                assert shown.message is not None
                message = shown.message
        except Exception:
            errors += 1

    await asyncio.gather(*(play(m) for m in members))
    return summarise(samples, errors)


async def run() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        async with LoopbackDiscord(heartbeat_interval=30, validate_spec=False) as server:
            guild = server.add_guild("Load")
            channel = server.add_text_channel(guild, "general")
            members = [server.add_member(guild, f"member{i}") for i in range(500)]
            bot = BotProcess(server, Path(folder))
            await bot.start()
            await asyncio.sleep(2)
            rows.append(("Startup to ready, 1 server", f"{bot.startup_s:.2f} s", "—"))
            rows.append(("Memory idle, 1 server (RSS)", f"{bot.rss_mib():.0f} MiB", "—"))
            await ask_burst(server, members[:20], channel)  # warm-up: imports, first index build, caches
            with CpuShare(bot) as cpu:
                burst = await ask_burst(server, members[:200], channel)
            rows.append(("`/ask`, 200 members at once: p50 / p99", f"{burst.p50_ms:.1f} / {burst.p99_ms:.1f} ms",
                         f"{burst.errors} errors of {burst.count + burst.errors}; {cpu.note()}"))  # fmt: skip
            for rate in (50, 200):
                with CpuShare(bot) as cpu:
                    steady = await ask_steady(server, members[:200], channel, 3, rate)
                rows.append((f"`/ask`, 200 members, {rate} questions/s overall: p50 / p99",
                             f"{steady.p50_ms:.1f} / {steady.p99_ms:.1f} ms",
                             f"{steady.errors} errors; {cpu.note()}"))  # fmt: skip
            for think, start_within, label in (
                ((0.0, 0.0), 0.0, "all starting at once, clicking as fast as possible"),
                ((4.0, 8.0), 10.0, "starting within 10 s, 4–8 s between clicks"),
            ):
                with CpuShare(bot) as cpu:
                    quiz = await quiz_sessions(server, members, channel, 5, think, start_within)
                rows.append((f"Quiz, 500 concurrent sessions, {label}: p50 / p99",
                             f"{quiz.p50_ms:.1f} / {quiz.p99_ms:.1f} ms",
                             f"{quiz.count} clicks, {quiz.errors} sessions with errors; {cpu.note()}"))  # fmt: skip
            rows.append(("Memory after the load (RSS)", f"{bot.rss_mib():.0f} MiB", "—"))
            await bot.stop()
    with tempfile.TemporaryDirectory() as folder:
        async with LoopbackDiscord(heartbeat_interval=30, validate_spec=False) as server:
            for i in range(1000):
                server.add_text_channel(server.add_guild(f"Server {i}"), "general")
            bot = BotProcess(server, Path(folder))
            await bot.start()
            await asyncio.sleep(2)
            rows.append(("Startup to ready, 1,000 servers", f"{bot.startup_s:.2f} s", "—"))
            rows.append(("Memory idle, 1,000 servers (RSS)", f"{bot.rss_mib():.0f} MiB", "—"))
            await bot.stop()
    return rows


def eval_questions() -> list[str]:
    """Every question of the older evaluation set: answered ones, ones to refuse and off-topic ones."""
    data = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    return [item if isinstance(item, str) else item["q"] for group in data.values() for item in group]


@dataclass(frozen=True)
class AskCost:
    """:data:`BURST` ``/ask``, all at once or one after another: their latency and the bot's CPU per ``/ask``."""

    in_turn: bool
    latency: Latency
    cpu_ms: float
    #: How long the bot's threads were ready to run but waited for a core (other processes had them).
    waited_ms: float
    cpu: CpuShare


async def ask_in_turn(
    server: LoopbackDiscord, members: list[Member], channel: Channel, questions: Sequence[str]
) -> Latency:
    """Each member asks once the previous answer has arrived: nothing is shared between two ``/ask``."""
    samples: list[float] = []
    for i, member in enumerate(members):
        handle = await server.slash(member, "ask", {"question": questions[i % len(questions)]}, channel=channel)
        await handle.response(timeout=30)
        samples.append(handle.record.responded_at - handle.record.dispatched_at)  # type: ignore[operator]
    return summarise(samples, 0)


async def measure(bot: BotProcess, in_turn: bool, asking: Coroutine[Any, Any, Latency]) -> AskCost:
    await asyncio.sleep(0.5)  # let the previous asks' last writes settle
    with CpuShare(bot) as cpu:
        before, waited_before = bot.cpu_seconds(), bot.scheduler_seconds()
        latency = await asking
        spent, waited_after = bot.cpu_seconds() - before, bot.scheduler_seconds()
    waited = waited_after[1] - waited_before[1] if waited_before and waited_after else float("nan")
    return AskCost(in_turn, latency, spent / BURST * 1e3, waited * 1e3, cpu)


@dataclass(frozen=True)
class Variant:
    """A bot to measure: the source tree it runs from and the optional packages hidden from it."""

    name: str
    source: Path
    hide: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Variant:
        """``NAME=DIR`` or ``NAME=DIR:package,package`` (those packages hidden)."""
        name, _, rest = text.partition("=")
        source, _, hide = rest.partition(":")
        return cls(name, Path(source or ".").resolve(), tuple(filter(None, hide.split(","))))


async def ask_cost(
    runs: int, bursts: int, profile: Path | None = None, variant: Variant | None = None
) -> list[AskCost]:
    """``bursts`` measured bursts in each of ``runs`` fresh bot processes (see the module's docstring)."""
    questions = eval_questions()
    costs: list[AskCost] = []
    for run_index in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            async with LoopbackDiscord(heartbeat_interval=30, validate_spec=False) as server:
                guild = server.add_guild("Load")
                channel = server.add_text_channel(guild, "general")
                members = [server.add_member(guild, f"member{i}") for i in range(BURST)]
                profiled = profile if profile is not None and run_index == 0 else None
                bot = BotProcess(server, Path(folder), profile=profiled, variant=variant)
                await bot.start()
                await asyncio.sleep(1)
                await ask_burst(server, members, channel, questions)  # warm-up: first answers, typo caches
                if profiled is not None:
                    bot.signal(signal.SIGUSR1)
                for _ in range(bursts):
                    costs.append(await measure(bot, False, ask_burst(server, members, channel, questions)))
                if profiled is None:
                    costs.append(await measure(bot, True, ask_in_turn(server, members, channel, questions)))
                if profiled is not None:
                    bot.signal(signal.SIGUSR2)
                    await asyncio.sleep(1)
                await bot.stop()
    return costs


def spread(values: Sequence[float], digits: int = 1) -> str:
    """A range over runs, e.g. ``0.9–1.2``."""
    low, high = min(values), max(values)
    return f"{low:.{digits}f}" if f"{low:.{digits}f}" == f"{high:.{digits}f}" else f"{low:.{digits}f}–{high:.{digits}f}"


#: Where a profiled function's own time is counted: the first prefix of its file's path that matches.
AREAS = (
    ("bot/ask/", "search (bot/ask)"),
    ("cogs/", "cog (cogs/)"),
    ("bot/", "core (bot/, database calls)"),
    ("runner/", "runner/"),
    ("site-packages/discord/", "discord.py"),
    ("site-packages/aiohttp/", "aiohttp"),
    ("site-packages/aiosqlite/", "aiosqlite"),
    ("site-packages/yarl/", "aiohttp"),
    ("site-packages/multidict/", "aiohttp"),
    ("/asyncio/", "event loop (asyncio)"),
    ("/json/", "json"),
)


def profile_areas(path: Path) -> list[tuple[str, float]]:
    """The profile's own (not cumulative) time per area, largest first."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    totals: dict[str, float] = {}
    for (filename, _line, _function), (_calls, _primitive, own, _cumulative, _callers) in stats.items():
        area = next((name for prefix, name in AREAS if prefix in filename), None)
        if area is None:
            area = "C calls in the loop (sockets, epoll, queues)" if filename == "~" else "other Python"
        totals[area] = totals.get(area, 0.0) + own
    return sorted(totals.items(), key=lambda item: -item[1])


def print_ask_cost(costs: Sequence[AskCost], runs: int, profile: Path | None) -> None:
    bursts = [c for c in costs if not c.in_turn]
    in_turn = [c for c in costs if c.in_turn]
    print(f"| Bot-side cost of one `/ask` ({runs} bot processes, {len(bursts)} bursts of {BURST}) | Range | Target |")
    print("|---|---|---|")
    p50, p99 = spread([c.latency.p50_ms for c in bursts]), spread([c.latency.p99_ms for c in bursts])
    print(f"| {BURST} `/ask` in the same instant: p50 / p99 | {p50} / {p99} ms | p99 ≤ 150 ms |")
    print(f"| Bot CPU per `/ask` in a burst (process CPU / {BURST}) | {spread([c.cpu_ms for c in bursts], 2)} ms "
          "| ≤ 1.5 ms |")  # fmt: skip
    bot, harness = spread([c.cpu.bot_pct for c in bursts], 0), spread([c.cpu.harness_pct for c in bursts], 0)
    print(f"| CPU used during a burst (of one core) | bot {bot} %, harness {harness} % | |")
    waited = spread([c.waited_ms for c in bursts], 0)
    print(f"| Time the bot was ready to run but waited for a core, per burst | {waited} ms | |")
    if in_turn:
        p50, p99 = spread([c.latency.p50_ms for c in in_turn], 2), spread([c.latency.p99_ms for c in in_turn], 2)
        print(f"| {BURST} `/ask` one after another: p50 / p99 | {p50} / {p99} ms | |")
        print(f"| Bot CPU per `/ask` one after another | {spread([c.cpu_ms for c in in_turn], 2)} ms | ≤ 1.5 ms |")
    print(f"| Errors | {sum(c.latency.errors for c in costs)} | 0 |")
    if profile is not None:
        areas = profile_areas(profile)
        total = sum(seconds for _, seconds in areas)
        print()
        print(f"| Where the event loop's CPU went (cProfile, first process, {total * 1e3:.0f} ms) | Share |")
        print("|---|---|")
        for name, seconds in areas:
            print(f"| {name} | {seconds / total * 100:.0f} % |")


async def compare(variants: Sequence[Variant], rounds: int, bursts: int) -> dict[str, list[AskCost]]:
    """Each variant in a fresh bot process in turn, ``rounds`` times over, so the machine's slower and faster
    moments fall on all of them alike."""
    costs: dict[str, list[AskCost]] = {v.name: [] for v in variants}
    for _ in range(rounds):
        for variant in variants:
            costs[variant.name] += await ask_cost(1, bursts, variant=variant)
    return costs


def print_comparison(costs: dict[str, list[AskCost]], bursts: int) -> None:
    """Medians, since the ranges of variants overlap from machine noise; a run's first burst is left out
    (the slowest in every variant: its first full garbage collection)."""
    print("| Variant | Bot CPU per `/ask`, burst: median (range) | One after another: median (range) | Burst p99 |")
    print("|---|---|---|---|")
    for name, measured in costs.items():
        later = [c for i, c in enumerate(c for c in measured if not c.in_turn) if i % bursts]
        alone = [c.cpu_ms for c in measured if c.in_turn]
        burst = f"{statistics.median(c.cpu_ms for c in later):.2f} ({spread([c.cpu_ms for c in later], 2)}) ms"
        turn = f"{statistics.median(alone):.2f} ({spread(alone, 2)}) ms"
        p99 = f"{statistics.median(c.latency.p99_ms for c in later):.0f} ms"
        print(f"| {name} | {burst} | {turn} | {p99} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--ask", action="store_true", help="only the bot-side cost of one /ask")
    parser.add_argument("--runs", type=int, default=3, help="fresh bot processes for --ask (default 3)")
    parser.add_argument("--bursts", type=int, default=3, help="measured bursts in each (default 3)")
    parser.add_argument("--profile", type=Path, metavar="FILE", help="cProfile the first process's bursts into FILE")
    parser.add_argument(
        "--compare",
        nargs="+",
        type=Variant.parse,
        metavar="NAME=DIR[:PKG,...]",
        help="the bot-side cost of /ask for each of these bots, interleaved (--runs rounds): a source tree "
        "(e.g. a `git worktree` of an older commit), with the optional packages after ':' hidden",
    )
    args = parser.parse_args(argv if argv is not None else [])
    if args.compare:
        print_comparison(asyncio.run(compare(args.compare, args.runs, args.bursts)), args.bursts)
        return
    if not args.ask:
        rows = asyncio.run(run())
        print("| Load (bot in its own process, loopback Discord) | Result | Notes |")
        print("|---|---|---|")
        for name, value, note in rows:
            print(f"| {name} | {value} | {note} |")
        print()
    costs = asyncio.run(ask_cost(args.runs, args.bursts, args.profile))
    print_ask_cost(costs, args.runs, args.profile)


if __name__ == "__main__":
    main(sys.argv[1:])
