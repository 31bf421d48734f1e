"""The feedback engine: the whole bank judges its own examples right, and each detector is explainable."""

from __future__ import annotations

import re

import pytest

from bot.drills.content import Drill, DrillBank
from bot.drills.cues import CONCEPTS, CueError, compile_cue, tokenize
from bot.drills.feedback import OUTCOME_CUES, assess
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(DrillBank)


def drill(drill_id: str) -> Drill:
    return BANK.drills[drill_id]


def test_the_bank_has_enough_drills_in_several_themes() -> None:
    assert len(BANK.drills) >= 28
    assert len(BANK.themes()) >= 4


@pytest.mark.parametrize("drill_id", sorted(BANK.drills))
def test_every_strong_example_is_judged_strong_with_the_signals_it_claims(drill_id: str) -> None:
    d = drill(drill_id)
    feedback = assess(d, d.strong_answer)
    assert feedback.rating == "strong", feedback.to_json()
    assert set(d.strong_shows) <= {f.id for f in feedback.signals_found}
    assert not feedback.weak_patterns


@pytest.mark.parametrize("drill_id", sorted(BANK.drills))
def test_every_weak_example_is_judged_weak(drill_id: str) -> None:
    d = drill(drill_id)
    assert assess(d, d.weak_answer).rating == "weak"


def test_the_articles_weak_answer_shows_every_general_weak_pattern() -> None:
    feedback = assess(
        drill("po-title-pm-scope"),
        "I'm a PO but I do a lot of the same things as a PM: I manage the backlog, run sprint ceremonies, "
        "and talk to stakeholders. I really think that the overlap is large enough for the move to be easy.",
    )
    assert feedback.rating == "weak"
    assert {p.id for p in feedback.weak_patterns} == {"execution-only", "no-numbers", "no-owned-decision"}
    assert feedback.suggestion.startswith("Swap the list of tasks for one story")


def test_found_signals_quote_the_answer_and_missing_ones_say_what_is_looked_for() -> None:
    d = drill("po-title-pm-scope")
    feedback = assess(
        d,
        "My title is PO but the scope was a PM's: I ran 12 customer interviews a quarter and I owned the roadmap "
        "for our billing product for two years before moving teams.",
    )
    found = {f.id: f.detail for f in feedback.signals_found}
    assert found["scope-over-title"] == "“scope”"
    assert found["counted-discovery"] == "“12 customer interviews”"
    missing = {f.id: f.detail for f in feedback.signals_missing}
    killed = next(s for s in d.signals if s.id == "killed-on-viability")
    assert missing["killed-on-viability"] == killed.looks_for
    assert feedback.rating == "mixed"
    assert feedback.suggestion == killed.tip


def test_a_strong_answer_gets_a_follow_up_to_prepare() -> None:
    d = drill("own-the-why")
    feedback = assess(d, d.strong_answer)
    assert feedback.suggestion == f"Strong answer. Now prepare the follow-up: {d.follow_ups[0].ask}"


def test_judgment_is_deterministic() -> None:
    d = drill("killed-roadmap-bet")
    assert assess(d, d.weak_answer) == assess(d, d.weak_answer)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I ran fifteen interviews", True),
        ("we spoke to 40% of accounts", True),
        ("it saved $46k a year", True),
        ("a dozen calls", True),
        ("no one wanted it, one of them said", False),
    ],
)
def test_numbers_are_digits_or_number_words_but_not_one(text: str, found: bool) -> None:
    d = drill("success-metrics-outcomes")  # expects numbers
    patterns = {p.id for p in assess(d, text).weak_patterns}
    assert ("no-numbers" not in patterns) is found


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        ("I decided to stop it", True),
        ("I then personally killed the feature", True),
        ("I'd cut it again", True),
        ("the decision was mine", True),
        ("It was my call", True),
        ("We decided together as a team", False),
        ("I helped the team with the backlog and I set up the sprint board", False),
    ],
)
def test_ownership_language_needs_the_first_person(text: str, owned: bool) -> None:
    d = drill("own-the-why")  # expects an owned decision
    patterns = {p.id for p in assess(d, text).weak_patterns}
    assert ("no-owned-decision" not in patterns) is owned


def test_execution_only_applies_where_the_drill_asks_for_pm_judgment() -> None:
    tasks = "I groom the backlog, write user stories, run the sprint ceremonies and update stakeholders in Jira."
    assert "execution-only" in {p.id for p in assess(drill("own-the-why"), tasks).weak_patterns}
    # For a team-level SAFe PO role those tasks are the job, not a weakness.
    assert "execution-only" not in {p.id for p in assess(drill("safe-po-role"), tasks).weak_patterns}


