"""Cue phrases: the tiny, explainable pattern language the feedback engine matches answers with.

A cue is written in the drill YAML by people who are not programmers, so it is deliberately small:

* words are matched after light stemming, so ``interview`` also matches "interviews" and "interviewed",
  and British and American spellings meet (``prioritise`` = "prioritize");
* ``a/b/c`` matches any one of the words (single words only: write one cue per phrase);
* ``word*`` matches any word starting with ``word``;
* ``#`` matches any number, in digits ("15", "46k", "30%") or words ("twelve", "a dozen");
* ``@name`` matches any word of a shared word group (:data:`CONCEPTS`), written once for every drill:
  ``i .. @stop`` matches "I killed", "I shelved", "I struck it", "I pulled the plug"; it can be one of
  the alternatives (``@stop/freeze``);
* ``..`` lets up to 2 words sit in between, ``...`` up to 4 ("I ... killed" matches "I then killed");
* a negation cancels a match: gaps never skip "not", "never" or "no", and a match right after one does not
  count, so "I .. decided" misses "I never decided" and "talked to customers" misses "haven't talked to
  customers" (a cue may still start with a negation: "not .. title").

Regular expressions were rejected on purpose: one stray ``.*`` in a YAML file would make a signal match
everything, and the validator could not explain the mistake in a moderator's terms.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*[a-z]*|[a-z]+(?:'[a-z]+)?|[%$€£]")
_CUE_WORD = re.compile(r"^[a-z0-9%$€£]+\*?$")
_CONCEPT = re.compile(r"^@[a-z]+$")
#: Spelled-out numbers that count as a figure ("one" is left out: "no one", "one of").
# fmt: off
NUMBER_WORDS = frozenset({
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "dozen", "half", "percent", "%",
    "twice", "third", "thirds", "doubled", "halved", "tripled",
})
# fmt: on
#: Contractions are spelled out, so "I'd own the roadmap" matches the cue "i would own".
_CONTRACTIONS = {"d": "would", "ll": "will", "m": "am", "re": "are", "ve": "have"}
_NEGATIONS = {"can't": "can", "won't": "will", "shan't": "shall"}
#: British -ise/-isation spellings become -ize so one cue covers both.
_BRITISH = re.compile(r"is(e|ed|es|ing|ation|ations)$")
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
SMALL_GAP = 2
LARGE_GAP = 4
#: A cue's gap markers and the words each may skip: ".." a few, "..." more.
GAPS = {"..": SMALL_GAP, "...": LARGE_GAP}
#: Words a gap never skips and a match may not follow: "I haven't killed anything" shows no decision.
NEGATIONS = frozenset({"not", "never", "no"})


# fmt: off
#: Word groups a cue names with ``@name``: one list per idea, so a synonym added here helps every drill
#: that uses the idea instead of the one answer that happened to use it. Words follow cue syntax.
CONCEPTS: dict[str, tuple[str, ...]] = {
    # stopping or taking something off a plan
    "stop": (
        "kill*", "stop*", "drop*", "cut", "cuts", "cutting", "shelv*", "cancel*", "scrap*", "strike", "struck",
        "axe*", "ditch*", "binned", "park*", "paus*", "postpon*", "sunset*", "descop*", "depriorit*", "halt*",
        "abandon*", "froze", "frozen", "freez*", "nix*", "pulled", "shut", "veto*", "reject*", "declin*",
    ),
    # talking with the people a product serves
    "talk": (
        "talk*", "spoke", "speak*", "call", "called", "calls", "calling", "phon*", "rang", "interview*", "visit*",
        "met", "meet*", "ask*", "survey*", "chat*", "shadow*", "sat", "listen*", "conversation*", "heard",
    ),
    # the people a product serves, named generically
    "people": (
        "customer*", "user*", "client*", "account*", "buyer*", "prospect*", "people", "member*", "patient*",
        "shopper*", "subscriber*", "tenant*", "consumer*", "merchant*", "seller*", "household*", "famil*",
        "firms", "clinics", "banks", "agencies", "retailers", "resellers", "regulars", "guests", "parents", "students",
    ),
    # money changing hands
    "pay": (
        "pay", "pays", "paid", "paying", "buy*", "bought", "purchas*", "fund*", "spend*", "spent", "wallet*",
        "money", "pric*", "budget*", "afford*", "invoice*",
    ),
    # where the product goes: what a Product Manager owns
    "roadmap": ("roadmap*", "strateg*", "vision", "direction"),
    # being the one who decides it
    "own": (
        "own", "owns", "owned", "owning", "set", "sets", "setting", "defin*", "driv*", "drove", "decid*", "lead",
        "leads", "leading", "led", "shap*", "steer*", "control*",
    ),
    # figures that say whether something worked
    "metric": (
        "metric*", "number*", "kpi*", "measur*", "figure*", "target*", "goal*", "okr*", "yardstick*", "scorecard*",
    ),
}
# fmt: on


class CueError(ValueError):
    """A cue that cannot be compiled; the message says what to write instead."""


def stem(word: str) -> str:
    """A deliberately crude stemmer: it only has to map a word and its cue to the same string."""
    if len(word) > 5:
        word = _BRITISH.sub(lambda m: "iz" + m.group(1), word)
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouylsz0123456789":
        word = word[:-1]  # "stopped" -> "stopp" -> "stop", the same as "stop"
    return word


@dataclass(frozen=True)
class Token:
    raw: str
    stem: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words and numbers of ``text`` with their character spans, so a match can quote the answer."""
    # Lower-case character by character so spans still index the original text (some characters,
    # such as 'İ', grow when lower-cased).
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("’", "'").replace("‘", "'")
    tokens: list[Token] = []
    for match in _TOKEN.finditer(lowered):
        for raw, start, end in _spell_out(match.group(), match.start()):
            tokens.append(Token(raw, stem(raw), start, end))
    return tokens


