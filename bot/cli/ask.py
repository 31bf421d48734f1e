"""``pmpo-bot ask "QUESTION" [--json]``: what /ask would answer, from the terminal; ``pmpo-bot eval``: how
well it answers the member-questions evaluation set.

Both read only the knowledge folder (no database, no Discord, nothing recorded), so moderators can check
how an edit changes answers, and scripts can use ``--json``. Where the bot keeps its data, they use its
vectors of the knowledge base (``bot.ask.embedding_cache``) rather than embed it again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.ask.cards import answer_card
from bot.ask.content import NotCoveredList, SynonymList
from bot.ask.embedding_cache import EmbeddingCache
from bot.ask.engine import Answer, answer_question, ask, clean_question
from bot.ask.evaluation import (
    REFUSE_KINDS,
    SETS,
    SPLITS,
    Case,
    LeaveOneOut,
    Report,
    evaluate,
    leave_one_out,
    parse_cases,
)
from bot.ask.search import SearchIndex
from bot.ask.semantic import shipped_memo
from bot.cards import plain
from bot.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    SubParsers,
    add_command,
    add_knowledge_arg,
    knowledge_of,
    print_json,
)
from bot.config import Config, ConfigError
from bot.errors import UserFacingError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import EntryLibrary


def _sets_help() -> str:
    """The evaluation sets, their splits and which of them may be tuned on, from :data:`SETS`, so that a new
    set shows up in ``pmpo-bot eval --help`` without an edit here."""
    sets = ", ".join(
        f"{name} ({', '.join(eval_set.splits)}{'' if eval_set.first_tuned_on else ', held out'})"
        for name, eval_set in SETS.items()
    )
    tuned = list(dict.fromkeys(eval_set.splits[0] for eval_set in SETS.values() if eval_set.first_tuned_on))
    measured = [split for split in SPLITS if split not in tuned]
    return (
        f"Sets (splits): {sets}. Tune on {_joined(tuned)} only; {_joined(measured)} are only measured, to see "
        "whether a change generalises and for reporting, so for those the misses (the questions) are left out "
        "unless --show-misses."
    )


def _joined(words: list[str]) -> str:
    """``words`` as a list in prose: "a, b and c"."""
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def register(subparsers: SubParsers) -> None:
    parser = add_command(
        subparsers,
        "ask",
        ask_command,
        help="answer a question from the knowledge base, as /ask would (records nothing)",
        description="Print the curated answer /ask gives, or why there is none (a topic the sources do not "
        "cover, a question too vague, nothing close) with the closest entries. With --json: one object "
        "{entry_id, title, answer, score, did_you_mean, refusal, suggestions}; entry_id is null exactly when "
        "refusal says why ({reason: not-covered|vague|no-match, and for not-covered: topic, title, says, "
        "points_to}). Exit status 0 either way; a question that can't be asked (empty, too long) prints "
        '{"error": "..."} with --json, and exits 2. With --batch FILE (or - for standard input) and --json: '
        "one question per line (blank lines skipped), the knowledge loaded once, one JSON object per line "
        "in the same order, each with cpu_ms, the CPU time of that question's /ask call; a question that "
        'can\'t be asked gives {"error": "...", "cpu_ms": ...} on its line, and the others are still answered.',
    )
    parser.add_argument("question", nargs="?", help="the question, in quotes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--batch", metavar="FILE", help="answer every line of FILE (- for standard input), with --json")
    add_knowledge_arg(parser)
    evaluation = add_command(
        subparsers,
        "eval",
        eval_command,
        help=f"measure /ask on a member-questions evaluation set (--set {'|'.join(SETS)}, --split)",
        description="Ask every question of one split of an evaluation set as /ask would and report: answerable "
        "questions answered with an entry holding the key fact (overall and per intent), near-domain, off-topic "
        f"and generic questions refused, and the misses. {_sets_help()} "
        "--loo adds leave-one-out on the entries' and topics' own example questions.",
    )
    evaluation.add_argument("--set", choices=SETS, default="members", help="which set (default: members)")
    evaluation.add_argument(
        "--split", choices=SPLITS, help="which split of the set (default: the one tuned on, dev or tune)"
    )
    evaluation.add_argument("--file", help="the evaluation file, if not the set's own (run from the project folder)")
    evaluation.add_argument("--loo", action="store_true", help="also run leave-one-out (some seconds)")
    evaluation.add_argument(
        "--show-misses", action="store_true", help="list the misses of a check or test split too (not to tune on)"
    )
    evaluation.add_argument("--json", action="store_true", help="print one JSON object")
    add_knowledge_arg(evaluation)


async def ask_command(args: argparse.Namespace, config: Config) -> int:
    if (args.question is None) == (args.batch is None):
        raise CommandError("give either a question or --batch FILE")
    if args.batch is not None:
        if not args.json:
            raise CommandError("--batch writes one JSON object per line: add --json")
        return ask_batch(args.batch, knowledge_of(args, config), config, embedding_cache(config, args.knowledge))
    knowledge = knowledge_of(args, config)
    try:
        question = clean_question(args.question, config.ask.max_question_length)
    except UserFacingError as exc:
        if args.json:  # a script reading JSON gets JSON, even for a question it can't ask
            print_json({"error": str(exc)})
            return EXIT_USAGE
        raise CommandError(str(exc)) from None
    index = SearchIndex.from_knowledge(knowledge, embedding_cache(config, args.knowledge))
    answer = answer_question(index, knowledge, question)
    if args.json:
        print_json(answer.to_json())
    else:
        print(as_text(answer, knowledge))
    return EXIT_OK


def embedding_cache(config: Config, knowledge: str | None) -> EmbeddingCache | None:
    """The bot's vectors of the knowledge base, when its data folder exists: a command that records nothing
    does not create one (it embeds, as without the file).

    None too when ``--knowledge`` (``knowledge``) names another folder than the bot's: the file holds exactly
    the texts of the last index built, so that folder's would replace the bot's, and the bot would embed
    everything again at its next start. Not using the file at all rather than reading it without writing:
    one condition here instead of a second mode of :class:`EmbeddingCache` and its tests, for a one-off
    check of another folder that then costs the embedding it cost before the file existed."""
    if knowledge is not None and not _same_folder(config.knowledge_location(knowledge).path, config):
        return None
    path = config.embedding_cache_location().path
    return EmbeddingCache(path) if path.parent.is_dir() else None


def _same_folder(folder: Path, config: Config) -> bool:
    """Whether ``folder`` is the configured knowledge folder (a missing configured one is not)."""
    try:
        return folder.resolve() == config.knowledge_location().path.resolve()
    except ConfigError:
        return False


def ask_batch(source: str, knowledge: KnowledgeBase, config: Config, cache: EmbeddingCache | None) -> int:
    """``ask --batch``: every non-blank line of ``source`` asked as ``/ask`` would, one JSON line out per line in.

    ``cpu_ms`` is the CPU time of this thread for :func:`~bot.ask.engine.ask`, the call ``/ask`` makes (clean,
    search, package), so it can be measured from outside without Discord; the output is flushed per line, so
    a reader on a pipe gets each answer as soon as it is ready."""
    index = SearchIndex.from_knowledge(knowledge, cache)
    max_length = config.ask.max_question_length
    if source == "-":
        _answer_lines(sys.stdin, index, knowledge, max_length)
        return EXIT_OK
    try:
        with Path(source).open(encoding="utf-8") as lines:
            _answer_lines(lines, index, knowledge, max_length)
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror}") from None
    return EXIT_OK


def _answer_lines(lines: Iterable[str], index: SearchIndex, knowledge: KnowledgeBase, max_length: int) -> None:
    for line in lines:
        if not line.strip():
            continue
        started = time.thread_time_ns()
        try:
            found: dict[str, Any] = ask(index, knowledge, line, max_length).to_json()
        except UserFacingError as exc:
            found = {"error": str(exc)}
        found["cpu_ms"] = round((time.thread_time_ns() - started) / 1e6, 4)
        print(json.dumps(found, ensure_ascii=False), flush=True)


def as_text(answer: Answer, knowledge: KnowledgeBase) -> str:
    """The answer as plain text: title, underline, body, fields, related entries."""
    card = answer_card(knowledge, answer, recorded=False)
    lines = [card.title, "=" * min(len(card.title), 80), plain(card.body)]
    lines.extend(f"\n{name}: {plain(value)}" for name, value in card.fields)
    if answer.related:
        lines.append("\nRelated: " + "; ".join(entry.title for entry in answer.related))
    return "\n".join(lines)


async def eval_command(args: argparse.Namespace, config: Config) -> int:
    knowledge = knowledge_of(args, config)
    eval_set = SETS[args.set]
    split = args.split or eval_set.splits[0]
    if split not in eval_set.splits:
        raise CommandError(f"the {args.set} set has the splits {' and '.join(eval_set.splits)}, not {split}")
    cases = load_cases(Path(args.file or eval_set.file))
    index = SearchIndex.from_knowledge(knowledge, embedding_cache(config, args.knowledge))
    report = evaluate(cases, split, lambda question: answer_question(index, knowledge, question))
    loo = None
    if args.loo:
        topics = knowledge.parts.get(NotCoveredList, NotCoveredList()).topics.values()
        synonyms = knowledge.parts.get(SynonymList, SynonymList()).folding()
        loo = leave_one_out(list(knowledge.part(EntryLibrary).entries.values()), list(topics), synonyms, shipped_memo())
    misses = args.show_misses or (eval_set.first_tuned_on and split == eval_set.splits[0])
    if args.json:
        figures = report.to_json()
        if not misses:
            del figures["misses"]
        print_json({**figures, **({"leave_one_out": _loo_json(loo)} if loo else {})})
    else:
        print(report_text(report, loo, misses=misses))
    return EXIT_OK


def load_cases(path: Path) -> list[Case]:
    if not path.is_file():
        raise CommandError(f"no evaluation set at {path}: run from the project folder or pass --file")
    return parse_cases(yaml.safe_load(path.read_text(encoding="utf-8")))


def _loo_json(loo: LeaveOneOut) -> dict[str, float]:
    return {"entries": round(loo.entries.share, 4), "topics": round(loo.topics.share, 4)}


def report_text(report: Report, loo: LeaveOneOut | None, *, misses: bool = True) -> str:
    """The report as a terminal reads it: the figures, per intent, then every miss."""
    lines = [
        f"Evaluation, {report.split} split",
        f"  answered with the key fact: {report.answered.text()}",
        *(f"  {kind} refused: {report.refused(kind).text()}" for kind in REFUSE_KINDS),
    ]
    if loo is not None:
        lines.append(f"  leave-one-out top-1: entries {loo.entries.text()}, topics {loo.topics.text()}")
    lines += ["", "Per intent (answered with the key fact):"]
    lines += [f"  {intent}: {score.text()}" for intent, score in report.by_intent().items()]
    if not misses:
        return "\n".join([*lines, "", f"Misses: {len(report.misses)} (listed with --show-misses; not to tune on)"])
    lines += ["", f"Misses ({len(report.misses)}):"]
    lines += [f"  [{o.case.intent}] {o.case.question!r} → {o.got}" for o in report.misses]
    return "\n".join(lines)
