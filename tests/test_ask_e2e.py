"""/ask and the knowledge commands end to end: the real bot against the loopback Discord.

Every assertion is on what the bot actually sent (embeds, components, flags, mentions) or stored.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.ask.search import SearchIndex
from bot.ask.service import AskService
from bot.knowledge.base import KnowledgeBase
from cogs.ask import MENU_NAME
from tests.helpers import SHIPPED_KNOWLEDGE, embed
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.driver import Actor, CommandUnavailable, InteractionHandle
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild, Message

MODERATOR = discord.Permissions(manage_guild=True)
FAST = {"cooldown_seconds": 0.001}  # tests that ask twice as one member are not about the cooldown


def buttons(message: Message) -> dict[str, str]:
    """custom_id -> label of every button on the message."""
    return {c["custom_id"]: c.get("label", "") for row in message.components for c in row["components"]}


async def reply(handle: InteractionHandle) -> Message:
    callback = await handle.response()
    assert callback.type == CallbackType.CHANNEL_MESSAGE, callback
    assert callback.message is not None
    assert not callback.message.pings
    return callback.message


async def reloaded(handle: InteractionHandle) -> Message:
    """/kb reload thinks first (a big knowledge base takes seconds), then answers privately."""
    assert (await handle.response()).type == CallbackType.DEFERRED_MESSAGE
    message = await handle.original_message()
    assert message.ephemeral and not message.pings
    return message


async def ask(loopback: LoopbackDiscord, actor: Actor, channel: Channel, question: str, **options: Any) -> Message:
    return await reply(await loopback.slash(actor, "ask", {"question": question, **options}, channel=channel))


async def test_ask_answers_publicly_with_source_related_entries_and_votes_that_survive_a_restart(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path, ask=FAST) as harness:
        # A typo and a mention, yet informative enough to answer: a bare "@everyone" counts against confidence.
        answer = await ask(loopback, alice, general, "who's in charge of the product roadmpa, PO or PM? @everyone")
        assert not answer.ephemeral
        card = embed(answer)
        assert card["title"] == "Who owns the roadmap: the PM or the PO?"
        assert card["description"].startswith("In the textbook split, **the PM owns the roadmap**")
        fields = {f["name"]: f["value"] for f in card["fields"]}
        assert "what the title actually tells you" in fields["Source"]
        assert fields["Last reviewed"] == "2026-11-23"
        assert card["author"]["name"].startswith("Q: who's in charge")
        assert answer.allowed_mentions == {"parse": []}
        assert buttons(answer) == {
            "entry:three-questions": "What are the three questions that show whether a PO job is really a PM job?",
            "entry:pm-in-theory": "What does a Product Manager do, in theory?",
            "entry:european-saas-consultancies": "What does the PO title mean at European SaaS companies and "
            "consultancies?",
            "vote:who-owns-the-roadmap:y": "Helpful? Yes",
            "vote:who-owns-the-roadmap:n": "No",
        }

        private = await ask(loopback, alice, general, "pspo exam cost?", private=True)
        assert private.ephemeral and embed(private)["title"].startswith("How much does the PSPO cost")

        await harness.restart()  # buttons on old messages keep working: their state is in the custom_id

        opened = await reply(await loopback.click(bob, answer, "entry:pm-in-theory"))
        assert opened.ephemeral and embed(opened)["title"] == "What does a Product Manager do, in theory?"

        voted = await reply(await loopback.click(bob, answer, "vote:who-owns-the-roadmap:y"))
        assert voted.ephemeral and voted.content == "Thanks! Noted as helpful."
        changed = await reply(await loopback.click(bob, answer, "vote:who-owns-the-roadmap:n"))
        assert changed.content == "Changed your vote to not helpful."
        votes = await harness.bot.services.db.fetchall("SELECT * FROM helpful_votes")
        assert [(v["user_id"], v["entry_id"], v["message_id"], v["helpful"]) for v in votes] == [
            (bob.id, "who-owns-the-roadmap", answer.id, 0)
        ]
        asked = await harness.bot.services.db.fetchall("SELECT entry_id, guild_id FROM ask_log ORDER BY id")
        assert [tuple(r) for r in asked] == [("who-owns-the-roadmap", guild.id), ("pspo-cost-and-prep", guild.id)]


async def test_no_answer_is_said_plainly_recorded_without_the_member_and_shown_in_kb_gaps(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    carol = loopback.add_member(guild, "carol")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    async with BotHarness(loopback, tmp_path) as harness:
        nothing = await ask(loopback, alice, general, "How long should I boil an egg?")
        assert embed(nothing)["title"] == "No curated answer yet"
        assert "rather say so than guess" in embed(nothing)["description"]
        assert not any(cid.startswith("vote:") for cid in buttons(nothing))
        close = await ask(loopback, carol, general, "business analyst birthday gift")
        newest = await harness.bot.services.db.fetchone("SELECT MAX(id) FROM unanswered_questions")
        assert newest is not None
        close_id = newest[0]
        assert f"suggest:{close_id}:ba-to-po-to-pm" in buttons(close)  # up to three close entries, as buttons
        await ask(loopback, mod, general, "how long should i boil an egg")

        rows = await harness.bot.services.db.fetchall("SELECT * FROM unanswered_questions")
        assert len(rows) == 3 and {r["guild_id"] for r in rows} == {guild.id}
        assert all(str(alice.id) not in str(tuple(r)) for r in rows)

        gaps = await reply(await loopback.slash(mod, "kb gaps", channel=general))
        assert gaps.ephemeral
        lines = [line for line in embed(gaps)["description"].splitlines() if line.startswith("**")]
        assert lines[0].startswith("**1.** 2× ") and "boil an egg" in lines[0].lower()
        assert "business analyst birthday gift" in lines[1]


async def test_bad_input_and_the_cooldown_get_clear_private_messages(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path, ask={"cooldown_seconds": 60, "max_question_length": 40}):
        too_long = await ask(loopback, alice, general, "who owns the roadmap " * 5)
        assert too_long.ephemeral and "please keep it to 40 or fewer" in too_long.content
        again = await ask(loopback, alice, general, "who owns the roadmap")
        assert again.ephemeral and again.content.startswith("Slow down a little")
        other_member = await ask(loopback, bob, general, "who owns the roadmap")
        assert not other_member.ephemeral  # the cooldown is per member


async def test_topic_autocomplete_and_answer(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path):
        choices = await loopback.autocomplete(alice, "topic", {"name": "roadm"}, focused="name", channel=general)
        assert choices[0] == {"name": "Who owns the roadmap: the PM or the PO?", "value": "who-owns-the-roadmap"}
        everything = await loopback.autocomplete(alice, "topic", {"name": ""}, focused="name", channel=general)
        assert len(everything) == 25 and all(len(c["name"]) <= 100 for c in everything)
        shown = await reply(await loopback.slash(alice, "topic", {"name": "who-owns-the-roadmap"}, channel=general))
        assert embed(shown)["title"] == "Who owns the roadmap: the PM or the PO?"
        typed = await reply(await loopback.slash(alice, "topic", {"name": "FAANG"}, channel=general))
        assert embed(typed)["title"] == "Do Google, Meta, Amazon or Apple hire Product Owners?"
        unknown = await reply(await loopback.slash(alice, "topic", {"name": "zzqqxx"}, channel=general))
        assert unknown.ephemeral and "I have no topic called 'zzqqxx'" in unknown.content
        bob = loopback.add_member(guild, "bob")  # /topic has a per-member cooldown
        pizza = await reply(await loopback.slash(bob, "topic", {"name": "pizza"}, channel=general))
        assert pizza.ephemeral and pizza.content.startswith("I have no topic called 'pizza'. The closest I have: *")


async def test_topics_pages_survive_a_restart_and_compare_renders_the_table(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path) as harness:
        first = await reply(await loopback.slash(alice, "topics", channel=general))
        assert first.ephemeral
        assert embed(first)["title"] == "Topics: In theory"  # theory first, for a reader
        assert embed(first)["footer"]["text"].startswith("Page 1/8")
        assert buttons(first) == {"page:topics:0:prev": "◀ Previous", "page:topics:0:next": "Next ▶"}
        prev = next(c for row in first.components for c in row["components"] if c["custom_id"].endswith("prev"))
        assert prev["disabled"] is True

        await harness.restart()
        callback = await (await loopback.click(alice, first, "page:topics:0:next")).response()
        assert callback.type == CallbackType.UPDATE_MESSAGE and callback.message is not None
        assert embed(callback.message)["footer"]["text"].startswith("Page 2/8")
        assert "page:topics:1:next" in buttons(callback.message)

        table = await reply(await loopback.slash(alice, "compare", channel=general))
        card = embed(table)
        assert card["title"] == "Product Manager vs Product Owner at a glance"
        assert len(card["fields"]) == 12
        assert card["fields"][0] == {
            "name": "Roadmap",
            "value": "**PM:** Owns it: sets the direction and decides which bets make the cut.\n"
            "**PO:** Works from it rather than owning it, in the textbook model. In practice (European SaaS, "
            "small startups) a PO may own it outright.",
            "inline": False,
        }


async def test_answer_this_message_context_menu(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    async with BotHarness(loopback, tmp_path, ask=FAST):
        question = await loopback.say(alice, general, "is the pspo worth it for a career changer?")
        empty = await loopback.say(alice, general, "")

        async def menu(target: Message) -> Message:
            return await reply(await loopback.message_command(bob, MENU_NAME, target, channel=general))

        answer = await menu(question)
        assert not answer.ephemeral
        assert embed(answer)["title"] == "Who benefits most from the PSPO?"
        assert f"/channels/{guild.id}/{general.id}/{question.id}" in embed(answer)["description"]
        assert embed(answer)["author"]["name"] == "Q: is the pspo worth it for a career changer?"
        refused = await menu(empty)
        assert refused.ephemeral and "no text for me to answer" in refused.content


async def test_the_search_index_is_built_off_the_event_loop_before_the_gateway_connects(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedding the knowledge base takes seconds on a cold start: the loop must run on meanwhile, and the
    bot connects (so /ask can arrive) only once the index exists."""
    entered, release = threading.Event(), threading.Event()
    released: list[bool] = []
    build = AskService.build_index

    def slow_build(service: AskService, knowledge: KnowledgeBase) -> SearchIndex:
        entered.set()
        released.append(release.wait(timeout=5))  # built on the loop, nothing could set it: it times out
        return build(service, knowledge)

    monkeypatch.setattr(AskService, "build_index", slow_build)
    alice = loopback.add_member(guild, "alice")
    harness = BotHarness(loopback, tmp_path, startup_timeout=60)  # a cold start embeds the knowledge base
    starting = asyncio.create_task(harness.__aenter__())
    try:
        assert await asyncio.to_thread(entered.wait, 30)
        await asyncio.sleep(0.05)  # the loop (and the loopback server on it) runs on while the index is built...
        assert loopback.identify_count == 0 and not starting.done()  # ...and the bot is not connected yet
        release.set()
        await starting
        assert released == [True]
        answer = await ask(loopback, alice, general, "who owns the roadmap")
        assert embed(answer)["title"] == "Who owns the roadmap: the PM or the PO?"
    finally:
        release.set()
        await harness.__aexit__(None, None, None)


