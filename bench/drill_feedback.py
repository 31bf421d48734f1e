"""How the drill feedback engine agrees with a person's rating of practice answers.

Seven labelled sets, each rated by a person by ``bench/practice_rubric.md`` before the engine judged it:

* ``bench/practice_answers_more.yaml`` (120 answers, written blind to the engine and its cue lists):
  ``tune`` (80) is what the engine may be tuned on; ``check`` (40) is looked at only in aggregate, to see
  whether a change made on tune generalises;
* ``bench/practice_answers_fresh.yaml`` (102 answers, written for round 3 before the engine ran on them):
  ``fresh-tune`` (51) may be studied answer by answer; ``fresh-check`` (51) is looked at only in aggregate,
  like check (in round 6 its seven misses were read, with a scratch script, so it is no clean check any more);
* ``bench/practice_answers.yaml`` (108 answers), split in half: ``dev`` was tuned on in the round before
  (to saturation, so it no longer measures generalisation); ``test`` is never looked at answer by answer
  and is the figure reported for issue #17;
* ``bench/drill_answers.yaml``, the first 25 answers ("old"), kept as the earliest benchmark;
* ``bench/practice_answers_blind.yaml`` (split ``blind``), written by someone who never saw the engine,
  measured once in aggregate at the end of round 4; spent since, so it may be listed answer by answer;
* ``bench/practice_answers_blind2.yaml`` (split ``blind2``), a second blind set, measured once in aggregate
  at the end of round 5; blind2 spent after round 5, so it may be listed answer by answer too;
* ``bench/practice_answers_blind3.yaml`` (split ``blind3``, 88 answers), a third blind set, written while round
  6 was being tuned: held out. Only ``--held-out`` measures it, in aggregate, once per round after the round's
  last change; it is never listed. A blind file is skipped while it does not exist.

For each set it prints exact agreement, agreement within one step, the confusion table (person ×
engine), the two errors that must not happen (strong rated weak, weak rated strong), how the answers a
person rated "mixed" come out, and how the engine's signals match the ones the person marked present.

Run: ``python -m bench.drill_feedback`` (aggregates of every set but test and the blind ones), ``--test`` to
add the test half, ``--blind`` the two spent blind sets, ``--held-out`` the held-out one, ``--misses`` to list the check
(with ``--test`` also test, with ``--blind`` also blind and blind2) disagreements by id only. ``--show tune``
(or ``check``, ``fresh-tune``, ``dev``, ``test``, ``old``, ``blind``, ``blind2``) lists each answer of that set
with the person's and the engine's signals, for tuning; fresh-check is never listed: it says whether a
change generalises. The test half was the reported figure for three rounds
and has been read since round 4, so it is a tuning set now.

``--baseline REF`` also runs the engine of git commit ``REF`` (its ``bot/`` and ``knowledge/``, exported to a
temporary directory and run in a child process on the same answers) and prints both side by side:
``--baseline 7371c01`` is the engine before round 4, ``--baseline f569299`` the one before round 6.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.drills.content import DrillBank
from bot.drills.feedback import assess
from bot.knowledge.loader import require_knowledge

RATINGS = ("weak", "mixed", "strong")
HERE = Path(__file__).resolve().parent
PRACTICE = HERE / "practice_answers.yaml"
MORE = HERE / "practice_answers_more.yaml"
FRESH = HERE / "practice_answers_fresh.yaml"
OLD = HERE / "drill_answers.yaml"
#: The blind files by split: the first spent after round 4, the second after round 5 (both listable now); the
#: third held out.
BLIND_FILES = {
    "blind": HERE / "practice_answers_blind.yaml",
    "blind2": HERE / "practice_answers_blind2.yaml",
    "blind3": HERE / "practice_answers_blind3.yaml",
}
#: The held-out set: measured only with ``--held-out``, never listed nor its misses shown.
HELD_OUT = "blind3"
#: Every set in the order reported; the test half only with ``--test``, the spent blind ones only with
#: ``--blind``, the held-out one only with ``--held-out``.
SETS = ("tune", "check", "fresh-tune", "fresh-check", "dev", "old", "test", "blind", "blind2", HELD_OUT)
#: Sets whose answers may be listed one by one: never fresh-check, the generalisation check.
SHOWABLE = ("tune", "check", "fresh-tune", "dev", "test", "old", "blind", "blind2")
#: Sets whose disagreements ``--misses`` lists, by id only, and the flag each needs besides ``--misses``.
MISSES = {"check": None, "test": "test", "blind": "blind", "blind2": "blind"}
#: The child process that rates answers with an earlier engine: reads ``[[drill, answer], ...]`` as JSON on
#: stdin, prints ``[[rating, [signal ids]], ...]``. Only names that every engine since round 1 has.
_BASELINE_RUNNER = """
import json, sys
from bot.drills.content import DrillBank
from bot.drills.feedback import assess
from bot.knowledge.loader import require_knowledge
bank = require_knowledge("knowledge").part(DrillBank)
out = []
for drill, answer in json.load(sys.stdin):
    feedback = assess(bank.drills[drill], answer)
    out.append([feedback.rating, [f.id for f in feedback.signals_found]])
