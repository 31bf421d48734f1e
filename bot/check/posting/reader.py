"""From the text of a job ad to the check's three answers and its context, each with the ad's words.

How an ad is read, step by step (every phrase list is in ``knowledge/check-posting.yaml``):

1. The ad is cut into sentences and clauses (``segments``), and sections follow their headings.
2. Boilerplate is set aside for the three questions: sections under headings such as "About us",
   "Benefits" or "Who you are"; a sentence with a marker such as "we offer" or "equal opportunity"
   together with the rest of its paragraph, up to a sentence that turns to the role ("In this role
   you ..."); and qualifications ("3+ years of experience with OKRs"), which describe the candidate,
   not the job (only their own statement). Headings themselves never answer.
3. In each clause, job titles and synonyms become one word each: "user research" and "customer
   interviews" become ``discovery``, "talk to our travellers" ``contact``, "OKRs" ``metrics``, "the Head
   of Product" ``pm`` (someone other than this role), and "you", "your" or the ad's own title ``you``.
4. For each question whose topic the clause names, the question's patterns are tried in precedence
   order: nobody owns it, negation ("you won't own the roadmap"), shared, someone else (attribution:
   "the PM, who owns the roadmap"; never across a ``you``, nor for someone named after 'with' or 'to'),
   execution ("turn the roadmap into stories": no owner), input only ("help shape"), this role. The
   first kind that matches is what the clause says, a match on the topic before one on something
   broader. Who acts is read from the clause's structure, not only from the phrases: this role's verb
   counts as someone else's when a noun stands before it or the clause starts by naming someone else
   ("our growth team owns the roadmap and runs the research"), or after "who" that follows them ("a
   Venture Lead, who ... and who runs the experiments"), and says nothing after "we"; the topic, a
   participle (a few words before "by" after "is": "is set each quarter by"), "by" and someone else is
   theirs however far apart ("the roadmap for our systems is decided by the Head of IT"), and "is run
   by" is never this role's verb; this role's verb becomes shared when a partner is named with it
   ("Together with the Service Owner, you ...", "define, together with the PMs, the metrics"); someone
   else who ends a list after 'with' (or 'to', 'for' ...) is read as if named alone ("work with the designers, the
   engineers, and the CPO to define the roadmap" is read as "work with the CPO to define the roadmap").
   No match runs across a comma and a turn ("own the backlog, but the KPIs are clear"), and a participle
   right before a topic word describes it ("no fixed roadmap", "clearly defined KPIs"): it is nobody's verb.
   A topic nobody holds yet ("there is no fixed roadmap") is held by whoever the rest of the sentence
   has take it up ("so you will shape it": "it" read as the topic; "so you will shape the roadmap"),
   and by nobody when no one does; one that ends a sentence ("No fixed roadmap.") may be taken up by "it"
   at the start of the next ("You will shape it."), when that names no topic of its own.
   Clauses about the future ("over time you may grow into ...") only say who holds the topic now. Within
   one statement (a sentence, or a part of it after ';' or after ", and" with a subject and verb of its
   own: "you shape the roadmap, and the CPO owns the KPIs") the first clause that says something wins: what
   follows a ':' or a dash elaborates it (so does a bracketed aside, read with the words before it and
   left out of its clause), and a list there borrows the verb before it ("you own search: the roadmap,
   the research and the KPIs") or after it ("roadmap, research, all of it – sit with the client"); a
   duty without a verb borrows its section heading's ("What you'll own" over "The growth roadmap").
5. Per question, the statements are combined: the answer most statements give wins, a tie is
   ``shared``; statements about the topic itself outweigh those about a broader one (the roadmap over
   the strategy); "input only" counts only when nothing firmer is said, "nobody owns it" and
   execution only when nothing else is said; no statement at all is ``not_stated``.
6. Context: the title named first, the company's headcount, the operating model and the kind of
   company, from every sentence except qualifications.

Deterministic and explainable: every answer carries the sentences it came from and the cue that fired.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from bot.check.posting.rules import (
    ANSWERS,
    FALLBACKS,
    OTHERS,
    PRODUCT,
    QUESTIONS,
    SELF,
    STANCE_ANSWER,
    Answer,
    Boilerplate,
    Hit,
    Phrases,
    PostingRules,
    QuestionCues,
    Stance,
    TitleCues,
    ValueCues,
    synthetic,
)
from bot.check.posting.segments import Clause, Sentence, split
from bot.drills.cues import Token, stem, tokenize

#: Quotes longer than this are cut to the clause, then to the words around the match.
QUOTE_LIMIT = 160
#: A title mention preceded by one of these names the job itself ("the PO will ...", "as Product Owner").
_SELF_DETERMINERS = frozenset({"the", "a", "an", "as", "this", "our", "your", "new", "future"})
_WORD_VALUES = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "k": 1000}
_LARGE = {"million": 1_000_000, "billion": 1_000_000_000}
#: "Own" after these is an adjective, not this role's verb: "clients arrive with their own research".
_OWNERS = frozenset({"their", "its", "his", "her", "our", "my", "whose"})
#: Synonym phrases may use each other's words; more rounds than this would mean a loop in the lists.
_MAX_PASSES = 4
#: What a word that spells a synonym word becomes when no synonym phrase put it there.
_BLANK = "-"
#: A headcount this large is the number of users or customers, not of staff.
_NOT_A_HEADCOUNT = 1_000_000


@dataclass(frozen=True)
class Quote:
    """A piece of the ad, exactly as written (``text`` is ``ad[start:end]``)."""

    start: int
    end: int
    text: str
    #: Whether the quote starts or ends inside its sentence (a long sentence is quoted around the match).
    cut_before: bool = False
    cut_after: bool = False

    def shown(self) -> str:
        """The quote on one line, as a member sees it, with "…" where the sentence goes on."""
        return ("…" if self.cut_before else "") + " ".join(self.text.split()) + ("…" if self.cut_after else "")


@dataclass(frozen=True)
class Finding:
    """One statement in the ad about who decides one question."""

    question: str
    stance: Stance
    #: The cue that matched, so a moderator can see which phrase to change.
    cue: str
    quote: Quote
    #: About something broader than the topic ("the product strategy" for the roadmap).
    broad: bool = False

    @property
    def answer(self) -> Answer:
        return STANCE_ANSWER[self.stance]


@dataclass(frozen=True)
class Reading:
    """What the reader found in one ad."""

    answers: dict[str, Answer]
    #: Per question, the quotes behind its answer (empty when the ad is silent).
    evidence: dict[str, tuple[Quote, ...]]
    #: Only the context the ad states: title always; size, model and kind when found.
    context: dict[str, str]
    context_evidence: dict[str, Quote]
    #: ``product``, or the kind of job it is instead (scrum-master, project-manager, ...).
    role_type: str
    findings: tuple[Finding, ...]

    @property
    def is_product_role(self) -> bool:
        return self.role_type == PRODUCT


@dataclass
class _Ad:
    """The ad's text and tokens, tokenized once and sliced per sentence and clause."""

    text: str
    tokens: list[Token]
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> _Ad:
        tokens = tokenize(text)
        return cls(text, tokens, [t.start for t in tokens])

    def tokens_in(self, start: int, end: int, holes: Sequence[tuple[int, int]] = ()) -> list[Token]:
        """The tokens from ``start`` to ``end``, without those inside ``holes`` (a clause's asides)."""
        tokens = self.tokens[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]
        return [t for t in tokens if not any(low <= t.start < high for low, high in holes)] if holes else tokens

    def clause_tokens(self, clause: Clause) -> list[Token]:
        return self.tokens_in(clause.start, clause.end, clause.holes)

    def quote(self, sentence: Sentence) -> Quote:
        return Quote(sentence.start, sentence.end, self.text[sentence.start : sentence.end])


@dataclass(frozen=True)
class _Unowned:
    """A topic nobody holds that ends a sentence ("No fixed roadmap."): "it" at the start of the next
    sentence may take it up ("You will shape it.")."""

    sentence: Sentence
    #: The cue that said nobody holds it, and the words it matched.
    cue: str
    words: tuple[Token, ...]


@dataclass(frozen=True)
class _Title:
    """The ad's own title: which one, where it is named, and the word before it ("Senior", "Principal")."""

    cues: TitleCues | None
    hit_start: int
    qualifier: str = ""