def test_a_red_flag_stops_an_otherwise_strong_answer() -> None:
    d = drill("safe-po-role")
    answer = d.strong_answer + " Honestly though, I would own the roadmap and set the strategy myself."
    feedback = assess(d, answer)
    assert feedback.rating == "mixed"
    assert [p.id for p in feedback.weak_patterns] == ["claims-roadmap"]
    assert feedback.suggestion.startswith("Rework “I would own the roadmap”")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Three years as a PO on a team of fourteen engineers.", False),
        ("It was estimated at 89 story points over two sprints.", False),
        ("We moved it to Q2 of 2026.", False),
        ("I was the only PO at a 12-person startup.", False),
        ("Repeat orders doubled after the change.", True),
        ("$46k a year", True),
        ("Churn fell from 9% to 6%.", True),
        ("I talked to 12 customers.", True),
        ("I want three answers before we build. Third, a cheap test.", False),
        ("A third of the accounts never came back.", True),
    ],
)
def test_figures_about_the_job_are_not_numbers(text: str, found: bool) -> None:
    patterns = {p.id for p in assess(drill("success-metrics-outcomes"), text).weak_patterns}
    assert ("no-numbers" not in patterns) is found


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        ("I recommended stopping it, showed the CFO the data, and he agreed.", True),
        ("I convinced my director to drop the social features.", True),
        ("Honestly, I haven't killed anything on my own.", False),
        ("I never decided anything like that; it came from above.", False),
    ],
)
def test_ownership_counts_a_recommendation_but_not_a_negation(text: str, owned: bool) -> None:
    patterns = {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}
    assert ("no-owned-decision" not in patterns) is owned


def test_one_signal_without_a_disqualifying_pattern_is_mixed_not_weak() -> None:
    feedback = assess(drill("discovery-practice"), "Every Friday I call two customers who cancelled that month.")
    assert {f.id for f in feedback.signals_found} == {"regular-cadence", "right-people"}
    assert feedback.rating == "mixed"
    single = assess(drill("career-pspo-value"), "It shows I know the Scrum framework and what a PO is accountable for.")
    assert [f.id for f in single.signals_found] == ["knows-scrum-po"]
    assert single.rating == "mixed"


def test_one_signal_next_to_a_red_flag_is_weak() -> None:
    feedback = assess(drill("safe-po-role"), "I'd manage the backlog and I'd set the roadmap for my team's part of it.")
    assert [f.id for f in feedback.signals_found] == ["team-backlog"]
    assert "claims-roadmap" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"


def test_strong_needs_most_signals_three_of_four_but_four_of_five() -> None:
    four = (
        "The PO keeps the team backlog ordered, writes user stories with acceptance criteria and accepts the "
        "work at each iteration review, so the developers always know what done means for them."
    )
    assert len(assess(drill("safe-po-role"), four).signals_found) == 3
    assert assess(drill("safe-po-role"), four).rating == "mixed"
    five = four + " Before PI Planning I get the top of the backlog ready."
    assert len(assess(drill("safe-po-role"), five).signals_found) == 4
    assert assess(drill("safe-po-role"), five).rating == "strong"


def test_a_short_dense_answer_can_be_strong_and_a_short_thin_one_is_told_to_expand() -> None:
    dense = (
        "Ask who owns the roadmap, who talks to customers and who sets the metrics. All three the PO: "
        "a PM in all but name; none: an order-taker."
    )
    feedback = assess(drill("diff-three-questions"), dense)
    assert feedback.rating == "strong"
    assert not feedback.weak_patterns
    thin = assess(drill("diff-three-questions"), "I'd look at who owns the roadmap.")
    assert thin.rating == "mixed"
    assert "too-short" in {p.id for p in thin.weak_patterns}


def test_a_counted_signal_needs_the_count() -> None:
    d = drill("po-title-pm-scope")
    vague = assess(d, "I talk to customers a lot and I run customer interviews whenever I can.")
    assert "counted-discovery" in {f.id for f in vague.signals_missing}
    counted = assess(d, "I ran about twelve customer interviews every quarter.")
    assert "counted-discovery" in {f.id for f in counted.signals_found}


def test_we_with_every_signal_is_mixed_where_an_owned_decision_is_expected() -> None:
    answer = (
        "We looked at why trial accounts went quiet, and exit interviews kept pointing at the import step. We "
        "decided that was the real problem to fix and parked the reporting revamp. Trial-to-paid went from 14% to 19%."
    )
    feedback = assess(drill("own-the-why"), answer)
    assert len(feedback.signals_found) == 4
    assert [p.id for p in feedback.weak_patterns] == ["no-owned-decision"]
    assert feedback.rating == "mixed"
    owned = assess(drill("own-the-why"), answer + " Parking the revamp was my call.")
    assert owned.rating == "strong"


def test_buzzwords_without_evidence_are_weak_but_one_real_example_makes_it_mixed() -> None:
    d = drill("ai-consolidation")
    slogans = "I bring a holistic, outcome-driven, customer-obsessed mindset and I leverage AI to unlock synergies."
    feedback = assess(d, slogans)
    assert feedback.rating == "weak"
    buzz = next(p for p in feedback.weak_patterns if p.id == "buzzwords")
    assert "“holistic”" in buzz.detail and "“mindset”" in buzz.detail
    example = assess(d, slogans + " For example I now run about six customer calls a month.")
    assert "buzzwords" not in {p.id for p in example.weak_patterns}
    assert example.rating == "mixed"


