"""Search over the shipped knowledge base: synonyms, typos, stemming, the confidence threshold, off-topic
questions, and the held-out evaluation set (tests/eval/ask_eval.yaml, never used to tune weights)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.ask import foreign as foreign_words
from bot.ask import search as search_module
from bot.ask.search import CLASSIFIER_TRUST, CONFIDENCE_THRESHOLD, Hit, SearchIndex
from bot.ask.semantic import Memo
from bot.ask.vocabulary import CONCEPTS, THESAURUS, content_words, normalise, words
from bot.knowledge.entries import EntryLibrary
from bot.knowledge.loader import require_knowledge
from tests.helpers import REPO, SHIPPED_KNOWLEDGE

EVAL = yaml.safe_load((REPO / "tests" / "eval" / "ask_eval.yaml").read_text(encoding="utf-8"))
#: 94.4 % now (85/90), with the semantic signal. The set names one entry per question, so it counts a
#: neighbouring entry as a miss even when it holds the key fact; the member-question sets
#: (tests/test_ask_eval.py) judge by the key fact.
TOP1_REQUIRED = 0.93
OFF_TOPIC_REJECTION_REQUIRED = 0.95


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.from_knowledge(require_knowledge(SHIPPED_KNOWLEDGE))


def answer_id(index: SearchIndex, question: str) -> str | None:
    best = index.search(question).best
    return best.item.id if best else None


@pytest.mark.parametrize(
    "spelling",
    ["product owner", "PO", "p.o.", "P.O", "scrum PO", "product owners", "POs", "ＰＯ"],
)
def test_product_owner_spellings_fold_to_one_concept(spelling: str) -> None:
    assert "productowner" in content_words(f"what does a {spelling} do")


@pytest.mark.parametrize("spelling", ["product manager", "PM", "PdM", "product mgr", "PMs", "p.m."])
def test_product_manager_spellings_fold_to_one_concept(spelling: str) -> None:
    assert "productmanager" in content_words(f"is the {spelling} in charge")


PHRASES: dict[tuple[str, ...], str] = {}
for _concept, _phrases in CONCEPTS.items():
    for _phrase in _phrases:
        PHRASES.setdefault(tuple(words(_phrase)), _concept)
PHRASE_WORDS = sorted({word for phrase in PHRASES for word in phrase} | {"the", "team", "5", "owner", "x"})


def fold_one_by_one(tokens: list[str]) -> list[str]:
    """The thesaurus's contract, the slow obvious way: at each word, the longest phrase starting there."""
    folded: list[str] = []
    i = 0
    while i < len(tokens):
        for length in range(min(len(tokens) - i, max(map(len, PHRASES))), 0, -1):
            concept = PHRASES.get(tuple(tokens[i : i + length]))
            if concept:
                folded.append(concept)
                i += length
                break
        else:
            folded.append(tokens[i])
            i += 1
    return folded


#: Whole phrases next to single words, so phrases that start another one ("p o" in "p o s") meet often.
CHUNKS = st.one_of(st.sampled_from(sorted(PHRASES)).map(list), st.sampled_from(PHRASE_WORDS).map(lambda w: [w]))


@settings(max_examples=300)
@given(st.lists(CHUNKS, max_size=8).map(lambda chunks: [word for chunk in chunks for word in chunk]))
@example(["p", "o", "s", "and", "p", "m"])  # a phrase that goes on past a shorter one
def test_the_thesaurus_regex_folds_longest_phrases_first(tokens: list[str]) -> None:
    assert THESAURUS.fold(tokens) == fold_one_by_one(tokens)


def test_project_manager_is_not_a_product_manager() -> None:
    assert content_words("project manager") == ["projectmanager"]


def test_synonyms_reach_the_same_entry(index: SearchIndex) -> None:
    spellings = ["who owns the roadmap, product owner or product manager", "who owns the roadmap, PO or PdM"]
    assert {answer_id(index, q) for q in spellings} == {"who-owns-the-roadmap"}


