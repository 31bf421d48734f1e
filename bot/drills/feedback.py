"""Feedback on a practice answer: deterministic, explainable, and free of Discord.

Every verdict can be traced to words in the answer. The engine combines

* the drill's own **signals** (from its YAML): a signal counts as shown when one of its cue phrases
  matches, and the matched words are quoted back as evidence;
* **general detectors** that hold for every interview answer: a figure about the evidence or the result
  (not years of experience, team size or story points), ownership language ("I decided", "I killed", "my
  call", "I recommended stopping it", "I took the numbers to my manager and recommended we stop it"),
  outcome metrics (retention, revenue, customers coming back, fewer late payments),
  execution-only vocabulary (backlog, ceremonies, tickets, stakeholders) and buzzwords;
* the drill's **red flags**, drill-specific weak patterns.

A buzzword is never evidence: its words are blanked out before signals and detectors look, so
"outcome-driven" is no outcome metric and "customer-obsessed" no customer evidence. And one phrase is
evidence for one signal only (the most important that claims it), as an interviewer hears it once. A
negation reaches across its clause: "I haven't worked with a real team yet" shows no real team, though
three words sit between "not" and the cue (the cue language itself only looks at the word right before), and
a "not" right after a matched verb denies it too ("AI can't replace"). Nor is the question's own wording a
signal: "my first 90 days would be about…" echoes the prompt, nor the clause of a red flag: it is the red
flag, not evidence for anything else.

The rating follows the rubric a person rates practice answers by (``bench/practice_rubric.md``), so a
member can check it against the feedback they see:

* **disqualifying patterns** (an answer that has one cannot be strong): execution only where the drill
  asks for judgment, a red flag, buzzwords with no figure and no decision behind them, and, where the drill
  asks what the member has done, plans, hopes or reading with nothing done behind them;
* **capping patterns** keep an answer at mixed, however many signals it shows: a missed expectation (the
  drill's ``expects``: numbers, an owned decision, an outcome metric) or, where the drill asks for product
  judgment, a story from outside product work (it shows the thinking, not the experience tested);
* **weak**: no signal at all, or one signal next to a disqualifying pattern;
* **strong**: at least 70% of the signals (3 of 4, 4 of 5), no disqualifying pattern, every expectation
  met;
* **mixed**: everything in between.

Length never decides the rating: a dense two-sentence answer can be strong. A short answer that is not
strong is told to write more.

The suggestion is the single most useful next step, in a fixed order of priority: leave execution-only
territory, fix a red flag, trade buzzwords for one real example, add the first missing signal (signals
are listed in order of importance), add what a general check missed, write more; a strong answer gets a
follow-up question to prepare.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from bot.drills.content import Drill
from bot.drills.cues import LARGE_GAP, NEGATIONS, Cue, Token, compile_cue, first_match, is_number, stem, tokenize

Rating = Literal["strong", "mixed", "weak"]

#: Under this many words an answer that falls short is told to write more (it never lowers the rating).
MIN_WORDS = 25
#: Share of a drill's signals a strong answer shows: 3 of 4, 4 of 5.
STRONG_SHARE = 0.7
#: Distinct execution terms it takes to call an answer execution-only; one "user stories" is not a pattern.
EXECUTION_TERMS = 2
#: Distinct buzzwords it takes to call an answer buzzwords instead of evidence.
BUZZWORDS = 3
#: Buzzwords quoted back; a wall of them would crowd the other weak patterns out of the card.
QUOTED_BUZZWORDS = 5

OWNERSHIP_CUES = (
    "i .. decid/kill/chose/choos/cut/drop/stop/shelv/cancel/descop*/depriorit*/pivot/veto/scrap*/own",
    "i .. made/make call*/decision*",
    "i .. made/make the/that/this/a/an/my/our/one/final/hard/tough/difficult/big/right .. call/decision*",
    "i .. push/pushed back",
    "i .. said/say no",
    "i .. defin*/set .. metric*/goal/target/kpi*/outcome/success",
    "i .. @stop",
    "i .. recommend*/propos*/argu* .. @stop",
    "i .. took/take ... off",
    "i .. put .. on hold",
    # "I picked the export problem", not "I picked up every ticket" ("chose" is in the first cue)
    "i .. pick/picks/picked/picking the/this/that/these/those/one/which/what/between/a/an/our/my/it/them/#",
    "i .. pick/picks/picked/picking ... over/instead/ahead/rather",
    "i .. went with",
    "i .. made .. case",
    "i .. moved .. team/it/them/developer*/engineer*",
    "i .. priorit* ... over/ahead/above/instead",
    "i .. focus* .. team",
    "i .. pushed for",
    "i .. pull* .. plug",
    "i .. turn* down",
    "i .. convinc*/persuad* ... to .. @stop/focus*",
    "my call/decision/bet/recommendation",
    "call was mine",
    "decision was mine",
    "i was accountable",
    "i .. took/take the decision",
    "the one who decid",
)
OUTCOME_CUES = (
    "retention/churn/conversion/revenue/activation/adoption/arr/mrr/nps/ltv/margin/renewal*/upsell*",
    "business outcome*",
    "outcome metric*",
    "unit economics",
    "lifetime value",
    "time to value",
    "willing* to pay",
    "pay for",
    "cost to serve",
    "win rate",
    "active user*",
    "come/comes/came/coming back",
    "repeat purchase*/order*/visit*/customer*",
    "usage",
    "proportion/percentage of",
    "the share of",  # "the share of new accounts that pay", not "my share of the release work"
    "share of .. @people/order*/booking*/appointment*/job*/claim*/payment*/signup*/upgrade*/trial*/renewal*/"
    "question*/#",
    "market share",
    "fewer/less .. call*/ticket*/complaint*/case*/contact*/return*/refund*",
    "fewer/less .. late/overdue/missed/abandon*",
    "fewer/less/more .. no show*",
    "paid/pay/pays/paying late",
    "late payment*",
    "no show* rate*",
    "% of .. @people",
    "% of .. claim*/invoice*/order*/booking*/appointment*/payment*/trial*/signup*/basket*/cart*/deal*",
    # "40% of sessions" are the users', not "40% of the refinement sessions"
    "% of session*",
    "% of all/user/app/web/mobile/checkout/search/visitor/customer session*",
)
EXECUTION_CUES = (
    "backlog*",
    "ceremon*",
    "ticket*",
    "stakeholder*",
    "user stor*",
    "sprint*",
    "groom*",
    "refinement",
    "standup*",
    "stand up/ups",
    "jira",
    "acceptance criteria",
    "velocity",
    "story point*",
    "retro*",
    "requirement*",
)
#: Figures about delivery, not evidence: "velocity up 18%", "400 user stories", "140 tickets closed". Where a drill
#: asks for judgment they are execution (the rubric: a pile of metrics with no link to a choice), so their
#: figures are blanked: no counted signal and no "numbers" can quote them ("# .. story" also takes "user stories"
#: and "story points", and leaves "40 stores" alone). Elsewhere (a career changer's
#: "25 stories with acceptance criteria") the count is the evidence asked for.
EXECUTION_FIGURE_CUES = (
    "velocity .. # %",
    "velocity .. #",
    "# .. story",
    "# .. ticket*",
    "# sprint*",
    "# % sprint*",
    "velocity .. up/down/by .. #",
    "backlog of #",
    "for # team*",
    "for # scrum/delivery/development/dev/agile/feature team*",
    "stakeholder* .. nps/score/satisfaction .. of/at .. #",
)
BUZZWORD_CUES = (
    "passion*",
    "mindset",
    "leverag*",
    "synerg*",
    "holistic*",
    "north star",
    "data driven",
    "customer centric/obsessed/focused",
    "outcome driven/focused",
    "force multiplier",
    "thought partner",
    "empower*",
    "innovat*",
    "game changer",
    "next level",
    "best practice*",
    "value add*",
    "fast learner",
    "team player",
    "culture of",
    "radical cando*",
    "drive* alignment",
    "unlock*",
    "champion*",
    "orchestrat*",
    "problem solver",
    "keen",
    "eager",
    "excited",
    "motivat*",
    "dream*",
    "impact driven/focused",
    "data informed",
    "feedback loop*",
    "ladder* up",
    "foster*",
    "status quo",
    "strategic thinker",
    "big picture thinker",
    "curiosity",
    "empathy",
    "by nature",
    "delight*",
    "frictionless",
    "seamless*",
    "world class",
    "cutting edge",
    "growth mindset",
    "move the needle",
    "wow*",
    "target operating model",
    "raci",
    "same page",
    "product market fit",
    "validated learning",
    "hypothesis driven",
    "de risk*",
    "derisk*",
    "value proposition*",
    "fail*/iterat* fast",
    "voice of the customer",
    "at the heart of",
    "design thinking",
    "empathy map*",
    "relentless*",
    "quick win*",
    "servant leader*",
    "mini ceo",
    # "I add value", "I'd add value", not the decision in "I decided to add value by cutting…"
    "i add* value",
    "i would/will/can/could/always/really add* value",
    "add* value as",
    "value flowing",
    "i .. believe in",
)
#: Plans, hopes and reading, where the drill asks what the member has done.
INTENTION_CUES = (
    "i .. would like/love to",
    "i .. hop*/plan*/intend*/aim* .. to",
    "i .. want* to .. start*/do/try/learn/get/begin",
    "i am .. going to",
    "i will .. start*/try/begin",
    "next year/quarter/month",
    "at some point",
    "one day",
    "someday",
    "i .. read*/studied/studying",
    "i .. have been .. read*/study*/learn*",
)
#: Where a story comes from outside product work (teaching, a restaurant, a ward), in the member's words.
OUTSIDE_PRODUCT_CUES = (
    "before .. product/tech",
    "no product job*/role*/experience",
    "outside .. product/tech/software",
    "not .. in product",
    "i .. was/am/worked as .. teacher/nurse/chef/waiter/waitress/cashier/receptionist/pharmacist/paramedic/barista",
    "i .. ran/run/managed/manage/owned .. restaurant*/hotel*/cafe*/bar/shop*/store*/clinic*/ward/salon*/kitchen*",
    "i .. ran/run/managed/manage/worked ... at/in .. restaurant*/hotel*/cafe*/clinic*/ward/salon*/kitchen*",
    # "of" a place only after a part of its floor: "the front office of a hotel", not "the roadmap of a hotel
    # booking platform", which is product work
    "i .. ran/run/managed/manage/worked ... office/desk/floor/reception/shift*/staff/kitchen/bar/night*/branch of .. "
    "restaurant*/hotel*/cafe*/clinic*/ward/salon*",
)
#: Figures that describe the job, not the evidence: "three years", "fourteen engineers", "89 story points";
#: and counts of the answer's own parts ("I want three answers", "two things"), which number the speech, not
#: anything found or changed.
_JOB_FIGURES = frozenset(
    stem(word)
    for word in (
        *("year", "yr", "engineer", "developer", "dev", "point", "sprint", "iteration", "person"),
        *("answer", "thing", "question", "step", "way", "reason", "part", "area", "pillar", "principle", "lesson"),
    )
)
#: Words of a metric moving: "retention went up 9 points" moves a metric by points, unless velocity moved;
#: "89 points" alone are story points.
_MOVES = frozenset({"up", "down", "by", "rose", "fell", "dropped", "gained", "lost", "grew", "climbed"})
_RATE_WORDS = frozenset({"a", "an", "per", "every", "each"})
_FRACTION_COUNTS = frozenset({"a", "one", "two"})
_POSITIONS = frozenset({"first", "second", "other", "back", "front", "top", "bottom"})
_POINT = stem("point")
_CALENDAR_YEAR = re.compile(r"^(19|20)\d\d$")
#: What a blanked-out word reads as: no cue word, number or negation looks like it.
_BLANK = "_"


@dataclass(frozen=True)
class Finding:
    """One line of feedback: what it is and why it was (or was not) found, in the answer's own words."""

    id: str
    name: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "detail": self.detail}


