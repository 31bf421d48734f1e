"""``pmpo-bot`` under cProfile, switched on by SIGUSR1 and written out by SIGUSR2 (``bench.load --profile``).

Only the window between the two signals is profiled (not start-up), and the clock is the main thread's CPU
time, so the figures are the event loop's own work: the database threads and waiting are left out.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
import time
from types import FrameType

from runner.cli import main as pmpo_bot

PROFILE_ENV = "PMPO_BENCH_PROFILE"


def main() -> None:
    profile = cProfile.Profile(time.thread_time)

    def start(_signum: int, _frame: FrameType | None) -> None:
        profile.enable()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        profile.disable()
        profile.dump_stats(os.environ[PROFILE_ENV])

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    sys.exit(pmpo_bot(sys.argv[1:]))


if __name__ == "__main__":
    main()