def test_take_home_pay_is_pay_and_a_take_home_task_is_interview_prep(index: SearchIndex) -> None:
    for question in ("what is the take home pay for a product owner", "po paycheck, roughly?"):
        assert answer_id(index, question) == "salary-figures", question
    result = index.search("product manager take home assignment")
    assert result.verdict == "not-covered" and result.topic is not None and result.topic.id == "pm-interview-cases"


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("who owns the roadmpa", "who-owns-the-roadmap"),  # swapped letters
        ("pspo certifcation exam cost", "pspo-cost-and-prep"),  # missing letter, long word
        ("feasability and viabilty", "feasibility-not-the-constraint"),
    ],
)
def test_typos_are_corrected_against_the_index_vocabulary(index: SearchIndex, typo: str, expected: str) -> None:
    assert answer_id(index, typo) == expected


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("psp0 vs real experience", "pspo"),  # a zero for an o: the tokeniser alone reads "psp" and "0"
        ("PSPO or PSP0", "pspo"),
        ("how do i become a pr0duct 0wner", "productowner"),  # the phrase folds once it is spelled in letters
        ("experi3nce or a cert", "experience"),
    ],
)
def test_look_alike_digits_in_a_word_are_read_as_letters(index: SearchIndex, question: str, read_as: str) -> None:
    assert read_as in index.search(question).terms


def test_names_with_digits_stay_as_typed(index: SearchIndex) -> None:
    """No spelling of "b2b" or "web3" in letters is a word the index knows: they are left to the tokeniser."""
    assert index.search("b2b saas web3 po").terms == index.search("b 2 b saas web 3 po").terms


def test_real_words_are_not_corrected_into_index_words(index: SearchIndex) -> None:
    """One letter swapped for another turns real words into other real words: "care" must stay "care"."""
    assert "care" in index.search("do recruiters care").terms


@pytest.mark.parametrize(
    ("question", "typed", "read_as"),
    [
        ("product owner in the company directory", "directory", "directory"),  # two edits from "directly"
        ("does vesting matter for a pm offer", "vesting", "vesting"),  # one letter for another: "testing"
        ("what does my manger expect", "manger", "manager"),  # a rare word, a letter left out
    ],
)
def test_a_real_word_is_corrected_only_when_rare_and_one_letter_short_or_over(
    index: SearchIndex, question: str, typed: str, read_as: str
) -> None:
    assert read_as in index.search(question).terms, typed


def test_stemming_matches_other_word_forms(index: SearchIndex) -> None:
    assert answer_id(index, "is writing user storys the product owner's job") == "po-backlog-and-stories"
    assert "storys" in index.search("user storys").terms  # not "corrected": its stem is already indexed


def test_a_bare_topic_name_answers_with_that_entry(index: SearchIndex) -> None:
    assert answer_id(index, "PSPO") == "pspo-what-it-signals"
    assert answer_id(index, "what is a product owner") == "po-in-theory"


@pytest.mark.parametrize(
    "question",
    [
        "what's the best way to cook rice",
        "who will win the world cup",
        "how do i center a div in css",
        "is it going to rain on friday",
        "what's a good name for a cat",
        "how to fix a flat bicycle tyre",
        "",
        "?!?",
    ],
)
def test_off_topic_questions_get_no_confident_answer(index: SearchIndex, question: str) -> None:
    """Written for this test, unlike the held-out eval set below."""
    assert index.search(question).best is None


def test_threshold_separates_a_weak_match_from_an_answer(index: SearchIndex) -> None:
    weak = index.search("does a scrum team need kubernetes and terraform")  # one domain word, the request is not
    assert weak.hits and weak.best is None and weak.verdict == "no-match"
    assert weak.hits[0].confidence < weak.threshold
    strong = index.search("who owns the roadmap")
    assert strong.best is not None and strong.best.confidence >= strong.threshold


def test_a_tools_question_naming_a_role_is_not_covered_not_that_roles_career_entry(index: SearchIndex) -> None:
    result = index.search("best crm for a business analyst")
    assert result.best is None and result.verdict == "not-covered"


def test_suggestions_are_the_closest_entries_even_without_an_answer(index: SearchIndex) -> None:
    result = index.search("business analyst birthday gift", limit=3)
    assert result.best is None
    assert 1 <= len(result.entries) <= 3
    assert "ba-to-po-to-pm" in {entry.id for entry in result.entries}


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("what is a scrum master", "scrum-master"),
        ("how do i write a cover letter", "resume-and-cover-letter"),
        ("product manager salary in germany", "salaries-outside-us"),
    ],
)
def test_an_honest_neighbour_is_refused_as_not_covered(index: SearchIndex, question: str, topic: str) -> None:
    result = index.search(question)
    assert result.best is None and result.verdict == "not-covered"
    assert result.topic is not None and result.topic.id == topic


@pytest.mark.parametrize("question", ["help", "week", "team", "thanks", "lol", "how do i get better at it"])
def test_a_question_without_an_informative_word_is_vague(index: SearchIndex, question: str) -> None:
    assert index.search(question).verdict == "vague"