@dataclass(frozen=True)
class Feedback:
    rating: Rating
    signals_found: tuple[Finding, ...]
    signals_missing: tuple[Finding, ...]
    weak_patterns: tuple[Finding, ...]
    suggestion: str

    def to_json(self) -> dict[str, Any]:
        """The shape ``pmpo-bot drill score --json`` prints and the database stores."""
        return {
            "rating": self.rating,
            "signals_found": [f.to_json() for f in self.signals_found],
            "signals_missing": [f.to_json() for f in self.signals_missing],
            "weak_patterns": [f.to_json() for f in self.weak_patterns],
            "suggestion": self.suggestion,
        }


def first_figure(tokens: list[Token], text: str) -> str | None:
    """The first figure about the evidence or the result, quoted with the word after it.

    Years of experience, team size, sprint length and story points describe the job, not what the member
    found or changed, so "three years" or "fourteen engineers" does not count; nor do the answer's own parts
    ("three answers", "Third, a cheap test"), a calendar year or a quarter's name ("Q2").
    """
    for index, token in enumerate(tokens):
        if not is_number(token) or _CALENDAR_YEAR.match(token.raw):
            continue
        if index > 0 and tokens[index - 1].raw == "q":
            continue  # "Q2" names a quarter
        if token.raw == "third" and (index == 0 or tokens[index - 1].raw not in _FRACTION_COUNTS):
            continue  # "Third, a cheap test" numbers a list; "a third of the accounts" is a figure
        if token.raw == "half" and index > 0 and tokens[index - 1].raw in _POSITIONS:
            continue  # "the first half of the call" is a place in time; "half of what it costs" is a figure
        following = tokens[index + 1 : index + 3]
        if following and following[0].raw in _RATE_WORDS:
            following = following[:1]  # "$46k a year" is money per year, not years in the job
        if any(t.stem in _JOB_FIGURES for t in following) and not _metric_moved_by_points(tokens, index):
            continue
        end = following[0].end if following else token.end
        return text[token.start : end]
    return None