def read(rules: PostingRules, text: str) -> Reading:
    """Read one ad. Never fails on any text; an ad with no statements reads as all ``not_stated``."""
    ad = _Ad.of(text)
    sentences = split(text)
    assert rules.boilerplate is not None
    qualifications = [_qualifies(rules.boilerplate, ad.tokens_in(s.start, s.end)) for s in sentences]
    title = _title(rules, ad, [s for s, q in zip(sentences, qualifications, strict=True) if not q])
    counted = _classify(rules, ad, sentences, qualifications, _about_a_cause(rules, ad, sentences, title))
    findings: list[Finding] = []
    heading: list[Token] = []
    loose: dict[str, _Unowned] = {}
    for sentence, counts in zip(sentences, counted, strict=True):
        if sentence.heading:
            named = sentence.start <= title.hit_start < sentence.end
            heading = [] if named else _canonical(rules, ad.tokens_in(sentence.start, sentence.end), title)
        if counts and not sentence.heading:
            before = {q: u for q, u in loose.items() if u.sentence.paragraph == sentence.paragraph}
            found, loose = _sentence_findings(rules, ad, sentence, title, heading, before)
            findings.extend(found)
        else:
            loose = {}
    answers: dict[str, Answer] = {}
    evidence: dict[str, tuple[Quote, ...]] = {}
    for question in rules.questions:
        answers[question.id], evidence[question.id] = _combine([f for f in findings if f.question == question.id])
    context_sentences = [s for s, q in zip(sentences, qualifications, strict=True) if not q]
    context, context_evidence = _context(rules, ad, context_sentences, title)
    return Reading(
        answers=answers,
        evidence=evidence,
        context=context,
        context_evidence=context_evidence,
        role_type=title.cues.role_type if title.cues else PRODUCT,
        findings=tuple(findings),
    )


def _classify(
    rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence], qualifications: Sequence[bool], cause: bool
) -> list[bool]:
    """Per sentence: does it count for the three questions (``qualifications``: is it a qualification).

    A qualification in a sentence of several statements ("the roadmap is yours; we want someone who ...")
    sets aside only its own statement, which :func:`_sentence_findings` skips. A heading that only names
    a cause ("Sustainability", "ESG") is over the company's pledge unless the role is about that cause
    (``cause``: the title names it), where it heads this role's duties.
    """
    assert rules.boilerplate is not None
    boilerplate = rules.boilerplate
    counted: list[bool] = []
    in_boilerplate_section = False
    skipped_paragraph: int | None = None
    for sentence in sentences:
        tokens = ad.tokens_in(sentence.start, sentence.end)
        if sentence.heading:
            if boilerplate.keep_headings.first(tokens):
                in_boilerplate_section = False
            else:
                in_boilerplate_section = boilerplate.headings.first(tokens) is not None or (
                    not cause and _bare(boilerplate.cause_headings, tokens)
                )
        if boilerplate.paragraphs.first(tokens):
            skipped_paragraph = sentence.paragraph
        elif skipped_paragraph == sentence.paragraph and any(h.first == 0 for h in boilerplate.resume.hits(tokens)):
            skipped_paragraph = None
        qualification = qualifications[len(counted)]
        several = len({clause.statement for clause in sentence.clauses}) > 1
        counted.append(
            not in_boilerplate_section
            and skipped_paragraph != sentence.paragraph
            and (several or not qualification)
            and boilerplate.sentences.first(tokens) is None
        )
    return counted


def _about_a_cause(rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence], title: _Title) -> bool:
    """Is the role about the cause a bare heading names: "Sustainability Product Manager", "ESG Product
    Owner" (the line that names the title names the cause too)?"""
    assert rules.boilerplate is not None
    return any(
        s.start <= title.hit_start < s.end and rules.boilerplate.cause_headings.first(ad.tokens_in(s.start, s.end))
        for s in sentences
    )


def _bare(phrases: Phrases, tokens: Sequence[Token]) -> bool:
    """Does one match cover every word: "Sustainability", "ESG and sustainability", not "Your
    sustainability impact"?"""
    return any(hit.first == 0 and hit.last == len(tokens) - 1 for hit in phrases.hits(tokens))


def _qualifies(boilerplate: Boilerplate, tokens: Sequence[Token]) -> bool:
    """Does this describe the candidate ("5+ years of experience"), not the company ("over 150 years of
    history", which still gives the company's size and kind)?"""
    return bool(_hits(boilerplate.qualifications, boilerplate.not_qualifications, tokens))


def _title(rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence]) -> _Title:
    """The first title the ad names (a double title "Product Owner / Business Analyst" is the first), except
    the author's own ("I'm the Product Manager for the train and I'm looking for a Product Owner")."""
    for sentence in sentences:
        tokens = ad.tokens_in(sentence.start, sentence.end)
        best: tuple[int, TitleCues] | None = None
        for cues in rules.titles:
            for hit in cues.phrases.hits(tokens):
                if (
                    not _authors_own(tokens, hit.first)
                    and not _in_brackets(ad.text, sentence.start, tokens[hit.first].start)
                    and (best is None or hit.first < best[0])
                ):
                    best = (hit.first, cues)
        if best is not None:
            first, cues = best
            return _Title(cues, tokens[first].start, tokens[first - 1].raw if first else "")
    return _Title(None, -1)


def _in_brackets(text: str, start: int, position: int) -> bool:
    """Is ``position`` inside an open bracket since ``start``: a title there is whoever the words before
    name ("Ruben (Head of Product, Weidegrond): we're hiring a PO"), not the job."""
    before = text[start:position]
    return before.rfind("(") > before.rfind(")")


def _authors_own(tokens: Sequence[Token], first: int) -> bool:
    """Is the title the author's, not the job's: "I'm the Product Manager for the train, looking for a PO"?"""
    before = [t.raw for t in tokens[max(0, first - 3) : first]]
    return "i" in before and before.index("i") + 1 < len(before) and before[before.index("i") + 1] in ("am", "was")


def _sentence_findings(
    rules: PostingRules,
    ad: _Ad,
    sentence: Sentence,
    title: _Title,
    heading: Sequence[Token] = (),
    before: Mapping[str, _Unowned] | None = None,
) -> tuple[list[Finding], dict[str, _Unowned]]:
    """Per statement and question, what the first clause that says anything about it says, and per
    question the topic nobody holds that ends the sentence, if one does (see :func:`_looked_back`).

    Clauses after ':' or a dash elaborate the one before ("Lead discovery for your area: run user
    interviews together with UX Research"), so they do not outvote it; after ';' a new statement
    starts. Such a clause may also be a list the clause before gives its verb to ("You own search end to
    end: the roadmap, the user research and the KPIs"): each item is then read with that verb. A clause
    about the future ("over time you may take over the roadmap from the Director") says nothing about
    this role, only who holds the topic now. Headings name a section or the job ("Product Manager,
    Local Discovery"); they never say who decides, but a section's heading gives its verb to a sentence
    that has none ("What you'll own" over "The growth roadmap"), as the clause before a ':' does.
    ``before``: the topics nobody holds that ended the sentence before, per question.
    """
    if sentence.heading:
        return [], {}
    found: dict[tuple[int, str], Finding] = {}
    loose: dict[str, _Unowned] = {}
    lead: tuple[Clause, list[Token]] | None = None
    assert rules.boilerplate is not None
    clauses = _independent(rules, ad, sentence.clauses, title)
    qualifying = {clause.statement for clause in clauses if _qualifies(rules.boilerplate, ad.clause_tokens(clause))}
    canonical = [_canonical(rules, ad.clause_tokens(clause), title) for clause in clauses]
    futures = [rules.ignore.first(tokens) is not None for tokens in canonical]
    last = max((clause.end for clause in clauses), default=sentence.end)
    for index, (clause, tokens) in enumerate(zip(clauses, canonical, strict=True)):
        if clause.statement in qualifying:
            continue
        following = canonical[index + 1] if index + 1 < len(clauses) else []
        if following and clauses[index + 1].statement != clause.statement:
            following = []
        if lead is None or lead[0].statement != clause.statement:
            lead = (clause, tokens)
        if not tokens:
            continue
        future = futures[index]
        stems = {token.stem for token in tokens}
        for question in rules.questions:
            if (clause.statement, question.id) in found or not (question.topic_stems | question.broader_stems) & stems:
                continue
            stance, hit = _stance(rules, question, ad.text, tokens, only_others=future)
            taken = None
            if stance == "nobody" and hit is not None:
                rest = _canonical(rules, ad.tokens_in(tokens[hit.last].end, sentence.end), title)
                taken = _taken_up(rules, question, ad.text, tokens[hit.first : hit.last + 1], rest, clauses, futures)
                if taken is None and clause.end == last and not any(t.stem in rules.topic_stems for t in rest):
                    loose[question.id] = _Unowned(sentence, hit.cue, tuple(tokens[hit.first : hit.last + 1]))
            if taken is not None and hit is not None:
                stance, later, words = taken
                hit = Hit(f"{hit.cue} + {later.cue}", hit.first, hit.last)
                reach = Clause(clause.start, max(clause.end, words[-1].end), clause.statement)
                quote = _quote(ad, sentence, reach, tokens[hit.first].start, words[-1].end)
                words = [*tokens[hit.first : hit.last + 1], *words]
            elif stance is not None and hit is not None:
                quote = _quote(ad, sentence, clause, tokens[hit.first].start, tokens[hit.last].end)
                words = tokens[hit.first : hit.last + 1]
            elif not future:
                listed = None
                if lead[0] is not clause or (heading and _noun_first(ad.text, tokens)):
                    listed = _listed(rules, ad, clause, lead[1] if lead[0] is not clause else heading, question, title)
                if listed is None and following:
                    listed = _listed(rules, ad, clause, following, question, title, after=True)
                if listed is None:  # "own the P&L and the KPIs": a later item with the first one's verb
                    listed = _listed(rules, ad, clause, _first_item(rules, ad, clause, title), question, title)
                if listed is None:
                    continue
                stance, words = listed
                quote = _quote(ad, sentence, clause, words[0].start, words[-1].end)
            else:
                continue
            broad = not any(t.stem in question.topic_stems for t in words)
            cue = hit.cue if hit is not None else f"{lead[0].start}:{lead[0].end}"
            found[clause.statement, question.id] = Finding(question.id, stance, cue, quote, broad)
    if before and clauses and clauses[0].statement not in qualifying:
        for question in rules.questions:
            key = (clauses[0].statement, question.id)
            if question.id in before and key not in found:
                finding = _looked_back(rules, ad, sentence, question, before[question.id], clauses, canonical, futures)
                if finding is not None:
                    found[key] = finding
    return list(found.values()), loose