def test_a_question_of_unknown_words_is_not_rescued_by_meaning(index: SearchIndex) -> None:
    """Words no entry uses count against answering, however close in meaning the whole question reads to an
    example question (this Dutch one is close to the salary questions)."""
    assert index.search("wat verdient een producteigenaar per jaar").verdict == "no-match"


def test_a_close_runner_up_is_offered_with_the_answer(index: SearchIndex) -> None:
    result = index.search("three questions before applying for a po role")  # before applying, or in the interview
    assert result.best is not None and result.runner_up is not None
    assert {result.best.item.id, result.runner_up.id} == {"should-i-apply-po-job", "interviewing-for-po-role"}
    assert index.search("pspo exam cost?").runner_up is None  # a clear winner stands alone


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("do recruiters care", "care"),
        ("how normal is this", "normal"),
        ("product manger", ""),
        ("is my po just an order giver", "giver"),  # a word built on "give" is not a typo of it
        ("is an atypical po role bad", "atypical"),  # nor is "atypical" of "typical"
    ],
)
def test_real_words_are_kept_and_typos_of_phrase_words_fixed(index: SearchIndex, typed: str, kept: str) -> None:
    terms = index.search(typed).terms
    assert kept in terms if kept else terms == ("productmanager",)


def test_weird_unicode_is_searched_by_its_visible_words(index: SearchIndex) -> None:
    assert words("Résumé\u200b ＰＯ 😀") == ["resume", "po"]
    assert answer_id(index, "who\u200b owns the ROADMAP??? 🙃") == "who-owns-the-roadmap"
    assert normalise("  Who owns the PO roadmap?? ") == "who owns the po roadmap"


def test_autocomplete_matches_titles_and_aliases(index: SearchIndex) -> None:
    assert index.titles_matching("roadmap", limit=3)[0].id == "who-owns-the-roadmap"
    assert index.titles_matching("FAANG", limit=3)[0].id == "faang-no-po-title"
    assert len(index.titles_matching("", limit=25)) == 25


def test_a_rebuilt_index_sees_only_the_new_entries() -> None:
    knowledge = require_knowledge(SHIPPED_KNOWLEDGE)
    full = SearchIndex.from_knowledge(knowledge)
    fewer = SearchIndex([e for e in full.entries if e.id != "who-owns-the-roadmap"])
    assert answer_id(fewer, "who owns the roadmap") != "who-owns-the-roadmap"


def test_held_out_evaluation_set() -> None:
    """The bar from the issue: at least 90% top-1 on member-style questions and 95% off-topic rejection.

    The set was written independently of the entries and is not used for tuning; this test reports
    every miss so a failure says which questions regressed.
    """
    index = SearchIndex.from_knowledge(require_knowledge(SHIPPED_KNOWLEDGE))
    misses = [
        (case["q"], case["expect"], answer_id(index, case["q"]))
        for case in EVAL["on_topic"]
        if answer_id(index, case["q"]) != case["expect"]
    ]
    declined = EVAL["off_topic"] + EVAL["refuse"]
    wrongly_answered = [(q, answer_id(index, q)) for q in declined if answer_id(index, q) is not None]
    top1 = 1 - len(misses) / len(EVAL["on_topic"])
    rejection = 1 - len(wrongly_answered) / len(declined)
    assert top1 >= TOP1_REQUIRED, f"top-1 {top1:.1%}; misses (question, expected, got): {misses}"
    assert rejection >= OFF_TOPIC_REJECTION_REQUIRED, f"rejection {rejection:.1%}; answered: {wrongly_answered}"


def test_the_classifier_adds_a_document_sharing_no_word_with_the_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """With toy vectors that put the question among one entry's example questions, that entry becomes a
    candidate though bm25 never finds it, and the likeliest candidate's classifier feature is 0 (the others'
    below it)."""
    entries = list(require_knowledge(SHIPPED_KNOWLEDGE).part(EntryLibrary).entries.values())[:4]
    question, meant = "feasibility", entries[2]  # "Are companies consolidating product roles because of AI?"
    owner = {text: row for row, entry in enumerate(entries) for text in (entry.title, *entry.questions)}

    def embed(texts: Sequence[str]) -> np.ndarray:
        """Each document's texts lean to one axis (the question to ``meant``'s), all close together as e5's."""
        rows = np.ones((len(texts), len(entries)))
        for row, text in enumerate(texts):
            rows[row, 2 if text == question else owner[text]] += 0.3
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)

    by_words = SearchIndex(entries).search(question, limit=len(entries))
    assert meant not in [hit.item for hit in by_words.hits]  # no word of the question is in it
    index = SearchIndex(entries, embed=Memo(embed, "toy"))
    seen: list[tuple[Sequence[int], list[list[float]]]] = []
    features = index.reranker.features

    def recording(*args: Any) -> tuple[list[list[float]], list[float]]:
        candidates, nothing = features(*args)
        seen.append((args[1], candidates))  # the candidates' rows, in the order of their features
        return candidates, nothing

    monkeypatch.setattr(index.reranker, "features", recording)
    hits = index.search(question, limit=len(entries)).hits
    assert meant in [hit.item for hit in hits]
    ((rows, candidates),) = seen
    classifier_feature = [row[-1] for row in candidates]
    assert max(classifier_feature) == 0.0 and classifier_feature.count(0.0) == 1
    assert entries[rows[classifier_feature.index(0.0)]] is meant


