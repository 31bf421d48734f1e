"""Ranking knowledge entries against a member's free-text question.

Why it is built this way:

* **Ranking is BM25** with Porter stems ("stories" finds "story") and a weight per field, so an entry's
  example questions and aliases count for more than a word buried in its answer. The scores are SQLite
  FTS5's ``bm25()``, which search first used (a test checks they are equal), but computed ahead of
  time per word and entry with numpy (``bot.ask.bm25``): FTS5 scores every entry containing any word of the
  question at query time, which took 13 ms at 10,000 entries; this takes a fraction of one.
* **Typos are corrected with rapidfuzz** against the words the index actually contains ("roadmpa" →
  "roadmap"), and titles/aliases are fuzzy-matched for ``/topic`` autocomplete.
* **PM/PO vocabulary is folded to one token per concept** before indexing and before searching
  ("PO", "product owner", "p.o.", "scrum PO" all become ``productowner``), so members' many spellings
  hit the same entries without each entry having to list them all.
* **Confidence is coverage, not rank**: bm25 always ranks *something* first, even for "how do I boil
  an egg". An answer is given only when the best entry contains most of the question's meaningful
  words, weighted by how rare each word is; words the knowledge base has never seen weigh the most, so
  a question about cooking or Python packaging scores low however well one stray word matches.

This module is Discord-free and synchronous: a search takes about 0.05 ms on the shipped knowledge base
and 0.2 ms at 10,000 entries (``python -m bench.search``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.ask.bm25 import Bm25Index
from bot.ask.stemming import PorterStemmer
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary
from bot.knowledge.loader import paused_gc

#: Words that carry no topic. Chat fillers ("lol", "pls") are here because members type them.
_STOPWORD_TEXT = """
    a about above after again against all am an and any are arent as at be because been before being below
    between both but by can cant could couldnt did didnt do does doesnt doing dont down during each either
    else even ever every few for from further get gets getting got had hadnt has hasnt have havent having he
    her here hers herself him himself his how hows however i id if im in into is isnt it its itself ive just
    let lets like ll m many me mine more most much must my myself no nor not now of off on once one only or other
    ought our ours ourselves out over per please pls plz pretty quite rather re really right s
    say says shall she should shouldnt so some such t than that thats the their theirs them themselves then
    there theres these they theyre thing things this those though through thus to too u under until up upon
    ur us ve very via vs versus was wasnt we well were werent what whats when whens where wheres whether
    which while who whos whom whose why whys will with within without wont would wouldnt ya yeah yes yet you
    youd youll youre youve your yours yourself yourselves
    hi hello hey guys folks lol lmao haha thx thanks thank anyone anybody someone somebody ok okay
    exactly basically actually literally kinda sorta gonna wanna tho though
    mean means meaning meant define defined definition explain explained
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: Concepts members spell many ways. Each concept becomes one token in the index and in the query;
#: phrases are matched on whole words, longest first. Domain vocabulary only: no entry's wording.
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
    "ai": ("ai", "artificial intelligence", "genai", "llm", "llms", "chatgpt", "gpt", "copilot", "claude", "gemini"),
    "resume": ("resume", "resumes", "cv", "cvs", "curriculum vitae"),
    "salary": ("salary", "salaries", "pay", "paid", "compensation", "comp", "wage", "wages", "earnings", "tc"),
    "certification": ("certification", "certifications", "certificate", "certificates", "cert", "certs", "certified"),
    "metrics": ("metrics", "metric", "kpi", "kpis", "okr", "okrs"),
    "bigtech": ("big tech", "faang", "maang", "manga", "big 5", "big five"),
    "startup": ("startup", "startups", "start up", "start ups", "scaleup", "scale up"),
    "gap": ("gap", "gaps", "difference", "differences", "diff", "spread"),
    "owns": ("owns", "in charge", "responsible for", "accountable for", "decides on"),
    "people": ("people", "ppl", "persons", "employees", "staff", "headcount"),
    "experience": ("experience", "exp", "xp"),
}

