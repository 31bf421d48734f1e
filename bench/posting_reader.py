"""How the posting reader reads the labelled ads, per split.

Five sets: ``bench/job_posts.yaml`` (``dev`` and ``test`` halves), ``bench/job_posts_more.yaml``, written
later without seeing the rules (``tune`` and ``check``), ``bench/job_posts_fresh.yaml``, written blind
to the third round of rules and split in round 4 into ``fresh-tune`` and ``fresh-held``,
``bench/job_posts_blind.yaml`` (``blind``), written blind to the fifth round, and
``bench/job_posts_blind2.yaml`` (``blind2``), written blind as well and first measured after round 5. The
rules in ``knowledge/check-posting.yaml`` may be tuned on ``dev``, ``tune``, ``check``, ``fresh-tune`` and
(from round 5) ``test``; ``fresh-held`` shows, in aggregate, whether a change generalises, and ``blind``
and ``blind2`` are the honest figures. Prints, per split: accuracy on each of the three questions and each
context field, the verdict class (the verdict id for product ads, the job type for the others), whether
non-product ads are told apart, and the time to read one ad. A split whose file is missing is left out.
Run: ``python -m bench.posting_reader`` (``--only dev tune check fresh-tune test fresh-held`` while
tuning); ``--misses fresh-tune`` lists every field read differently from its label. Per-ad results on
``fresh-held``, ``blind`` and ``blind2`` invite tuning on them, so listing them takes ``--held-out`` as
well: once, after the rules are frozen.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.check.content import CheckContent
from bot.check.posting.reader import Reading, read
from bot.check.posting.rules import CONTEXT_KEYS, PRODUCT, QUESTIONS, PostingRules
from bot.check.posting.verdict import judge
from bot.knowledge.loader import require_knowledge

HERE = Path(__file__).resolve().parent
#: Each split and the file holding it, in the order the table shows them.
SPLITS = {
    "dev": "job_posts.yaml",
    "tune": "job_posts_more.yaml",
    "check": "job_posts_more.yaml",
    "fresh-tune": "job_posts_fresh.yaml",
    "fresh-held": "job_posts_fresh.yaml",
    "test": "job_posts.yaml",
    "blind": "job_posts_blind.yaml",
    "blind2": "job_posts_blind2.yaml",
}
#: Splits whose misses may be listed ad by ad: the ones tuned on (fresh-held and blind only with --held-out).
INSPECTABLE = ("dev", "tune", "check", "fresh-tune", "test")
#: Each ad is read this many times for the timing, to smooth out the noise of one run.
REPEATS = 20


@dataclass(frozen=True)
class Outcome:
    ad: dict[str, Any]
    reading: Reading
    verdict_class: str
    #: Wall-clock seconds per read, and the CPU seconds of the same reads (steady on a busy machine).
    seconds: list[float]
    cpu: list[float]

    @property
    def expected_class(self) -> str:
        expect = self.ad["expect"]
        return str(expect["verdict"] if expect["role_type"] == PRODUCT else expect["role_type"])

    def misses(self) -> list[tuple[str, str, str]]:
        """(field, expected, read) for every field read differently from its label."""
        expect = self.ad["expect"]
        found: list[tuple[str, str, str]] = []
        for question in QUESTIONS:
            if self.reading.answers[question] != expect["answers"][question]:
                found.append((question, expect["answers"][question], self.reading.answers[question]))
        for key in CONTEXT_KEYS:
            expected, got = expect["context"].get(key, "-"), self.reading.context.get(key, "-")
            if expected != got:
                found.append((key, expected, got))
        if self.verdict_class != self.expected_class:
            found.append(("verdict", self.expected_class, self.verdict_class))
        return found


def run(content: CheckContent, rules: PostingRules, ads: Sequence[dict[str, Any]]) -> list[Outcome]:
    outcomes = []
    for ad in ads:
        seconds, cpu = [], []
        for _ in range(REPEATS):
            started, started_cpu = time.perf_counter(), time.thread_time()
            reading = read(rules, ad["text"])
            seconds.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
        judged = judge(content, rules, reading)
        verdict_class = judged.verdict_id if judged.verdict_id is not None else reading.role_type
        outcomes.append(Outcome(ad, reading, verdict_class, seconds, cpu))
    return outcomes


def share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({hits / total:.0%})" if total else "-"


def rows(outcomes: Sequence[Outcome]) -> list[tuple[str, str]]:
    """(measure, figure) for one split."""
    table = []
    for question in QUESTIONS:
        right = sum(o.reading.answers[question] == o.ad["expect"]["answers"][question] for o in outcomes)
        table.append((question, share(right, len(outcomes))))
    questions_right = sum(o.reading.answers[q] == o.ad["expect"]["answers"][q] for o in outcomes for q in QUESTIONS)
    table.append(("three questions, per field", share(questions_right, len(outcomes) * len(QUESTIONS))))
    context_right = 0
    for key in CONTEXT_KEYS:
        right = sum(o.reading.context.get(key) == o.ad["expect"]["context"].get(key) for o in outcomes)
        context_right += right
        table.append((key, share(right, len(outcomes))))
    table.append(("context, per field", share(context_right, len(outcomes) * len(CONTEXT_KEYS))))
    verdicts = sum(o.verdict_class == o.expected_class for o in outcomes)
    table.append(("verdict class", share(verdicts, len(outcomes))))
    told_apart = sum((o.reading.role_type == PRODUCT) == (o.ad["expect"]["role_type"] == PRODUCT) for o in outcomes)
    non_product = [o for o in outcomes if o.ad["expect"]["role_type"] != PRODUCT]
    table.append(("product vs not a product role", share(told_apart, len(outcomes))))
    table.append(
        (
            "non-product job type named",
            share(sum(o.reading.role_type == o.ad["expect"]["role_type"] for o in non_product), len(non_product)),
        )
    )
    for label, times in (("", [o.seconds for o in outcomes]), (" (CPU)", [o.cpu for o in outcomes])):
        per_ad = sorted(statistics.median(t) * 1000 for t in times)
        every = sorted(s * 1000 for t in times for s in t)
        table.append((f"read one ad, p50{label}", f"{statistics.median(per_ad):.1f} ms"))
        table.append((f"read one ad, p99{label}", f"{every[min(len(every) - 1, int(len(every) * 0.99))]:.1f} ms"))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", default=str(HERE.parent / "knowledge"))
    parser.add_argument("--bench", default=str(HERE), help="the folder holding the labelled ads")
    parser.add_argument("--only", nargs="+", choices=SPLITS, help="measure these splits (tune with dev tune check)")
    parser.add_argument("--misses", choices=SPLITS, help="list the fields read differently from the labels")
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="allow --misses on fresh-held, blind or blind2 (once, after the rules are frozen)",
    )
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])

    knowledge = require_knowledge(args.knowledge)
    content, rules = knowledge.part(CheckContent), knowledge.part(PostingRules)
    splits = tuple(
        split
        for split in SPLITS
        if (not args.only or split in args.only) and (Path(args.bench) / SPLITS[split]).is_file()
    )
    if args.misses and args.misses not in splits:
        parser.error("--misses must name a split being measured")
    if args.misses and args.misses not in INSPECTABLE and not args.held_out:
        parser.error(f"--misses {args.misses} lists held-out ads: add --held-out, once the rules are frozen")
    files: dict[str, list[dict[str, Any]]] = {}
    for name in dict.fromkeys(SPLITS[split] for split in splits):
        files[name] = yaml.safe_load((Path(args.bench) / name).read_text(encoding="utf-8"))["ads"]
    by_split = {
        split: run(content, rules, [ad for ad in files[SPLITS[split]] if ad["split"] == split]) for split in splits
    }
    tables = {split: rows(outcomes) for split, outcomes in by_split.items()}
    print(
        "posting reader, tuned on dev, tune, check, fresh-tune and test; fresh-held shows whether that holds,"
        " blind and blind2 are the honest figures"
    )
    print()
    print("| measure | " + " | ".join(f"{split} ({len(by_split[split])} ads)" for split in splits) + " |")
    print("|---|" + "---|" * len(splits))
    for index, (measure, _) in enumerate(tables[splits[0]]):
        print(f"| {measure} | " + " | ".join(tables[split][index][1] for split in splits) + " |")
    if args.misses:
        print()
        print(f"misses on {args.misses}: ad, field, label -> read")
        for outcome in by_split[args.misses]:
            for field, expected, got in outcome.misses():
                print(f"  {outcome.ad['id']:<44} {field:<10} {expected} -> {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