def test_everyday_words_are_answered_when_the_classifier_and_the_re_ranker_agree(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No informative word, yet the classifier is sure and the re-ranker confidently ranks the same entry
    first: answered. Chit-chat and everyday questions off the domain read like no entry and stay refused."""
    monkeypatch.setattr(search_module, "SEMANTIC_RESCUE", 1.01)  # the other rescue off: this one decides
    question = "is my team stuck in the build trap"  # "build" and "trap" are everyday words
    assert answer_id(index, question) == "build-trap"
    monkeypatch.setattr(search_module, "CLASSIFIER_TRUST", 1.01)
    assert index.search(question).verdict == "vague"
    for question in ("what else can you do for me", "tell me the meaning of life", "any tips for this week"):
        assert index.search(question).verdict in {"vague", "no-match"}, question


@pytest.mark.parametrize(
    ("classifier_first", "confidence", "answered"),
    [
        (0, 0.9, True),  # both sure of the same entry
        (1, 0.9, False),  # the classifier's likeliest entry is not the re-ranker's first
        (0, CONFIDENCE_THRESHOLD - 0.01, False),  # the re-ranker ranks it first but is not confident
    ],
)
def test_everyday_words_are_answered_only_when_both_are_sure_of_the_same_entry(
    classifier_first: int, confidence: float, answered: bool
) -> None:
    entries = list(require_knowledge(SHIPPED_KNOWLEDGE).part(EntryLibrary).entries.values())[:3]
    index = SearchIndex(entries)
    likelihood = np.full(len(entries), (1 - CLASSIFIER_TRUST) / len(entries), dtype=np.float32)
    likelihood[classifier_first] = CLASSIFIER_TRUST + 0.1
    hits = [Hit(entries[0], confidence, 2.0), Hit(entries[1], 0.1, 0.5)]
    question = "how do i get started here"
    result = index._trusted(question, hits, (), likelihood, limit=3)
    assert (result is not None and result.verdict == "answer" and result.hits[0].item is entries[0]) == answered


def test_a_question_in_another_language_with_the_domain_terms_is_answered(index: SearchIndex) -> None:
    """Its words that are not English are how the member speaks, not a request the knowledge base lacks: they
    do not count against answering, and the multilingual meaning signal reads them."""
    assert answer_id(index, "Quelle est la meilleure, PO ou PM? (english answer is fine)") == "po-or-pm-which-path"
    assert index.search("¿cuál es la mejor receta de paella?").best is None  # no domain word: still refused


@pytest.mark.parametrize(
    "question",
    [
        "I've been a PO in SA, any good kanban jira figma tips",  # "ve" is Italian too; "sa" alone is not enough
        "we'll hire a PO in EST, you're in?",
        "what do POs earn, i'm in SA",
    ],
)
def test_an_english_question_with_contractions_or_abbreviations_is_not_another_language(question: str) -> None:
    """What the tokeniser leaves of "I've" is no other language's word: an English question keeps every word
    it lacks counting against answering."""
    assert not foreign_words.in_another_language(words(question))


def test_an_ant_noun_does_not_fold_into_the_other_words_of_its_stem(index: SearchIndex) -> None:
    """Porter gives "accountants" the stem of "accountability": a person is not a quality, and the question is
    off-topic; an -ant word no entry uses still joins the stem of its -ancy/-ance noun ("consultants",
    "consultancy"), and a word the index has keeps its stem ("accountable")."""
    assert index.search("jokes about accountants").best is None
    assert "accountants" not in {t.word for t in index._terms("accountants") if t.stem}
    assert "consultants" not in index._stems and index._stem("consultants") == index._stem("consultancy") is not None
    assert answer_id(index, "is the PO accountable for the backlog") == "job-vs-accountability"
