"""``pmpo-bot`` as ``bench.load`` starts it: from any source tree, without some optional packages, under
cProfile. Run as a script (``python bench/_bot.py --config FILE run``), so the source tree on
``PYTHONPATH`` (another checkout, for a before/after comparison) provides the bot.

* ``PMPO_BENCH_HIDE=uvloop,orjson``: those packages cannot be imported, as if they were not installed.
* ``PMPO_BENCH_PROFILE=FILE``: cProfile switched on by SIGUSR1 and written to FILE by SIGUSR2, so only that
  window is profiled (not start-up); its clock is the main thread's CPU time, so the figures are the event
  loop's own work, without the database threads or waiting.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
import time
from types import FrameType

PROFILE_ENV = "PMPO_BENCH_PROFILE"
HIDE_ENV = "PMPO_BENCH_HIDE"


def hide_packages() -> None:
    """Make the packages :data:`HIDE_ENV` names unimportable in this process, as if they were not installed.

    The one way a benchmark hides optional packages from the bot it runs (``bench.load``'s ``DIR:package``,
    ``bench.startup``'s words-alone floor): the parent sets the variable, the child calls this before it
    loads the bot.
    """
    for name in filter(None, os.environ.get(HIDE_ENV, "").split(",")):
        sys.modules[name] = None  # type: ignore[assignment]  # how Python spells "cannot be imported"


def main() -> None:
    hide_packages()
    if PROFILE_ENV in os.environ:
        profile = cProfile.Profile(time.thread_time)

        def start(_signum: int, _frame: FrameType | None) -> None:
            profile.enable()

        def stop(_signum: int, _frame: FrameType | None) -> None:
            profile.disable()
            profile.dump_stats(os.environ[PROFILE_ENV])

        signal.signal(signal.SIGUSR1, start)
        signal.signal(signal.SIGUSR2, stop)
    from runner.cli import main as pmpo_bot  # after hiding: the bot must not see what is hidden

    sys.exit(pmpo_bot(sys.argv[1:]))


if __name__ == "__main__":
    main()