def _metric_moved_by_points(tokens: list[Token], index: int) -> bool:
    """Whether ``tokens[index]`` is a metric's move in points ("retention went up 9 points"), not velocity's."""
    return (
        0 < index < len(tokens) - 1
        and tokens[index - 1].raw in _MOVES
        and tokens[index + 1].stem == _POINT
        and all(t.raw != "velocity" for t in tokens[max(0, index - LARGE_GAP) : index])
    )


@dataclass(frozen=True)
class _Detector:
    id: str
    name: str
    #: The answer's words that meet the check, or None.
    find: Callable[[list[Token], str], str | None]
    #: Why its absence matters, shown as the weak pattern's detail when a drill expects it.
    missing: str
    tip: str


#: A second verb of a sentence's subject, joined by "and" or "then": "I took the numbers to my manager and
#: recommended we stop it".
_DECISION_VERB = compile_cue("and/then decid*/recommend*/chose/kill*/shelv*/cancel*/scrap*/veto*/descop*/depriorit*")
#: Who can be the subject of a sentence's verbs; the nearest one before a decision verb made it.
_SUBJECTS = frozenset({"i", "we", "they", "he", "she", "you", "it", "who", "which", "management", "leadership"})
#: Words that open a clause inside a sentence; an "I" right after one is that clause's subject, not the subject
#: the "and decided" continues ("the CEO listened to what I said and then decided").
_SUBORDINATORS = frozenset({"what", "that", "who", "whom", "which", "when", "how"})
#: Words that join a second verb to a clause's subject.
_CLAUSE_JOINS = frozenset({"and", "then"})