@pytest.mark.parametrize(
    ("drill_id", "signal", "slogan", "plain"),
    [
        ("success-metrics-outcomes", "outcome-not-output", "My squad is outcome-driven.", "My squad tracks outcomes."),
        ("roadmap-decisions", "customer-and-market-evidence", "Customer-obsessed, data-driven.", "Customers told us."),
        ("diff-in-your-words", "pm-scope", "I am a strategic thinker.", "The PM sets the strategy."),
    ],
)
def test_a_buzzword_is_not_a_signal(drill_id: str, signal: str, slogan: str, plain: str) -> None:
    """The rubric: a buzzword counts only when something concrete stands behind it, so its words are no evidence."""
    assert signal not in {f.id for f in assess(drill(drill_id), slogan).signals_found}
    assert signal in {f.id for f in assess(drill(drill_id), plain).signals_found}


def test_plans_and_reading_instead_of_experience_are_weak_where_the_drill_asks_what_you_did() -> None:
    hopes = (
        "I've been reading Inspired and Continuous Discovery Habits, and I'm hoping to start talking to customers "
        "next year."
    )
    feedback = assess(drill("ai-move-to-discovery"), hopes)
    intentions = next(p for p in feedback.weak_patterns if p.id == "intentions")
    assert intentions.detail.startswith("“I'm hoping to”")
    assert feedback.rating == "weak"
    done = assess(drill("ai-move-to-discovery"), hopes + " Since March I've run 22 customer interviews.")
    assert "intentions" not in {p.id for p in done.weak_patterns}
    # Where a plan is the question (a career changer's first 90 days), intentions are the answer.
    plan = assess(drill("career-first-90-days"), "I'd like to meet every developer and I plan to read the backlog.")
    assert "intentions" not in {p.id for p in plan.weak_patterns}


def test_rejecting_work_that_met_the_criteria_is_a_red_flag() -> None:
    d = drill("safe-accepting-work")
    answer = (
        "It met the criteria, so I'd check with a couple of users, write a new story for the backlog and fix how I "
        "write criteria next time. But this one I'd reject and send it back: the developers should have known."
    )
    feedback = assess(d, answer)
    assert len(feedback.signals_found) >= 3
    assert "moves-goalposts" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "mixed"


def test_one_phrase_is_evidence_for_one_signal_only() -> None:
    """'Churn' is customer evidence or a measured result, not both; a second phrase can be the other."""
    d = drill("own-the-why")
    once = {f.id: f.detail for f in assess(d, "Churn kept rising.").signals_found}
    assert once == {"customer-evidence": "“Churn”"}
    twice = {
        f.id: f.detail for f in assess(d, "Churn kept rising. Then cancellations went down by half.").signals_found
    }
    assert twice == {"customer-evidence": "“Churn”", "measured-result": "“went down by half”"}


def test_execution_only_with_one_signal_is_weak() -> None:
    answer = (
        "I started using Copilot to draft user stories and acceptance criteria, automated our sprint report in "
        "Jira and now I learn a new tool every month."
    )
    feedback = assess(drill("ai-move-to-discovery"), answer)
    assert len(feedback.signals_found) == 1
    assert "execution-only" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"


def test_a_story_from_outside_product_work_is_capped_where_product_judgment_is_asked() -> None:
    story = (
        "Before product I ran a restaurant. We had a catering service planned for the spring. Before we hired "
        "anyone I asked twenty regular customers and costed it: nobody would pay enough to cover the van and the "
        "staff, so I decided to drop it and we put the money into a lunch menu instead."
    )
    feedback = assess(drill("killed-roadmap-bet"), story)
    assert len(feedback.signals_found) == 4
    assert "outside-product" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "mixed"
    # Where the question is about the member's work in general, the same kind of story counts fully.
    assert "outside-product" not in {p.id for p in assess(drill("ai-lovable"), story).weak_patterns}


def test_cues_match_word_forms_spellings_and_contractions() -> None:
    assert compile_cue("interview* ... customer*").search(tokenize("interviewed about ten customers")) is not None
    assert compile_cue("prioritise").search(tokenize("we prioritized it")) is not None
    assert compile_cue("i would own").search(tokenize("I'd own it")) is not None
    assert compile_cue("did not pay").search(tokenize("they didn't pay")) is not None
    assert compile_cue("stop").search(tokenize("I stopped it")) is not None
    assert compile_cue("kill .. bet/item").search(tokenize("kill the roadmap item")) is not None
    assert compile_cue("kill .. bet/item").search(tokenize("kill the big shiny roadmap item")) is None
    assert compile_cue("# interview*").search(tokenize("twelve interviews")) is not None


