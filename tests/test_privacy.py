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


async def test_shell_privacy_confirms_before_deleting(services: Services) -> None:
    await add_member_rows(services)
    await services.db.execute("INSERT INTO t_votes VALUES (0, 'shell')")
    out = io.StringIO()
    await run_shell(services, io.StringIO("/privacy\n2\n/privacy\n1\n/privacy\n"), out)
    text = out.getvalue()
    assert text.count("What I store about you") == 2
    assert "Deleted 1 record(s)." in text
    assert text.rstrip().endswith("Nothing is stored about the shell user.")


async def test_every_member_table_is_described_for_members(services: Services) -> None:
    assert sorted(await services.db.user_tables()) == sorted(DESCRIPTIONS)
