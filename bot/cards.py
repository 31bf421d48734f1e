"""What a screen shows, independent of where it is shown: one :class:`Card` type for every feature.

The core builds cards (``bot.ask.cards``, ``bot.check.cards``, ``bot.quiz.cards``, ``bot.drills.cards``, …);
each front end only draws them: Discord as an embed (``cogs._ui.card_embed``), the shell with
``Session.show``, a terminal with :meth:`Card.text`. The wording therefore never drifts between them,
and validators can measure the exact text Discord will receive with :meth:`Card.size`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: A colour hint for front ends that have colours (Discord); the shell and the CLI ignore it.
Tone = Literal["neutral", "good", "warn"]


@dataclass(frozen=True)
class Card:
    title: str
    body: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    footer: str | None = None
    tone: Tone = "neutral"

    def text(self) -> str:
        """Plain text for terminals (the CLI); Markdown bold is left as is, it reads fine."""
        lines = [f"== {self.title} =="]
        if self.body:
            lines.append(self.body)
        for name, value in self.fields:
            lines += ["", f"-- {name}", value]
        if self.footer:
            lines += ["", f"({self.footer})"]
        return "\n".join(lines)

    def size(self) -> int:
        """Characters Discord counts towards its 6,000-per-embed total."""
        return len(self.title) + len(self.body) + len(self.footer or "") + sum(len(n) + len(v) for n, v in self.fields)