@pytest.mark.parametrize(
    ("cue", "text", "matches"),
    [
        ("i .. @stop", "I struck it from the plan", True),
        ("i .. @stop", "I pulled it before anyone started", True),
        ("i .. @stop", "I moved it", False),
        ("@talk ... @people", "I phoned about forty patients", True),
        ("would/will not .. @pay", "they wouldn't fund it", True),
        ("@stop/freeze it", "freeze it", True),
        ("@stop/freeze it", "move it", False),
    ],
)
def test_a_word_group_is_written_once_and_matches_any_of_its_words(cue: str, text: str, matches: bool) -> None:
    assert (compile_cue(cue).search(tokenize(text)) is not None) is matches


@pytest.mark.parametrize(
    ("cue", "phrase"),
    [
        ("become .. pm/product manager*", "product manager*"),  # "pm or product, then manager*"
        ("roadmap ... product manager*/pm", "product manager*"),
        ("charit*/nonprofit*/non profit*", "non profit*"),
        ("up front/upfront", "up front"),
    ],
)
def test_a_phrase_among_one_word_alternatives_is_refused_not_misread(cue: str, phrase: str) -> None:
    with pytest.raises(CueError, match=f"'{re.escape(phrase)}' reads as one alternative"):
        compile_cue(cue)


@pytest.mark.parametrize(
    "cue",
    ["will/would pay", "a/an/free/paid trial*", "real/actual problem*/issue*", "go/goes/going on/to ... discovery"],
)
def test_a_word_shared_by_every_alternative_is_fine(cue: str) -> None:
    assert compile_cue(cue).steps


def test_every_word_group_compiles_names_distinct_words_and_is_listed_for_moderators() -> None:
    schema = (SHIPPED_KNOWLEDGE.parent / "bot" / "knowledge" / "schemas" / "drills.schema.json").read_text()
    for name, words in CONCEPTS.items():
        assert len(words) == len(set(words)), name
        assert compile_cue(f"@{name}").steps[0].prefixes or compile_cue(f"@{name}").steps[0].stems
        assert f"@{name}" in schema, f"the schema's description of cues does not list @{name}"


@pytest.mark.parametrize(
    ("cue", "text", "matches"),
    [
        ("i .. decided", "I then decided", True),
        ("i .. decided", "I never decided", False),
        ("talk* to customer*", "I haven't talked to customers", False),
        ("talk* to customer*", "I have talked to customers", True),
        ("not .. title", "it is not about the title", True),
        ("i .. would .. own .. roadmap", "I would not own the roadmap", False),
    ],
)
def test_a_negation_cancels_a_match(cue: str, text: str, matches: bool) -> None:
    assert (compile_cue(cue).search(tokenize(text)) is not None) is matches


def test_evidence_is_quoted_from_the_original_text() -> None:
    text = "We İnterviewed TWELVE customers."
    tokens = tokenize(text)
    span = compile_cue("# customer*").search(tokens)
    assert span is not None and text[span[0] : span[1]] == "TWELVE customers"


@pytest.mark.parametrize(
    ("cue", "message"),
    [
        ("fake door|landing page", "uses '|'"),
        ("... roadmap", "starts or ends with a gap"),
        ("kill .. ... bet", "two gaps in a row"),
        ("don't pitch", "spell out contractions"),
        ("  ", "empty"),
        ("i .. @halt", "no word group '@halt'; the groups are @stop"),
    ],
)
def test_malformed_cues_explain_themselves(cue: str, message: str) -> None:
    with pytest.raises(CueError, match=message):
        compile_cue(cue)


def test_a_negation_reaches_across_its_clause_but_not_past_it() -> None:
    d = drill("career-show-user-stories")
    denied = assess(d, "I haven't worked with a real team yet, so I can only show practice stories.")
    assert "real-artefact" not in {f.id for f in denied.signals_found}
    shown = assess(d, "It wasn't paid work, but I worked with a real team of two volunteer developers.")
    assert "real-artefact" in {f.id for f in shown.signals_found}


def test_words_that_stem_to_a_negation_deny_nothing() -> None:
    cue = compile_cue("not .. pitch")
    assert cue.search(tokenize("I did not pitch the feature.")) is not None
    # "notes" stems to "not": it is neither the cue's "not" nor a negation that cancels a match.
    assert cue.search(tokenize("My notes pitch the feature.")) is None
    assert compile_cue("talk* .. customer*").search(tokenize("Noted: I talked to customers.")) is not None


def test_repeating_the_question_is_not_evidence() -> None:
    d = drill("career-first-90-days")
    echo = assess(d, "My first 90 days would be about listening, learning and building trust.")
    assert echo.signals_found == ()
    assert echo.rating == "weak"


