"""A reading of an ad, put through the existing check: answers, then the verdict engine, then next steps.

The reader's ``not_stated`` is the check's "nobody / not sure"; context the ad leaves out is filled with
values that change no verdict (``check.fill`` in the posting file), the way the labelled ads in
``bench/job_posts.yaml`` were scored. The verdict's next steps get, in front, one step per question
that quotes the ad ("the ad says success metrics are set by someone else (“…”): ask who decides what
'done' means"). An ad for a job that is not a PM or PO role gets no verdict: it is said to be that
job, with the closest knowledge entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.check.content import CheckContent
from bot.check.engine import AdNote, CheckResult, QuestionScreen, evaluate
from bot.check.posting.reader import Quote, Reading
from bot.check.posting.rules import CONTEXT_KEYS, NonProduct, PostingRules
from bot.limits import trim

#: How much of the ad a next step quotes.
STEP_QUOTE = 120


@dataclass(frozen=True)
class PostingVerdict:
    reading: Reading
    #: The check's answers: subject, the context (read or filled) and the three questions.
    answers: dict[str, str]
    #: Context keys the ad left out, filled from ``check.fill``.
    assumed: tuple[str, ...]
    #: The check's verdict; None when the ad is not for a PM or PO role.
    result: CheckResult | None
    not_product: NonProduct | None
    next_steps: tuple[str, ...]

    @property
    def verdict_id(self) -> str | None:
        return self.result.verdict.id if self.result else None

    @property
    def title(self) -> str:
        if self.result is not None:
            return self.result.verdict.title
        assert self.not_product is not None
        return self.not_product.title

    @property
    def summary(self) -> str:
        if self.result is not None:
            return self.result.summary
        assert self.not_product is not None
        return self.not_product.summary

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.result.reasons if self.result is not None else ()

    @property
    def entries(self) -> tuple[str, ...]:
        if self.result is not None:
            return self.result.entries
        assert self.not_product is not None
        return (self.not_product.entry,)


@dataclass(frozen=True)
class PostingStart:
    """An ad read for the check: what it says, and (for a PM or PO job) the check opened to review it."""

    judged: PostingVerdict
    #: The first answer to review; None for an ad that is not a PM or PO job (no check is opened).
    screen: QuestionScreen | None


def prefill(rules: PostingRules, reading: Reading) -> dict[str, str]:
    """The answers a posting check starts with: what the ad states, and the subject; never an assumption."""
    answers, assumed = check_answers(rules, reading)
    unnamed = () if "title" in reading.context_evidence else ("title",)  # the default title is a guess too
    return {key: value for key, value in answers.items() if key not in (*assumed, *unnamed)}


def ad_notes(reading: Reading) -> dict[str, AdNote]:
    """Per question the ad is read for, whether it states the answer and the sentences it came from."""
    notes = {
        key: AdNote(key in reading.context_evidence, _quoted(reading.context_evidence.get(key))) for key in CONTEXT_KEYS
    }
    for question, answer in reading.answers.items():
        notes[question] = AdNote(answer != "not_stated", tuple(quote.shown() for quote in reading.evidence[question]))
    return notes


def _quoted(quote: Quote | None) -> tuple[str, ...]:
    return (quote.shown(),) if quote is not None else ()


def check_answers(rules: PostingRules, reading: Reading) -> tuple[dict[str, str], tuple[str, ...]]:
    """The check's answers for a reading, and which context keys were filled in because the ad is silent."""
    assert rules.check is not None
    answers = {"subject": rules.check.subject}
    assumed = []
    for key in CONTEXT_KEYS:
        if key in reading.context:
            answers[key] = reading.context[key]
        elif key in rules.check.fill:
            answers[key] = rules.check.fill[key]
            assumed.append(key)
    for question, answer in reading.answers.items():
        answers[question] = rules.check.not_stated if answer == "not_stated" else answer
    return answers, tuple(assumed)


def judge(content: CheckContent, rules: PostingRules, reading: Reading) -> PostingVerdict:
    """The check's verdict for a reading (the knowledge validator proves every reading has one)."""
    answers, assumed = check_answers(rules, reading)
    if not reading.is_product_role:
        info = rules.non_product[reading.role_type]
        return PostingVerdict(reading, answers, assumed, None, info, info.next_steps)
    result = evaluate(content, answers)
    steps = (*ad_steps(rules, reading), *result.next_steps)
    return PostingVerdict(reading, answers, assumed, result, None, steps)


def ad_steps(rules: PostingRules, reading: Reading, confirmed: Mapping[str, str] | None = None) -> list[str]:
    """One next step per question, quoting the first sentence its answer came from.

    With ``confirmed`` (the check's final answers), only for questions answered as the ad was read: a
    step about what the ad says is wrong once the member has corrected that answer.
    """
    read_as = check_answers(rules, reading)[0] if confirmed is not None else {}
    steps = []
    for question, answer in reading.answers.items():
        if confirmed is not None and confirmed.get(question) != read_as[question]:
            continue
        template = rules.next_steps.get(question, {}).get(answer)
        if template is None:
            continue
        quotes = reading.evidence.get(question, ())
        if "{quote}" in template and not quotes:
            continue
        quote = trim(quotes[0].shown(), STEP_QUOTE) if quotes else ""
        steps.append(template.format(quote=quote))
    return steps
