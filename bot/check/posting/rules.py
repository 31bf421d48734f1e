"""The posting reader's rules as typed objects: what ``knowledge/check-posting.yaml`` says, compiled once.

Every phrase is a drill cue (``bot.drills.cues``: word forms, ``a/b``, ``word*``, ``#``, ``..`` gaps), so
moderators write one pattern language for the whole bot. ``Phrases`` adds only an index from a cue's
first word to the cue, so a sentence tries the few cues that can start in it instead of all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from bot.drills.cues import Cue, Step, Token, compile_cue, is_number, stem
from bot.knowledge.base import Origin

QUESTIONS = ("roadmap", "customers", "metrics")
Answer = Literal["role", "pm", "shared", "not_stated"]
ANSWERS: tuple[Answer, ...] = ("role", "pm", "shared", "not_stated")
CONTEXT_KEYS = ("title", "size", "model", "kind")
PRODUCT = "product"

#: What one statement in the ad says about who decides, strongest first: when several patterns match
#: the same clause, the first kind in this order is what the clause says.
#: ``execution`` is carrying out what was decided ("turn the roadmap into user stories"): like ``nobody``
#: it says nothing about who decides, and counts only when nothing else is said.
Stance = Literal["nobody", "negation", "shared", "pm", "execution", "input", "role"]
STANCES: tuple[Stance, ...] = ("nobody", "negation", "shared", "pm", "execution", "input", "role")
#: Kinds of statement that count only when the ad says nothing firmer about the question.
FALLBACKS: frozenset[Stance] = frozenset({"nobody", "execution", "input"})
#: The answer each kind of statement stands for.
STANCE_ANSWER: Mapping[Stance, Answer] = {
    "nobody": "not_stated",
    "negation": "pm",
    "shared": "shared",
    "pm": "pm",
    "execution": "not_stated",
    "input": "shared",
    "role": "role",
}
#: The word the reader puts in place of every phrase naming this role, and of every phrase naming
#: someone else who could decide (a PM above, a Head of Product, the client ...).
SELF = "you"
OTHERS = "pm"
#: In the patterns shared by all questions, this word stands for the question's topic word.
TOPIC = "topic"


@dataclass(frozen=True)
class Hit:
    """Where a cue matched, as token positions (inclusive) in the token list it was searched in."""

    cue: str
    first: int
    last: int


class Phrases:
    """Compiled cues, each indexed by one of its words, so a clause only tries the cues that can match it.

    A cue can only match where every one of its steps accepts some word, so each cue is filed under one
    step (the one with the fewest alternatives, whole words preferred over prefixes): its words, or the
    first two letters of its prefixes. Topic words such as ``roadmap`` are rare, which makes most cues
    cheap to rule out.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts = tuple(texts)
        self.cues = tuple(compile_cue(text) for text in self.texts)
        by_stem: dict[str, list[int]] = {}
        by_start: dict[str, list[int]] = {}
        numbers: list[int] = []
        for index, cue in enumerate(self.cues):
            step = min(cue.steps, key=_selectivity)
            if step.number:
                numbers.append(index)
            for word in step.stems:
                by_stem.setdefault(word, []).append(index)
            for prefix in step.prefixes:
                by_start.setdefault(prefix[:_START], []).append(index)
        self._by_stem = by_stem
        self._by_start = by_start
        self._numbers = tuple(numbers)
        #: Per cue, the stems of each step that accepts whole words only: a cue can match only tokens
        #: that hold one word of every such step, which rules most candidates out without a search.
        self._needs = tuple(
            tuple(step.stems for step in cue.steps if step.stems and not step.prefixes and not step.number)
            for cue in self.cues
        )
        self._seen: dict[str, frozenset[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.cues)

    def hits(self, tokens: Sequence[Token]) -> list[Hit]:
        """Every match of every cue, in cue order, each cue's matches left to right."""
        if not tokens:
            return []
        candidates: set[int] = set()
        for token in tokens:
            candidates.update(self._candidates(token))
        if self._numbers and any(is_number(token) for token in tokens):
            candidates.update(self._numbers)
        found: list[Hit] = []
        listed = tokens if isinstance(tokens, list) else list(tokens)
        stems = {token.stem for token in listed}
        #: Tokens by start and by end offset, built on the first match (most candidates match nothing).
        positions: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for index in sorted(candidates):
            if all(not needed.isdisjoint(stems) for needed in self._needs[index]):
                found.extend(_all_hits(self.cues[index], listed, positions))
        return found

    def _candidates(self, token: Token) -> frozenset[int]:
        """The cues filed under the token's word or first letters, remembered per word: the reader
        asks for the same words many times per ad (each clause for each question, list items ...). A
        token's stem is its word's, so the word alone is the key."""
        found = self._seen.get(token.raw)
        if found is None:
            if len(self._seen) >= _SEEN_LIMIT:
                self._seen.clear()
            indexes = set(self._by_stem.get(token.stem, ()))
            for start in {token.raw[:_START], token.stem[:_START], token.raw[:1], token.stem[:1]}:
                indexes.update(self._by_start.get(start, ()))
            found = self._seen[token.raw] = frozenset(indexes)
        return found

    def first(self, tokens: Sequence[Token]) -> Hit | None:
        """The match of the earliest-listed cue that matches (its leftmost match)."""
        for hit in self.hits(tokens):
            return hit
        return None

    def earliest(self, tokens: Sequence[Token]) -> Hit | None:
        """The match that starts first in ``tokens`` (the longest one where two start together)."""
        hits = self.hits(tokens)
        return min(hits, key=lambda h: (h.first, -h.last)) if hits else None


#: Prefix cues are filed under this many first letters (a one-letter prefix under its one letter).
_START = 2
#: How many words' candidates one ``Phrases`` remembers before starting afresh (a bound on memory).
_SEEN_LIMIT = 20_000


def _selectivity(step: Step) -> tuple[int, int]:
    """Lower is better for filing a cue: whole words before prefixes, few alternatives before many."""
    if step.number and not step.stems and not step.prefixes:
        return (2, 0)
    return (1 if step.prefixes or step.number else 0, len(step.stems) + len(step.prefixes))


def _all_hits(cue: Cue, tokens: list[Token], positions: tuple[dict[int, int], dict[int, int]]) -> Iterable[Hit]:
    """Every match of ``cue``, left to right; ``positions`` maps character offsets back to token indexes."""
    starts, ends = positions
    span = cue.search(tokens, negation_cancels=False)
    while span is not None:
        if not starts:
            for i, token in enumerate(tokens):
                starts[token.start], ends[token.end] = i, i
        first, last = starts[span[0]], ends[span[1]]
        yield Hit(cue.text, first, last)
        span = cue.search(tokens[first + 1 :], negation_cancels=False)


def chained(synonyms: Sequence[tuple[str, Phrases]], words: Iterable[str]) -> tuple[tuple[str, Phrases], ...]:
    """Per synonym word, only the phrases with a step that accepts one of ``words`` (what synonyms put in)."""
    made = [Token(word, stem(word), 0, 0) for word in words]
    return tuple(
        (
            word,
            Phrases(
                text
                for text, cue in zip(phrases.texts, phrases.cues, strict=True)
                if any(step.accepts(token) for step in cue.steps for token in made)
            ),
        )
        for word, phrases in synonyms
    )


def synthetic(word: str, tokens: Sequence[Token]) -> Token:
    """One token standing for a whole phrase: the reader's synonyms become single words for the cues."""
    return Token(word, stem(word), tokens[0].start, tokens[-1].end)


@dataclass(frozen=True)
class QuestionCues:
    """Everything that says who decides one question, in precedence order (see ``STANCES``)."""

    id: str
    #: The synonym words that mean this question's topic, as the stems the tokens carry.
    topic_stems: frozenset[str]
    #: Words for something broader (the strategy for the roadmap), outweighed by the topic itself.
    broader_stems: frozenset[str]
    stances: tuple[tuple[Stance, Phrases], ...]


@dataclass(frozen=True)
class Boilerplate:
    """What counts for nothing: sections, sentences and qualifications (see the YAML's comments)."""

    keep_headings: Phrases
    headings: Phrases
    #: A heading that is only one of these ("Sustainability", "ESG") sets aside its section, unless the
    #: role is about that cause (its title names it): then it heads the role's own duties.
    cause_headings: Phrases
    paragraphs: Phrases
    #: Sentences starting with one of these end what ``paragraphs`` set aside ("In this role you ...").
    resume: Phrases
    sentences: Phrases
    qualifications: Phrases
    #: A qualification match is none where one of these overlaps it: "over 150 years of history" is the company's.
    not_qualifications: Phrases


@dataclass(frozen=True)
class TitleCues:
    value: str
    role_type: str
    phrases: Phrases


@dataclass(frozen=True)
class Band:
    value: str
    #: The largest headcount in the band; None for the open-ended top band.
    up_to: int | None


@dataclass(frozen=True)
class SizeCues:
    headcount: Phrases
    not_headcount: Phrases
    more_than: Phrases
    bands: tuple[Band, ...]

    def band(self, people: int) -> str:
        for band in self.bands:
            if band.up_to is None or people <= band.up_to:
                return band.value
        return self.bands[-1].value


@dataclass(frozen=True)
class ValueCues:
    """A context value and the phrases that say it (a model, a kind of company)."""

    value: str
    phrases: Phrases
    #: For a kind: the value to give instead when the ad names no European place.
    outside_europe: str | None = None
    #: A match counts only where its number is at least this ("400 million users", not "2 million").
    at_least: int | None = None


@dataclass(frozen=True)
class KindCues:
    #: Tried in order; the first with a phrase anywhere in the ad decides.
    anywhere: tuple[ValueCues, ...]
    #: Otherwise the one whose phrase comes first in the ad decides (a company describes itself before
    #: it names its customers).
    earliest: tuple[ValueCues, ...]
    #: Phrases that look like a kind of company but are not ("health insurance", "bank holidays").
    excluded: Phrases
    european: Phrases


@dataclass(frozen=True)
class NonProduct:
    """What the check says about an ad for a job that is not a PM or PO role."""

    role_type: str
    title: str
    summary: str
    next_steps: tuple[str, ...]
    entry: str
    origin: Origin = field(compare=False, repr=False)


@dataclass(frozen=True)
class CheckMapping:
    """How a reading becomes the check's answers."""

    subject: str
    not_stated: str
    #: Context the ad leaves out, as the labels filled it: values no rule reads differently.
    fill: Mapping[str, str]


@dataclass(frozen=True)
class Example:
    """An example ad with the reading it must get; ``kb validate`` reads it and compares."""

    id: str
    text: str
    role_type: str
    answers: Mapping[str, str]
    context: Mapping[str, str]
    verdict: str | None
    origin: Origin = field(compare=False, repr=False)


@dataclass
class PostingRules:
    """The loaded rules; empty until a file of kind ``posting`` is added."""

    synonyms: tuple[tuple[str, Phrases], ...] = ()
    #: The synonym phrases that can match a word another synonym put in ("talk ... to ... users"): only
    #: these can match again once the first round of replacements is made.
    chained: tuple[tuple[str, Phrases], ...] = ()
    questions: tuple[QuestionCues, ...] = ()
    ignore: Phrases = field(default_factory=lambda: Phrases(()))
    #: Said in a clause where this role decides, these make it shared: "together with the Service Owner".
    together: Phrases = field(default_factory=lambda: Phrases(()))
    #: Participles that, followed by "by" and someone else, give the topic before them to that someone.
    passive: Phrases = field(default_factory=lambda: Phrases(()))
    boilerplate: Boilerplate | None = None
    titles: tuple[TitleCues, ...] = ()
    default_title: str = "other"
    size: SizeCues | None = None
    models: tuple[ValueCues, ...] = ()
    kinds: KindCues | None = None
    non_product: dict[str, NonProduct] = field(default_factory=dict)
    #: Per question and answer, a next step naming the ad's own words (``{quote}``).
    next_steps: dict[str, dict[str, str]] = field(default_factory=dict)
    check: CheckMapping | None = None
    examples: tuple[Example, ...] = ()
    #: The stems of the synonym words and of ``you`` and ``pm``: words only the reader may put in a clause.
    reserved: frozenset[str] = frozenset()
    origin: Origin | None = None

    @property
    def loaded(self) -> bool:
        return self.origin is not None and self.boilerplate is not None

    @cached_property
    def topic_stems(self) -> frozenset[str]:
        """Every question's topic words and broader ones: what a participle may describe instead."""
        return frozenset().union(*(q.topic_stems | q.broader_stems for q in self.questions))

    def diff_items(self) -> Mapping[str, Mapping[str, object]]:
        return {"posting examples": {example.id: example for example in self.examples}}