def carried_ownership(tokens: list[Token], text: str) -> str | None:
    """A decision verb joined by "and"/"then" to a sentence whose nearest subject before it is "I".

    The owned-decision cues let two words sit between "I" and the verb; a longer sentence ("in March I used the
    freed hours to interview eight finance teams and decided to shelve the app") still makes the decision the
    speaker's. "We … and decided", "my manager, who then decided" and "the board decided" stay someone else's,
    and so does "my manager asked what I thought and decided": an "I" inside a what/that/who/when clause is not
    the subject. No negation is checked: the verb comes right after "and"/"then", which end the clause a
    negation reaches, so "I had no budget and decided to shelve the app" is still the speaker's decision.
    Quoted from the "I" to the verb.
    """
    for span in _matches(_DECISION_VERB, tokens):
        index = next(i for i, t in enumerate(tokens) if t.start == span[0])
        for back in range(index - 1, -1, -1):
            if _SENTENCE_END.search(text[tokens[back].end : tokens[back + 1].start]):
                break
            if tokens[back].raw == "i" and back > 0 and tokens[back - 1].raw in _SUBORDINATORS:
                continue  # "my manager asked what I thought and decided": the "I" is not the deciding subject
            if tokens[back].raw in _SUBJECTS:
                if tokens[back].raw == "i":
                    return f"{text[tokens[back].start : tokens[back].end]} … {text[span[0] : span[1]]}"
                break
    return None


#: Picking work up is taking it on, not choosing: "I picked it up", "I picked up the slack over the summer".
_PICKED_UP = ("pick/picks/picked/picking .. up",)


def _owned_decision(tokens: list[Token], text: str) -> str | None:
    """An owned decision: one of the ownership cues, or a decision verb whose subject is "I" further back.

    "Pick … up" is blanked first, so neither "pick" cue can take the verb of work taken on; so is the "I" of a
    what/that/who/when clause that an "and"/"then" ends before any decision of its own, so "my manager asked
    what I thought and decided" does not read as "I … decided" ("the bet that I killed and …" still does).
    """
    tokens = blank(tokens, _all_spans(_PICKED_UP, tokens) + _subordinate_is(tokens, text))
    return first_match(OWNERSHIP_CUES, tokens, text) or carried_ownership(tokens, text)


