"""``pmpo-bot db copy``: move the bot's data between databases (SQLite → PostgreSQL, or back), checked."""

from __future__ import annotations

import argparse

from bot.cli.common import EXIT_OK, SubParsers, add_command
from bot.config import Config
from bot.storage.copy import copy_database, describe, open_spec


def register(subparsers: SubParsers) -> None:
    db = subparsers.add_parser("db", help="database tools: copy the data to another database")
    db_sub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    copy = add_command(
        db_sub,
        "copy",
        copy_command,
        help="copy every row into another database and check it row by row",
        description="Copy every table, ids included, from one database into another and compare both row by "
        "row. Stop the bot first. Both ends are migrated to this version's schema. A target holding rows is "
        "refused unless --replace is given. Example: pmpo-bot db copy --from sqlite:data/pmpo.sqlite3 "
        "--to postgresql://pmpo@db.example/pmpo (a password is better kept in PGPASSWORD than in the URL).",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="DB", help="sqlite:PATH or postgresql://…")
    copy.add_argument("--to", dest="target", required=True, metavar="DB", help="sqlite:PATH or postgresql://…")
    copy.add_argument("--replace", action="store_true", help="delete what the target holds before copying")


async def copy_command(args: argparse.Namespace, config: Config) -> int:
    source = await open_spec(args.source)
    try:
        target = await open_spec(args.target)
        try:
            report = await copy_database(source, target, replace=args.replace)
        finally:
            await target.close()
    finally:
        await source.close()
    for table, rows in report.rows.items():
        print(f"{table}: {rows} row(s)")
    print(f"Copied and checked {report.total} row(s) from {describe(args.source)} to {describe(args.target)}.")
    return EXIT_OK
