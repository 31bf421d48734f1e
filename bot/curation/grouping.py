"""Which unanswered questions ask the same thing, and which entries are closest to each group.

Two questions are compared on two things. Their words: the meaningful words they share after search's
own processing (the words ``SearchIndex.search`` looks at: PM/PO vocabulary folded, stopwords dropped,
typos corrected), as Porter stems, each weighted by how rare it is among the entries (search's ``idf``; a
word no entry uses weighs the most, since a gap is often exactly about that word), as the weighted share
of their words in common (weighted Jaccard). And whether search ranks the same entry first for both.
Similarity is half of each; when search ranks nothing for one of them (a question far from everything
the base covers), the words alone. Words alone group too little: paraphrases share few words ("how much
are PMs paid" / "average product manager salary"); on the benchmark's mixed queues they recover 38 % of
the gaps exactly, the same first entry plus words 72 % (``python -m bench.gap_grouping``).

Groups form greedily, most asked wording first: a wording joins the group it is most similar to on
average, if that is at least :data:`SIMILAR`.

The entries proposed for a group are search's rankings of its wordings, fused: each wording's hits
score ``count / (RRF_K + rank)`` (reciprocal rank fusion), so a group's entry is the one most of its
wordings rank high, not the one a single odd wording ranks first. Figures: ``python -m bench.gap_grouping``.

Pure, over a search index and the vocabulary derived from the same knowledge version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.ask.search import SearchIndex, idf
from bot.ask.stemming import PorterStemmer
from bot.ask.vocabulary import content_words
from bot.curation.engine import Candidate, Gap, Signal, Wording, signal_kind
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.entries import Entry, EntryLibrary

#: Average similarity from which a wording joins a group: the same first entry, or all words in common.
SIMILAR = 0.5
#: The share of the similarity that is "search ranks the same entry first".
SAME_TOP = 0.5
#: Reciprocal rank fusion's constant: how much a lower rank is discounted (60 in the original paper;
#: small here because search ranks only a handful of entries that matter).
RRF_K = 2
#: Hits per wording that take part in the fusion, and entries proposed per group.
HITS_PER_WORDING = 5
PROPOSALS = 5


@dataclass(frozen=True)
class Vocabulary:
    """How many entries use each stem: the rarity weights of the similarity. Built per knowledge version."""

    entries: int
    containing: Mapping[str, int]

    @classmethod
    def from_knowledge(cls, knowledge: KnowledgeBase) -> Vocabulary:
        return cls.from_entries(knowledge.part(EntryLibrary).entries.values())

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> Vocabulary:
        stemmer = PorterStemmer()
        counts: dict[str, int] = defaultdict(int)
        total = 0
        for entry in entries:
            total += 1
            text = "\n".join((entry.title, *entry.questions, *entry.aliases, entry.answer, entry.theme))
            for stem in set(stemmer.stem_all(content_words(text)).values()):
                counts[stem] += 1
        return cls(total, dict(counts))

    def weight(self, stem: str) -> float:
        return idf(self.entries, self.containing.get(stem, 0))


@dataclass(frozen=True)
class Profile:
    """What a question is compared on: its meaningful stems with their weights, and search's first entry."""

    stems: Mapping[str, float]
    top: str | None


class Grouper:
    """Groups wordings and proposes entries, over one knowledge version's search index and vocabulary."""

    def __init__(self, index: SearchIndex, vocabulary: Vocabulary) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self._stemmer = PorterStemmer()

    def profile(self, question: str) -> Profile:
        result = self.index.search(question, limit=1)
        stems = self._stemmer.stem_all(result.terms).values()
        top = result.hits[0].item.id if result.hits else None  # an entry or a not-covered topic
        return Profile({stem: self.vocabulary.weight(stem) for stem in stems}, top)

    @staticmethod
    def similarity(a: Profile, b: Profile) -> float:
        words = weighted_jaccard(a.stems, b.stems)
        if a.top is None or b.top is None:
            return words
        return (1 - SAME_TOP) * words + SAME_TOP * (a.top == b.top)

    def group(self, wordings: Sequence[Wording]) -> list[list[Wording]]:
        """Wordings that ask the same thing together; groups and their wordings most asked first."""
        ordered = sorted(wordings, key=lambda w: (-w.count, -w.last_asked.timestamp(), w.id))
        groups: list[list[tuple[Wording, Profile]]] = []
        for wording in ordered:
            terms = self.profile(wording.question)
            best, best_score = None, SIMILAR
            for group in groups:
                score = sum(self.similarity(terms, other) for _, other in group) / len(group)
                if score >= best_score:
                    best, best_score = group, score
            if best is None:
                groups.append([(wording, terms)])
            else:
                best.append((wording, terms))
        result = [[w for w, _ in group] for group in groups]
        result.sort(key=lambda g: (-sum(w.count for w in g), -max(w.last_asked.timestamp() for w in g)))
        return result

    def proposals(self, wordings: Sequence[Wording], limit: int = PROPOSALS) -> list[Entry]:
        """The entries closest to a group: search's rankings of its wordings, fused by reciprocal rank."""
        scores: dict[str, float] = defaultdict(float)
        entries: dict[str, Entry] = {}
        for wording in wordings:
            hits = self.index.search(wording.question, limit=HITS_PER_WORDING).hits
            for rank, entry in enumerate(hit.entry for hit in hits if hit.entry is not None):
                scores[entry.id] += wording.count / (RRF_K + rank)
                entries[entry.id] = entry
        ranked = sorted(scores, key=lambda entry_id: -scores[entry_id])  # stable: first seen wins ties
        return [entries[entry_id] for entry_id in ranked[:limit]]


def weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The weight of the stems both have over the weight of all their stems."""
    union = sum(a.values()) + sum(w for s, w in b.items() if s not in a)
    return sum(w for s, w in a.items() if s in b) / union if union else 0.0


def gaps(
    grouper: Grouper,
    wordings: Sequence[Wording],
    candidates: Sequence[Candidate] = (),
    limit: int | None = None,
) -> list[Gap]:
    """The gaps to show: groups with their proposals; entries members' signals point to come first."""
    found = []
    for group in grouper.group(wordings)[:limit]:
        ids = {w.id for w in group}
        mine = tuple(c for c in candidates if c.wording.id in ids)
        signalled = [c.entry for c in sorted(mine, key=lambda c: -(c.helpful + c.quiet))]
        proposed = [*dict.fromkeys([*signalled, *grouper.proposals(group)])]
        found.append(Gap(tuple(group), tuple(proposed[:PROPOSALS]), mine))
    return found


def candidates(
    signals: Sequence[Signal], now: dt.datetime, wording_of: Mapping[int, Wording], library: EntryLibrary
) -> list[Candidate]:
    """One candidate per (wording, entry) with at least one helpful or quiet signal (see ``signal_kind``).

    ``wording_of`` maps each unanswered row id to the wording it was asked as.
    """
    tallies: dict[tuple[int, str], tuple[Wording, Entry, list[int]]] = {}
    for signal in signals:
        kind = signal_kind(signal, now)
        wording = wording_of.get(signal.unanswered_id)
        entry = library.entries.get(signal.entry_id)
        if kind is None or wording is None or entry is None:
            continue
        _, _, tally = tallies.setdefault((wording.id, entry.id), (wording, entry, [0, 0]))
        tally[0 if kind == "helpful" else 1] += 1
    return [Candidate(wording, entry, helpful, quiet) for wording, entry, (helpful, quiet) in tallies.values()]
