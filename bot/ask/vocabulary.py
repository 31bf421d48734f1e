"""The words search sees: tokens, stopwords, the PM/PO concepts members spell many ways, and intent words.

One module for the vocabulary so the index, the question and the tests fold text the same way:
``content_words("what does a p.o. do")`` is what search matches on, ``["productowner"]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

#: Words that carry no topic. Chat fillers ("lol", "pls") are here because members type them. Intent words
#: ("why", "should", "how do I", "which", "vs") are not: they tell "should I apply" from "what is".
_STOPWORD_TEXT = """
    a about above after again against all am an and any are arent as at be because been before being below
    between both but by can cant could couldnt did didnt do does doesnt doing dont down during each either
    else even ever every few for from further get gets getting got had hadnt has hasnt have havent having he
    her here hers herself him himself his hows however i id if im in into is isnt it its itself ive just
    let lets like ll m many me mine more most much must my myself no nor not now of off on once one only or other
    ought our ours ourselves out over per please pls plz pretty quite rather re really right s
    say says shall she shouldnt so some such t than that thats the their theirs them themselves then
    there theres these they theyre thing things this those though through thus to too u under until up upon
    ur us ve very via was wasnt we well were werent what whats when whens where wheres whether
    while who whos whom whose whys will with within without wont would wouldnt ya yeah yes yet you
    youd youll youre youve your yours yourself yourselves
    hi hello hey guys folks lol lmao haha thx thanks thank anyone anybody someone somebody ok okay
    exactly basically actually literally kinda sorta gonna wanna tho though wtf wat wut tbh imo imho btw rn bc
    mean means meaning meant define defined definition definitions def defn glossary explain explained
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: Concepts members spell many ways. Each concept becomes one token in the index and in the query;
#: phrases are matched on whole words, longest first. Here are the spellings of the roles, which every
#: question depends on, and intent; the synonyms of the domain's topics ("paycheck" for pay, "KPIs" for
#: metrics) are content, in the knowledge base's synonym groups (``knowledge/synonyms.yaml``), where
#: moderators add the words members use. :func:`thesaurus` folds both.
CONCEPTS: Mapping[str, tuple[str, ...]] = {
    "productowner": (
        "product owner",
        "product owners",
        "product ownership",
        "prod owner",
        "po",
        "pos",
        "p o",
        "p o s",
    ),
    "productmanager": (
        "product manager",
        "product managers",
        "product management",
        "product mgr",
        "product mgmt",
        "prod manager",
        "prod mgr",
        "pm",
        "pms",
        "pdm",
        "pdms",
        "p m",
        "p m s",
    ),
    "projectmanager": ("project manager", "project managers", "project mgr", "project management", "project mgmt"),
    "engineeringmanager": (
        "engineering manager",
        "engineering managers",
        "eng manager",
        "eng mgr",
        "em",
        "ems",
        "dev manager",
        "development manager",
    ),
    "businessanalyst": ("business analyst", "business analysts", "ba", "bas"),
    "subjectexpert": ("subject matter expert", "subject matter experts", "sme", "smes"),
    "gap": ("gap", "gaps", "spread"),
    "owns": ("owns", "in charge", "decides on"),
    "people": ("people", "ppl", "persons", "employees", "staff", "headcount"),
    "experience": ("experience", "exp", "xp"),
    # Intent: what kind of answer the member wants, whatever the topic.
    "versus": (
        "vs",
        "versus",
        "difference",
        "differences",
        "diff",
        "different",
        "differ",
        "compare",
        "compared",
        "comparison",
        "distinguish",
        "interchangeable",
        "identical",
        "interchangeably",
        "same thing",
        "same job",
        "same role",
    ),
    "amirole": ("am i", "is my job", "is my role", "my job", "my role", "is what i do", "what i do"),
    "howto": ("how do i", "how can i", "how to", "how should i", "how would i", "how do you", "how does one"),
}
#: Intent concepts and words: they count towards an answer like any word, but never make a question
#: informative on their own ("why?", "how do I").
INTENT_TERMS = frozenset({"versus", "howto", "how", "should", "which", "why", "amirole"})
#: Concepts that fold everyday words ("people", "exp"): they help ranking, but alone ask about nothing.
GENERIC_CONCEPTS = frozenset({"people", "experience", "owns", "gap"})
#: Words that are common in everyday English but name this domain: alone they are a question about it.
#: Every concept above but the intents and the generic ones is a domain term too.
DOMAIN_WORDS = frozenset(
    {
        "agile",
        "backlog",
        "career",
        "customer",
        "customers",
        "discovery",
        "execution",
        "interview",
        "interviews",
        "pspo",
        "roadmap",
        "safe",
        "scrum",
        "sprint",
        "stakeholder",
        "stakeholders",
        "stories",
        "story",
        "strategy",
        "feasibility",
        "lovable",
        "viability",
        "viable",
    }
)
DOMAIN_TERMS = DOMAIN_WORDS | (frozenset(CONCEPTS) - INTENT_TERMS - GENERIC_CONCEPTS)