def test_delivery_figures_are_no_counted_proof_where_the_drill_asks_for_judgment() -> None:
    velocity = assess(drill("diff-resume-translation"), "I ran the Jira board for two teams and velocity went up 18%.")
    assert "counted-proof" not in {f.id for f in velocity.signals_found}
    moved = assess(drill("diff-resume-translation"), "I owned onboarding and lifted activation by 18%.")
    assert "counted-proof" in {f.id for f in moved.signals_found}


def test_a_count_of_stories_is_evidence_for_a_career_changer() -> None:
    answer = "For a volunteer project I wrote 25 user stories with acceptance criteria."
    assert "no-numbers" not in {f.id for f in assess(drill("career-show-user-stories"), answer).weak_patterns}


def test_the_certificate_as_years_in_the_role_oversells_it() -> None:
    answer = "I know Scrum, and in practice the PSPO is equivalent to a couple of years in the role."
    feedback = assess(drill("career-pspo-value"), answer)
    assert "oversells-cert" in {f.id for f in feedback.weak_patterns}
    assert "backed-by-practice" not in {f.id for f in feedback.signals_found}


def test_the_clause_of_a_red_flag_is_no_evidence_for_a_signal() -> None:
    text = "It's recognised everywhere, so any company can see straight away that I'm qualified for the product side."
    feedback = assess(drill("career-pspo-value"), text)
    assert "oversells-cert" in {p.id for p in feedback.weak_patterns}
    assert "day-one" not in {f.id for f in feedback.signals_found}  # "straight away" belongs to the oversell
    kept = assess(drill("safe-po-role"), "I'd set the roadmap for our part of the train, order the team backlog.")
    assert [f.id for f in kept.signals_found] == ["team-backlog"]  # only the red flag's own clause goes


def test_the_first_half_of_a_call_is_no_figure() -> None:
    text = "I never show a design in the first half of the call; I ask churned accounts how they work today."
    assert "no-numbers" in {p.id for p in assess(drill("discovery-practice"), text).weak_patterns}
    costed = "They would only pay half of what it costs us to support them."
    assert "no-numbers" not in {p.id for p in assess(drill("discovery-practice"), costed).weak_patterns}


def test_a_not_right_after_the_matched_verb_denies_it() -> None:
    denied = assess(drill("ai-consolidation"), "AI can't replace the human side of the PO role.")
    assert "accepts-consolidation" not in {f.id for f in denied.signals_found}
    kept = assess(drill("ai-consolidation"), "AI can draft the tickets now, and it does it well.")
    assert "accepts-consolidation" in {f.id for f in kept.signals_found}


def test_slogans_are_buzzwords_and_no_evidence() -> None:
    text = (
        "It's all about validated learning and a hypothesis-driven mindset: I validate product-market fit early, "
        "align on the value proposition and de-risk the roadmap."
    )
    feedback = assess(drill("ai-prove-viability"), text)
    assert "market-is-real" not in {f.id for f in feedback.signals_found}  # the "market" of product-market fit
    assert "buzzwords" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        ("I always make sure our decisions are validated with the customer.", False),
        ("I made the call to drop the reseller tier.", True),
        ("I made decisions about pricing for the tier.", True),
    ],
)
def test_making_sure_is_not_making_a_decision(text: str, owned: bool) -> None:
    patterns = {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}
    assert ("no-owned-decision" not in patterns) is owned


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        ("In March I used the freed hours to interview eight finance teams and decided to shelve the app.", True),
        ("I took that to my manager with the numbers and recommended we stop it before design started.", True),
        ("In March we used the freed hours to interview eight finance teams and decided to shelve the app.", False),
        ("I took the interview notes to my manager, who then decided to shelve the app.", False),
        ("I wrote stories for things the architecture board already decided.", False),
        ("My manager asked what I thought and decided to shelve the app.", False),
        ("The CEO listened to what I said about the churn numbers and then decided to shelve the app.", False),
        ("I had no budget and decided to shelve the app.", True),
    ],
)
def test_a_decision_joined_by_and_to_an_earlier_i_is_owned(text: str, owned: bool) -> None:
    patterns = {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}
    assert ("no-owned-decision" not in patterns) is owned


@pytest.mark.parametrize(
    "text",
    [
        "Success meant fewer late invoices, and we measured it every week.",
        "Before the redesign it was 11 % of weekly users; two months later it was 19 %.",
        "The no-show rate across our clinics was what we watched.",
    ],
)
def test_customer_behaviour_in_other_words_is_an_outcome(text: str) -> None:
    feedback = assess(drill("success-metrics-outcomes"), text)
    assert "outcome-not-output" in {f.id for f in feedback.signals_found}
    assert "no-outcome-metric" not in {p.id for p in feedback.weak_patterns}


def test_a_hedge_does_not_carry_a_thing_out_of_its_negation() -> None:
    hedged = assess(drill("success-metrics-outcomes"), "We didn't really set a number up front, if I'm honest.")
    assert "set-before-building" not in {f.id for f in hedged.signals_found}
    plain = assess(drill("success-metrics-outcomes"), "We set a number up front, if I'm honest.")
    assert "set-before-building" in {f.id for f in plain.signals_found}


