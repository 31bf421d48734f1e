"""How the posting reader reads the labelled ads of ``bench/job_posts.yaml``, per split.

The rules in ``knowledge/check-posting.yaml`` were tuned on the ``dev`` half only; the ``test`` half is
the honest figure. Prints, per split: accuracy on each of the three questions and each context field,
the verdict class (the verdict id for product ads, the job type for the others), whether non-product
ads are told apart, and the time to read one ad. Run: ``python -m bench.posting_reader``; add
``--misses dev`` to list every field read differently from its label (per ad: only for the split you
are allowed to look at).
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
SPLITS = ("dev", "test")
#: Each ad is read this many times for the timing, to smooth out the noise of one run.
REPEATS = 20


@dataclass(frozen=True)
class Outcome:
    ad: dict[str, Any]
    reading: Reading
    verdict_class: str
    seconds: list[float]

    @property
    def expected_class(self) -> str:
        expect = self.ad["expect"]
        return str(expect["verdict"] if expect["role_type"] == PRODUCT else expect["role_type"])

    def misses(self) -> list[tuple[str, str, str]]:
        """(field, expected, read) for every field read differently from its label."""
        expect = self.ad["expect"]
        found = []
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
        seconds = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            reading = read(rules, ad["text"])
            seconds.append(time.perf_counter() - started)
        judged = judge(content, rules, reading)
        verdict_class = judged.verdict_id if judged.verdict_id is not None else reading.role_type
        outcomes.append(Outcome(ad, reading, verdict_class, seconds))
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
    per_ad = sorted(statistics.median(o.seconds) * 1000 for o in outcomes)
    every = sorted(s * 1000 for o in outcomes for s in o.seconds)
    table.append(("read one ad, p50", f"{statistics.median(per_ad):.1f} ms"))
    table.append(("read one ad, p99", f"{every[min(len(every) - 1, int(len(every) * 0.99))]:.1f} ms"))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", default=str(HERE.parent / "knowledge"))
    parser.add_argument("--ads", default=str(HERE / "job_posts.yaml"))
    parser.add_argument("--only", choices=SPLITS, help="measure one split (tune with --only dev)")
    parser.add_argument("--misses", choices=SPLITS, help="list the fields read differently from the labels")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])

    knowledge = require_knowledge(args.knowledge)
    content, rules = knowledge.part(CheckContent), knowledge.part(PostingRules)
    ads = yaml.safe_load(Path(args.ads).read_text(encoding="utf-8"))["ads"]
    splits = (args.only,) if args.only else SPLITS
    if args.misses and args.misses not in splits:
        parser.error("--misses must name a split being measured")
    by_split = {split: run(content, rules, [ad for ad in ads if ad["split"] == split]) for split in splits}
    tables = {split: rows(outcomes) for split, outcomes in by_split.items()}
    print(f"posting reader on {args.ads} (rules tuned on dev only)")
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