def _looked_back(
    rules: PostingRules,
    ad: _Ad,
    sentence: Sentence,
    question: QuestionCues,
    unowned: _Unowned,
    clauses: Sequence[Clause],
    canonical: Sequence[Sequence[Token]],
    futures: Sequence[bool],
) -> Finding | None:
    """What the sentence's first clause says about a topic nobody holds that ended the sentence before,
    when it has no topic of its own and "it" there takes that one up: "No fixed roadmap. You will shape
    it." is this role's roadmap, "... Over time it will be set by the CPO." the CPO's; "... Over time
    you may grow into owning it." still nobody's, as within a sentence (:func:`_taken_up`). Only the
    sentence right before, and only a topic nothing else followed there (see :func:`_sentence_findings`).
    """
    first = canonical[0]
    if any(t.stem in question.topic_stems | question.broader_stems for t in first):
        return None
    taken = _taken_up(rules, question, ad.text, unowned.words, first, clauses, futures)
    if taken is None:
        return None
    stance, later, words = taken
    start = unowned.sentence.start
    both = Sentence(start, sentence.end, sentence.paragraph, False, ())
    reach = Clause(start, max(clauses[0].end, words[-1].end), 0)
    quote = _quote(ad, both, reach, unowned.words[0].start, words[-1].end)
    broad = not any(t.stem in question.topic_stems for t in [*unowned.words, *words])
    return Finding(question.id, stance, f"{unowned.cue} + {later.cue}", quote, broad)


def _independent(rules: PostingRules, ad: _Ad, clauses: Sequence[Clause], title: _Title) -> tuple[Clause, ...]:
    """The clauses, each cut where ", and" starts a clause with a subject and verb of its own, which then
    starts a statement of its own: in "you will shape the roadmap, and the CPO owns the KPIs" the CPO
    owns only the KPIs, and this role shapes only the roadmap; neither lends its holder to the other's
    topic, as with ';'. A list joined by ", and" ("own the roadmap, the OKRs, and the team's goals")
    has no subject after it and stays one clause, its items sharing the verb before them.

    A bracketed aside's clause (read with the words before it) keeps only the part it is in.
    """
    pieces: dict[tuple[int, int, int, tuple[tuple[int, int], ...]], tuple[int, int]] = {}
    for clause in clauses:
        cuts = [
            match
            for match in _AND_CLAUSE.finditer(ad.text, clause.start, clause.end)
            if not any(low <= match.start() < high for low, high in clause.holes)
            and _starts_a_clause(rules, ad, ad.tokens_in(match.end(), clause.end, clause.holes), title)
        ]
        bounds = [clause.start, *(edge for match in cuts for edge in match.span()), clause.end]
        for part, (start, end) in enumerate(zip(bounds[::2], bounds[1::2], strict=True)):
            holes = tuple((low, high) for low, high in clause.holes if start <= low < end)
            pieces.setdefault((start, end, clause.statement, holes), (clause.statement, part))
    order = {key: number for number, key in enumerate(sorted(set(pieces.values())))}
    return tuple(
        Clause(start, end, order[pieces[start, end, statement, holes]], holes)
        for start, end, statement, holes in pieces
    )


def _starts_a_clause(rules: PostingRules, ad: _Ad, words: list[Token], title: _Title) -> bool:
    """Do these words (what follows ", and") start with a subject and its verb: "you will ...", "we
    expect ...", "the CPO owns ...", "our analytics team decides ..." (not "the team's goals")?"""
    tokens = _canonical(rules, words, title)
    if len(tokens) < 2:
        return False
    if _names_you(ad.text, tokens[0]) or tokens[0].raw in _PRONOUNS:
        return True
    index = 0
    while index < len(tokens) and tokens[index].raw in _NOUN_STARTS:
        index += 1
    subject = next(
        (
            i
            for i in range(index, min(index + _NOUN_PHRASE, len(tokens)))
            if tokens[i].raw == OTHERS or tokens[i].stem in _PEOPLE
        ),
        None,
    )
    if subject is None or subject + 1 >= len(tokens):
        return False
    if "'" in ad.text[tokens[subject].end : tokens[subject + 1].start].replace("\u2019", "'"):
        return False  # a possessive: "the team's goals"
    verb = subject + 1
    while verb < len(tokens) - 1 and (tokens[verb].raw in _ADVERBS or tokens[verb].raw.endswith("ly")):
        verb += 1
    token = tokens[verb]
    if token.raw in _VERBS_AFTER_SUBJECT or token.raw in ("has", "does"):
        return True
    written = ad.text[token.start : token.end].split()[0].lower()
    return (
        token.stem not in rules.topic_stems
        and len(written) > 2
        and written.endswith("s")
        and not written.endswith("ss")
    )


#: ", and" before what may be a clause of its own.
_AND_CLAUSE = re.compile(r",\s*and\s+", re.IGNORECASE)
#: Pronouns that start a clause of their own after ", and": "..., and we expect weekly updates".
_PRONOUNS = frozenset({"we", "they", "he", "she", "i"})
#: Words that may stand between a subject and its verb: "the CPO then signs it off".
_ADVERBS = frozenset({"also", "then", "still", "always", "usually", "often", "alone"})


def _taken_up(
    rules: PostingRules,
    question: QuestionCues,
    text: str,
    unowned: Sequence[Token],
    rest: Sequence[Token],
    clauses: Sequence[Clause],
    futures: Sequence[bool],
) -> tuple[Stance, Hit, list[Token]] | None:
    """Who the rest of the sentence has take up a topic that nobody holds yet: "There is no fixed roadmap,
    so you will shape it with the team" is this role's roadmap, "...; the CPO will write it" the CPO's.

    ``unowned`` is the match that says nobody holds the topic, ``rest`` the sentence after it (across
    ',', ':', ';' and dashes, as "it" reaches that far), ``clauses`` the sentence's clauses and
    ``futures`` which of them are about this role's future. Each "it", "them" or "one" there, and each
    topic word named again ("so you will shape the roadmap"), is read in turn as the topic word the match
    named, with the words up to the end of its own clause only: in "no fixed roadmap, so you will shape
    it; the CPO owns the KPIs" the CPO owns only the KPIs. The first
    statement that says who holds it and covers that word is what the sentence says, with its match and
    words; in a clause about this role's future ("; over time you may grow into owning it") only someone
    else's counts, as in any such clause. None when no such word refers back to the topic ("... so we
    keep it simple").
    """
    topic = next(t for t in unowned if t.stem in question.topic_stems | question.broader_stems)
    for index, token in enumerate(rest):
        if token.raw not in _BACK_REFERENCES and token.stem not in question.topic_stems:
            continue
        own = _clause_of(clauses, token.start)
        end = clauses[own].end if own is not None else rest[-1].end
        said = [*rest[:index], synthetic(topic.raw, [token]), *(t for t in rest[index + 1 :] if t.start < end)]
        future = own is not None and futures[own]
        for stance, hit in _statements(rules, question, text, said, only_others=future):
            if stance != "nobody" and hit.first <= index <= hit.last:
                return stance, hit, said[hit.first : hit.last + 1]
    return None


