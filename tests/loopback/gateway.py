"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME.

Sessions outlive connections the way Discord's do: events dispatched while the bot is disconnected
are buffered with their sequence numbers and replayed on RESUME, so a test can drop the socket and
check the bot resumed instead of re-identifying and missing events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.loopback.state import Json, World

_log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, RESUME = 0, 1, 2, 3, 6
REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
KNOWN_INTENTS = (1 << 26) - 1

# Application flags READY reports for each enabled privileged intent ("limited": under 100 servers).
PRIVILEGED_APP_FLAGS = {GUILD_PRESENCES: 1 << 13, GUILD_MEMBERS: 1 << 15, MESSAGE_CONTENT: 1 << 19}

# Payload data, or a function of the session's intents (member lists, message content visibility).
EventData = Json | Callable[[int], Json]


class _Encoder:
    """Transport compression: one stream per connection, each message flushed to a frame boundary."""

    def __init__(self, compress: str | None) -> None:
        self._compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd: Any = _zstd_stream() if compress == "zstd-stream" else None

    def encode(self, text: str) -> str | bytes:
        data = text.encode()
        if self._zlib is not None:
            return self._zlib.compress(data) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            return bytes(self._zstd(data))
        return text


def _zstd_stream() -> Callable[[bytes], bytes]:
    """discord.py asks for zstd-stream when ``zstandard`` or Python 3.14's compression.zstd exists."""
    try:
        from compression.zstd import ZstdCompressor  # type: ignore[import-not-found]  # Python 3.14+
    except ImportError:
        import zstandard  # type: ignore[import-not-found]

        stream = zstandard.ZstdCompressor().compressobj()
        return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    compressor = ZstdCompressor()
    return lambda data: compressor.compress(data, mode=ZstdCompressor.FLUSH_BLOCK)


def supported_compression() -> set[str | None]:
    supported: set[str | None] = {None, "zlib-stream"}
    with contextlib.suppress(ImportError):
        _zstd_stream()
        supported.add("zstd-stream")
    return supported


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    encoder: _Encoder
    outbox: asyncio.Queue[Json] = field(default_factory=asyncio.Queue)
    session: Session | None = None
    closed_by_server: bool = False

    async def close(self, code: int, reason: bytes) -> None:
        self.closed_by_server = True
        await self.ws.close(code=code, message=reason)

    async def send(self, payload: Json) -> None:
        frame = self.encoder.encode(json.dumps(payload))
        if isinstance(frame, bytes):
            await self.ws.send_bytes(frame)
        else:
            await self.ws.send_str(frame)

    async def pump(self) -> None:
        """Send queued payloads in order, so synchronous dispatches keep their sequence order."""
        while True:
            payload = await self.outbox.get()
            if self.ws.closed:
                return
            try:
                await self.send(payload)
            except ConnectionError:
                return


@dataclass(eq=False)
class Session:
    id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    sent: list[Json] = field(default_factory=list)
    connection: Connection | None = None
    presence: Json | None = None

    def handles_guild(self, guild_id: int | None) -> bool:
        if guild_id is None:  # DMs go to shard 0
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    def push(self, event: str, data: Json) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        if self.connection is not None:
            self.connection.outbox.put_nowait(payload)


