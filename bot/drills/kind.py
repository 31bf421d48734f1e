"""The ``drills`` kind of knowledge file: reads ``knowledge/drills/*.yaml`` into the drill bank.

The validator goes beyond the schema: duplicate ids across files, related entries that do not exist,
signal references that point nowhere, cues that do not compile, texts that would not fit in Discord,
and, so that a content edit can never make the bank contradict itself, example answers the engine
misjudges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import limits
from bot.cards import discord_markup
from bot.drills.cards import SHOWS_FIELD, strong_card
from bot.drills.content import Drill, DrillBank, FollowUp, RedFlag, Signal
from bot.drills.cues import CueError, compile_cue
from bot.drills.feedback import Feedback, assess
from bot.knowledge.base import Kind, KnowledgeBase, Origin, did_you_mean, does_not_exist, duplicate_id
from bot.knowledge.documents import Document, PathKey, Problem
from bot.knowledge.entries import EntryLibrary


def _text(value: str) -> str:
    return value.strip()


def _build(raw: Mapping[str, Any], theme: str, origin: Origin) -> Drill:
    return Drill(
        id=raw["id"],
        theme=theme,
        prompt=_text(raw["prompt"]),
        situation=_text(raw["situation"]),
        signals=tuple(
            Signal(s["id"], _text(s["name"]), _text(s["looks_for"]), tuple(s["cues"]), _text(s["tip"]))
            for s in raw["signals"]
        ),
        expects=tuple(raw.get("expects", ())),
        red_flags=tuple(
            RedFlag(r["id"], _text(r["name"]), tuple(r["cues"]), _text(r["why"])) for r in raw.get("red_flags", ())
        ),
        strong_answer=_text(raw["strong"]["answer"]),
        strong_shows=tuple(raw["strong"]["shows"]),
        weak_answer=_text(raw["weak"]["answer"]),
        weak_why=_text(raw["weak"]["why"]),
        follow_ups=tuple(FollowUp(_text(f["ask"]), tuple(f["probes"])) for f in raw.get("follow_ups", ())),
        related=tuple(raw.get("related", ())),
        origin=origin,
    )


def _empty_texts(drill: Drill) -> list[PathKey]:
    """Paths of texts that are only whitespace (the schema's minLength cannot see that)."""
    texts: list[tuple[PathKey, str]] = [
        (("prompt",), drill.prompt),
        (("situation",), drill.situation),
        (("strong", "answer"), drill.strong_answer),
        (("weak", "answer"), drill.weak_answer),
        (("weak", "why"), drill.weak_why),
    ]
    for i, s in enumerate(drill.signals):
        texts += [(("signals", i, "name"), s.name), (("signals", i, "looks_for"), s.looks_for)]
        texts.append((("signals", i, "tip"), s.tip))
    for i, r in enumerate(drill.red_flags):
        texts += [(("red_flags", i, "name"), r.name), (("red_flags", i, "why"), r.why)]
    texts += [(("follow_ups", i, "ask"), f.ask) for i, f in enumerate(drill.follow_ups)]
    return [path for path, text in texts if not text]


def _limit_problems(drill: Drill) -> list[tuple[PathKey, str]]:
    """Where texts the schema caps one by one add up past Discord's limits: the strong-answer card, whose
    'What it shows' field lists every shown signal with what it looks for."""
    card = strong_card(drill)
    found: list[tuple[PathKey, str]] = []
    shows = discord_markup(dict(card.fields)[SHOWS_FIELD])
    if len(shows) > limits.EMBED_FIELD_VALUE:
        found.append(
            (
                ("strong", "shows"),
                f"'{SHOWS_FIELD}' of drill '{drill.id}' renders to {len(shows)} characters, over Discord's field "
                f"limit of {limits.EMBED_FIELD_VALUE}; show fewer signals or shorten their 'looks_for'",
            )
        )
    if card.size() > limits.EMBED_TOTAL:
        found.append(
            (
                ("strong", "answer"),
                f"the strong-answer card of drill '{drill.id}' renders to {card.size()} characters, over "
                f"Discord's embed total of {limits.EMBED_TOTAL}",
            )
        )
    return found


def _reference_problems(drill: Drill) -> list[tuple[PathKey, str]]:
    """Signal ids used twice in a drill, ``strong.shows`` or a follow-up's ``probes`` naming signals that do not
    exist, broken cues."""
    found: list[tuple[PathKey, str]] = []
    seen: set[str] = set()
    for i, s in enumerate(drill.signals):
        if s.id in seen:
            found.append((("signals", i, "id"), f"signal id '{s.id}' is used twice in drill '{drill.id}'"))
        seen.add(s.id)
    known = [s.id for s in drill.signals]
    references: list[tuple[PathKey, str]] = [(("strong", "shows", i), s) for i, s in enumerate(drill.strong_shows)]
    for i, follow_up in enumerate(drill.follow_ups):
        references += [(("follow_ups", i, "probes", j), probed) for j, probed in enumerate(follow_up.probes)]
    for path, signal in references:
        if signal not in seen:
            found.append(
                (
                    path,
                    f"'{signal}' is not a signal of drill '{drill.id}'{did_you_mean(signal, known)} "
                    f"(signals: {', '.join(known)})",
                )
            )
    return found + _cue_problems(drill)


def _cue_problems(drill: Drill) -> list[tuple[PathKey, str]]:
    cue_lists = [(("signals", i), s.cues) for i, s in enumerate(drill.signals)]
    cue_lists += [(("red_flags", i), r.cues) for i, r in enumerate(drill.red_flags)]
    found: list[tuple[PathKey, str]] = []
    for path, cues in cue_lists:
        for j, cue in enumerate(cues):
            try:
                compile_cue(cue)
            except CueError as exc:
                found.append(((*path, "cues", j), f"drill '{drill.id}': {exc}"))
    return found


class DrillsKind(Kind[DrillBank]):
    name = "drills"
    schema_file = "drills.schema.json"
    part_type = DrillBank
    #: Optional like the quiz and the check: a knowledge folder without drills still loads, and the drill
    #: commands say the bank is empty instead of the whole bot refusing to start.
    required = False

    def add(self, part: DrillBank, document: Document, problems: list[Problem]) -> None:
        theme = document.data["theme"].strip()
        for index, raw in enumerate(document.data["drills"]):
            origin = Origin(document, ("drills", index))
            drill = _build(raw, theme, origin)
            if not theme:
                problems.append(document.problem(("theme",), "theme is empty"))
            for path in _empty_texts(drill):
                problems.append(origin.problem(path, f"{_path_label(path)} of drill '{drill.id}' is empty"))
            for path, message in _limit_problems(drill) + _reference_problems(drill):
                problems.append(origin.problem(path, message))
            if drill.id in part.drills:
                problems.append(
                    origin.problem(("id",), duplicate_id("drill id", drill.id, part.drills[drill.id].origin))
                )
                continue
            part.drills[drill.id] = drill

    def check(self, knowledge: KnowledgeBase, problems: list[Problem]) -> None:
        entries = knowledge.part(EntryLibrary).entries
        for drill in knowledge.part(DrillBank).drills.values():
            for i, related in enumerate(drill.related):
                if related not in entries:
                    problems.append(
                        drill.origin.problem(
                            ("related", i),
                            f"related entry '{related}' {does_not_exist(related, entries)}",
                        )
                    )
            if _cue_problems(drill):
                continue  # already reported; judging the examples would only repeat it
            strong = assess(drill, drill.strong_answer)
            missing_shown = [s for s in drill.strong_shows if s in {f.id for f in strong.signals_missing}]
            if strong.rating != "strong" or missing_shown:
                why = _explain_misjudged(strong, missing_shown)
                problems.append(
                    drill.origin.problem(
                        ("strong", "answer"),
                        f"the feedback engine rates the strong example of '{drill.id}' as {strong.rating} ({why}); "
                        "add cues or reword the example",
                    )
                )
            weak = assess(drill, drill.weak_answer)
            if weak.rating != "weak":
                found = ", ".join(f.id for f in weak.signals_found) or "none"
                problems.append(
                    drill.origin.problem(
                        ("weak", "answer"),
                        f"the feedback engine rates the weak example of '{drill.id}' as {weak.rating} "
                        f"(signals found: {found}); tighten the cues or make the example weaker",
                    )
                )


def _explain_misjudged(feedback: Feedback, missing_shown: list[str]) -> str:
    parts = []
    if missing_shown:
        parts.append(f"listed in 'shows' but not detected: {', '.join(missing_shown)}")
    elif feedback.signals_missing:
        parts.append(f"missing: {', '.join(f.id for f in feedback.signals_missing)}")
    if feedback.weak_patterns:
        parts.append(f"weak patterns: {', '.join(f.id for f in feedback.weak_patterns)}")
    return "; ".join(parts) or "below the bar"


def _path_label(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"'{text}'"