def _spell_out(word: str, start: int) -> list[tuple[str, int, int]]:
    """Split a contraction into the words it stands for, each keeping a span inside the original."""
    end = start + len(word)
    if "'" not in word:
        return [(word, start, end)]
    if word.endswith("n't"):
        base = _NEGATIONS.get(word, word[:-3])
        return [(base, start, end - 3), ("not", end - 3, end)]
    base, suffix = word.split("'", 1)
    cut = start + len(base)
    if suffix in _CONTRACTIONS:
        return [(base, start, cut), (_CONTRACTIONS[suffix], cut, end)]
    return [(base, start, cut)]  # possessive 's (or "it's": the verb carries no signal)


@dataclass(frozen=True)
class Step:
    """One word position: the stems (or prefixes) it accepts and how many words may come before it."""

    stems: frozenset[str]
    prefixes: tuple[str, ...]
    gap: int
    number: bool = False

    def accepts(self, token: Token) -> bool:
        if self.number and is_number(token):
            return True
        if token.stem in NEGATIONS and token.raw not in NEGATIONS:
            return False  # "notes" and "noted" stem to "not" but deny nothing
        # str.startswith takes the tuple at once (an empty tuple matches nothing): the reader's hot loop.
        return token.stem in self.stems or token.raw.startswith(self.prefixes) or token.stem.startswith(self.prefixes)


def is_number(token: Token) -> bool:
    return token.raw[0].isdigit() or token.raw in NUMBER_WORDS or token.stem in NUMBER_WORDS


@dataclass(frozen=True)
class Cue:
    text: str
    steps: tuple[Step, ...]

    def search(self, tokens: list[Token], *, negation_cancels: bool = True) -> tuple[int, int] | None:
        """The character span of the first match in ``tokens`` not cancelled by a negation, or None.

        ``negation_cancels=False`` matches the words as written, for a reader that weighs negation with
        rules of its own (the job-posting reader: "you won't talk to customers" is evidence about who
        does, not a miss).
        """
        for start, token in enumerate(tokens):
            if negation_cancels and start > 0 and tokens[start - 1].raw in NEGATIONS:
                continue
            if self.steps[0].accepts(token):
                end = self._rest(tokens, start + 1, 1, negation_cancels)
                if end is not None:
                    return tokens[start].start, tokens[end].end
        return None

    def _rest(self, tokens: list[Token], position: int, step_index: int, negation_cancels: bool) -> int | None:
        if step_index == len(self.steps):
            return position - 1
        step = self.steps[step_index]
        for skip in range(step.gap + 1):
            index = position + skip
            if index >= len(tokens):
                return None
            if step.accepts(tokens[index]):
                end = self._rest(tokens, index + 1, step_index + 1, negation_cancels)
                if end is not None:
                    return end
            if negation_cancels and tokens[index].raw in NEGATIONS:
                return None  # a gap may not skip a negation
        return None