def _clause_of(clauses: Sequence[Clause], position: int) -> int | None:
    """Which clause a word at ``position`` is read in: a bracketed aside's own, not the one it is a hole in."""
    for index, clause in enumerate(clauses):
        if clause.start <= position < clause.end and not any(low <= position < high for low, high in clause.holes):
            return index
    return None


#: Words that refer back to a topic just named: "no fixed roadmap, so you will shape it".
_BACK_REFERENCES = frozenset({"it", "them", "one"})


def _noun_first(text: str, tokens: Sequence[Token]) -> bool:
    """Does the clause start with a noun rather than its own verb: "The growth roadmap", "Customer
    interviews", "KPIs for checkout" (not "Interview relationship managers", a verb with its object)?"""
    first = tokens[0]
    written = text[first.start : first.end].lower()
    return first.raw in _NOUN_STARTS or (first.raw != written and (" " in written or written.endswith("s")))


def _listed(
    rules: PostingRules,
    ad: _Ad,
    clause: Clause,
    lead: Sequence[Token],
    question: QuestionCues,
    title: _Title,
    *,
    after: bool = False,
) -> tuple[Stance, list[Token]] | None:
    """A list item read with the verb of the clause it elaborates: "You own search end to end: the roadmap".

    Each item of ``clause`` (split at commas, 'and', 'or') that names the topic is joined to ever
    shorter beginnings of ``lead``, so the lead's verb comes within a cue's reach of the item; only a
    match that spans both parts counts. ``after``: ``lead`` is the clause that follows, whose verb the
    list is the subject of ("Product decisions – roadmap, research, all of it – sit with the client"),
    joined to all of it first, so who the verb names counts ("Roadmap: owned by the PM" is not "roadmap
    owned"), then to its ever longer beginnings. Returns the stance and the words it was read from.
    """
    for start, end in _items(ad.text, clause.start, clause.end):
        item = _canonical(rules, ad.tokens_in(start, end, clause.holes), title)
        if not {t.stem for t in item} & (question.topic_stems | question.broader_stems):
            continue
        for cut in (len(lead), *range(1, len(lead))) if after else range(len(lead), 0, -1):
            joined = [*item, *lead[:cut]] if after else [*lead[:cut], *item]
            seam = len(item) if after else cut
            stance, hit = _stance(rules, question, ad.text, joined)
            if stance is not None and hit is not None and hit.first < seam <= hit.last:
                return stance, joined[hit.first : hit.last + 1]
    return None


_ITEM_BREAK = re.compile(r",|\band\b|\bor\b|&", re.IGNORECASE)


def _first_item(rules: PostingRules, ad: _Ad, clause: Clause, title: _Title) -> list[Token]:
    """The clause's words up to its first comma, 'and' or 'or': the verb its later items share."""
    items = _items(ad.text, clause.start, clause.end)
    return _canonical(rules, ad.tokens_in(*items[0], clause.holes), title) if items else []


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a listing clause's items ("the vision, the roadmap and the trade-offs")."""
    spans, begin = [], start
    for match in _ITEM_BREAK.finditer(text, start, end):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, end))
    return [(low, high) for low, high in spans if text[low:high].strip()]


#: Words before someone else's name that make them the object of the sentence, not who decides:
#: in "together with the Head of Digital, run the usability tests" this role runs them.
_OBJECT_OF = frozenset({"with", "to", "for", "from", "alongside", "under", "beside"})
#: How many words a name joined by 'and' may stand after such a word ("with the UX designer and the PM"),
#: or each item of a list before it ("with the designers, the engineers, and the PM").
_COORDINATED = 4
#: What may stand between such a word and the name: "with the client's Head of Digital".
_DETERMINERS = frozenset({"the", "a", "an", "our", "your", "their", "its", "his", "her", "this", "that", "users"})
#: The synonym word for the people the product is for; as the agent of a passive, they decide too.
_USERS = "users"
#: Words that turn a sentence to something else: a participle after them is not about the topic before.
_TURNS = frozenset({"but", "while", "whereas", "although", "though"})
#: A relative pronoun after the name makes them the subject again: "work with the PM, who owns the roadmap".
_RELATIVE = frozenset({"who", "which", "that", "whose"})


def _stance(
    rules: PostingRules, question: QuestionCues, text: str, tokens: Sequence[Token], *, only_others: bool = False
) -> tuple[Stance | None, Hit | None]:
    """The first kind of statement (in precedence order) with a match in the clause; a match on the
    topic itself before one on something broader ("own the roadmap and work with the CPO on strategy").

    "Someone else decides" never holds across this role: in "work with agencies, and you will define
    the metrics" the one who defines is the one named last, so such a match is passed over; nor when the
    someone else is the object of a preposition ("together with the client's Head of Digital, run the
    interviews") unless a relative clause makes them act. ``only_others``: only "someone else decides"
    (a clause about this role's future still says who holds the topic today).
    """
    broad: tuple[Stance, Hit] | None = None
    for stance, hit in _statements(rules, question, text, tokens, only_others=only_others):
        if any(t.stem in question.topic_stems for t in tokens[hit.first : hit.last + 1]):
            return stance, hit
        broad = broad or (stance, hit)
    return broad if broad is not None else (None, None)


def _statements(
    rules: PostingRules, question: QuestionCues, text: str, tokens: Sequence[Token], *, only_others: bool
) -> Iterator[tuple[Stance, Hit]]:
    """Every match in the clause that says something, in precedence order, with the stance it says.

    Someone else's matches include the passive ones however far the participle is from the topic ("the
    roadmap for our warehouse systems is decided by the Head of IT"); this role's become shared in a
    clause that names a partner ("Together with the Service Owner, you will ... agree its roadmap").
    """
    partners = rules.together.hits(tokens)
    for stance, phrases in question.stances:
        if only_others and stance != "pm":
            continue
        hits = _hits_with_partners(phrases, text, tokens)
        if stance == "pm":
            hits = [*hits, *_passive_agents(rules.passive, question, tokens, rules.topic_stems)]
        elif stance == "role":
            hits = [*hits, *_passive_by_you(rules.passive, question, text, tokens)]
        for hit in hits:
            if _across_a_turn(text, tokens, hit) or _participle_before_topic(
                rules.passive, tokens, hit, rules.topic_stems
            ):
                continue  # "no fixed roadmap, but the KPIs are clear": neither "fixed" nor ", but" reaches the KPIs
            if stance == "negation" and not any(t.raw in _NEGATIONS for t in tokens[hit.first : hit.last + 1]):
                continue  # the stemmer makes "notes" "not": "write the release notes for each roadmap item"
            if stance == "pm" and tokens[hit.first].raw == OTHERS and _you_between(text, tokens, hit):
                continue
            if stance == "role" and any(
                t.raw == OTHERS and not _object_of_preposition(text, tokens, Hit("", i, i))
                for i, t in enumerate(tokens[hit.first : hit.last + 1], start=hit.first)
            ):
                continue  # "the metrics your PM sets": not this role's ("decide with the PM about ..." is)
            if stance == "pm" and _object_of_preposition(text, tokens, hit):
                continue
            if stance == "role" and (
                _passive_verb(rules.passive, tokens, hit)
                or _people_noun(tokens, hit, hits)
                or _you_inside(question, text, tokens, hit)
            ):
                continue
            if stance == "role" and _verb_first(question, tokens, hit):
                actor = _actor(text, tokens, hit)
                if actor == "company":
                    continue
                if actor == "someone else":
                    yield "pm", hit
                    continue
            if stance == "shared" and _participle_after_topic(rules.passive, tokens, hit, rules.topic_stems):
                continue  # "monitor the KPIs agreed in the annual target agreement": agreed by whom is not said
            others_agree = stance == "shared" and _verb_first(question, tokens, hit)
            if others_agree and _subject(text, tokens, hit) == "someone else":
                yield "pm", hit  # "the CPO and the CEO agree the roadmap": neither is this role
                continue
            if stance == "shared" and any(p.first == hit.first for p in partners) and _comma_in(text, tokens, hit):
                continue  # "together with the CPO, and run the interviews": the partner goes with the roadmap only
            if stance == "shared" and any(_new_duty_before(text, tokens, hit, partner) for partner in partners):
                continue  # "you run the user tests and you set the goals together with ...": only the goals
            if stance == "role" and any(_partner_of(text, tokens, partner, hit) for partner in partners):
                yield "shared", hit
                continue
            yield stance, hit


