"""The wording of expected errors, which members and moderators read (cogs/_errors.py)."""

from __future__ import annotations

from discord import app_commands

from cogs._errors import explain, permission_names


def test_permission_names_read_as_a_sentence() -> None:
    assert permission_names(["manage_guild"]) == "the Manage Guild permission"
    assert permission_names(["send_messages", "embed_links", "view_channel"]) == (
        "the Send Messages, Embed Links and View Channel permissions"
    )


def test_missing_permissions_name_each_permission() -> None:
    assert explain(app_commands.MissingPermissions(["manage_guild"])) == (
        "This command is for moderators: it needs the Manage Guild permission."
    )
    assert explain(app_commands.BotMissingPermissions(["send_messages", "embed_links"])) == (
        "I can't do that here: I'm missing the Send Messages and Embed Links permissions."
    )