#: Weight of each field in bm25(), in column order. Example questions and aliases are what members
#: type, so they count most; the answer is long prose and counts least.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("title", 4.0),
    ("questions", 5.0),
    ("aliases", 6.0),
    ("answer", 0.5),
    ("theme", 2.0),
)

#: An answer is given when the best entry covers at least this share of the question's weighted words.
CONFIDENCE_THRESHOLD = 0.5
#: ...or this share when the question names the domain itself (PO, PM, PSPO, Scrum): members add words
#: the entries never use ("tiny startup, like 15 ppl"), and the risk this guards against, a confident
#: answer to a question about cooking or Python, does not arise for a question about product owners.
DOMAIN_THRESHOLD = 0.25
DOMAIN_TERMS = frozenset(
    {"productowner", "productmanager", "pspo", "scrum", "safe", "backlog", "roadmap", "sprint", "stories", "story"}
)
#: A typo-corrected word counts for this much of a word typed right: the correction may be wrong.
CORRECTED_WEIGHT = 0.8
#: Entries bm25 picks as candidates; the title bonus re-orders them, and the best get a confidence.
CANDIDATES = 10
#: How much a close rapidfuzz match between the question and an entry's title or alias adds to its bm25
#: score (tuned by leave-one-out on the entries' own example questions, `python -m bench.search_loo`).
TITLE_BONUS = 4.0
#: Shortest word worth correcting (swapped letters only): "pm" → "em" would be a guess, not a typo fix.
MIN_CORRECTABLE = 4
#: Shortest word in which a missing or extra letter is corrected ("succes"), and one letter typed for
#: another ("salery"); from LONG_WORD letters on, two edits of any kind.
MIN_INDEL_TYPO = 5
MIN_SUBSTITUTION_TYPO = 6
LONG_WORD = 9
#: ``/topic`` autocomplete and lookups accept a fuzzy title/alias match from this rapidfuzz score up.
TOPIC_CUTOFF = 60.0

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


THESAURUS = Thesaurus(CONCEPTS)


def content_words(text: str) -> list[str]:
    """The words search looks at: folded concepts, without stopwords and single letters."""
    return [w for w in THESAURUS.fold(words(text)) if w not in STOPWORDS and len(w) > 1]


def normalise(text: str) -> str:
    """A question's identity for the unanswered queue: 'Who owns the PO roadmap??' == 'who owns the po roadmap'."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Hit:
    """One ranked entry; ``confidence`` is the weighted share of the question's words it contains (0–1)."""

    entry: Entry
    confidence: float


@dataclass(frozen=True)
class SearchResult:
    question: str
    hits: tuple[Hit, ...]
    #: The question's words as searched (after folding, stopwords and typo correction), for debugging.
    terms: tuple[str, ...]
    #: The confidence the top hit needs to count as an answer (lower for questions inside the domain).
    threshold: float

    @property
    def best(self) -> Hit | None:
        """The answer, when the top hit is confident enough; None means "no curated answer"."""
        if self.hits and self.hits[0].confidence >= self.threshold:
            return self.hits[0]
        return None


@dataclass(frozen=True)
class _Term:
    word: str
    stem: str | None  # None: the index has never seen this word (it still weighs in the confidence)
    weight: float