def _subordinate_is(tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """The span of each "I" that opens a what/that/who/when clause with no owned decision before its "and"."""
    spans = []
    for index, token in enumerate(tokens):
        if token.raw != "i" or index == 0 or tokens[index - 1].raw not in _SUBORDINATORS:
            continue
        ahead = tokens[index + 1 : index + 2 + LARGE_GAP]
        end = next((index + 1 + i for i, t in enumerate(ahead) if t.raw in _CLAUSE_JOINS), None)
        if end is not None and first_match(OWNERSHIP_CUES, tokens[index:end], text) is None:
            spans.append((token.start, token.end))
    return spans


GENERAL: dict[str, _Detector] = {
    "numbers": _Detector(
        "no-numbers",
        "No numbers",
        first_figure,
        "Nothing is counted or measured (years in the job, team size and story points don't count), so the "
        "interviewer has to take the scope on trust.",
        "Put a number on it: how many customer interviews, how many bets you stopped, how much a metric moved.",
    ),
    "owned-decision": _Detector(
        "no-owned-decision",
        "No decision you owned",
        _owned_decision,
        "Nothing says which call was yours ('I decided', 'I killed', 'my call'); 'we' and 'helped' hide it.",
        "Name one decision that was yours and say it in the first person: 'I decided…', 'I killed…'.",
    ),
    "outcome-metric": _Detector(
        "no-outcome-metric",
        "No outcome metric",
        partial(first_match, OUTCOME_CUES),
        "Success is described as output (shipped, delivered) rather than a business outcome.",
        "Say how you measured success as a business outcome, e.g. retention, conversion or revenue, not 'shipped'.",
    ),
}
_EXECUTION_ONLY = Finding(
    "execution-only",
    "Describes only execution",
    "Backlog, ceremonies, tickets and stakeholders say how the work got done, not which problem you chose "
    "or what it changed for the business.",
)
_EXECUTION_TIP = (
    "Swap the list of tasks for one story: a problem you decided was worth solving, why, and what happened."
)
_INTENTIONS = Finding(
    "intentions",
    "Intentions instead of experience",
    "Plans, hopes and reading show interest, not what you have done; this question asks for something you did.",
)
_INTENTIONS_TIP = "Tell one thing you have already done, however small, before saying what you plan to do next."
_BUZZWORDS_TIP = "Trade the buzzwords for one real example: what you did, with whom, and what came of it, in numbers."
_OUTSIDE_PRODUCT_TIP = (
    "Keep the story, it shows the thinking; then add one product decision of your own, however small, because "
    "that is the experience this question tests."
)
_TOO_SHORT = Finding(
    "too-short", "Too short", f"Under {MIN_WORDS} words can't carry a situation, a decision and a result."
)
_TOO_SHORT_TIP = "Expand it to four to six sentences: the situation, your decision, the evidence, the result."


def judges_execution(drill: Drill) -> bool:
    """Whether the drill asks for PM-level judgment: it expects an owned decision or an outcome metric.

    Only there is execution-only a weak pattern, and only there does a story from outside product work cap
    the rating. For a team-level SAFe PO role, backlog, stories and acceptance *are* the job; flagging them
    would push members towards the very mismatch those drills warn about; and a career changer's story from
    teaching is exactly the evidence their drills ask for.
    """
    return "owned-decision" in drill.expects or "outcome-metric" in drill.expects


def _spans(cues: tuple[str, ...], tokens: list[Token]) -> list[tuple[int, int]]:
    """The character span of each cue that matches, one per cue, in the order the answer uses them."""
    return sorted(span for cue in cues if (span := compile_cue(cue).search(tokens)) is not None)


def _all_spans(cues: tuple[str, ...], tokens: list[Token]) -> list[tuple[int, int]]:
    """The character span of every match of every cue: "26 sprints … 94% sprint goal" has two."""
    return sorted(span for cue in cues for span in _matches(compile_cue(cue), tokens))


def _matches(cue: Cue, tokens: list[Token]) -> Iterator[tuple[int, int]]:
    """Every match of ``cue``, left to right, each searched for after the one before."""
    searched = tokens
    while (span := cue.search(searched)) is not None:
        yield span
        searched = blank(searched, [(0, span[1])])


def _terms(cues: tuple[str, ...], tokens: list[Token], text: str) -> list[str]:
    """The answer's words for each cue that matches, one per cue, in the order the answer uses them."""
    return [text[start:end] for start, end in _spans(cues, tokens)]


def blank(tokens: list[Token], spans: list[tuple[int, int]]) -> list[Token]:
    """``tokens`` with the words inside ``spans`` blanked out; they keep their place, so no new phrase forms."""
    return [Token(_BLANK, _BLANK, t.start, t.end) if _inside(t, spans) else t for t in tokens]


def without_buzzwords(tokens: list[Token]) -> list[Token]:
    """``tokens`` with every buzzword's words blanked out, so no signal or detector can quote them.

    A buzzword is not a signal (the rubric): "outcome-driven" is not an outcome and "customer-obsessed" is
    not customer evidence.
    """
    return blank(tokens, _spans(BUZZWORD_CUES, tokens))


#: Where a sentence ends, for a subject carried over to a later verb of it.
_SENTENCE_END = re.compile(r"[.!?;:\n]")
#: How far back in its clause a negation reaches: "I haven't worked with a real team" has no real team.
NEGATION_REACH = 4
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]")
#: Words that start a new clause a negation does not reach into: "Not paid, but a real team", "no researcher
#: so I interviewed 8 customers".
_CLAUSE_WORDS = frozenset({"but", "so"})
#: "and" starts a new clause when a new subject follows it: "we had no budget and I ran the trial myself".
_NEW_SUBJECTS = frozenset({"i", "we"})


