"""Open-ended text from members: whatever they type, the core answers within its contract and never crashes."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ask.engine import clean_question
from bot.ask.search import SearchIndex
from bot.drills.content import DrillBank
from bot.drills.feedback import assess
from bot.errors import UserFacingError
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

KNOWLEDGE = require_knowledge(SHIPPED_KNOWLEDGE)
INDEX = SearchIndex.from_knowledge(KNOWLEDGE)
DRILLS = list(KNOWLEDGE.part(DrillBank).drills.values())

#: Member-like text: words from the domain, typos, punctuation, mentions, emoji, other scripts, control chars.
WORDS = st.sampled_from(
    ["PO", "p.o.", "product", "owner", "roadmap", "roadmpa", "PSPO", "SAFe", "$159K", "15-20", "<@123>", "<#9>"]
)
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=40).map(" ".join),
)
#: Discord's markup for a member, role or channel: what must never be stored with a question.
MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_search_answers_any_text_within_its_contract(text: str) -> None:
    result = INDEX.search(text, limit=3)
    assert len(result.hits) <= 3
    assert all(0.0 <= hit.confidence <= 1.0 for hit in result.hits)
    assert len({hit.item.id for hit in result.hits}) == len(result.hits)
    if result.best is not None:
        assert result.best is result.hits[0]


@SETTINGS
@given(TEXT)
def test_a_question_is_cleaned_or_refused_with_a_message(text: str) -> None:
    try:
        question = clean_question(text, 300)
    except UserFacingError as refusal:
        question, reason = "", str(refusal)
    if not question:
        assert reason  # refused, with a sentence saying what to change
        return
    assert question == question.strip() and 0 < len(question) <= 300
    assert not MENTION.search(question)  # no member, role or channel ids are ever kept


@SETTINGS
@given(st.sampled_from(DRILLS), TEXT)
def test_feedback_on_any_practice_answer_is_well_formed(drill: object, text: str) -> None:
    feedback = assess(drill, text)  # type: ignore[arg-type]
    assert feedback.rating in ("strong", "mixed", "weak")
    assert feedback.suggestion
    found = {f.id for f in feedback.signals_found}
    missing = {f.id for f in feedback.signals_missing}
    assert not found & missing
    json.dumps(feedback.to_json())