def _partner_of(text: str, tokens: Sequence[Token], partner: Hit, hit: Hit) -> bool:
    """Does "together with X" go with this match (this role's, which it then makes shared): said first in
    the clause ("Together with the Service Owner, you will own the roadmap"), inside the match ("define,
    together with the PMs, the metrics"), or in the same stretch between commas ("own the roadmap together
    with the Head of Digital, run the user tests yourself": the roadmap is shared, the user tests are this
    role's) with no "you" starting a new duty between them ("you run the user tests and you set the goals
    together with the service manager": the user tests are this role's, the goals shared; the shared
    patterns that would reach from the tests to the partner are passed over, see :func:`_new_duty_before`)?
    """
    if partner.first == 0 or hit.first < partner.first <= partner.last < hit.last:
        return True  # "Together with the Service Owner, you ...", "define, together with the PMs, the metrics"
    low, high = (hit.last, partner.first) if hit.last < partner.first else (partner.last, hit.first)
    if any(_names_you(text, token) for token in tokens[low + 1 : high]):
        return False
    return not _comma_in(text, tokens, Hit("", min(partner.first, hit.first), max(partner.last, hit.last)))


def _new_duty_before(text: str, tokens: Sequence[Token], hit: Hit, partner: Hit) -> bool:
    """Does a new duty with its own "you" ("and you", ", you") start between the match's first words and
    a "together with X" inside it: "you run the user tests and you set the goals together with the
    service manager" shares the goals, not the tests. As in :func:`_partner_of`, the partner goes with
    the duty it is said in; "the KPIs, which you set together with the CPO" is still shared."""
    if not hit.first < partner.first <= hit.last:
        return False
    return any(
        _names_you(text, tokens[i])
        and (tokens[i - 1].raw in _NEW_DUTY or "," in text[tokens[i - 1].end : tokens[i].start])
        for i in range(hit.first + 1, partner.first)
    )


#: Words before "you" that start a new duty: "you run the tests and you set the goals".
_NEW_DUTY = frozenset({"and", "or", "then", "plus"})


def _names_you(text: str, token: Token) -> bool:
    """Is this "you" (not "your", which names something of this role's)?"""
    return token.stem == stem(SELF) and text[token.start : token.end].lower() != "your"


def _comma_in(text: str, tokens: Sequence[Token], hit: Hit) -> bool:
    return any("," in text[tokens[i].end : tokens[i + 1].start] for i in range(hit.first, hit.last))


def _passive_agents(
    passive: Phrases, question: QuestionCues, tokens: Sequence[Token], every_topic: frozenset[str]
) -> Iterator[Hit]:
    """The topic, then a participle, 'by' and someone else, in one clause and never across this role nor
    past another of its topic words, which the participle is nearer to ("Decisions about the roadmap are
    taken by the Product Management function", but in "own the roadmap within the direction set by the
    leadership" only the direction is theirs), nor past a relative pronoun after any question's topic
    ("run usability sessions and feed their needs into the roadmap, which is owned by the CCIO": only
    the roadmap is theirs)."""
    you = stem(SELF)
    topics = question.topic_stems | question.broader_stems
    for first, token in enumerate(tokens):
        if token.stem not in topics:
            continue
        other_topic = False
        for index in range(first + 2, len(tokens)):
            if tokens[index].stem == you or tokens[index].raw in _TURNS or tokens[index].stem in topics:
                break
            if other_topic and tokens[index].raw in _RELATIVE:
                break
            other_topic = other_topic or tokens[index].stem in every_topic
            if tokens[index].raw not in ("by", "between") or not _participle_before(passive, tokens, first, index):
                continue
            agent = _agent(tokens, index + 1)
            if agent is not None:
                yield Hit(f"topic ... {tokens[index - 1].raw} by ... pm", first, agent)
                break


def _participle_after_topic(passive: Phrases, tokens: Sequence[Token], hit: Hit, every_topic: frozenset[str]) -> bool:
    """Does the match start with a participle, as written, right after a topic word ("the KPIs agreed
    in ..."): it describes that topic, and this role is not who agreed it."""
    return (
        hit.first > 0
        and tokens[hit.first - 1].stem in every_topic
        and tokens[hit.first].raw.endswith("ed")
        and _is_participle(passive, tokens[hit.first])
    )


def _participle_before_topic(passive: Phrases, tokens: Sequence[Token], hit: Hit, every_topic: frozenset[str]) -> bool:
    """Does the match start with a participle, as written, right before a topic word ("no fixed roadmap",
    "clearly defined KPIs", "the agreed roadmap"): an adjective describing that topic, not this role's
    verb, so it neither reaches a later topic ("no fixed roadmap, but the KPIs are clear") nor says who
    set the one it describes. Opening its sentence, it is the duty's verb said in the past ("Owned roadmap
    and KPIs.")."""
    after = hit.first + 1
    return (
        hit.first > 0
        and after < len(tokens)
        and tokens[after].stem in every_topic
        and tokens[hit.first].raw.endswith("ed")
        and _is_participle(passive, tokens[hit.first])
    )


def _across_a_turn(text: str, tokens: Sequence[Token], hit: Hit) -> bool:
    """Does the match run across a comma and a word that turns the sentence ("own the backlog, but the
    KPIs are clear"): what follows is said of something else, so no verb before it reaches a topic
    after it, nor a topic before it someone named after it ("you set the KPIs, but the CPO owns ...")."""
    return any(
        tokens[i].raw in _TURNS and "," in text[tokens[i - 1].end : tokens[i].start]
        for i in range(hit.first + 1, hit.last + 1)
    )


def _passive_by_you(passive: Phrases, question: QuestionCues, text: str, tokens: Sequence[Token]) -> Iterator[Hit]:
    """The topic, a participle, 'by' and this role, however far apart in one clause: "Customer interviews
    and usability tests are expected to be planned and run by the Product Manager" in an ad for one.
    "By your team" names someone else, so "your" does not count."""
    you = stem(SELF)
    topics = question.topic_stems | question.broader_stems
    for first, token in enumerate(tokens):
        if token.stem not in topics:
            continue
        for index in range(first + 2, len(tokens) - 1):
            if tokens[index].stem == you or tokens[index].raw in _TURNS:
                break
            if tokens[index].raw != "by" or not _participle_before(passive, tokens, first, index):
                continue
            agent = index + 1
            while agent < len(tokens) - 1 and tokens[agent].raw in ("the", "this"):
                agent += 1
            if _names_you(text, tokens[agent]):
                yield Hit(f"topic ... {tokens[index - 1].raw} by you", first, agent)
            break


def _participle_before(passive: Phrases, tokens: Sequence[Token], topic: int, by: int) -> bool:
    """Is there a participle just before 'by', or a few words before it after a form of 'be' ("is set
    each quarter by")?"""
    if passive.hits(tokens[by - 1 : by]):
        return True
    if tokens[by].raw != "by":
        return False
    for index in range(by - 2, max(topic + 1, by - 1 - _ADVERBIAL), -1):
        token = tokens[index]
        if token.raw in _BOUNDARIES or token.raw in _TURNS:
            return False
        if tokens[index - 1].raw in _PASSIVE_BE and _is_participle(passive, token):
            return True
    return False


def _is_participle(passive: Phrases, token: Token) -> bool:
    """A participle as written, not another form of its verb ("decides" shares "decided"'s stem)."""
    return not token.raw.endswith(("s", "ing")) and bool(passive.hits([token]))