class SearchIndex:
    """The search index of one knowledge-base version. Immutable once built; build a new one on reload."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        documents = [self._document(entry) for entry in self.entries]
        vocabulary = set(THESAURUS.vocabulary).union(*(column for document in documents for column in document))
        vocabulary = {word for word in vocabulary if word not in STOPWORDS and len(word) > 1}
        self._stemmer = PorterStemmer()
        self._stems = self._stemmer.stem_all(vocabulary)
        self._bm25 = Bm25Index(documents, [weight for _, weight in COLUMNS], self._stems)
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(vocabulary):
            if len(word) >= MIN_CORRECTABLE and word.isalpha():
                self._by_length.setdefault(len(word), []).append(word)
        names = [[content_words(name) for name in (entry.title, *entry.aliases)] for entry in self.entries]
        self._name_words = [[" ".join(name) for name in entry_names] for entry_names in names]
        self._alias_words = [[frozenset(alias) for alias in entry_names[1:]] for entry_names in names]
        self._aliases = self._alias_table()
        self._rowids = {entry.id: rowid for rowid, entry in enumerate(self.entries)}
        self._names = [(entry, name) for entry in self.entries for name in (entry.title, *entry.aliases)]
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)

    @classmethod
    def from_knowledge(cls, knowledge: KnowledgeBase) -> SearchIndex:
        with paused_gc():  # building creates many long-lived objects, as loading does
            return cls(knowledge.part(EntryLibrary).entries.values())

    def search(self, question: str, limit: int = 3) -> SearchResult:
        """The best ``limit`` entries for ``question``, most likely first, each with its confidence."""
        terms = self._terms(question)
        searched = tuple(t.word for t in terms)
        known = [t for t in terms if t.stem is not None]
        if not known:
            return SearchResult(question, (), searched, CONFIDENCE_THRESHOLD)
        text = " ".join(searched)
        rows = self._bm25.top((t.stem for t in self._candidate_terms(known) if t.stem), CANDIDATES)
        rowids = self._rerank(text, rows, limit)
        weights = [self._weight(t) for t in terms]
        covered = self._bm25.coverage({t.stem: w for t, w in zip(terms, weights, strict=True) if t.stem}, rowids)
        total = sum(weights)
        hits = [Hit(self.entries[rowid], share / total) for rowid, share in zip(rowids, covered, strict=True)]
        exact = self._aliases.get(text)
        if exact is not None:
            hits = [Hit(exact, 1.0), *(hit for hit in hits if hit.entry.id != exact.id)]
        threshold = DOMAIN_THRESHOLD if self._in_domain(set(searched), hits) else CONFIDENCE_THRESHOLD
        return SearchResult(question, tuple(hits[:limit]), searched, threshold)

    def lookup(self, name: str) -> Entry | None:
        """The entry a member means by ``name``: an id, a title or alias, or the closest fuzzy match."""
        text = name.strip()
        for entry in self.entries:
            if entry.id == text:
                return entry
        matches = self.titles_matching(text, limit=1)
        return matches[0] if matches else None

    def titles_matching(self, text: str, limit: int = 25) -> list[Entry]:
        """Entries whose title or an alias matches ``text`` (for autocomplete); all entries when empty."""
        if not text.strip():
            return list(self.entries[:limit])
        found = process.extract(
            normalise(text),
            [normalise(name) for _, name in self._names],
            scorer=fuzz.WRatio,
            score_cutoff=TOPIC_CUTOFF,
            limit=None,
        )
        result: list[Entry] = []
        for _, _, index in found:
            entry = self._names[index][0]
            if entry not in result:
                result.append(entry)
            if len(result) == limit:
                break
        return result

    # -- building -----------------------------------------------------------------------------------

    @staticmethod
    def _document(entry: Entry) -> tuple[list[str], ...]:
        """An entry's words per column, in ``COLUMNS`` order, folded; the index skips stopwords itself."""
        texts = (entry.title, "\n".join(entry.questions), "\n".join(entry.aliases), entry.answer, entry.theme)
        return tuple(THESAURUS.fold(words(text)) for text in texts)

    def _alias_table(self) -> dict[str, Entry]:
        """Folded alias/title → entry, for questions that are just a topic name ("PSPO", "what is a PO")."""
        table: dict[str, Entry] = {}
        ambiguous: set[str] = set()
        for entry, names in zip(self.entries, self._name_words, strict=True):
            for key in names:
                if not key:
                    continue
                if key in table and table[key] is not entry:
                    ambiguous.add(key)
                table.setdefault(key, entry)
        return {key: entry for key, entry in table.items() if key not in ambiguous}

    # -- querying -----------------------------------------------------------------------------------

    def _terms(self, question: str) -> list[_Term]:
        seen: set[str] = set()
        terms: list[_Term] = []
        raw = words(question)
        corrected = [self._correct(w) or w for w in raw]
        for word in content_words(" ".join(corrected)):
            stem = self._stem(word)
            key = stem or word
            if key in seen:
                continue
            seen.add(key)
            if stem is None and word.isdigit():
                continue  # "15 people", "40 hours": an unknown number is detail, not topic
            was_typo = word not in raw and word not in CONCEPTS
            terms.append(_Term(word, stem, CORRECTED_WEIGHT if was_typo else 1.0))
        return terms

    def _stem(self, word: str) -> str | None:
        """The index term for ``word``, or None when no entry contains it."""
        stem = self._stems.get(word) or self._stemmer.stem(word)  # a word no entry uses may share a stem ("storys")
        return stem if stem in self._bm25 else None

    def _correct_uncached(self, word: str) -> str | None:
        """The index word ``word`` is a typo of, or None.

        Swapping one letter for another turns many real words into other real words ("care" → "case",
        "normal" → "formal"), so substitutions are corrected only in long words; swapped neighbours
        ("roadmpa") and a missing or extra letter ("succes") are typos far more often than real words.
        """
        if word in self._stems or word in STOPWORDS or len(word) < MIN_CORRECTABLE or not word.isalpha():
            return None
        if self._stemmer.stem(word) in self._bm25:
            return None
        limit = 2 if len(word) >= LONG_WORD else 1
        candidates: list[tuple[int, int, str]] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate, distance, _ in process.extract(
                word, self._by_length.get(length, ()), scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                if self._plausible_typo(word, candidate):
                    candidates.append((int(distance), -self._bm25.df(self._stems[candidate]), candidate))
        return min(candidates)[2] if candidates else None

    @staticmethod
    def _plausible_typo(word: str, candidate: str) -> bool:
        if len(word) >= LONG_WORD:
            return True
        if len(word) != len(candidate):
            return len(word) >= MIN_INDEL_TYPO
        if Levenshtein.distance(word, candidate) == 2:  # OSA 1 and Levenshtein 2: two letters swapped
            return True
        return len(word) >= MIN_SUBSTITUTION_TYPO

    def _candidate_terms(self, known: list[_Term]) -> list[_Term]:
        """The words that pick candidate entries. Words in most entries, which bm25 weighs at ~0 anyway, are
        left out unless nothing else is left: same ranking, far fewer entries scored."""
        half = len(self.entries) / 2
        return [t for t in known if self._bm25.df(t.stem or "") <= half] or known

    def _rerank(self, text: str, rows: Sequence[tuple[int, float]], keep: int) -> list[int]:
        """The best ``keep`` of bm25's ``rows`` once each gets its title bonus: how closely the question reads
        like the entry's title or an alias. ``rows`` come best first and a bonus is at most TITLE_BONUS, so
        once a row could not catch up with the ``keep``-th best score so far, no later row can either."""
        scored: list[tuple[float, int]] = []
        for rowid, score in rows:
            if len(scored) >= keep and score + TITLE_BONUS < sorted(scored, reverse=True)[keep - 1][0]:
                break
            match = process.extractOne(text, self._name_words[rowid], scorer=fuzz.token_set_ratio)
            scored.append((score + TITLE_BONUS * (match[1] / 100 if match else 0.0), rowid))
        scored.sort(key=lambda pair: -pair[0])  # stable: equal scores keep bm25's order
        return [rowid for _, rowid in scored[:keep]]

    def _in_domain(self, searched: set[str], hits: Sequence[Hit]) -> bool:
        """The question names the domain, or every word of one of the top entry's aliases ("lovable")."""
        if not DOMAIN_TERMS.isdisjoint(searched):
            return True
        if not hits:
            return False
        rowid = self._rowids[hits[0].entry.id]
        return any(alias and alias <= searched for alias in self._alias_words[rowid])

    def _weight(self, term: _Term) -> float:
        containing = self._bm25.df(term.stem) if term.stem is not None else 0
        return term.weight * idf(len(self.entries), containing)


def idf(entries: int, containing: int) -> float:
    """Rarer words say more about the topic; unseen words (in no entry) weigh the most. Always positive."""
    return math.log(1 + (entries - containing + 0.5) / (containing + 0.5))