#: Letters and digits are separate words, so "catch22" meets "catch-22" and "$46K" meets "46k".
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")  # the same on lower-case ASCII, where it is a fifth faster


def words(text: str) -> list[str]:
    """Lower-case words with accents and compatibility forms folded ("Résumé", "ＰＯ" → "resume", "po")."""
    folded = text.casefold()
    if folded.isascii():
        return _ASCII_TOKEN.findall(folded)
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return _TOKEN.findall(folded)


class Thesaurus:
    """Folds multi-spelling concepts to one token, matching whole-word phrases longest first.

    One compiled regex over the space-joined words does the matching in C: indexing 10,000 entries
    folds over a million words, which a Python loop per word made the slowest step of a reload. The
    regex is a trie ("p(?:m|o)" rather than "pm|po"), so each position is tried once, not once per phrase.
    """

    def __init__(self, concepts: Mapping[str, Iterable[str]]) -> None:
        self._concept_of: dict[str, str] = {}
        self.concepts = frozenset(concepts)
        self.vocabulary: set[str] = set()
        for concept, phrases in concepts.items():
            for phrase in phrases:
                parts = words(phrase)
                self._concept_of.setdefault(" ".join(parts), concept)
                self.vocabulary.update(parts)
        self._starts = frozenset(phrase.split()[0] for phrase in self._concept_of)
        # Words are runs of letters or of digits joined by single spaces, so \b falls exactly between words.
        self._pattern = re.compile(r"\b(?:" + _trie_pattern(self._concept_of) + r")\b")

    def fold(self, tokens: Sequence[str]) -> list[str]:
        if self._starts.isdisjoint(tokens):
            return list(tokens)
        text = " ".join(tokens)
        return self._pattern.sub(lambda match: self._concept_of[match.group(0)], text).split()

    def content_words(self, text: str) -> list[str]:
        """The words search looks at: folded concepts, without stopwords and single letters."""
        return [w for w in self.fold(words(text)) if w not in STOPWORDS and len(w) > 1]


_Trie = dict[str, "_Trie"]  # a character → the rest of the phrases; "" marks where a phrase ends


def _trie_pattern(phrases: Iterable[str]) -> str:
    """A regex matching any of ``phrases``, longest first: where a phrase ends and a longer one goes on
    ("po", "pos"), the longer is tried first (a greedy "?"), and the ``\b`` after it makes it back off."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Trie) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
        if "" not in node:
            return branches[0] if len(branches) == 1 else group
        return group + "?"

    return pattern(trie)


#: The code's concepts alone: what text is folded with where no knowledge base is at hand.
THESAURUS = Thesaurus(CONCEPTS)
content_words = THESAURUS.content_words


def thesaurus(groups: Mapping[str, Sequence[str]]) -> Thesaurus:
    """The code's concepts and a knowledge base's synonym groups (id → phrases) in one thesaurus; a phrase
    the code already folds stays the code's (the validator reports it)."""
    return _thesaurus(tuple((concept, tuple(phrases)) for concept, phrases in groups.items()))


@lru_cache(maxsize=4)
def _thesaurus(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> Thesaurus:
    return Thesaurus({**CONCEPTS, **dict(groups)}) if groups else THESAURUS


def normalise(text: str) -> str:
    """A question's identity for the unanswered queue: 'Who owns the PO roadmap??' == 'who owns the po roadmap'."""
    return " ".join(words(text))