def _passive_verb(passive: Phrases, tokens: Sequence[Token], hit: Hit) -> bool:
    """Does the match start with a participle after a form of 'be' and before 'by' ("research is run by
    the Lab"): a passive whose doer is named, so not this role?"""
    verb, after = tokens[hit.first], hit.first + 1
    return (
        hit.first > 0
        and tokens[hit.first - 1].raw in _PASSIVE_BE
        and _is_participle(passive, verb)
        and after < len(tokens)
        and tokens[after].raw == "by"
    )


def _people_noun(tokens: Sequence[Token], hit: Hit, hits: Sequence[Hit]) -> bool:
    """Is the match's verb a plural naming people after a word of their name, with the verb they do right
    after it ("the venture leads decide what each team builds"), not a verb ("the PO leads the roadmap",
    "the squad's designer leads all user testing")?"""
    verb = tokens[hit.first]
    if hit.first == 0 or verb.stem not in _PEOPLE or not verb.raw.endswith("s"):
        return False
    if not any(other.first == hit.first + 1 for other in hits):
        return False
    before = tokens[hit.first - 1].raw
    return before not in {SELF, OTHERS, _USERS} | _AUXILIARIES | _BOUNDARIES


def _you_inside(question: QuestionCues, text: str, tokens: Sequence[Token], hit: Hit) -> bool:
    """Does this role's verb match run on past "you" ("Together with the UX lead, you plan the research"
    read from "lead"): the verb is the one after "you", which a later match starts with. "Your" does
    not count ("own your product's KPIs")."""
    return _verb_first(question, tokens, hit) and _you_between(text, tokens, hit)


def _agent(tokens: Sequence[Token], start: int) -> int | None:
    """Where the noun phrase from ``start`` names someone who could decide: someone else ("the client's
    Head of Digital"), the customers ("our clients"), or people ("our field service engineers")."""
    for index in range(start, min(start + _NOUN_PHRASE + 1, len(tokens))):
        token = tokens[index]
        if token.raw == OTHERS or token.stem in _PEOPLE:
            return index
        if token.raw == _USERS and not (index + 1 < len(tokens) and tokens[index + 1].raw == OTHERS):
            return index
        if token.raw in _TURNS or token.raw in _BOUNDARIES or token.stem == stem(SELF):
            return None
    return None


#: Words that end a subject's noun phrase: "the person will own ..." names nobody.
_VERBS_AFTER_SUBJECT = frozenset(
    {"will", "would", "shall", "can", "could", "may", "might", "must", "should", "is", "are", "was", "were", "be"}
)
#: How many words may stand between a participle and its 'by': "set each quarter by", "run centrally by".
_ADVERBIAL = 3
#: Forms of 'be' that make the participle after them a passive ("is run by", "are set by").
_PASSIVE_BE = frozenset({"is", "are", "was", "were", "been", "being"})
#: Words that deny, as written: a negation match must hold one.
_NEGATIONS = frozenset({"not", "never", "nor", "without", "no"})
#: Words that may stand before this role's verb without naming anyone: "will", "also", "each one".
_AUXILIARIES = frozenset(
    {
        "will", "would", "shall", "can", "could", "may", "might", "must", "should", "also", "then", "be",
        "is", "are", "fully", "directly", "actively", "really", "basically", "help", "get", "to", "going",
        "want", "as", "and", "or", "both", "truly", "personally", "jointly", "more", "ultimately", "each",
        "one", "every", "usually", "often", "regularly", "always", "full", "complete", "total", "sole", "overall",
    }
)  # fmt: skip
#: Verbs this role's own duty may start with before the matched word: "take ownership of the roadmap".
_LEADING_VERBS = frozenset(
    {"take", "takes", "taking", "have", "has", "having", "hold", "holds", "holding", "assume", "assumes", "bear"}
)
#: Words that end what came before: the verb after them has this role as its subject again.
_BOUNDARIES = frozenset({"and", "or", "then", "to", "while", "plus", "by", "through", "via", "when", "after", "before"})
#: Words that start a noun phrase: one before the verb names who acts ("our growth team owns ...").
_NOUN_STARTS = frozenset({"the", "our", "a", "an", "their", "its", "his", "her", "my", "this", "these", "those"})
#: Words naming people or groups of them: after a determiner at a clause's start, the one who acts.
_PEOPLE = frozenset(
    stem(word)
    for word in (
        "team", "squad", "tribe", "department", "function", "unit", "group", "guild", "chapter", "office",
        "board", "committee", "council", "colleagues", "staff", "engineers", "designers", "researchers",
        "analysts", "architects", "experts", "specialists", "managers", "leads", "owners", "consultants",
        "partners", "agency", "agencies", "clients", "client", "founders", "leaders", "people", "sales",
        "marketing", "developers", "scientists", "members", "engineering", "finance", "operations", "ops", "legal",
        "compliance", "designers", "researcher", "lab", "labs", "hub",
    )
)  # fmt: skip
#: How many words after the determiner may name them: "the Proposition team", "our senior UX researchers".
_NOUN_PHRASE = 4
#: The company speaking of itself: who "we" are includes this role or not, so it says nothing.
_COMPANY = frozenset({"we", "us"})


def _verb_first(question: QuestionCues, tokens: Sequence[Token], hit: Hit) -> bool:
    """Does the match start with this role's verb (not with the topic, "the roadmap is yours", or "you")?

    A topic word on its own (``contact``: "talk to our users") carries its verb inside.
    """
    first = tokens[hit.first]
    if first.stem == stem(SELF):  # "you ... decide ... the roadmap": the match names its subject
        return False
    return hit.first == hit.last or first.stem not in question.topic_stems | question.broader_stems


def _actor(text: str, tokens: Sequence[Token], hit: Hit) -> str:
    """Who does what the match says: "you", "someone else" ("our growth team owns the roadmap") or
    "company" ("we run the interviews").

    First the subject (:func:`_subject`), as verbs joined by 'and' or commas share it ("the Head of
    Product owns the roadmap, runs discovery and sets the KPIs"). Otherwise the words since the last
    'and' (or 'by', 'when' ...: "learn by talking to them") decide: someone else when they name people
    ("designers run the interviews"), a name ("each quarter Anna sets ...") or are one word that is
    not an auxiliary, an adverb or a verb this role's duty may start with ("Marketing runs ...", not
    "also run ..." nor "take ownership of ..."); this role when a determiner starts them (a thing: "a
    typical week includes talking to customers") or ends them (the match is a noun: "take the lead on
    the roadmap"); "plan the sprints and own the roadmap" leaves the verb to this role.
    """
    subject = _subject(text, tokens, hit)
    if subject is not None:
        return subject
    start = hit.first
    while (
        start > 0
        and tokens[start - 1].raw not in _BOUNDARIES
        and "," not in text[tokens[start - 1].end : tokens[start].start]
    ):
        start -= 1
    before = tokens[start : hit.first]
    if any(t.raw in _COMPANY for t in before) or [t.raw for t in before] == ["who"]:
        return "company"  # "we run the interviews", and a question: "Who owns what here:" names nobody
    if not before or before[-1].raw in _NOUN_STARTS:
        if before and (before[0].raw == OTHERS or before[0].stem in _PEOPLE):
            return "someone else"  # "Sales owns the customer relationship": a noun, but theirs
        return "you"
    if any(t.stem in _PEOPLE or t.raw in (OTHERS, _USERS) for t in before):
        return "someone else"  # "designers run the interviews"
    if before[0].raw in _NOUN_STARTS:
        return "you"  # a thing, not a person: "a typical week includes talking to customers"
    if any(text[t.start].isupper() for t in before if t.start != tokens[0].start):
        return "someone else"  # a name: "each quarter Anna sets the targets"
    words = [t.raw for t in before if t.raw not in _AUXILIARIES | _LEADING_VERBS and not t.raw.endswith("ly")]
    verb = text[tokens[hit.first].start : tokens[hit.first].end].split()[0].lower()
    third_person = verb.endswith("s") and not verb.endswith("ss")  # "runs", not "work directly with"
    return "someone else" if len(before) == 1 and words and third_person else "you"  # "Marketing runs ..."


