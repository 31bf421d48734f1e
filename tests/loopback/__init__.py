"""A loopback Discord server for tests: a real discord.py bot talks to it over HTTP and websocket."""

from tests.loopback.driver import Callback, CommandUnavailable, InteractionHandle
from tests.loopback.server import LoopbackDiscord
from tests.loopback.state import Channel, Guild, Member, Message, Problem, Role, User
from tests.loopback.webhooks import CallbackType

__all__ = [
    "Callback",
    "CallbackType",
    "Channel",
    "CommandUnavailable",
    "Guild",
    "InteractionHandle",
    "LoopbackDiscord",
    "Member",
    "Message",
    "Problem",
    "Role",
    "User",
]