async def test_kb_reload_is_for_moderators_only_even_when_a_server_shows_it_to_everyone(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path):
        with pytest.raises(CommandUnavailable):  # hidden from members by default...
            await loopback.slash(alice, "kb reload", channel=general)
        # ...and if a server admin shows /kb to everyone in the Integrations settings, the bot still refuses.
        loopback.world.global_commands[("kb", 1)]["default_member_permissions"] = None
        refused = await reply(await loopback.slash(alice, "kb reload", channel=general))
        assert refused.ephemeral and refused.content.startswith("This command is for moderators")


async def test_kb_reload_refuses_a_broken_file_keeps_serving_and_accepts_the_fix(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    salary = root / "entries" / "salary.yaml"
    good = salary.read_text(encoding="utf-8")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    alice = loopback.add_member(guild, "alice")
    async with BotHarness(loopback, tmp_path, knowledge={"path": str(root)}, ask=FAST):
        salary.write_text(good.replace('    title: "Why do PMs earn', '    colour: red\n    title: "Why do PMs earn'))
        refused = await reloaded(await loopback.slash(mod, "kb reload", channel=general))
        body = embed(refused)["description"]
        assert embed(refused)["title"] == "Knowledge reload refused"
        assert "Still serving the last good version" in body
        line = good[: good.index('    title: "Why do PMs earn')].count("\n") + 1  # where "colour" now is
        assert f"entries/salary.yaml:{line}:5: unknown key 'colour'" in body

        still = await ask(loopback, alice, general, "PO salary in 2026")
        assert embed(still)["title"] == "How much do PMs and POs earn in the US (2026)?"

        salary.write_text(good.replace("earn in the US (2026)?", "earn in the US in 2026?"), encoding="utf-8")
        accepted = await reloaded(await loopback.slash(mod, "kb reload", channel=general))
        assert embed(accepted)["title"] == "Knowledge reloaded"
        assert {"name": "Entries", "value": "edited: salary-figures", "inline": False} in embed(accepted)["fields"]
        fresh = await ask(loopback, alice, general, "PO salary in 2026")
        assert embed(fresh)["title"] == "How much do PMs and POs earn in the US in 2026?"

        stats = await reply(await loopback.slash(mod, "kb stats", channel=general))
        assert "salary-figures" not in embed(stats)["fields"][0]["value"]  # titles, not ids
        assert "asked 2×" in embed(stats)["fields"][0]["value"]


#: The questions from issue #12's table, and what a member needs from each (the "right column").
ISSUE_TABLE = [
    ("what's the difference between a product owner and a product manager", "answer", "pm-vs-po-difference"),
    ("difference between PM and PO", "answer", "pm-vs-po-difference"),
    ("should I apply for a product owner job", "answer", "should-i-apply-po-job"),
    ("po or pm which is better", "answer", "po-or-pm-which-path"),
    ("help", "vague", None),
    ("week", "vague", None),
    ("team", "vague", None),
    ("what is a scrum master", "not-covered", "Scrum Master role"),
    ("how do I write a cover letter", "not-covered", "Resumes, cover letters, portfolios and LinkedIn"),
]


async def test_the_issue_table_gets_what_members_need(
    loopback: LoopbackDiscord, tmp_path: Path, guild: Guild, general: Channel
) -> None:
    members = [loopback.add_member(guild, f"member{i}") for i in range(len(ISSUE_TABLE) + 1)]
    async with BotHarness(loopback, tmp_path):
        for member, (question, outcome, expected) in zip(members, ISSUE_TABLE, strict=False):
            message = await ask(loopback, member, general, question)  # one member each: no cooldown in the way
            card = embed(message)
            if outcome == "answer":
                assert card["footer"]["text"].endswith(f"id: {expected}"), question
                assert f"vote:{expected}:y" in buttons(message)
            elif outcome == "vague":
                assert card["title"] == "Could you ask a bit more?", question
                assert not buttons(message)
            else:
                assert card["title"] == f"Not covered here: {expected}", question
                assert "What I do cover that comes closest:" in card["description"]
                assert buttons(message) and not any(cid.startswith("vote:") for cid in buttons(message))
        difference = embed(await ask(loopback, members[-1], general, ISSUE_TABLE[0][0]))["description"]
        assert "Scrum accountability" in difference and "roadmap" in difference  # the core split, up front
