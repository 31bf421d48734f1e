"""The mock interview end to end: the real bot against the loopback Discord, a member answering in forms."""

from __future__ import annotations

import re
from pathlib import Path

from bot.drills.content import Drill, DrillBank
from bot.drills.feedback import Feedback
from bot.interview import engine
from bot.knowledge.loader import require_knowledge
from tests.helpers import SHIPPED_KNOWLEDGE, embed, labels
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.driver import Actor, InteractionHandle, OptionValue
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild, Message, walk_components

BANK = require_knowledge(SHIPPED_KNOWLEDGE).part(DrillBank)
LIMIT = 1500  # drills.max_answer_length's default, which the form carries as its max_length
FOLLOW_UP_ANSWER = (
    "I ran 12 customer interviews that quarter; the third one changed my mind, because the customer said "
    "nobody on their team would pay for it, so I decided to stop it and measured renewal instead."
)


def title(message: Message) -> str:
    return str(embed(message).get("title", ""))


def drill_on(message: Message) -> Drill:
    footer = str(embed(message)["footer"]["text"])
    return BANK.drills[footer.split(" · ")[0].removeprefix("Drill ")]


def at_the_limit(text: str) -> str:
    """``text`` padded with plain words to exactly the form's limit."""
    padded = text
    while len(padded) < LIMIT:
        padded += " Then I wrote it all down."
    return padded[: LIMIT - 1].rstrip().ljust(LIMIT - 1, ".") + "."  # never a space at the end: it is trimmed


async def start_in_dms(
    loopback: LoopbackDiscord, actor: Actor, channel: Channel, options: dict[str, OptionValue]
) -> Message:
    before = loopback.messages_in(actor)
    handle = await loopback.slash(actor, "interview start", options, channel=channel)
    note = await handle.original_message()
    assert note.ephemeral and "sent you a DM" in note.content
    after = before[-1] if before else None
    return await loopback.wait_for_message(actor, lambda m: bool(m.embeds), after=after)


async def open_form(loopback: LoopbackDiscord, actor: Actor, message: Message) -> InteractionHandle:
    opened = await loopback.click(actor, message, labels(message)["Answer"])
    assert (await opened.response()).type == CallbackType.MODAL and opened.modal is not None
    return opened


async def submit(loopback: LoopbackDiscord, actor: Actor, opened: InteractionHandle, text: str) -> Message:
    handle = await loopback.submit_modal(actor, opened, {"answer": text})
    callback = await handle.response()
    assert callback.type == CallbackType.UPDATE_MESSAGE and callback.message is not None
    return callback.message


async def click(loopback: LoopbackDiscord, actor: Actor, message: Message, label: str) -> Message:
    callback = await (await loopback.click(actor, message, labels(message)[label])).response()
    assert callback.type == CallbackType.UPDATE_MESSAGE and callback.message is not None
    return callback.message


def field(message: Message, name: str) -> str:
    return next(str(f["value"]) for f in embed(message).get("fields", []) if f["name"] == name)