@pytest.mark.parametrize(
    ("drill_id", "text", "signal"),
    [
        ("po-title-pm-scope", "The title was just what our org chart used.", "scope-over-title"),
        ("po-title-pm-scope", "I killed the reseller tier: they would only pay half of it.", "killed-on-viability"),
        (
            "ai-move-to-discovery",
            "Handed ticket drafts to our assistant; that freed most of my Tuesdays.",
            "deliberate-shift",
        ),
        ("ai-move-to-discovery", "Used the time for customer calls: 24 in the past year.", "discovery-practice"),
        ("ai-lovable", "The notes are filled from last time, so they don't need to ask.", "anticipates-needs"),
        ("ai-lovable", "I did a ride-along with six drivers and saw they never open our app.", "user-evidence"),
        ("safe-po-and-pm", "After each demo I send her what we learned.", "feeds-back"),
        ("career-pspo-value", "It doesn't say I've done product work.", "not-pm-experience"),
        (
            "success-metrics-outcomes",
            "Success was managers approving sooner, not the feature going live.",
            "outcome-not-output",
        ),
    ],
)
def test_real_phrasings_of_a_signal_count(drill_id: str, text: str, signal: str) -> None:
    assert signal in {f.id for f in assess(drill(drill_id), text).signals_found}


@pytest.mark.parametrize(
    ("drill_id", "text", "signal", "shown"),
    [
        (
            "career-project-manager",
            "Both make sure the project is delivered on time and on budget.",
            "delivery-vs-value",
            False,
        ),
        (
            "career-project-manager",
            "A project manager delivers on time and on budget, but a PO decides what is worth building next.",
            "delivery-vs-value",
            True,
        ),
        ("safe-po-and-pm", "I keep the PM updated and flag anything that's late.", "feeds-back", False),
        ("safe-po-and-pm", "I flag the risks the team found back to the PM.", "feeds-back", True),
        ("diff-salary-gap", "It just reflects which title is trendier right now.", "pay-reflects-scope", False),
        ("diff-salary-gap", "The gap reflects the scope: the PM owns the roadmap.", "pay-reflects-scope", True),
        (
            "diff-pm-working-with-po",
            "Every week I check the status and escalate if something is late.",
            "decision-flow",
            False,
        ),
        ("career-show-user-stories", "Lesson planning is like sprint planning.", "team-built-it", False),
        ("career-show-user-stories", "The two developers built them in the next sprint.", "team-built-it", True),
    ],
)
def test_a_signal_word_without_its_meaning_does_not_count(drill_id: str, text: str, signal: str, shown: bool) -> None:
    assert (signal in {f.id for f in assess(drill(drill_id), text).signals_found}) is shown