json.dump(out, sys.stdout)
"""


@dataclass
class Tally:
    """What one set of answers adds up to; signal counts only where the person marked signals."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    signals_both: int = 0
    signals_person_only: int = 0
    signals_engine_only: int = 0

    def add(self, person: str, rating: str, signals: set[str], person_signals: list[str] | None) -> None:
        self.confusion[(person, rating)] += 1
        if person_signals is not None:
            engine = signals
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

    def summary(self) -> str:
        """One line for the side-by-side table: exact, the two forbidden errors, what "mixed" becomes."""
        c = self.confusion
        total = sum(c.values())
        exact = sum(n for (p, e), n in c.items() if p == e)
        mixed = "/".join(str(c[("mixed", e)]) for e in RATINGS)
        marked = self.signals_both + self.signals_person_only
        signals = f"{self.signals_both}/{marked} +{self.signals_engine_only}" if marked else "-"
        return (
            f"{exact:>3}/{total:<3} ({exact / total:>4.0%})  s->w {c[('strong', 'weak')]}  "
            f"w->s {c[('weak', 'strong')]}  mixed w/m/s {mixed:<8} signals {signals:<11}"
        )


def load(name: str) -> list[dict[str, Any]]:
    """The answers of one set: ``tune``/``check`` from the second set, ``fresh-*`` from the third, ``dev``/``test``
    from the first, ``blind``/``blind2`` from their own file (every answer in it unless answers carry a split; none
    while the file does not exist), or ``old``."""
    if name == "old":
        return list(yaml.safe_load(OLD.read_text(encoding="utf-8"))["answers"])
    if name in BLIND_FILES:
        path = BLIND_FILES[name]
        if not path.exists():
            return []
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
        return [a for a in answers if a.get("split", name) == name]
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


def baseline_ratings(ref: str, answers: list[dict[str, Any]]) -> list[tuple[str, set[str]]]:
    """Rate ``answers`` with the engine of git commit ``ref``: its ``bot/`` and ``knowledge/`` in a child process.

    A child process, because two versions of ``bot`` cannot be imported into one interpreter.
    """
    root = HERE.parent
    with tempfile.TemporaryDirectory(prefix="drill-baseline-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", ref, "bot", "knowledge"],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        payload = json.dumps([[a["drill"], a["answer"]] for a in answers])
        result = subprocess.run(
            [sys.executable, "-c", _BASELINE_RUNNER],
            input=payload,
            cwd=tmp,
            env={"PYTHONPATH": tmp, "PATH": ""},
            check=True,
            capture_output=True,
            text=True,
        )
    return [(rating, set(ids)) for rating, ids in json.loads(result.stdout)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", default=str(HERE.parent / "knowledge"))
    parser.add_argument("--show", choices=SHOWABLE, help="list every answer of this set (never fresh-check)")
    parser.add_argument("--test", action="store_true", help="add the test half's aggregates (not while tuning)")
    parser.add_argument(
        "--blind", action="store_true", help="add both blind sets' aggregates (both spent: tuned on since)"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="add blind3's aggregates (held out: once a round, after its last change)",
    )
    parser.add_argument("--misses", action="store_true", help="list check (and test, blind if asked) misses by id")
    parser.add_argument("--baseline", metavar="REF", help="also rate with the engine of this git commit, side by side")
    args = parser.parse_args(argv)

    bank = require_knowledge(args.knowledge).part(DrillBank)
    if args.show:
        show(bank, load(args.show))
        return 0
    misses: dict[str, list[str]] = {name: [] for name in MISSES}
    side_by_side: list[str] = []
    asked = {"test": args.test, "blind": args.blind, "blind2": args.blind, HELD_OUT: args.held_out}
    wanted = [s for s in SETS if asked.get(s, True)]
    sets = {name: load(name) for name in wanted}
    everything = [item for answers in sets.values() for item in answers]
    before_all = iter(baseline_ratings(args.baseline, everything) if args.baseline else ())
    for name, answers in sets.items():
        if not answers:
            print(f"== {name}: no answers (is {BLIND_FILES.get(name, PRACTICE).name} there?), skipped\n")
            if args.baseline:
                side_by_side.append(f"{name:<12} not found, skipped")
            continue
        tally = Tally()
        for item in answers:
            feedback = assess(bank.drills[item["drill"]], item["answer"])
            tally.add(item["rating"], feedback.rating, {f.id for f in feedback.signals_found}, item.get("signals"))
            if name in misses and feedback.rating != item["rating"]:
                misses[name].append(f"{item['id']:<6} {item['drill']:<26} {item['rating']:<6} {feedback.rating}")
        print("\n".join(tally.report(name)))
        print()
        if args.baseline:
            before = Tally()
            for item in answers:
                rating, signals = next(before_all)
                before.add(item["rating"], rating, signals, item.get("signals"))
            side_by_side.append(f"{name:<12} {before.summary()} | {tally.summary()}")
    if side_by_side:
        width = next(line for line in side_by_side if " | " in line).index(" | ") - 13
        print(f"{'set':<12} {'engine ' + args.baseline:<{width}} | this engine")
        print("(exact agreement, strong rated weak, weak rated strong, the person's 'mixed' as weak/mixed/strong,")
        print(" signals the person marked that the engine found / marked, + found that the person did not)")
        print("\n".join(side_by_side))
        print()
    if args.misses:
        for name in (n for n, flag in MISSES.items() if flag is None or getattr(args, flag)):
            print(f"{name} disagreements (id, drill, person, engine):")
            print("\n".join(misses[name]) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