async def test_a_whole_mock_interview_in_dms_with_follow_ups_a_restart_and_an_answer_at_the_limit(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    given: list[Feedback] = []  # what the engine says about each answer, to check the summary's figures
    asked_main: list[str] = []
    async with BotHarness(loopback, tmp_path) as harness:
        message = await start_in_dms(loopback, alice, general, {"theme": "PO applying for PM", "questions": 3})
        for number in (1, 2, 3):
            assert title(message) == f"Question {number} of 3 · PO applying for PM"
            assert "Chosen because" in field(message, "Why this question")
            assert set(labels(message)) == {"Answer", "Quit"}
            assert all(len(cid) <= 100 for cid in message.custom_ids)
            drill = drill_on(message)
            asked_main.append(drill.id)
            opened = await open_form(loopback, alice, message)
            assert opened.modal is not None  # open_form checked it
            (answer_input,) = [c for c in walk_components(opened.modal["components"]) if c.get("custom_id") == "answer"]
            assert answer_input["max_length"] == LIMIT
            if number == 2:  # the form opened before a restart is submitted after it
                await harness.restart()
                text = at_the_limit(drill.weak_answer)
                assert len(text) == LIMIT
            else:
                text = drill.strong_answer
            message = await submit(loopback, alice, opened, text)
            expected = engine.judge(drill, text, None)
            given.append(expected)
            assert title(message).startswith(f"Question {number} of 3: ")
            assert f"({len(expected.signals_found)} of {len(drill.signals)} signals)" in title(message)
            for finding in expected.signals_found:  # the member's own words, quoted
                assert f"**{finding.name}**: {finding.detail}" in field(message, "Shown")
            assert field(message, "Try this") == expected.suggestion

            message = await click(loopback, alice, message, "Next: the follow-up")
            follow_up = engine.choose_follow_up(drill, engine.shown_ids(expected))
            assert follow_up is not None
            assert title(message) == f"Question {number} of 3 · follow-up"
            assert drill.follow_ups[follow_up].ask in str(embed(message)["description"])
            if number == 2:  # the weak answer missed what the follow-up probes, and the card says so
                assert "Your answer didn't show" in field(message, "Why this follow-up")
            opened = await open_form(loopback, alice, message)
            message = await submit(loopback, alice, opened, FOLLOW_UP_ANSWER)
            reply = engine.judge(drill, FOLLOW_UP_ANSWER, follow_up)
            given.append(reply)
            assert title(message).startswith(f"Question {number} of 3 · follow-up: ")
            assert "probed signals)" in title(message)
            message = await click(loopback, alice, message, "See the summary" if number == 3 else "Next question")

        assert title(message) == "Mock interview complete · PO applying for PM"
        assert message.components == []
        mains = [given[i] for i in (0, 2, 4)]
        counts = [sum(f.rating == r for f in mains) for r in ("strong", "mixed", "weak")]
        rated = ", ".join(f"{n} {r}" for n, r in zip(counts, ("strong", "mixed", "weak"), strict=True) if n)
        shown = sum(len(f.signals_found) for f in given)
        judged = shown + sum(len(f.signals_missing) for f in given)
        body = str(embed(message)["description"])
        assert f"**3 of 3 questions answered**: {rated}" in body
        assert f"Signals shown: {round(100 * shown / judged)} % ({shown} of {judged})" in body
        assert "Follow-ups answered: 3" in body
        retry = field(message, "Drills to retry")
        for drill_id, feedback in zip(asked_main, mains, strict=True):
            assert (f"**{drill_id}** ({feedback.rating})" in retry) == (feedback.rating != "strong")
        assert "first finished mock interview" in field(message, "Compared with your previous session")

        rows = await harness.bot.services.db.fetchall(
            "SELECT step, drill_id, follow_up, rating, length(answer) AS n FROM interview_answers ORDER BY step"
        )
        assert [r["step"] for r in rows] == [0, 1, 2, 3, 4, 5]
        assert [r["rating"] for r in rows] == [f.rating for f in given]
        assert rows[2]["n"] == LIMIT
        assert [m for m in loopback.messages_in(general) if not m.ephemeral] == []  # nothing public

        # The next session is compared with this one, and history shows the signals over time.
        message = await start_in_dms(loopback, alice, general, {"questions": 3})
        assert title(message).startswith("Question 1 of 3")
        message = await click(loopback, alice, message, "Quit")
        assert title(message) == "Mock interview stopped"
        assert "last time" not in str(embed(message))  # nothing answered: nothing to compare
        history = await (await loopback.slash(alice, "interview history", {}, channel=general)).response()
        assert history.message is not None and history.message.ephemeral
        text = str(history.message.embeds[0])
        assert f"signals shown {round(100 * shown / judged)} % ({shown} of {judged}) · finished" in text
        assert "0 answered, nothing answered · quit" in text


async def test_closed_dms_run_the_interview_privately_in_the_server(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    bob = loopback.add_member(guild, "bob")
    loopback.close_dms(bob)
    async with BotHarness(loopback, tmp_path) as harness:
        handle = await loopback.slash(bob, "interview start", {"questions": 3}, channel=general)
        message = await handle.original_message()
        assert message.ephemeral and "DMs are closed" in message.content
        assert re.match(r"Question 1 of 3 · ", title(message))
        drill = drill_on(message)
        opened = await open_form(loopback, bob, message)
        message = await submit(loopback, bob, opened, drill.strong_answer)
        assert message.ephemeral and title(message).startswith("Question 1 of 3: Strong answer")
        assert loopback.messages_in(bob) == []
        row = await harness.bot.services.db.fetchone("SELECT user_id, guild_id FROM interview_sessions")
        assert row is not None and (row["user_id"], row["guild_id"]) == (bob.id, guild.id)


async def test_one_session_at_a_time_continue_or_abandon_and_drill_explains_its_choice(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        first = await start_in_dms(loopback, alice, general, {"questions": 4})
        prompt = await start_in_dms(loopback, alice, general, {"theme": "Career changer", "questions": 3})
        assert title(prompt) == "You already have a mock interview going"
        assert "question 1 of 4" in str(embed(prompt)["description"])
        resumed = await click(loopback, alice, prompt, "Continue it")
        assert title(resumed) == title(first)

        prompt = await start_in_dms(loopback, alice, general, {"theme": "Career changer", "questions": 3})
        new = await click(loopback, alice, prompt, "Abandon it and start the new one")
        assert title(new) == "Question 1 of 3 · Career changer"
        rows = await harness.bot.services.db.fetchall("SELECT theme, status FROM interview_sessions ORDER BY id")
        assert [(r["theme"], r["status"]) for r in rows] == [(None, "abandoned"), ("Career changer", "active")]
        stale = await click(loopback, alice, first, "Answer")  # the abandoned session's button: its summary
        assert title(stale) == "Mock interview abandoned"

        drill = await (await loopback.slash(alice, "drill", {}, channel=general)).response()
        assert drill.message is not None and drill.message.ephemeral
        assert "Chosen because" in field(drill.message, "Why this drill")
