"""Curating from Discord end to end: unanswered questions grouped in /kb gaps, turned into an example
question with one select, the YAML edited in place (diff = the added line), validated, reloaded and
committed; a gap marked not covered is then refused honestly; refused edits leave the file byte-identical;
members without moderator rights are refused, and so are moderators of servers not in
``curation.edit_servers``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import discord
import pytest

from tests.helpers import SHIPPED_KNOWLEDGE, embed
from tests.loopback import CallbackType, LoopbackDiscord
from tests.loopback.driver import Actor, InteractionHandle
from tests.loopback.harness import BotHarness
from tests.loopback.state import Channel, Guild, Member, Message

MODERATOR = discord.Permissions(manage_guild=True)
FAST = {"cooldown_seconds": 0.001}
#: Three ways of asking about pay after deductions, which the knowledge base does not answer (the articles
#: give gross averages only): pay is what they share with salary-figures, the closest entry, and the taxes
#: and pension that no entry mentions keep them refused until a moderator adds one as an example question.
TAKE_HOME = (
    "product owner pay after taxes and pension",
    "po pay after tax and pension?",
    "how much pay after taxes and pension does a product owner keep",
)
SALARY_TITLE = "How much do PMs and POs earn in the US (2026)?"
#: About the Scrum Master, a topic the sources do not cover, but too far from its example questions to be
#: refused as such: nothing is close enough, until a moderator marks it as not covered.
IMPEDIMENTS = "who removes impediments for the dev team"
#: The titles of a refusal: nothing close enough, or a topic the sources do not cover. Either is right here.
REFUSED = ("No curated answer yet", "Not covered here")


def edits(*servers: Guild) -> dict[str, Any]:
    """The ``curation`` config section letting these servers' moderators edit the shared knowledge."""
    return {"edit_servers": [server.id for server in servers]}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A temporary git repository holding a copy of the shipped knowledge, committed."""
    root = tmp_path / "repo"
    shutil.copytree(SHIPPED_KNOWLEDGE, root / "knowledge")
    git(root, "init", "--quiet")
    git(root, "config", "user.name", "Tester")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "the knowledge as shipped")
    return root


def options(message: Message, custom_id: str) -> list[str]:
    component = message.component(custom_id)
    assert component is not None, message.custom_ids
    return [o["value"] for o in component["options"]]


def component_id(message: Message, prefix: str) -> str:
    return next(cid for cid in message.custom_ids if cid.startswith(prefix))


async def private(handle: InteractionHandle) -> Message:
    callback = await handle.response()
    assert callback.type == CallbackType.CHANNEL_MESSAGE, callback
    assert callback.message is not None and callback.message.ephemeral
    return callback.message


async def after_thinking(handle: InteractionHandle) -> Message:
    """An action that edits the knowledge thinks first (validation, reload, git), then reports privately."""
    assert (await handle.response()).type == CallbackType.DEFERRED_MESSAGE
    message = await handle.original_message()
    assert message.ephemeral and not message.pings
    return message


async def ask(loopback: LoopbackDiscord, actor: Actor, channel: Channel, question: str) -> dict[str, Any]:
    handle = await loopback.slash(actor, "ask", {"question": question}, channel=channel)
    callback = await handle.response()
    assert callback.message is not None
    return embed(callback.message)


async def open_gap(loopback: LoopbackDiscord, mod: Member, channel: Channel) -> tuple[Message, Message]:
    listing = await private(await loopback.slash(mod, "kb gaps", channel=channel))
    detail = await private(await loopback.select(mod, listing, "kb:gap", [options(listing, "kb:gap")[0]]))
    return listing, detail


async def test_three_wordings_become_one_gap_and_one_select_adds_the_example_question(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    members = [loopback.add_member(guild, name) for name in ("alice", "bob", "carol")]
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    elsewhere = loopback.add_guild("Another Server")
    other_mod = loopback.add_member(elsewhere, "othermod", permissions=MODERATOR)
    other_general = loopback.add_text_channel(elsewhere, "general")
    salary = repo / "knowledge" / "entries" / "salary.yaml"
    before = salary.read_bytes()
    async with BotHarness(
        loopback, tmp_path, knowledge={"path": str(repo / "knowledge")}, ask=FAST, curation=edits(guild)
    ):
        for member, question in zip(members, TAKE_HOME, strict=True):
            assert (await ask(loopback, member, general, question))["title"].startswith(REFUSED)

        listing, detail = await open_gap(loopback, mod, general)
        first = embed(listing)["description"].splitlines()[:2]
        assert first[0].startswith("**1.** 3× ") and "(+2 other wordings)" in first[0]
        assert first[1] == f"   closest: *{SALARY_TITLE}*"
        asked_as = next(f["value"] for f in embed(detail)["fields"] if f["name"] == "Asked as")
        assert all(question in asked_as for question in TAKE_HOME)
        add = component_id(detail, "kb:add:")
        assert options(detail, add)[0] == "salary-figures"

        done = await after_thinking(await loopback.select(mod, detail, add, ["salary-figures"]))
        assert embed(done)["title"] == "Knowledge edited"
        assert "Reloaded: members get it now." in embed(done)["description"]
        assert "Committed as" in embed(done)["description"]

        after = salary.read_bytes()
        added = [line for line in after.splitlines(keepends=True) if line not in before.splitlines(keepends=True)]
        assert len(added) == 1 and added[0].startswith(b'      - "') and added[0].endswith(b'"\n')
        at = after.index(added[0])
        assert after[:at] + after[at + len(added[0]) :] == before  # every other byte as it was

        log = git(repo, "log", "-1", "--format=%s%n%b")
        assert log.startswith("kb: add an example question to salary-figures")
        assert f"Moderator: mod (Discord user {mod.id}) in Product People" in log
        assert git(repo, "status", "--porcelain") == ""

        # The wording added is now the entry's own example question. The other two read, in meaning, like
        # the take-home-pay honest neighbour (the semantic signal, bot/ask/semantic.py), where they may go.
        newcomer = loopback.add_member(guild, "dave")
        question = next(q for q in TAKE_HOME if f'"{q}"'.encode() in added[0])
        assert (await ask(loopback, newcomer, general, question))["title"] == SALARY_TITLE

        again = await private(await loopback.slash(mod, "kb gaps", channel=general))
        assert "No unanswered questions waiting" in embed(again)["description"]

        history = await private(await loopback.slash(mod, "kb history", channel=general))
        assert "mod: add an example question to salary-figures" in embed(history)["description"]
        # The shared knowledge's history, as another server's moderator sees it: the edit, not who made it.
        seen_elsewhere = embed(await private(await loopback.slash(other_mod, "kb history", channel=other_general)))
        assert (
            "a moderator of another server: add an example question to salary-figures" in seen_elsewhere["description"]
        )
        assert "mod:" not in seen_elsewhere["description"]
        undone = await after_thinking(await loopback.slash(mod, "kb undo", channel=general))
        assert "undo: add an example question to salary-figures" in embed(undone)["description"]
        assert salary.read_bytes() == before
        assert git(repo, "log", "-1", "--format=%s").startswith('Revert "kb: add an example question')


async def test_a_gap_marked_not_covered_is_then_refused_honestly_with_that_topic(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    not_covered = repo / "knowledge" / "not-covered.yaml"
    before = not_covered.read_bytes()
    async with BotHarness(
        loopback, tmp_path, knowledge={"path": str(repo / "knowledge")}, ask=FAST, curation=edits(guild)
    ):
        assert (await ask(loopback, alice, general, IMPEDIMENTS))["title"] == "No curated answer yet"

        _, detail = await open_gap(loopback, mod, general)
        mark = component_id(detail, "kb:nc:")
        assert "scrum-master" in options(detail, mark)
        done = await after_thinking(await loopback.select(mod, detail, mark, ["scrum-master"]))
        assert embed(done)["title"] == "Knowledge edited"
        assert "mark a question as not covered (scrum-master)" in embed(done)["description"]
        added = [line for line in not_covered.read_bytes().splitlines() if line not in before.splitlines()]
        assert added == [f'      - "{IMPEDIMENTS}"'.encode()]
        assert git(repo, "log", "-1", "--format=%s") == "kb: mark a question as not covered (scrum-master)"

        refused = await ask(loopback, loopback.add_member(guild, "bob"), general, IMPEDIMENTS)
        assert refused["title"] == "Not covered here: Scrum Master role"


async def test_refused_edits_show_the_validators_message_and_leave_the_file_byte_identical(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    knowledge = repo / "knowledge"
    snapshot = {path: path.read_bytes() for path in knowledge.rglob("*.yaml")}
    head = git(repo, "rev-parse", "HEAD")
    long_question = TAKE_HOME[0] + ", " + "dental, vision and commuting deductions and so on, " * 6
    async with BotHarness(
        loopback,
        tmp_path,
        knowledge={"path": str(knowledge)},
        ask={**FAST, "max_question_length": 400},
        curation=edits(guild),
    ):
        await ask(loopback, alice, general, long_question)
        _, detail = await open_gap(loopback, mod, general)
        add = component_id(detail, "kb:add:")
        refused = await after_thinking(await loopback.select(mod, detail, add, [options(detail, add)[0]]))
        assert embed(refused)["title"] == "Edit refused"
        assert "characters, over the limit of 300" in embed(refused)["description"]

        opened = await loopback.click(mod, detail, component_id(detail, "kb:draft:"))
        assert (await opened.response()).type == CallbackType.MODAL
        form = {
            "title": "Take-home pay for product roles",
            "answer": "We only have the article's gross averages; see the salary entry.",
            "questions": "how much does a product owner make\nwhat do product people take home",
            "related": "salary-figures",
        }
        duplicate = await after_thinking(await loopback.submit_modal(mod, opened, form))
        assert embed(duplicate)["title"] == "Edit refused"
        assert (
            "example question 'how much does a product owner make' is also on entry 'salary-figures'"
            in (embed(duplicate)["description"])
        )

    assert {path: path.read_bytes() for path in knowledge.rglob("*.yaml")} == snapshot
    assert git(repo, "rev-parse", "HEAD") == head


async def test_members_without_moderator_rights_are_refused_every_action(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    knowledge = repo / "knowledge"
    snapshot = {path: path.read_bytes() for path in knowledge.rglob("*.yaml")}
    async with BotHarness(loopback, tmp_path, knowledge={"path": str(knowledge)}, ask=FAST, curation=edits(guild)):
        await ask(loopback, alice, general, TAKE_HOME[0])
        listing, detail = await open_gap(loopback, mod, general)
        # A server admin shows /kb to everyone: the bot still refuses every subcommand.
        loopback.world.global_commands[("kb", 1)]["default_member_permissions"] = None
        for command in ("kb gaps", "kb history", "kb undo", "kb stats", "kb reload"):
            refused = await private(await loopback.slash(alice, command, channel=general))
            assert refused.content.startswith("This command is for moderators"), command

        mod.role_ids.clear()  # no longer a moderator: the components on their old messages refuse too
        attempts = [
            loopback.select(mod, listing, "kb:gap", [options(listing, "kb:gap")[0]]),
            loopback.select(mod, detail, component_id(detail, "kb:add:"), ["salary-figures"]),
            loopback.click(mod, detail, component_id(detail, "kb:find:")),
            loopback.click(mod, detail, component_id(detail, "kb:draft:")),
            loopback.click(mod, detail, component_id(detail, "kb:dismiss:")),
        ]
        for attempt in attempts:
            refused = await private(await attempt)
            assert refused.content.startswith("This command is for moderators")
    assert {path: path.read_bytes() for path in knowledge.rglob("*.yaml")} == snapshot


async def test_members_signals_make_a_one_click_candidate_and_no_votes_show_in_kb_stats(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    alice = loopback.add_member(guild, "alice")
    bob = loopback.add_member(guild, "bob")
    mod = loopback.add_member(guild, "mod", permissions=MODERATOR)
    async with BotHarness(
        loopback, tmp_path, knowledge={"path": str(repo / "knowledge")}, ask=FAST, curation=edits(guild)
    ):
        handle = await loopback.slash(alice, "ask", {"question": TAKE_HOME[0]}, channel=general)
        nothing = (await handle.response()).message
        assert nothing is not None
        assert embed(nothing)["title"].startswith(REFUSED)
        suggestion = next(
            cid for cid in nothing.custom_ids if cid.startswith("suggest:") and cid.endswith(":salary-figures")
        )
        shown_to_bob = await private(await loopback.click(bob, nothing, suggestion))  # not bob's question
        assert embed(shown_to_bob)["title"] == SALARY_TITLE and not shown_to_bob.custom_ids
        opened = await private(await loopback.click(alice, nothing, suggestion))
        assert embed(opened)["title"] == SALARY_TITLE
        vote = component_id(opened, "vote:salary-figures:y:u")
        assert (await private(await loopback.click(alice, opened, vote))).content == "Thanks! Noted as helpful."

        listing, detail = await open_gap(loopback, mod, general)
        assert f"✓ members found *{SALARY_TITLE}* answered it" in embed(listing)["description"]
        one_click = component_id(detail, "kb:sig:")
        done = await after_thinking(await loopback.click(mod, detail, one_click))
        assert embed(done)["title"] == "Knowledge edited"

        answered = (
            await (await loopback.slash(bob, "ask", {"question": "po salary"}, channel=general)).response()
        ).message
        assert answered is not None
        await private(await loopback.click(bob, answered, "vote:salary-figures:n"))
        stats = await private(await loopback.slash(mod, "kb stats", channel=general))
        unhelpful = next(f["value"] for f in embed(stats)["fields"] if f["name"].startswith("Not helpful"))
        assert unhelpful == f"1× “po salary” → {SALARY_TITLE}"


async def test_moderators_of_servers_not_in_edit_servers_may_review_but_not_edit_the_shared_knowledge(
    loopback: LoopbackDiscord, tmp_path: Path, repo: Path, guild: Guild, general: Channel
) -> None:
    elsewhere = loopback.add_guild("Random Server")
    lobby = loopback.add_text_channel(elsewhere, "lobby")
    knowledge = repo / "knowledge"
    snapshot = {path: path.read_bytes() for path in knowledge.rglob("*.yaml")}
    head = git(repo, "rev-parse", "HEAD")
    async with BotHarness(loopback, tmp_path, knowledge={"path": str(knowledge)}, ask=FAST, curation=edits(guild)):
        stranger = loopback.add_member(elsewhere, "stranger", permissions=MODERATOR)
        await ask(loopback, loopback.add_member(elsewhere, "erin"), lobby, TAKE_HOME[0])
        listing, detail = await open_gap(loopback, stranger, lobby)  # reviewing is this server's own business
        assert "1× " in embed(listing)["description"]
        attempts = [
            loopback.select(stranger, detail, component_id(detail, "kb:add:"), ["salary-figures"]),
            loopback.select(stranger, detail, component_id(detail, "kb:nc:"), ["scrum-master"]),
            loopback.select(stranger, detail, component_id(detail, "kb:nc:"), ["+new"]),
            loopback.click(stranger, detail, component_id(detail, "kb:draft:")),
            loopback.slash(stranger, "kb undo", channel=lobby),
        ]
        for attempt in attempts:
            refused = await private(await attempt)
            assert refused.content.startswith("Editing the knowledge base from Discord is not allowed on this server")
            assert f"`curation.edit_servers` (this server's id: {elsewhere.id})" in refused.content
        assert {path: path.read_bytes() for path in knowledge.rglob("*.yaml")} == snapshot
        assert git(repo, "rev-parse", "HEAD") == head

        dismissed = await (await loopback.click(stranger, detail, component_id(detail, "kb:dismiss:"))).response()
        assert dismissed.type == CallbackType.UPDATE_MESSAGE  # its own queue: allowed

        mod = loopback.add_member(guild, "mod", permissions=MODERATOR)  # a server that is listed
        await ask(loopback, loopback.add_member(guild, "alice"), general, TAKE_HOME[1])
        _, detail = await open_gap(loopback, mod, general)
        done = await after_thinking(
            await loopback.select(mod, detail, component_id(detail, "kb:add:"), ["salary-figures"])
        )
        assert embed(done)["title"] == "Knowledge edited"
        assert git(repo, "log", "-1", "--format=%s") == "kb: add an example question to salary-figures"