def test_owning_the_backlog_is_execution_not_ownership_where_judgment_is_asked() -> None:
    text = (
        "I owned the backlog for my team of seven. I ran refinement twice a week, planned the sprints and kept "
        "the stakeholders updated on the Jira dashboards."
    )
    feedback = assess(drill("diff-resume-translation"), text)
    assert "specific-ownership" not in {f.id for f in feedback.signals_found}
    assert {"execution-only", "no-owned-decision"} <= {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"
    area = assess(drill("diff-resume-translation"), "I owned the self-serve billing area and its conversion.")
    assert "specific-ownership" in {f.id for f in area.signals_found}


def test_every_delivery_figure_is_execution_not_just_the_first() -> None:
    text = "In numbers: a backlog of 300+ items for two teams, 26 sprints a year and 94% sprint goal achievement."
    feedback = assess(drill("diff-resume-translation"), text)
    assert "counted-proof" not in {f.id for f in feedback.signals_found}
    assert "no-numbers" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"


def test_a_hedged_gap_and_more_responsibility_are_rough_figures_and_scope() -> None:
    text = "PMs have more responsibility, they own the strategy. The gap is something like $40–50K I think."
    found = {f.id for f in assess(drill("diff-salary-gap"), text).signals_found}
    assert {"pay-reflects-scope", "uses-figures-carefully"} <= found


def test_adding_value_is_a_slogan_but_value_itself_is_not() -> None:
    slogan = assess(drill("career-project-manager"), "That's where I add value.")
    assert "delivery-vs-value" not in {f.id for f in slogan.signals_found}
    meant = assess(drill("career-project-manager"), "The PO decides what adds value for the users next.")
    assert "delivery-vs-value" in {f.id for f in meant.signals_found}


def test_a_figure_near_a_sprint_is_still_a_figure() -> None:
    text = "I cut 2 features after sprint review because nobody would pay for them."
    assert "no-numbers" not in {p.id for p in assess(drill("diff-resume-translation"), text).weak_patterns}


def test_a_share_of_business_events_is_an_outcome() -> None:
    text = "Before we started, 64% of claims were approved before the month-end close; we aimed for 85%."
    feedback = assess(drill("success-metrics-outcomes"), text)
    assert "no-outcome-metric" not in {p.id for p in feedback.weak_patterns}


def test_a_creed_with_no_instance_is_buzzwords() -> None:
    text = (
        "I believe in talking to customers all the time. Discovery is at the heart of everything I do and I make "
        "sure the voice of the customer is in every decision."
    )
    feedback = assess(drill("discovery-practice"), text)
    assert "buzzwords" in {p.id for p in feedback.weak_patterns}
    assert feedback.rating == "weak"


@pytest.mark.parametrize(
    ("drill_id", "text", "signal"),
    [
        ("career-show-user-stories", "Not paid but a real team of developers built from my stories.", "real-artefact"),
        ("discovery-practice", "We had no researcher so I interviewed 8 customers myself.", "right-people"),
        ("discovery-practice", "There was no budget and I interviewed 8 customers myself.", "right-people"),
    ],
)
def test_a_negation_does_not_reach_past_but_so_or_and_with_a_new_subject(drill_id: str, text: str, signal: str) -> None:
    assert signal in {f.id for f in assess(drill(drill_id), text).signals_found}


def test_a_count_of_tickets_is_a_delivery_figure_but_a_count_of_stores_is_not() -> None:
    tickets = assess(drill("diff-resume-translation"), "Last year I closed 140 tickets for the platform team.")
    assert "counted-proof" not in {f.id for f in tickets.signals_found}
    assert "no-numbers" in {p.id for p in tickets.weak_patterns}
    stores = assess(drill("diff-resume-translation"), "I rolled the new checkout out to 40 stores.")
    assert "no-numbers" not in {p.id for p in stores.weak_patterns}


@pytest.mark.parametrize(
    ("text", "owned"),
    [
        ("I picked up every ticket the team left behind that quarter.", False),
        ("I picked the export problem over the integrations we had planned.", True),
        ("When the lead left I picked it up and ran the sprints.", False),
        ("The old team dropped the billing work and I picked them up.", False),
        ("I picked up the slack over the summer while the lead was away.", False),
    ],
)
def test_picking_up_work_is_no_decision_but_picking_a_problem_is(text: str, owned: bool) -> None:
    patterns = {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}
    assert ("no-owned-decision" not in patterns) is owned


def test_my_share_of_the_work_is_no_outcome_but_the_share_of_accounts_is() -> None:
    mine = assess(drill("success-metrics-outcomes"), "My share of the release work was the checkout flow.")
    assert "no-outcome-metric" in {p.id for p in mine.weak_patterns}
    assert "outcome-not-output" not in {f.id for f in mine.signals_found}
    theirs = assess(drill("success-metrics-outcomes"), "We watched the share of new accounts that sent an invoice.")
    assert "no-outcome-metric" not in {p.id for p in theirs.weak_patterns}


def test_the_roadmap_of_a_hotel_platform_is_product_work_but_a_shift_in_a_hotel_is_not() -> None:
    text = "I managed the roadmap of a hotel booking platform and killed the loyalty tier in March."
    assert "outside-product" not in {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}
    for text in (
        "I worked nights in a hotel and killed the paper check-in form in March.",
        "I ran the front office of a hotel and killed the paper check-in form in March.",
    ):
        assert "outside-product" in {p.id for p in assess(drill("killed-roadmap-bet"), text).weak_patterns}


@pytest.mark.parametrize(
    ("drill_id", "text", "signal"),
    [
        ("safe-po-and-pm", "The Product Manager owns the roadmap and the customers.", "clear-split"),
        ("ai-escape-build-trap", "For two years I was in the build trap, and I said so.", "names-the-trap"),
        ("ai-escape-build-trap", "Most of my features were handed down from the steering board.", "names-the-trap"),
    ],
)
def test_a_phrase_of_the_question_that_a_signal_names_still_counts(drill_id: str, text: str, signal: str) -> None:
    assert signal in {f.id for f in assess(drill(drill_id), text).signals_found}


@pytest.mark.parametrize(
    "text",
    [
        "I don't believe I have ever been stuck in a build trap at this company.",
        "I don't really think our teams fell into the build trap.",
    ],
)
def test_a_denied_opinion_denies_the_clause_after_it(text: str) -> None:
    assert "names-the-trap" not in {f.id for f in assess(drill("ai-escape-build-trap"), text).signals_found}


@pytest.mark.parametrize(
    ("drill_id", "text", "signal", "shown"),
    [
        ("discovery-practice", "I had to take into account that our contract ends in June.", "right-people", False),
        ("discovery-practice", "I talk to the accounts that left us last year.", "right-people", True),
        ("discovery-practice", "Every week I have a call with my engineering manager about it.", "right-people", False),
        ("discovery-practice", "Every week I have calls with clinic managers about it.", "right-people", True),
        ("discovery-practice", "Each sprint we pull the top items off the backlog.", "changed-a-decision", False),
        ("discovery-practice", "After the calls I took the export idea off the backlog.", "changed-a-decision", True),
        ("killed-roadmap-bet", "We used Teams for chat and Confluence for the notes.", "what-it-freed", False),
        ("killed-roadmap-bet", "We used the team for the onboarding rework.", "what-it-freed", True),
        ("ai-prove-viability", "We got the pricing right by trial and error.", "cheap-test", False),
        ("ai-prove-viability", "We offered a free trial week to the regulars first.", "cheap-test", True),
        ("ai-move-to-discovery", "On Mondays I have a call at 9 with engineering.", "discovery-practice", False),
        ("ai-move-to-discovery", "We called it v2 and moved on.", "discovery-practice", False),
        ("ai-move-to-discovery", "I moved Thursdays to customer calls: 24 so far.", "discovery-practice", True),
        ("ai-move-to-discovery", "I handled every question sent to the support tool.", "deliberate-shift", False),
        ("ai-move-to-discovery", "I gave my notes to the AI team after the review.", "deliberate-shift", False),
        ("ai-move-to-discovery", "I handed the ticket drafting to an AI assistant.", "deliberate-shift", True),
        ("ai-move-to-discovery", "I passed the release notes to AI.", "deliberate-shift", True),
        ("career-project-manager", "The deadline is not negotiable in my current job.", "delivery-vs-value", False),
        ("career-project-manager", "We came in on budget and not a day late.", "delivery-vs-value", False),
        ("career-project-manager", "I delivered on time, but the PO decides the order.", "delivery-vs-value", True),
    ],
)
def test_a_cue_word_in_another_sense_is_no_signal(drill_id: str, text: str, signal: str, shown: bool) -> None:
    assert (signal in {f.id for f in assess(drill(drill_id), text).signals_found}) is shown


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("We spent more time late at night on the release.", False),
        ("We added more features and missed the date.", False),
        ("We cut 40% of the refinement sessions.", False),
        ("Success meant fewer invoices paid late.", True),
        ("Search now ends in a booking in 40% of sessions.", True),
    ],
)
def test_delivery_work_in_outcome_words_is_no_outcome(text: str, outcome: bool) -> None:
    feedback = assess(drill("success-metrics-outcomes"), text)
    assert ("no-outcome-metric" not in {p.id for p in feedback.weak_patterns}) is outcome
    assert ("outcome-not-output" in {f.id for f in feedback.signals_found}) is outcome