def _subject(text: str, tokens: Sequence[Token], hit: Hit) -> str | None:
    """Who the words since the last comma, then the clause's start, name as the one acting: "you" when
    this role is named there; "someone else" when that stretch starts by naming them, as someone else
    or as a noun after a determiner ("the Proposition team owns the roadmap and runs the research");
    None when it names nobody."""
    you = stem(SELF)
    start = hit.first
    while start > 0 and "," not in text[tokens[start - 1].end : tokens[start].start]:
        start -= 1
    for low, high in ((start, hit.first), (0, start)):  # since the comma, then the clause's start
        stretch = tokens[low:high]
        if any(t.stem == you for t in stretch):
            return "you"
        if _relative_to_others(tokens, low, high):
            return "someone else"  # "a Venture Lead, who decides ... and who runs the experiments"
        if _list_item(text, tokens, low, high):
            continue  # "work with the designers, the engineers and the CPO and own the roadmap"
        named = [t for t in stretch if t.raw not in _NOUN_STARTS]
        if named and (named[0].raw == OTHERS or (stretch[0].raw in _NOUN_STARTS and _names_people(named))):
            return "someone else"
    return None


def _list_item(text: str, tokens: Sequence[Token], low: int, high: int) -> bool:
    """Do the words from ``low`` (after a comma) to ``high`` go on a list after 'with', 'to' ... and end
    it with 'and' ("with the designers, the engineers and the CPO and own ..."): those named are
    partners, not the subject of the verb after them."""
    joint = next((i for i in range(low, min(low + _COORDINATED + 1, high)) if tokens[i].raw in ("and", "or")), None)
    return low > 0 and joint is not None and _listed_after_preposition(text, tokens, joint) is not None


def _relative_to_others(tokens: Sequence[Token], low: int, high: int) -> bool:
    """Is there a 'who' between ``low`` and ``high`` right after someone else's name or a noun naming
    people ("the Venture Lead, who ...", "our researchers, who ...")?"""
    return any(
        tokens[i].raw == "who" and i > 0 and (tokens[i - 1].raw == OTHERS or tokens[i - 1].stem in _PEOPLE)
        for i in range(low, high)
    )


def _names_people(named: Sequence[Token]) -> bool:
    """Do the first words after a determiner name people ("the Proposition team", "our architects"),
    not a thing or a time ("a typical week includes ...", "the focus is on ...")?"""
    for token in named[:_NOUN_PHRASE]:
        if token.raw in _VERBS_AFTER_SUBJECT:
            return False  # the noun phrase ended without naming people: "the person will own the seller roadmap"
        if token.stem in _PEOPLE or token.raw == _USERS:
            return True
    return False


def _you_between(text: str, tokens: Sequence[Token], hit: Hit) -> bool:
    """Is this role named between someone else and the verb ("agencies, and you will define the KPIs")?

    "Your" names someone else ("the KPIs your PM sets"); after the topic this role is only told
    ("findings are shared with you by the UX team"), so only matches that start with the name count.
    """
    you = stem(SELF)
    return any(t.stem == you and text[t.start : t.end].lower() != "your" for t in tokens[hit.first + 1 : hit.last])


def _object_of_preposition(text: str, tokens: Sequence[Token], hit: Hit) -> bool:
    """Is the match's someone else named after 'with', 'to' ... (see ``_OBJECT_OF``), on their own or
    last in a list after it ("together with the designer and the PM", "with the designers, the
    engineers, and the CPO to define the roadmap"): a partner or an addressee, not who decides, unless
    a relative clause makes them act ("..., and the CPO, who owns the roadmap")?"""
    if tokens[hit.first].raw != OTHERS or any(t.raw in _RELATIVE for t in tokens[hit.first : hit.last + 1]):
        return False
    index = hit.first - 1
    while index >= 0 and tokens[index].raw in _DETERMINERS:
        index -= 1
    if index >= 0 and tokens[index].raw in ("and", "or"):
        return _listed_after_preposition(text, tokens, index) is not None
    return index >= 0 and tokens[index].raw in _OBJECT_OF


def _listed_after_preposition(text: str, tokens: Sequence[Token], joint: int) -> int | None:
    """Where the 'with', 'to' ... is whose list the words before the 'and' at ``joint`` end: each item
    (between commas) a few words long and none naming this role, so the name after 'and' is the list's
    last item ("with the designers, the engineers, and the CPO"); an item longer than a name ("talk
    about the product vision with marketing, and the PM ...") ends the search. None when there is none."""
    words = 0
    for index in range(joint - 1, -1, -1):
        if "," in text[tokens[index].end : tokens[index + 1].start]:
            words = 0  # a new item of the list
        words += 1
        if tokens[index].stem == stem(SELF) or words > _COORDINATED:
            return None
        if tokens[index].raw in _OBJECT_OF:
            return index
    return None


def _partner_lists(text: str, tokens: Sequence[Token]) -> Iterator[list[int]]:
    """Per list after 'with', 'to' ... that ends in someone else ("with the designers, the engineers, and
    the CPO"), the positions of the clause's words without the items before that someone: the clause
    as if it said "with the CPO", so the patterns for a partner reach as far as they would then."""
    for last, token in enumerate(tokens):
        if token.raw != OTHERS:
            continue
        joint = last - 1
        while joint >= 0 and tokens[joint].raw in _DETERMINERS:
            joint -= 1
        if joint < 0 or tokens[joint].raw not in ("and", "or"):
            continue
        preposition = _listed_after_preposition(text, tokens, joint)
        if preposition is not None:
            yield [*range(preposition + 1), *range(joint + 1, len(tokens))]


def _hits_with_partners(phrases: Phrases, text: str, tokens: Sequence[Token]) -> list[Hit]:
    """Every match of ``phrases`` in the clause, and those it has when a list of partners is read as its
    last one (:func:`_partner_lists`), as positions in the whole clause."""
    hits = phrases.hits(tokens)
    for kept in _partner_lists(text, tokens):
        for hit in phrases.hits([tokens[i] for i in kept]):
            found = Hit(hit.cue, kept[hit.first], kept[hit.last])
            if found not in hits:
                hits.append(found)
    return hits


def _canonical(rules: PostingRules, tokens: list[Token], title: _Title) -> list[Token]:
    """The clause's tokens with every job title and every synonym phrase replaced by one word.

    All lists are matched together: where phrases overlap, the one starting first wins, then the
    longest, then the one listed first. This repeats until nothing changes, so a phrase can use another
    list's word ("talk ... to ... users" once "customers" has become ``users``). A word left as written
    that spells one of these words ("contact" in "point of contact") is blanked: the word must mean
    only what its phrases say, and so is "own" after a possessive ("their own research"), an adjective.
    """
    if not tokens:
        return tokens
    made: set[int] = set()
    spans: list[tuple[int, int, str]] = []
    for cues in rules.titles:
        for hit in cues.phrases.hits(tokens):
            spans.append((hit.first, hit.last, SELF if _names_this_job(tokens, hit, cues, title) else OTHERS))
    for round_ in range(_MAX_PASSES):
        for word, phrases in rules.synonyms if round_ == 0 else rules.chained:
            spans.extend((hit.first, hit.last, word) for hit in phrases.hits(tokens))
        spans = [span for span in spans if not _no_change(tokens, span, made)]
        if not spans:
            break
        tokens = _replace(tokens, spans, made)
        spans = []
    return [
        Token(_BLANK, _BLANK, t.start, t.end)
        if (t.stem in rules.reserved and id(t) not in made) or (t.raw == "own" and i and tokens[i - 1].raw in _OWNERS)
        else t
        for i, t in enumerate(tokens)
    ]


def _no_change(tokens: Sequence[Token], span: tuple[int, int, str], made: set[int]) -> bool:
    """A span that would put a word in place of itself ("users" matched again by ``user*``)."""
    first, last, word = span
    return first == last and id(tokens[first]) in made and tokens[first].raw == word


def _replace(tokens: list[Token], spans: list[tuple[int, int, str]], made: set[int]) -> list[Token]:
    """Each span (first and last token, word) by one token, noted in ``made``; where spans overlap, the
    earliest, then the longest, then the first listed wins."""
    spans.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    result: list[Token] = []
    position = 0
    for first, last, word in spans:
        if first < position:
            continue
        result.extend(tokens[position:first])
        token = synthetic(word, tokens[first : last + 1])
        made.add(id(token))
        result.append(token)
        position = last + 1
    result.extend(tokens[position:])
    return result


def _names_this_job(tokens: Sequence[Token], hit: Hit, cues: TitleCues, title: _Title) -> bool:
    """Is this title mention the job itself ("the PO will ...") rather than someone else?"""
    if tokens[hit.first].start == title.hit_start:
        return True
    if title.cues is None or cues.value != title.cues.value or cues.role_type != title.cues.role_type:
        return False
    if tokens[hit.last].raw.endswith("s"):
        return False  # "our Product Managers": others
    before = [t.raw for t in tokens[max(0, hit.first - 2) : hit.first]]
    if before and before[-1] in _SELF_DETERMINERS:
        return True  # "the PO will ...", "as Product Owner"
    # "as Principal Product Manager" in an ad for a Principal Product Manager
    return len(before) == 2 and before[1] == title.qualifier and before[0] in _SELF_DETERMINERS


