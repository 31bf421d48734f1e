"""How the drill feedback engine agrees with a person's rating of practice answers.

Four labelled sets, each rated by a person by ``bench/practice_rubric.md`` before the engine judged it:

* ``bench/practice_answers_more.yaml`` (120 answers, written blind to the engine and its cue lists):
  ``tune`` (80) is what the engine may be tuned on; ``check`` (40) is looked at only in aggregate, to see
  whether a change made on tune generalises;
* ``bench/practice_answers_fresh.yaml`` (102 answers, written for round 3 before the engine ran on them):
  ``fresh-tune`` (51) may be studied answer by answer; ``fresh-check`` (51) is looked at only in aggregate,
  like check;
* ``bench/practice_answers.yaml`` (108 answers), split in half: ``dev`` was tuned on in the round before
  (to saturation, so it no longer measures generalisation); ``test`` is never looked at answer by answer
  and is the figure reported for issue #17;
* ``bench/drill_answers.yaml``, the first 25 answers ("old"), kept as the earliest benchmark.

For each set it prints exact agreement, agreement within one step, the confusion table (person ×
engine), the two errors that must not happen (strong rated weak, weak rated strong), how the answers a
person rated "mixed" come out, and how the engine's signals match the ones the person marked present.

Run: ``python -m bench.drill_feedback`` (aggregates of every set but test), ``--test`` to add the test
half's aggregates (look once per engine version, never while tuning), ``--misses`` to list the check,
fresh-check and test disagreements by id only (for the final report). ``--show tune`` (or ``fresh-tune``,
``dev``, ``old``) lists each answer of that set with the person's and the engine's signals, for tuning.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.drills.content import DrillBank
from bot.drills.feedback import Feedback, assess
from bot.knowledge.loader import require_knowledge

RATINGS = ("weak", "mixed", "strong")
HERE = Path(__file__).resolve().parent
PRACTICE = HERE / "practice_answers.yaml"
MORE = HERE / "practice_answers_more.yaml"
FRESH = HERE / "practice_answers_fresh.yaml"
OLD = HERE / "drill_answers.yaml"
#: Every set in the order reported; the test half only with ``--test``.
SETS = ("tune", "check", "fresh-tune", "fresh-check", "dev", "old", "test")
#: Sets whose answers may be listed one by one: never the validation sets nor test (the reported figure).
SHOWABLE = ("tune", "fresh-tune", "dev", "old")
#: Sets whose disagreements ``--misses`` lists, by id only.
MISSES = ("check", "fresh-check", "test")


@dataclass
class Tally:
    """What one set of answers adds up to; signal counts only where the person marked signals."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    signals_both: int = 0
    signals_person_only: int = 0
    signals_engine_only: int = 0

    def add(self, person: str, feedback: Feedback, person_signals: list[str] | None) -> None:
        self.confusion[(person, feedback.rating)] += 1
        if person_signals is not None:
            engine = {f.id for f in feedback.signals_found}
            self.signals_both += len(engine & set(person_signals))
            self.signals_person_only += len(set(person_signals) - engine)
            self.signals_engine_only += len(engine - set(person_signals))

    def report(self, name: str) -> list[str]:
        c = self.confusion
        total = sum(c.values())
        exact = sum(n for (p, e), n in c.items() if p == e)
        near = sum(n for (p, e), n in c.items() if abs(RATINGS.index(p) - RATINGS.index(e)) <= 1)
        mixed = [c[("mixed", e)] for e in RATINGS]
        lines = [
            f"== {name}: {total} answers",
            f"exact agreement: {exact}/{total} ({exact / total:.0%})  within one step: {near}/{total}",
            f"strong rated weak: {c[('strong', 'weak')]}  weak rated strong: {c[('weak', 'strong')]}",
            f"person 'mixed' ({sum(mixed)}) rated by the engine: "
            + ", ".join(f"{r} {n}" for r, n in zip(RATINGS, mixed, strict=True)),
            "confusion (rows: person, columns: engine)",
            "         " + "".join(f"{r:>8}" for r in RATINGS),
            *(f"{p:>8} " + "".join(f"{c[(p, e)]:>8}" for e in RATINGS) for p in RATINGS),
        ]
        marked = self.signals_both + self.signals_person_only
        if marked:
            claimed = self.signals_both + self.signals_engine_only
            lines.append(
                f"signals: person marked {marked}, engine found {self.signals_both} of them "
                f"({self.signals_both / marked:.0%}); engine found {self.signals_engine_only} the person did not "
                f"(precision {self.signals_both / claimed:.0%})"
                if claimed
                else f"signals: person marked {marked}, engine found none"
            )
        return lines


def load(name: str) -> list[dict[str, Any]]:
    """The answers of one set: ``tune``/``check`` from the second set, ``fresh-*`` from the third, ``dev``/``test``
    from the first, or ``old``."""
    if name == "old":
        return list(yaml.safe_load(OLD.read_text(encoding="utf-8"))["answers"])
    source = MORE if name in ("tune", "check") else FRESH if name.startswith("fresh-") else PRACTICE
    answers = yaml.safe_load(source.read_text(encoding="utf-8"))["answers"]
    return [a for a in answers if a["split"] == name]


def show(bank: DrillBank, answers: list[dict[str, Any]]) -> None:
    """Every answer with both ratings and where the signals differ (``-`` person only, ``+`` engine only)."""
    for item in answers:
        drill = bank.drills[item["drill"]]
        feedback = assess(drill, item["answer"])
        mark = " " if item["rating"] == feedback.rating else "x"
        person = set(item.get("signals", ()))
        engine = {f.id: f.detail for f in feedback.signals_found}
        print(
            f"{mark} {item.get('id', '-'):<5} {drill.id:<26} {item.get('style', '-'):<20} "
            f"person {item['rating']:<6} engine {feedback.rating:<6} "
            f"{len(engine)}/{len(drill.signals)} {','.join(p.id for p in feedback.weak_patterns) or '-'}"
        )
        for signal in drill.signals:
            if signal.id in engine and "signals" in item and signal.id not in person:
                print(f"      + {signal.id}: {engine[signal.id]}")
            elif signal.id in engine:
                print(f"        {signal.id}: {engine[signal.id]}")
            elif signal.id in person:
                print(f"      - {signal.id}")
        if "why" in item:
            print(f"        person: {item['why']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", default=str(HERE.parent / "knowledge"))
    parser.add_argument("--show", choices=SHOWABLE, help="list every answer of this set (never check or test)")
    parser.add_argument("--test", action="store_true", help="add the test half's aggregates (not while tuning)")
    parser.add_argument("--misses", action="store_true", help="list check (and with --test, test) misses by id")
    args = parser.parse_args(argv)

    bank = require_knowledge(args.knowledge).part(DrillBank)
    if args.show:
        show(bank, load(args.show))
        return 0
    misses: dict[str, list[str]] = {name: [] for name in MISSES}
    for name in SETS if args.test else tuple(s for s in SETS if s != "test"):
        tally = Tally()
        for item in load(name):
            feedback = assess(bank.drills[item["drill"]], item["answer"])
            tally.add(item["rating"], feedback, item.get("signals"))
            if name in misses and feedback.rating != item["rating"]:
                misses[name].append(f"{item['id']:<6} {item['drill']:<26} {item['rating']:<6} {feedback.rating}")
        print("\n".join(tally.report(name)))
        print()
    if args.misses:
        for name in MISSES if args.test else MISSES[:-1]:
            print(f"{name} disagreements (id, drill, person, engine):")
            print("\n".join(misses[name]) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