def test_a_sprint_before_an_outcome_figure_does_not_blank_it() -> None:
    for text in ("In the first sprint, retention went up by nine.", "After the sprint, retention went up 9 accounts."):
        assert "no-numbers" not in {p.id for p in assess(drill("success-metrics-outcomes"), text).weak_patterns}
    velocity = assess(drill("success-metrics-outcomes"), "Our velocity went up by thirty this year.")
    assert "no-numbers" in {p.id for p in velocity.weak_patterns}


def test_deciding_to_add_value_is_still_a_decision() -> None:
    feedback = assess(drill("killed-roadmap-bet"), "I decided to add value by cutting the export feature in May.")
    assert "no-owned-decision" not in {p.id for p in feedback.weak_patterns}


@pytest.mark.parametrize(
    ("drill_id", "signal"),
    [("success-metrics-outcomes", "outcome-not-output"), ("po-title-pm-scope", "outcome-definition-of-done")],
)
def test_the_outcome_signals_carry_the_engines_outcome_block(drill_id: str, signal: str) -> None:
    """The business-behaviour lines of OUTCOME_CUES are copied into two signals; a fix to one must reach all."""
    block = OUTCOME_CUES[OUTCOME_CUES.index("proportion/percentage of") :]
    cues = next(s for s in drill(drill_id).signals if s.id == signal).cues
    start = cues.index(block[0])
    assert cues[start : start + len(block)] == block


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("In the first sprint, retention went up 9 points.", True),
        ("After launch NPS rose by 12 points.", True),
        ("Our velocity went up 9 points.", False),
        ("We delivered 89 points in a sprint.", False),
    ],
)
def test_a_metric_moving_by_points_is_a_figure_but_story_points_are_not(text: str, counted: bool) -> None:
    for drill_id in ("success-metrics-outcomes", "career-first-90-days"):
        patterns = {p.id for p in assess(drill(drill_id), text).weak_patterns}
        assert ("no-numbers" not in patterns) is counted


def test_the_percent_sign_of_a_blanked_velocity_figure_is_blanked_with_it() -> None:
    velocity = assess(drill("success-metrics-outcomes"), "Our velocity went up by 30% over the year.")
    assert "no-numbers" in {p.id for p in velocity.weak_patterns}
    both = assess(drill("success-metrics-outcomes"), "Velocity is up 30% and retention rose to 40%.")
    assert "no-numbers" not in {p.id for p in both.weak_patterns}