@cache
def compile_cue(text: str) -> Cue:
    """Compile a cue, raising :class:`CueError` with a moderator-readable reason if it is malformed."""
    parts = text.lower().split()
    if not parts:
        raise CueError("cue is empty")
    if parts[0] in GAPS or parts[-1] in GAPS:
        raise CueError(f"cue '{text}' starts or ends with a gap ('..' / '...'); gaps go between words")
    _refuse_phrase_alternatives(text, parts)
    steps: list[Step] = []
    gap = 0
    for part in parts:
        if part in GAPS:
            if gap:
                raise CueError(f"cue '{text}' has two gaps in a row")
            gap = GAPS[part]
            continue
        if "|" in part:
            raise CueError(
                f"cue '{text}' uses '|'; write 'a/b' for one-word alternatives and a separate cue for each phrase"
            )
        stems: set[str] = set()
        prefixes: list[str] = []
        number = False
        for word in _expand(text, part.split("/")):
            if word == "#":
                number = True
                continue
            if not _CUE_WORD.match(word):
                raise CueError(
                    f"cue '{text}': '{word or '(empty)'}' is not a word; use letters and digits (spell out "
                    "contractions: 'would', 'not'), 'a/b' for alternatives, 'word*' for a prefix, '#' for a number, "
                    "'@name' for a word group, '..'/'...' for gaps"
                )
            if word.endswith("*"):
                prefixes.append(word[:-1])
            else:
                stems.add(stem(word))
        steps.append(Step(frozenset(stems), tuple(prefixes), gap, number))
        gap = 0
    return Cue(text, tuple(steps))


def _refuse_phrase_alternatives(text: str, parts: list[str]) -> None:
    """Refuse an ``a/b`` whose last (or first) alternative was meant as a phrase with the word beside it.

    ``pm/product manager*`` looks like "pm, or product manager", but ``/`` joins single words and binds
    tighter than the space: it means "pm or product, then manager*", so an answer saying "pm" misses it,
    with nothing to tell the moderator why. Whether the word beside an alternation belongs to all of its
    alternatives ("will/would pay") or to one of them cannot be told in general; it can when another
    alternative is that phrase written as one word ("nonprofit*/non profit*") or as its initials
    ("pm/product manager*"): then it is one of the alternatives, and the cue is refused.
    """
    for left, right in itertools.pairwise(parts):
        if left in GAPS or right in GAPS:
            continue
        left_words, right_words = left.split("/"), right.split("/")
        first, second = left_words[-1].rstrip("*"), right_words[0]
        if not (first.isalpha() and second.rstrip("*").isalpha()):
            continue  # numbers, '#' and '@groups' are never half of a phrase
        spellings = {first + second.rstrip("*")}
        if min(len(first), len(second.rstrip("*"))) >= 3 and not first.startswith(first[0] + second[0]):
            spellings.add(first[0] + second[0])  # initials, "pm" for "product manager"; not for "pms meeting*"
        others = [w for w in (*left_words[:-1], *right_words[1:]) if w.rstrip("*") in spellings]
        if others:
            raise CueError(
                f"cue '{text}': '{first} {second}' reads as one alternative beside '{others[0]}', but '/' joins "
                f"single words, so this cue means '{left}' followed by '{right}'; write a separate cue for "
                f"the phrase '{first} {second}'"
            )


def _expand(text: str, words: list[str]) -> list[str]:
    """The alternatives of one word position with every ``@name`` replaced by its group's words."""
    expanded: list[str] = []
    for word in words:
        if not _CONCEPT.match(word):
            expanded.append(word)
        elif word[1:] in CONCEPTS:
            expanded.extend(CONCEPTS[word[1:]])
        else:
            known = ", ".join(f"@{name}" for name in CONCEPTS)
            raise CueError(f"cue '{text}': there is no word group '{word}'; the groups are {known}")
    return expanded


def first_span(cues: tuple[str, ...], tokens: list[Token]) -> tuple[int, int] | None:
    """The character span of the first cue that matches, or None."""
    for cue in cues:
        span = compile_cue(cue).search(tokens)
        if span is not None:
            return span
    return None


def first_match(cues: tuple[str, ...], tokens: list[Token], text: str) -> str | None:
    """The answer's own words for the first cue that matches, used as evidence in the feedback."""
    span = first_span(cues, tokens)
    return text[span[0] : span[1]] if span is not None else None
