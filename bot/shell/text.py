"""The Markdown the cards carry (Discord's flavour), drawn for a terminal or written out as plain text.

Cards are written once for Discord, so their text has ``**bold**``, ``*italic*``, `` `code` `` and
``[links](url)``. In a terminal the shell draws those as styles and wraps lines to the terminal's width
(a word is never split at the edge, and a bullet's continuation lines stay under its text); through a
pipe it writes plain text, unwrapped, for whatever reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOLD, ITALIC, CODE, LINK = "bold", "italic", "code", "link"
#: ANSI SGR codes: (on, off) for each style.
STYLES = {BOLD: ("\x1b[1m", "\x1b[22m"), ITALIC: ("\x1b[3m", "\x1b[23m"), CODE: ("", ""), LINK: ("\x1b[4m", "\x1b[24m")}

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])(?P<mark>[*_])(?P<italic>[^*_\s](?:[^*_]*?[^*_\s])?)(?P=mark)(?![\w*])"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
)
#: A list item or quote at the start of a line: its continuation lines are indented to its text.
_HANGING = re.compile(r"^\s*(?:[-*•>]|\d+[.)])\s+|^\s+")


@dataclass(frozen=True)
class Run:
    """Text in one style ("" for none)."""

    text: str
    style: str = ""


def runs(line: str, style: str = "") -> list[Run]:
    """One line of Markdown as styled runs; the markers themselves are dropped, a link keeps its URL."""
    found: list[Run] = []
    position = 0
    for match in _INLINE.finditer(line):
        if match.start() > position:
            found.append(Run(line[position : match.start()], style))
        if match["bold"] is not None:
            found += runs(match["bold"], BOLD)
        elif match["italic"] is not None:
            found += runs(match["italic"], style or ITALIC)
        elif match["code"] is not None:
            found.append(Run(match["code"], CODE))
        else:
            found.append(Run(match["label"], LINK))
            if match["url"] != match["label"]:
                found.append(Run(f" ({match['url']})", style))
        position = match.end()
    if position < len(line):
        found.append(Run(line[position:], style))
    return found


def strip_markdown(text: str) -> str:
    """``text`` without Markdown markers: what a pipe gets."""
    return "\n".join("".join(run.text for run in runs(line)) for line in text.split("\n"))


def styled(text: str, width: int, indent: str = "", *, ansi: bool = True) -> str:
    """``text`` for a terminal: every line wrapped to ``width`` columns after ``indent``, the emphasis drawn
    with ANSI styles (or, with ``ansi=False``, for terminals that must not get them, just dropped)."""
    lines = [_wrap(runs(line), max(width - len(indent), 20), indent, ansi) for line in text.split("\n")]
    return "\n".join(out for wrapped in lines for out in wrapped)


def _wrap(line: list[Run], width: int, indent: str, ansi: bool) -> list[str]:
    """Greedy word wrap over styled runs, counting visible characters only; the spacing between words
    is kept as written (aligned columns stay aligned) except where a line breaks."""
    chars = [(char, run.style) for run in line for char in run.text]
    visible = "".join(char for char, _ in chars)
    hanging = _HANGING.match(visible)
    start = hanging.end() if hanging else 0
    lines: list[list[tuple[str, str]]] = []
    current, column, previous_end, has_word = chars[:start], start, start, False
    for word in re.finditer(r"\S+", visible[start:]):
        begin, end = word.start() + start, word.end() + start
        gap, piece = chars[previous_end:begin], chars[begin:end]
        if has_word and column + len(gap) + len(piece) > width:
            lines.append(current)
            current, column, gap = [(" ", "")] * start, start, []
        current = current + gap + piece
        column += len(gap) + len(piece)
        previous_end, has_word = end, True
    lines.append(current)
    return [(indent + _draw(chars_, ansi)).rstrip() for chars_ in lines]


def _draw(chars: list[tuple[str, str]], ansi: bool) -> str:
    if not ansi:
        return "".join(char for char, _ in chars)
    out: list[str] = []
    active = ""
    for char, style in chars:
        if style != active:
            if active:
                out.append(STYLES[active][1])
            if style:
                out.append(STYLES[style][0])
            active = style
        out.append(char)
    if active:
        out.append(STYLES[active][1])
    return "".join(out)