def without_execution_figures(drill: Drill, tokens: list[Token]) -> list[Token]:
    """``tokens`` with the figures of delivery counts blanked, where the drill asks for judgment.

    Only the figures go: "velocity" and "stories" stay, so they still count towards execution-only.
    """
    if not judges_execution(drill):
        return tokens
    spans = _all_spans(EXECUTION_FIGURE_CUES, tokens)
    figures = [(t.start, t.end) for t in tokens if is_number(t) and _inside(t, spans)]
    # the "%" of "velocity went up by 30%" is a figure word of its own; it goes with its number
    figures += [(b.start, b.end) for a, b in itertools.pairwise(tokens) if b.raw == "%" and (a.start, a.end) in figures]
    return blank(tokens, figures)


#: Owning the machinery of delivery: "I owned the backlog", "I own the sprint ceremonies". Where a drill asks for
#: judgment, the rubric counts this as execution ("I updated the backlog accordingly" is not an owned decision).
OWNED_EXECUTION_CUES = ("own/owns/owned/owning .. backlog*/ceremon*/sprint*/jira/board*/refinement/standup*/ticket*",)


def without_owned_execution(drill: Drill, tokens: list[Token]) -> list[Token]:
    """``tokens`` with "own" blanked where its object is execution, where the drill asks for judgment.

    Only the verb goes: "I owned the backlog" neither shows specific ownership nor an owned decision, and
    "backlog" still counts towards execution-only.
    """
    if not judges_execution(drill):
        return tokens
    spans = _spans(OWNED_EXECUTION_CUES, tokens)
    return blank(tokens, [(t.start, t.end) for t in tokens if t.raw.startswith("own") and _inside(t, spans)])


def _inside(token: Token, spans: list[tuple[int, int]]) -> bool:
    """Whether ``token`` starts inside one of ``spans``."""
    return any(start <= token.start < end for start, end in spans)


#: Hedges that sit between a negation and what it denies without weakening it: they do not count towards the
#: reach, so "we didn't really set a number up front" sets nothing up front.
_HEDGES = frozenset({"really", "actually", "even", "ever", "quite", "fully", "exactly", "necessarily", "formally"})


def _negated(tokens: list[Token], index: int, text: str) -> bool:
    """Whether a negation in the same clause, up to ``NEGATION_REACH`` words back (hedges not counted), governs
    ``tokens[index]``, or a denied opinion further back in it does ("I don't think I've been in a build trap")."""
    reach = NEGATION_REACH
    for back in range(index - 1, -1, -1):
        if reach == 0 or _ends_clause(tokens, back, text):
            return _under_denied_opinion(tokens, index, text)
        if tokens[back].raw in NEGATIONS:
            return True
        if tokens[back].raw not in _HEDGES:
            reach -= 1
    return False


def _ends_clause(tokens: list[Token], back: int, text: str) -> bool:
    """Whether the clause that holds ``tokens[back + 1]`` starts right after ``tokens[back]``: punctuation between
    them, or ``tokens[back]`` is "but", "so", or an "and" before a new subject."""
    if _CLAUSE_BREAK.search(text[tokens[back].end : tokens[back + 1].start]):
        return True
    word = tokens[back].raw
    return word in _CLAUSE_WORDS or (word == "and" and tokens[back + 1].raw in _NEW_SUBJECTS)


#: Verbs of opinion whose denial denies the whole clause after them: "I don't really think I fell into a build trap".
_OPINIONS = frozenset(stem(word) for word in ("think", "believe", "feel"))
#: How far back in its clause a denied opinion reaches.
OPINION_REACH = 8


def _under_denied_opinion(tokens: list[Token], index: int, text: str) -> bool:
    """Whether ``tokens[index]`` follows "don't think"/"never believed"-style words in its clause."""
    for back in range(index - 1, max(index - 1 - OPINION_REACH, -1), -1):
        if _ends_clause(tokens, back, text):
            return False
        if tokens[back].stem in _OPINIONS:
            before = [t.raw for t in tokens[:back] if t.raw not in _HEDGES]
            return bool(before) and before[-1] in NEGATIONS
    return False


#: Verbs that a "not" right after them denies: "AI can't replace it" is no "AI can".
_AUXILIARIES = frozenset(
    {"can", "could", "will", "would", "shall", "should", "do", "does", "did", "is", "are", "was", "were", "has", "have"}
)


