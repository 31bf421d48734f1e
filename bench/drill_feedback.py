"""How the drill feedback engine judges answers it was not tuned on, next to a person's rating.

``bench/drill_answers.yaml`` holds hand-written practice answers, each rated strong / mixed / weak by a
person. This prints the engine's verdict for each, exact agreement, agreement within one step, and a
confusion matrix, so the README can quote honest numbers. Run: ``python -m bench.drill_feedback``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.drills.content import DrillBank
from bot.drills.feedback import assess
from bot.knowledge.loader import require_knowledge

RATINGS = ("weak", "mixed", "strong")
HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", default=str(HERE.parent / "knowledge"))
    parser.add_argument("--answers", default=str(HERE / "drill_answers.yaml"))
    parser.add_argument("--verbose", action="store_true", help="show signals and patterns for every answer")
    args = parser.parse_args(argv)

    bank = require_knowledge(args.knowledge).part(DrillBank)
    answers = yaml.safe_load(Path(args.answers).read_text(encoding="utf-8"))["answers"]
    confusion: Counter[tuple[str, str]] = Counter()
    print(f"{'drill':<28} {'human':<7} {'engine':<7} signals  patterns")
    for item in answers:
        drill = bank.drills[item["drill"]]
        feedback = assess(drill, item["answer"])
        human, engine = item["rating"], feedback.rating
        confusion[(human, engine)] += 1
        mark = " " if human == engine else "x"
        shown = f"{len(feedback.signals_found)}/{len(drill.signals)}"
        patterns = ",".join(p.id for p in feedback.weak_patterns) or "-"
        print(f"{mark} {drill.id:<26} {human:<7} {engine:<7} {shown:<8} {patterns}")
        if args.verbose:
            for found in feedback.signals_found:
                print(f"      + {found.id}: {found.detail}")
    total = sum(confusion.values())
    exact = sum(n for (h, e), n in confusion.items() if h == e)
    near = sum(n for (h, e), n in confusion.items() if abs(RATINGS.index(h) - RATINGS.index(e)) <= 1)
    print()
    print(f"answers: {total}  exact agreement: {exact}/{total} ({exact / total:.0%})  within one step: {near}/{total}")
    print("confusion (rows: human, columns: engine)")
    print("         " + "".join(f"{r:>8}" for r in RATINGS))
    for human in RATINGS:
        print(f"{human:>8} " + "".join(f"{confusion[(human, engine)]:>8}" for engine in RATINGS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
