"""A job ad cut into paragraphs, sentences and clauses, every piece a span of the original text.

Ads arrive hard-wrapped (copied from a PDF or an e-mail), as one long line per paragraph (LinkedIn,
Discord), as bullet lists, or as one paragraph for the whole ad. Lines of one paragraph are joined
unless the break is clearly meant: a bullet, a line ending a sentence, or a short line (a heading such
as "What we offer" or a title line) not followed by a lower-case word. Spans, never copies, so every
quote the reader shows is the ad's own words and can be found in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A line shorter than this that does not end a sentence is taken as standing on its own (a heading or a
#: title line); hard-wrapped paragraph lines are nearly always longer.
SHORT_LINE = 60
#: A stand-alone line of at most this many words that does not end with a full stop is a heading.
HEADING_WORDS = 10
#: A question of at most this many words names what the next sentence answers: "The roadmap? Yours."
#: is read as "The roadmap: yours."
SHORT_QUESTION = 3

#: A numbered bullet has its text on the same line: "85." ending a wrapped "a team of / 85." is no bullet.
_BULLET = re.compile(r"[-•*·–—●▪►✓✔+>]\s+|\d{1,2}[.)][ \t]+")
_ENDS_SENTENCE = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_TITLE_SEPARATOR = re.compile(r"\s[|·]\s")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(\s+)")
_CLAUSE_BREAK = re.compile(r"(;)\s*|[:?]\s+|\s[–—-]{1,2}\s")
_BRACKETS = re.compile(r"\(([^()]*)\)")
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "eg", "ie", "approx", "incl", "vs", "mr", "ms", "mrs", "dr", "no", "nr", "st", "min", "max"}
)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    #: Clauses after a ';' start a new statement; those after ':' or a dash, and what stands in brackets,
    #: go on with the one before ("Lead discovery for your area: run the interviews ...").
    statement: int
    #: Bracketed asides inside the clause, read as clauses of their own after it: "Our UX team (three
    #: researchers) runs the interviews" is read as "Our UX team runs the interviews".
    holes: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Sentence:
    """One sentence (or heading, or bullet) of the ad, as spans into the ad's text."""

    start: int
    end: int
    #: Which paragraph (run of lines without a blank line) the sentence is in, counted from 0.
    paragraph: int
    #: A stand-alone short line without a full stop, before a paragraph or a list: "About us",
    #: "What you'll do:", a title line.
    heading: bool
    #: The sentence cut at ';', ':', '?' and spaced dashes, so "the PM owns the roadmap; you own the
    #: backlog" is read as two statements; a bracketed aside is a clause of its own, and a hole in the
    #: clause around it.
    clauses: tuple[Clause, ...]


def split(text: str) -> list[Sentence]:
    """Every sentence of ``text`` in order; whitespace-only text has none.

    A short stand-alone line is a heading only if it ends with ':' or what follows is not another such
    line: in a list of short lines without bullets ("Own the roadmap", "Talk to customers") every line
    is a duty, not a heading.
    """
    units = []
    for paragraph, lines in enumerate(_paragraphs(text)):
        for start, end, alone in _units(text, lines):
            parts = _sentences(text, start, end)
            units.append((paragraph, parts, alone and len(parts) == 1 and _is_heading(text[start:end])))
    sentences: list[Sentence] = []
    for index, (paragraph, parts, short) in enumerate(units):
        following_short = index + 1 < len(units) and units[index + 1][2]
        heading = short and (text[parts[0][1] - 1] == ":" or not following_short)
        for s_start, s_end in parts:
            sentences.append(Sentence(s_start, s_end, paragraph, heading, _clauses(text, s_start, s_end)))
    return sentences


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Lines (start, end without the line break) grouped into paragraphs at blank lines."""
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            current.append((start, end))
        elif current:
            paragraphs.append(current)
            current = []
        start = end + 1
    if current:
        paragraphs.append(current)
    return paragraphs


def _units(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Lines joined into bullets and soft-wrapped runs: (start, end, whether it may be a heading).

    Only a run of exactly one line that is not a bullet may be a heading.
    """
    units: list[tuple[int, int, bool]] = []
    current: list[int] | None = None  # [start, end, 1 while it is one line and no bullet]
    previous = ""
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        start = line_start + (len(line) - len(line.lstrip()))
        bullet = _BULLET.match(text, start)
        if bullet:
            start = bullet.end()
        end = line_start + len(line.rstrip())
        stripped = previous.strip()
        breaks = (
            current is None
            or bullet is not None
            or _ENDS_SENTENCE.search(stripped) is not None
            or (len(stripped) < SHORT_LINE and not text[start : start + 1].islower())
            or _TITLE_SEPARATOR.search(stripped) is not None
        )
        if breaks:
            if current is not None:
                units.append((current[0], current[1], current[2] == 1))
            current = [start, end, 0 if bullet else 1]
        else:
            assert current is not None
            current[1] = end
            current[2] = 2
        previous = line
    if current is not None:
        units.append((current[0], current[1], current[2] == 1))
    return [(start, end, alone) for start, end, alone in units if start < end]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a unit at sentence ends followed by something that is not a lower-case letter."""
    spans = []
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        after = match.end()
        if after >= end or text[after].islower():
            continue
        word = text[begin : match.start()].rsplit(None, 1)[-1].lower() if text[begin : match.start()].strip() else ""
        if word.strip("(\"'") in _ABBREVIATIONS:
            continue
        if match.group().startswith("?") and len(text[begin : match.start()].split()) <= SHORT_QUESTION:
            continue  # "Customers? You'll be on calls with them": one sentence, cut into clauses at the '?'
        spans.append((begin, match.start(1)))
        begin = after
    spans.append((begin, end))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if s < e]


def _clauses(text: str, start: int, end: int) -> tuple[Clause, ...]:
    clauses = []
    begin, statement = start, 0
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        clauses.extend(_with_asides(text, *_strip(text, begin, match.start()), statement))
        begin = match.end()
        statement += 1 if match.group(1) else 0
    clauses.extend(_with_asides(text, *_strip(text, begin, end), statement))
    return tuple(clause for clause in clauses if clause.start < clause.end)


def _with_asides(text: str, start: int, end: int, statement: int) -> list[Clause]:
    """The clause with its bracketed asides as holes, then each aside read with the words before it (it
    elaborates them: "Track the KPIs (set by the CPO)"), earlier asides left out, in the same statement."""
    asides = [match.span(1) for match in _BRACKETS.finditer(text, start, end)]
    holes = tuple((low - 1, high + 1) for low, high in asides)
    return [
        Clause(start, end, statement, holes),
        *(
            Clause(start, _strip(text, low, high)[1], statement, holes[:index])
            for index, (low, high) in enumerate(asides)
        ),
    ]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) <= HEADING_WORDS and not re.search(r"[.!?]$", stripped)