def _denied_after(tokens: list[Token], span: tuple[int, int]) -> bool:
    """Whether the match ends on an auxiliary verb that a "not" right after it denies ("AI can't", "they would not")."""
    last = next(i for i, t in enumerate(tokens) if t.end == span[1])
    return tokens[last].raw in _AUXILIARIES and last + 1 < len(tokens) and tokens[last + 1].raw in NEGATIONS


def _affirmed_span(cues: tuple[str, ...], tokens: list[Token], text: str) -> tuple[int, int] | None:
    """The first cue match not denied earlier in its clause nor right after it, or None (the cue itself rejects
    "not" right before)."""
    for cue in cues:
        for span in _matches(compile_cue(cue), tokens):
            index = next(i for i, t in enumerate(tokens) if t.start == span[0])
            if not _negated(tokens, index, text) and not _denied_after(tokens, span):
                return span
    return None


#: Words too common to make an echo of the question: "walk me through" is a way of asking, not the question.
# fmt: off
_FUNCTION_WORDS = frozenset({
    "i", "me", "my", "you", "your", "we", "our", "us", "the", "a", "an", "to", "of", "in", "on", "for", "at", "how",
    "what", "why", "do", "did", "does", "is", "are", "was", "be", "that", "this", "it", "with", "and", "or", "have",
    "has", "would", "will", "can", "about", "as", "which", "who", "when", "where",
})
# fmt: on


def _echoes(drill: Drill, tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans where the answer repeats two content words of the question in a row ("my first 90 days"): repeating
    the question is not evidence of answering it.

    A pair that one of the drill's own cues names ("the build trap", "the Product Manager owns the roadmap") is
    left alone: blanking it would make that cue unreachable.
    """
    asked = tokenize(drill.prompt)
    pairs = {
        (a.stem, b.stem)
        for a, b in itertools.pairwise(asked)
        if a.raw not in _FUNCTION_WORDS and b.raw not in _FUNCTION_WORDS
    }
    return [
        (a.start, b.end)
        for a, b in itertools.pairwise(tokens)
        if (a.stem, b.stem) in pairs and not _in_a_cue(drill, a, b)
    ]


def _in_a_cue(drill: Drill, first: Token, second: Token) -> bool:
    """Whether two steps in a row of one of the drill's signal cues accept ``first`` then ``second``."""
    return any(
        one.accepts(first) and two.accepts(second)
        for signal in drill.signals
        for cue in signal.cues
        for one, two in itertools.pairwise(compile_cue(cue).steps)
    )


#: Where the clause of a red flag ends: a comma, a full stop, "but", "and" ("I'd manage the backlog and I'd set
#: the roadmap" keeps its backlog).
_RED_FLAG_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]|\b(?:but|and)\b")


