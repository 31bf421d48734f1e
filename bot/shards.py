"""Which shard serves a server: Discord's rule, shared by everything that splits work by shard.

A bot process runs a range of shards (``pmpo-bot run --shards 0-3 --shard-count 8``); it receives the
events of the servers on those shards only, and does its own background work (posting drills) for them
only, so processes on different hosts never do the same server's work twice.
"""

from __future__ import annotations


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's ``(guild_id >> 22) % shard_count``: the shard whose gateway session carries the server."""
    return (guild_id >> 22) % max(shard_count, 1)
