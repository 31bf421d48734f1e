"""The quiz end to end: the real bot against the loopback Discord, members clicking in their DMs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from bot.quiz.content import QuestionBank, QuizQuestion
from tests.helpers import SHIPPED_KNOWLEDGE, embed, labels
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.driver import Actor
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild, Message


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    result = load_knowledge(SHIPPED_KNOWLEDGE)
    assert result.knowledge is not None
    return result.knowledge.part(QuestionBank)


def title(message: Message) -> str:
    return str(embed(message).get("title", ""))


def question_on(message: Message, bank: QuestionBank) -> QuizQuestion:
    text = embed(message)["description"]  # the first question may start with a notice paragraph
    return next(q for q in bank.questions.values() if text == q.question or text.endswith("\n\n" + q.question))


def option_id(message: Message, bank: QuestionBank, *, right: bool) -> str:
    question = question_on(message, bank)
    wanted = next(o.text for o in question.options if o.correct == right)
    return labels(message)[wanted]


async def click(loopback: LoopbackDiscord, actor: Actor, message: Message, custom_id: str) -> Message:
    handle = await loopback.click(actor, message, custom_id)
    callback = await handle.response()
    assert callback.type == CallbackType.UPDATE_MESSAGE and callback.message is not None
    return callback.message


async def start_in_dms(
    loopback: LoopbackDiscord, actor: Actor, channel: Channel | None, options: dict[str, str | int]
) -> Message:
    """``/quiz start`` (in ``channel``, or in the DM when None); the DM message it runs on."""
    before = loopback.messages_in(actor)
    handle = await loopback.slash(actor, "quiz start", options, channel=channel)
    if channel is not None:  # the deferred "thinking" reply becomes the pointer to the DM
        note = await handle.original_message()
        assert note.ephemeral and "sent you a DM" in note.content
    after = before[-1] if before else None
    return await loopback.wait_for_message(actor, lambda m: bool(m.embeds), after=after)


async def play_out(
    loopback: LoopbackDiscord, actor: Actor, message: Message, bank: QuestionBank, *, right: bool
) -> Message:
    """Answer every remaining question (all right or all wrong) and return the summary message."""
    while "Question" in title(message):
        if "Next question" not in labels(message) and "See your score" not in labels(message):
            message = await click(loopback, actor, message, option_id(message, bank, right=right))
        move = labels(message).get("Next question") or labels(message)["See your score"]
        message = await click(loopback, actor, message, move)
    return message


async def test_a_full_quiz_in_dms_with_right_and_wrong_answers_and_a_double_click(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, bank: QuestionBank
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        message = await start_in_dms(loopback, alice, general, {"theme": "Salary", "length": 5})
        assert title(message) == "Question 1 of 4 · Salary"
        assert embed(message)["description"].startswith("*The Salary theme has only 4 questions, so this quiz has 4.*")
        assert {"Skip", "Quit"} <= set(labels(message))
        assert all(len(cid) <= 100 for cid in message.custom_ids)

        # A double click on a wrong option: both clicks reach the bot before the message changes.
        wrong = option_id(message, bank, right=False)
        first, second = await asyncio.gather(
            loopback.click(alice, message, wrong), loopback.click(alice, message, wrong)
        )
        for handle in (first, second):
            assert (await handle.response()).type == CallbackType.UPDATE_MESSAGE
        message = loopback.world.messages[message.id]
        question = question_on_result(message, bank)
        body = str(embed(message)["description"])
        assert "Not quite" in body and question.explanation in body
        assert f"**Answer:** {question.options[question.correct_index].text}" in body
        rows = await harness.bot.services.db.fetchall("SELECT outcome FROM quiz_answers")
        assert [r["outcome"] for r in rows] == ["wrong"]

        # The linked entry opens privately.
        read = next(cid for label, cid in labels(message).items() if label.startswith("Read:"))
        opened = await (await loopback.click(alice, message, read)).response()
        assert opened.message is not None and opened.message.ephemeral

        message = await click(loopback, alice, message, labels(message)["Next question"])
        assert title(message) == "Question 2 of 4 · Salary"
        message = await click(loopback, alice, message, option_id(message, bank, right=True))
        assert "Right!" in str(embed(message)["description"])
        message = await click(loopback, alice, message, labels(message)["Next question"])
        message = await click(loopback, alice, message, labels(message)["Skip"])
        assert title(message) == "Question 4 of 4 · Salary"
        summary = await play_out(loopback, alice, message, bank, right=True)

        assert title(summary) == "Quiz complete · Salary"
        text = str(embed(summary)["description"])
        assert "**2 of 4 right**" in text and "Time taken:" in text and "New personal best!" in text
        fields = {f["name"]: f["value"] for f in embed(summary)["fields"]}
        assert fields["By theme"] == "Salary: 2/4" and "Salary" in fields["Study next"]
        assert summary.components == []
        assert [m for m in loopback.messages_in(general) if not m.ephemeral] == []  # nothing public


def question_on_result(message: Message, bank: QuestionBank) -> QuizQuestion:
    body = str(embed(message)["description"])
    return next(q for q in bank.questions.values() if body.startswith(q.question + "\n\n"))


async def test_the_quiz_survives_a_restart_and_start_again_offers_to_continue(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, bank: QuestionBank
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        message = await start_in_dms(loopback, alice, general, {"length": 5})
        message = await click(loopback, alice, message, option_id(message, bank, right=True))
        message = await click(loopback, alice, message, labels(message)["Next question"])
        assert title(message).startswith("Question 2 of 5")
        order_before = list(labels(message))

        await harness.restart()

        prompt = await start_in_dms(loopback, alice, general, {"theme": "Interviews", "length": 10})
        assert title(prompt) == "You already have a quiz going"
        assert "question 2 of 5" in str(embed(prompt)["description"])
        resumed = await click(loopback, alice, prompt, labels(prompt)["Continue it"])
        assert title(resumed).startswith("Question 2 of 5") and list(labels(resumed)) == order_before

        # The message from before the restart still works, and both show the same quiz.
        message = await click(loopback, alice, message, option_id(message, bank, right=False))
        assert "Not quite" in str(embed(message)["description"])
        stale = await click(loopback, alice, resumed, option_id(resumed, bank, right=True))
        assert "Not quite" in str(embed(stale)["description"])  # counted once: the first answer stands


async def test_abandoning_for_a_new_quiz_from_the_prompt(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, bank: QuestionBank
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        await start_in_dms(loopback, alice, general, {"theme": "In theory", "length": 5})
        prompt = await start_in_dms(loopback, alice, general, {"theme": "Salary", "length": 5})
        new = await click(loopback, alice, prompt, labels(prompt)["Abandon it and start the new one"])
        assert title(new) == "Question 1 of 4 · Salary"
        rows = await harness.bot.services.db.fetchall("SELECT theme, status, guild_id FROM quiz_sessions ORDER BY id")
        assert [(r["theme"], r["status"], r["guild_id"]) for r in rows] == [
            ("In theory", "abandoned", guild.id),
            ("Salary", "active", guild.id),
        ]


async def test_closed_dms_run_the_quiz_privately_in_the_server(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, bank: QuestionBank
) -> None:
    bob = loopback.add_member(guild, "bob")
    loopback.close_dms(bob)
    async with BotHarness(loopback, tmp_path):
        handle = await loopback.slash(bob, "quiz start", {"theme": "Salary", "length": 5}, channel=general)
        message = await handle.original_message()
        assert message.ephemeral and "DMs are closed" in message.content
        assert title(message) == "Question 1 of 4 · Salary"
        message = await click(loopback, bob, message, option_id(message, bank, right=True))
        assert message.ephemeral and "Right!" in str(embed(message)["description"])
        assert loopback.messages_in(bob) == []


async def test_leaderboard_after_two_members_play_and_stats(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, bank: QuestionBank
) -> None:
    alice, bob, carol = (loopback.add_member(guild, name) for name in ("alice", "bob", "carol"))
    elsewhere = loopback.add_guild("Elsewhere")
    async with BotHarness(loopback, tmp_path):
        choices = await loopback.autocomplete(alice, "quiz start", {"theme": "sal"}, focused="theme", channel=general)
        assert [c["value"] for c in choices] == ["Salary"]

        start = await start_in_dms(loopback, alice, general, {"theme": "Salary", "length": 5})
        await play_out(loopback, alice, start, bank, right=True)
        start = await start_in_dms(loopback, bob, general, {"theme": "Salary", "length": 5})
        await play_out(loopback, bob, start, bank, right=False)
        start = await start_in_dms(loopback, carol, None, {"theme": "Salary", "length": 5})  # in DMs: no server
        await play_out(loopback, carol, start, bank, right=True)

        board = await (await loopback.slash(alice, "quiz leaderboard", channel=general)).response()
        assert board.message is not None and not board.message.ephemeral
        lines = str(embed(board.message)["description"]).splitlines()
        max_points = sum(q.points for q in bank.in_theme("Salary"))
        assert lines == [
            f"**1.** <@{alice.id}> · best {max_points} pts · 4 answered",
            f"**2.** <@{bob.id}> · best 0 pts · 4 answered",
        ]
        assert board.message.pings == frozenset()
        nobody = await (
            await loopback.slash(loopback.owner, "quiz leaderboard", channel=elsewhere.system_channel)
        ).response()
        assert nobody.message is not None and "Nobody has played here yet" in str(embed(nobody.message)["description"])

        stats = await (await loopback.slash(bob, "quiz stats", channel=general)).response()
        assert stats.message is not None and stats.message.ephemeral
        text = str(embed(stats.message)["description"])
        assert "Quizzes: 1 started, 1 finished, 0 unfinished" in text and "4 asked, 0 right" in text
        fields = {f["name"]: f["value"] for f in embed(stats.message)["fields"]}
        assert fields["Weakest themes"] == "• Salary: 0/4 right"
