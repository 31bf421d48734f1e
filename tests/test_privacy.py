from __future__ import annotations

import io

from bot.privacy.engine import DESCRIPTIONS
from bot.privacy.service import PrivacyService
from bot.services import Services
from bot.shell import run_shell


async def add_member_rows(services: Services) -> None:
    async with services.db.transaction() as tx:
        await tx.execute("CREATE TABLE IF NOT EXISTS t_parent (id INTEGER PRIMARY KEY, user_id INTEGER)")
        await tx.execute(
            "CREATE TABLE IF NOT EXISTS t_child (id INTEGER PRIMARY KEY,"
            " parent INTEGER REFERENCES t_parent(id) ON DELETE CASCADE)"
        )
        await tx.execute("CREATE TABLE IF NOT EXISTS t_votes (user_id INTEGER, entry TEXT)")
        for n, user in enumerate((1, 1, 2)):  # explicit ids: portable DDL has no auto-increment
            parent = await tx.fetchone("INSERT INTO t_parent (id, user_id) VALUES (?, ?) RETURNING id", (n, user))
            assert parent is not None
            await tx.execute("INSERT INTO t_child (id, parent) VALUES (?, ?)", (n, parent["id"]))
        await tx.execute("INSERT INTO t_votes VALUES (1, 'x'), (2, 'y')")


async def test_show_counts_and_forget_deletes_only_that_member(services: Services) -> None:
    await add_member_rows(services)
    before = await services.feature(PrivacyService).stored(1)
    assert before.counts["t_parent"] == 2 and before.counts["t_votes"] == 1
    assert "2 × t parent" in before.lines()

    deleted = await services.feature(PrivacyService).forget(1)
    assert deleted.total == 3
    assert (await services.feature(PrivacyService).stored(1)).total == 0
    assert (await services.feature(PrivacyService).stored(2)).total == 2
    children = await services.db.fetchall("SELECT parent FROM t_child")
    assert len(children) == 1  # the other member's child row survives; member 1's cascaded away


async def shell(services: Services, script: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(script), out)
    return out.getvalue()


async def test_shell_privacy_show_only_shows_and_says_how_to_delete(services: Services) -> None:
    await add_member_rows(services)
    await services.db.execute("INSERT INTO t_votes VALUES (0, 'shell')")
    for command in ("/privacy", "/privacy show"):
        text = await shell(services, command + "\n1\n")
        assert "== What I store about you ==\n1 × t votes" in text
        assert "/privacy forget deletes all of it, after asking you to confirm." in text
        assert "Delete" not in text and "1. " not in text  # no question, no choices
    assert (await services.feature(PrivacyService).stored(0)).total == 1


async def test_shell_privacy_forget_confirms_and_no_keeps_it(services: Services) -> None:
    await add_member_rows(services)
    await services.db.execute("INSERT INTO t_votes VALUES (0, 'shell')")
    kept = await shell(services, "/privacy forget\n2\n")
    assert "== Delete everything about you? ==" in kept and "1. Yes, delete all of it\n  2. No, keep it" in kept
    assert "== Nothing deleted ==\nEverything is kept as it was." in kept
    assert (await services.feature(PrivacyService).stored(0)).total == 1

    deleted = await shell(services, "/privacy forget\n1\n/privacy forget\n/privacy show\n")
    assert "== Deleted ==\n1 × t votes" in deleted
    assert deleted.count("I don't store anything about you.") == 2  # forget, then show: nothing left
    assert (await services.feature(PrivacyService).stored(0)).total == 0
    assert (await services.feature(PrivacyService).stored(1)).total == 3  # other members untouched


async def test_every_member_table_is_described_for_members(services: Services) -> None:
    assert sorted(await services.db.user_tables()) == sorted(DESCRIPTIONS)