class Gateway:
    """Serves ``GET /gateway`` and fans dispatches out to the sessions that should see them."""

    def __init__(
        self,
        world: World,
        *,
        url: Callable[[], str],
        heartbeat_interval: float,
        privileged_intents: int,
    ) -> None:
        self._world = world
        self._url = url
        self._heartbeat_ms = int(heartbeat_interval * 1000)
        self._privileged_allowed = privileged_intents
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        #: Sessions that may start per 5 s, as ``GET /gateway/bot`` reports it.
        self.max_concurrency = 1

    def allows(self, intent: int) -> bool:
        """Whether the application may use a privileged intent (the developer portal switches)."""
        return bool(self._privileged_allowed & intent)

    @property
    def application_flags(self) -> int:
        flags = 0
        for intent, flag in PRIVILEGED_APP_FLAGS.items():
            if self._privileged_allowed & intent:
                flags |= flag
        return flags

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.connection is not None]

    def dispatch(self, event: str, data: EventData, *, guild_id: int | None = None, intent: int = 0) -> None:
        """Send an event to every session whose shard owns ``guild_id`` and that asked for ``intent``.

        From a guild the bot is not in, only interactions arrive (a member's user install of the app).
        """
        if guild_id is not None and event != "INTERACTION_CREATE" and not self._world.has_bot(guild_id):
            return
        for session in self.sessions.values():
            if not session.handles_guild(guild_id):
                continue
            if intent and not session.intents & intent:
                continue
            session.push(event, data(session.intents) if callable(data) else data)
        self._world.notify()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress")
        problems = []
        if request.query.get("v") != "10":
            problems.append(f"gateway version {request.query.get('v')!r}, expected '10'")
        if request.query.get("encoding", "json") != "json":
            problems.append(f"encoding {request.query.get('encoding')!r} is not supported by loopback")
        if compress not in supported_compression():
            problems.append(f"compress={compress!r} is not supported by loopback")
        if problems:
            for problem in problems:
                self._world.report("gateway", problem)
            await ws.close(code=4000, message=b"unsupported connection parameters")
            return ws
        connection = Connection(ws, request, _Encoder(compress))
        self.connections.add(connection)
        pump = asyncio.create_task(connection.pump())
        try:
            await connection.send({"op": HELLO, "s": None, "t": None, "d": {"heartbeat_interval": self._heartbeat_ms}})
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await connection.close(4002, b"Error while decoding payload.")
                    break
                await self._receive(connection, json.loads(message.data))
        finally:
            pump.cancel()
            self.connections.discard(connection)
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
                # A client that closes with 1000/1001 ends its session, exactly like on Discord.
                # (When the server closed first, the code seen here is only the client's echo.)
                if not connection.closed_by_server and ws.close_code in (1000, 1001):
                    self.sessions.pop(session.id, None)
            self._world.notify()
        return ws

    async def _receive(self, connection: Connection, payload: Json) -> None:
        op = payload.get("op")
        data: Json = payload.get("d") or {}
        if op == HEARTBEAT:
            connection.outbox.put_nowait({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
        elif op == IDENTIFY:
            await self._identify(connection, data)
        elif op == RESUME:
            await self._resume(connection, data)
        elif connection.session is None:
            await connection.close(4003, b"Not authenticated.")
        elif op == PRESENCE_UPDATE:
            connection.session.presence = data
        elif op == REQUEST_GUILD_MEMBERS:
            self._send_member_chunk(connection.session, data)
        else:
            self._world.report("gateway", f"unsupported gateway opcode {op}: {payload}")
            await connection.close(4001, b"Unknown opcode.")

    async def _identify(self, connection: Connection, data: Json) -> None:
        if connection.session is not None:
            await connection.close(4005, b"Already authenticated.")
            return
        if data.get("token") != self._world.token:
            await connection.close(4004, b"Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents & ~KNOWN_INTENTS:
            await connection.close(4013, b"Invalid intent(s).")
            return
        if intents & PRIVILEGED & ~self._privileged_allowed:
            await connection.close(4014, b"Disallowed intent(s).")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if not 0 <= shard_id < shard_count:
            await connection.close(4010, b"Invalid shard.")
            return
        self.identify_count += 1
        session = Session(uuid.uuid4().hex, shard_id, shard_count, intents, connection=connection)
        session.presence = data.get("presence")
        self.sessions[session.id] = session
        connection.session = session
        world = self._world
        guilds = [g for g in world.guilds.values() if session.handles_guild(g.id) and world.has_bot(g.id)]
        session.push(
            "READY",
            {
                "v": 10,
                "user": {**world.bot_user.payload(), "verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self._url(),
                "shard": [shard_id, shard_count],
                "application": {"id": str(world.application_id), "flags": self.application_flags},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
            },
        )
        for guild in guilds:
            session.push(
                "GUILD_CREATE",
                guild.create_payload(bot_id=world.bot_user.id, include_all_members=bool(intents & GUILD_MEMBERS)),
            )
        world.notify()

    async def _resume(self, connection: Connection, data: Json) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self._world.token:
            self.invalid_session_count += 1
            connection.outbox.put_nowait({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return
        seq = data.get("seq") or 0
        if seq > session.seq:
            await connection.close(4007, b"Invalid seq.")
            return
        if session.connection is not None and session.connection is not connection:
            await session.connection.close(4000, b"Session resumed elsewhere.")
        self.resume_count += 1
        session.connection = connection
        connection.session = session
        for payload in session.sent:
            if payload["s"] > seq:
                connection.outbox.put_nowait(payload)
        connection.outbox.put_nowait({"op": DISPATCH, "t": "RESUMED", "s": None, "d": {}})
        self._world.notify()

    def _send_member_chunk(self, session: Session, data: Json) -> None:
        guild = self._world.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            m
            for m in guild.members.values()
            if (not wanted or m.user.id in wanted) and m.user.username.lower().startswith(query)
        ]
        chunk: Json = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in wanted - {m.user.id for m in members}],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        session.push("GUILD_MEMBERS_CHUNK", chunk)

    async def drop(self, *, code: int | None, resumable: bool) -> None:
        """Close every live connection; ``code=None`` drops the TCP connection without a close frame."""
        for connection in list(self.connections):
            session = connection.session
            if session is not None and not resumable:
                self.sessions.pop(session.id, None)
            if code is None:
                connection.closed_by_server = True
                transport = connection.request.transport
                if transport is not None:
                    transport.abort()
            else:
                await connection.close(code, b"loopback: dropped by the test")

    async def close(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001, b"loopback: server shutting down")