def _quote(ad: _Ad, sentence: Sentence, clause: Clause, start: int, end: int) -> Quote:
    """The sentence, or if it is long the clause, or if that is long the words around the match."""
    for low, high in ((sentence.start, sentence.end), (clause.start, clause.end)):
        if high - low <= QUOTE_LIMIT:
            return Quote(low, high, ad.text[low:high], low > sentence.start, high < sentence.end)
    low, high = clause.start, clause.end
    spare = max(QUOTE_LIMIT - (end - start), 0)
    begin = max(low, start - spare // 3)
    finish = min(high, end + spare - (start - begin))
    while begin > low and not ad.text[begin - 1].isspace():
        begin += 1
    while finish < high and not ad.text[finish].isspace():
        finish -= 1
    begin, finish = min(begin, start), max(finish, end)
    begin, finish = _strip_span(ad.text, begin, finish)
    return Quote(begin, finish, ad.text[begin:finish], begin > sentence.start, finish < sentence.end)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and text[end - 1] in " ,;:-–—(\n\t":
        end -= 1
    return start, end


def _combine(findings: Sequence[Finding]) -> tuple[Answer, tuple[Quote, ...]]:
    """Most statements win and a tie is shared; statements about the topic itself outweigh broader ones;
    "input only" and "nobody owns it" are fall-backs."""
    firm = [f for f in findings if f.stance not in FALLBACKS]
    if any(not f.broad for f in firm):
        firm = [f for f in firm if not f.broad]
    if firm:
        counts = Counter(f.answer for f in firm)
        top = max(counts.values())
        winners = [answer for answer in ANSWERS if counts[answer] == top]
        answer: Answer = winners[0] if len(winners) == 1 else "shared"
        chosen = [f for f in firm if f.answer in winners]
    elif any(f.stance == "input" for f in findings):
        answer, chosen = "shared", [f for f in findings if f.stance == "input"]
    elif findings:  # "nobody owns it", "turn the roadmap into stories": the ad's words, but no owner
        answer, chosen = "not_stated", list(findings)
    else:
        return "not_stated", ()
    return answer, tuple(dict.fromkeys(f.quote for f in chosen))


def _context(
    rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence], title: _Title
) -> tuple[dict[str, str], dict[str, Quote]]:
    context: dict[str, str] = {"title": title.cues.value if title.cues else rules.default_title}
    evidence: dict[str, Quote] = {}
    if title.cues is not None:
        sentence = next(s for s in sentences if s.start <= title.hit_start < s.end)
        evidence["title"] = ad.quote(sentence)
    size = _size(rules, ad, sentences)
    if size is not None:
        context["size"], evidence["size"] = size
    model = _first_value(rules.models, ad, sentences)
    if model is not None:
        context["model"], evidence["model"] = model
    kind = _kind(rules, ad, sentences)
    if kind is not None:
        context["kind"], evidence["kind"] = kind
    return context, evidence


def _size(rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence]) -> tuple[str, Quote] | None:
    """The company's headcount: the first "N people / employees / of us ..." that is not one team's."""
    assert rules.size is not None
    size = rules.size
    for sentence in sentences:
        tokens = ad.tokens_in(sentence.start, sentence.end)
        for hit in sorted(_hits(size.headcount, size.not_headcount, tokens), key=lambda h: h.first):
            people = _number(tokens, hit)
            if people is None or people >= _NOT_A_HEADCOUNT:
                continue
            if _more_than(size.more_than, ad, tokens, hit):
                people += 1
            return size.band(people), ad.quote(sentence)
    return None


def _number(tokens: Sequence[Token], hit: Hit) -> int | None:
    """The headcount in a matched phrase: "12,000", "1.400", "12k", "a dozen", "two hundred"; never
    millions, which count users or customers."""
    for index in range(hit.first, hit.last + 1):
        value = _value(tokens[index].raw)
        if value is None:
            continue
        following = tokens[index + 1].raw if index + 1 < len(tokens) else ""
        if following in _LARGE:
            return None
        return int(value * _MULTIPLIERS.get(following, 1))
    return None


def _amount(tokens: Sequence[Token], hit: Hit) -> int | None:
    """The first number in a matched phrase with its word: "400 million" is 400,000,000."""
    for index in range(hit.first, hit.last + 1):
        value = _value(tokens[index].raw)
        if value is not None:
            following = tokens[index + 1].raw if index + 1 < len(tokens) else ""
            return int(value * {**_MULTIPLIERS, **_LARGE}.get(following, 1))
    return None


def _value(raw: str) -> float | None:
    """A number as written: "12,000", "1.400", "2.5", "12k", "twelve"."""
    digits = re.fullmatch(r"(\d+(?:[.,]\d+)*)([a-z]*)", raw)
    if digits:
        groups = re.split(r"[.,]", digits.group(1))
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
            value = float("".join(groups))
        else:
            value = float(digits.group(1).replace(",", "."))
        return value * _MULTIPLIERS.get(digits.group(2), 1)
    return float(_WORD_VALUES[raw]) if raw in _WORD_VALUES else None


def _more_than(phrases: Phrases, ad: _Ad, tokens: Sequence[Token], hit: Hit) -> bool:
    """A headcount after "more than" (or followed by "+") is above its number, so in the next band up."""
    number = next((i for i in range(hit.first, hit.last + 1) if tokens[i].raw[:1].isdigit()), hit.first)
    if ad.text[tokens[number].end : tokens[number].end + 1] == "+":
        return True
    return any(h.last == number - 1 for h in phrases.hits(tokens))


def _first_value(entries: Sequence[ValueCues], ad: _Ad, sentences: Sequence[Sentence]) -> tuple[str, Quote] | None:
    """The first entry (in file order) with a phrase anywhere in the ad."""
    for entry in entries:
        for sentence in sentences:
            if entry.phrases.first(ad.tokens_in(sentence.start, sentence.end)):
                return entry.value, ad.quote(sentence)
    return None


def _kind(rules: PostingRules, ad: _Ad, sentences: Sequence[Sentence]) -> tuple[str, Quote] | None:
    """The kind of company: a startup or big tech wherever the ad says so; otherwise whatever the ad
    names first (a company describes itself before its customers), headings only if the text is silent."""
    assert rules.kinds is not None
    kinds = rules.kinds
    for entry in kinds.anywhere:
        for sentence in sentences:
            tokens = ad.tokens_in(sentence.start, sentence.end)
            hits = _hits(entry.phrases, kinds.excluded, tokens)
            if entry.at_least is not None:
                hits = [hit for hit in hits if (_amount(tokens, hit) or 0) >= entry.at_least]
            if hits:
                return entry.value, ad.quote(sentence)
    for group in ([s for s in sentences if not s.heading], [s for s in sentences if s.heading]):
        best: tuple[int, ValueCues, Quote] | None = None
        for entry in kinds.earliest:
            for sentence in group:
                tokens = ad.tokens_in(sentence.start, sentence.end)
                hits = _hits(entry.phrases, kinds.excluded, tokens)
                if hits:
                    position = tokens[min(hit.first for hit in hits)].start
                    if best is None or position < best[0]:
                        best = (position, entry, ad.quote(sentence))
                    break
        if best is not None:
            _, entry, quote = best
            if entry.outside_europe is not None and not any(
                kinds.european.first(ad.tokens_in(s.start, s.end)) for s in sentences
            ):
                return entry.outside_europe, quote
            return entry.value, quote
    return None


def _hits(phrases: Phrases, excluded: Phrases, tokens: Sequence[Token]) -> list[Hit]:
    """The matches of ``phrases`` that no ``excluded`` phrase overlaps ("health insurance" is not an
    insurer); an excluded phrase inside a match does not count ("we are a team of 45" is a headcount)."""
    hits = phrases.hits(tokens)
    if not hits:
        return hits
    spans = excluded.hits(tokens)
    return [
        hit
        for hit in hits
        if not any(
            e.first <= hit.last and hit.first <= e.last and not hit.first <= e.first <= e.last <= hit.last
            for e in spans
        )
    ]


__all__ = ["QUESTIONS", "Finding", "Quote", "Reading", "read"]
