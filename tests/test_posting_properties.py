"""Whatever text is pasted as an ad, the reader answers within its contract and never crashes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.check.posting.reader import read
from bot.check.posting.rules import ANSWERS, QUESTIONS
from bot.check.posting.verdict import judge
from tests.test_posting_support import shipped

CONTENT, RULES = shipped()

#: Ad-like text: the reader's own vocabulary, headings, bullets, punctuation, numbers, other scripts.
WORDS = st.sampled_from(
    [
        "Product Owner", "PM", "roadmap", "you", "own", "the", "won't", "not", "nobody", "together with",
        "Head of Product", "KPIs", "set by", "customer interviews", "talk to customers", "About us", "Benefits",
        "What you'll do", "SAFe", "Scrum", "12,000 staff", "we're 30", "startup", "bank", "- ", "• ", ":", ";",
        " – ", ".", "!", "?", "\n", "\n\n", "\r\n", "'s", "İ", "é", "😅", "#", "…", "“", "”",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=600),
    st.lists(st.one_of(WORDS, st.text(max_size=10)), max_size=80).map(" ".join),
    st.lists(st.one_of(WORDS, st.text(max_size=10)), max_size=80).map("".join),
)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_any_text_reads_within_the_contract(text: str) -> None:
    reading = read(RULES, text)
    assert set(reading.answers) == set(QUESTIONS)
    assert all(answer in ANSWERS for answer in reading.answers.values())
    for question, quotes in reading.evidence.items():
        assert (reading.answers[question] in ("role", "pm", "shared")) <= bool(quotes)
        for quote in quotes:
            assert quote.text and text[quote.start : quote.end] == quote.text
    for quote in reading.context_evidence.values():
        assert text[quote.start : quote.end] == quote.text
    for key, value in reading.context.items():
        context_question = CONTENT.question(key)
        assert context_question is not None and context_question.choice(value) is not None
    judged = judge(CONTENT, RULES, reading)
    assert (judged.verdict_id is None) == (reading.role_type != "product")


#: Words saying a topic is not decided yet, and verbs this role takes such a topic up with.
OPEN = st.sampled_from(["fixed", "set", "existing", "defined", "predefined", "formal", "agreed", "established"])
TAKE_UP = st.sampled_from(["define", "own", "set", "write"])
TOPIC_WORDS = st.sampled_from([("roadmap", "roadmap", "it"), ("metrics", "KPIs", "them"), ("metrics", "OKRs", "them")])


@SETTINGS
@given(OPEN, TAKE_UP, TOPIC_WORDS, st.sampled_from([", so", ":", ";", " –", ", and"]))
def test_a_topic_not_decided_yet_is_whoever_takes_it_up(
    adjective: str, verb: str, topic: tuple[str, str, str], joint: str
) -> None:
    question, word, pronoun = topic
    unowned = f"There is no {adjective} {word}"
    assert read(RULES, f"Product Owner\n\n{unowned}.").answers[question] == "not_stated"
    taken = f"Product Owner\n\n{unowned}{joint} you will {verb} {pronoun} with the team."
    assert read(RULES, taken).answers[question] == "role"


#: This role's duty, then a second duty with a partner: (question, duty) for each.
FIRST_DUTY = st.sampled_from([("customers", "run the user tests"), ("customers", "plan the customer interviews")])
SECOND_DUTY = st.sampled_from(
    [("metrics", "set the goals"), ("metrics", "define the KPIs"), ("roadmap", "own the roadmap")]
)
PARTNER = st.sampled_from(["the service manager", "the CPO", "the Head of Digital"])


@SETTINGS
@given(FIRST_DUTY, SECOND_DUTY, PARTNER, st.sampled_from([" and you", ", and you", ", you"]))
def test_a_partner_goes_with_the_duty_it_is_said_with(
    first: tuple[str, str], second: tuple[str, str], partner: str, joint: str
) -> None:
    ad = f"Product Owner\n\nYou {first[1]}{joint} {second[1]} together with {partner}."
    answers = read(RULES, ad).answers
    assert (answers[first[0]], answers[second[0]]) == ("role", "shared")