def _clause(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The clause (between commas, full stops, "but", "and" and the like) that holds ``span``."""
    before = [m.end() for m in _RED_FLAG_CLAUSE_BREAK.finditer(text, 0, span[0])]
    after = _RED_FLAG_CLAUSE_BREAK.search(text, span[1])
    return (before[-1] if before else 0, after.start() if after else len(text))


def red_flag_clauses(drill: Drill, tokens: list[Token], text: str) -> list[tuple[int, int]]:
    """The clauses that carry one of the drill's red flags: they are the red flag, not evidence for a signal.

    "So any company can see straight away that I'm qualified" oversells the certificate; its "straight
    away" does not also show what the member brings on day one, as a person rating it would not credit it
    either. Only the clause goes: the duties listed after "I'd set the roadmap," still count.
    """
    spans = (compile_cue(cue).search(tokens) for flag in drill.red_flags for cue in flag.cues)
    return [_clause(text, span) for span in spans if span is not None]


def _signal_evidence(drill: Drill, tokens: list[Token], text: str) -> dict[str, tuple[int, int]]:
    """Each shown signal's evidence span, signals in order of importance.

    Words that are one signal's evidence are blanked for the signals after it: an interviewer hears a phrase
    once, so "churned" is not both the customer evidence and the measured result. The clause of a red flag is
    no evidence at all.
    """
    evidence: dict[str, tuple[int, int]] = {}
    tokens = blank(tokens, _echoes(drill, tokens))
    tokens = blank(tokens, red_flag_clauses(drill, tokens, text))
    for signal in drill.signals:
        span = _affirmed_span(signal.cues, tokens, text)
        if span is not None:
            evidence[signal.id] = span
            tokens = blank(tokens, [span])
    return evidence


def strong_at(drill: Drill) -> int:
    """How many signals a strong answer shows: 3 of 4, 4 of 5."""
    return math.ceil(STRONG_SHARE * len(drill.signals))


#: A weak pattern and the suggestion that goes with it.
_Pattern = tuple[Finding, str]


def _disqualifying(
    drill: Drill, tokens: list[Token], text: str, found: int, general: dict[str, str | None], buzzwords: list[str]
) -> list[_Pattern]:
    """Patterns that stop an answer from being strong, and with one signal or none make it weak."""
    patterns: list[_Pattern] = []
    execution = _terms(EXECUTION_CUES, tokens, text)
    if (
        judges_execution(drill)
        and len(execution) >= EXECUTION_TERMS
        and found <= 1
        and general["owned-decision"] is None
        and general["outcome-metric"] is None
    ):
        patterns.append((_EXECUTION_ONLY, _EXECUTION_TIP))
    intention = first_match(INTENTION_CUES, tokens, text) if judges_execution(drill) else None
    if (
        intention is not None
        and found <= 1
        and general["numbers"] is None
        and general["owned-decision"] is None
        and general["outcome-metric"] is None
    ):
        detail = f"“{intention}”: {_INTENTIONS.detail}"
        patterns.append((Finding(_INTENTIONS.id, _INTENTIONS.name, detail), _INTENTIONS_TIP))
    for flag in drill.red_flags:
        evidence = first_match(flag.cues, tokens, text)
        if evidence is not None:
            finding = Finding(flag.id, flag.name, f"“{evidence}”: {flag.why}")
            patterns.append((finding, f"Rework “{evidence}”: {flag.why}"))
    if len(buzzwords) >= BUZZWORDS and general["numbers"] is None and general["owned-decision"] is None:
        quoted = ", ".join(f"“{word}”" for word in buzzwords[:QUOTED_BUZZWORDS])
        detail = f"{quoted}: adjectives and slogans with no figure and no decision of yours behind them."
        patterns.append((Finding("buzzwords", "Buzzwords instead of evidence", detail), _BUZZWORDS_TIP))
    return patterns


def _capping(drill: Drill, tokens: list[Token], text: str, general: dict[str, str | None]) -> list[_Pattern]:
    """Patterns that keep an answer at mixed however many signals it shows."""
    patterns: list[_Pattern] = []
    for key in drill.expects:
        if general[key] is None:
            detector = GENERAL[key]
            patterns.append((Finding(detector.id, detector.name, detector.missing), detector.tip))
    outside = first_match(OUTSIDE_PRODUCT_CUES, tokens, text) if judges_execution(drill) else None
    if outside is not None:
        detail = f"“{outside}”: it shows the thinking, but this question tests decisions you made in a product role."
        patterns.append((Finding("outside-product", "A story from outside product work", detail), _OUTSIDE_PRODUCT_TIP))
    return patterns


def assess(drill: Drill, answer: str) -> Feedback:
    """Judge ``answer`` to ``drill``; pure and deterministic, so the same answer always gets the same verdict."""
    text = answer.strip()
    all_tokens = tokenize(text)
    buzzwords = _terms(BUZZWORD_CUES, all_tokens, text)
    tokens = without_owned_execution(drill, without_execution_figures(drill, without_buzzwords(all_tokens)))
    found: list[Finding] = []
    missing: list[Finding] = []
    signal_tips: list[str] = []
    evidence = _signal_evidence(drill, tokens, text)
    for signal in drill.signals:
        if signal.id in evidence:
            start, end = evidence[signal.id]
            found.append(Finding(signal.id, signal.name, f"“{text[start:end]}”"))
        else:
            missing.append(Finding(signal.id, signal.name, signal.looks_for))
            signal_tips.append(signal.tip)

    general = {key: detector.find(tokens, text) for key, detector in GENERAL.items()}
    disqualifying = _disqualifying(drill, tokens, text, len(found), general, buzzwords)
    capping = _capping(drill, tokens, text, general)
    rating: Rating
    if not found or (len(found) <= 1 and disqualifying):
        rating = "weak"
    elif len(found) >= strong_at(drill) and not disqualifying and not capping:
        rating = "strong"
    else:
        rating = "mixed"
    if rating != "strong" and len(tokens) < MIN_WORDS:
        capping.append((_TOO_SHORT, _TOO_SHORT_TIP))  # advice only: the rating is already settled
    # Disqualifying patterns outrank the first missing signal; general checks and length come after it.
    tips = [tip for _, tip in disqualifying] + signal_tips[:1] + [tip for _, tip in capping]
    follow_up = f" Now prepare the follow-up: {drill.follow_ups[0].ask}" if drill.follow_ups else ""
    suggestion = tips[0] if tips else f"Strong answer.{follow_up}"
    patterns = tuple(finding for finding, _ in disqualifying + capping)
    return Feedback(rating, tuple(found), tuple(missing), patterns, suggestion)
