"""The HTTP API under /api/v10: request recording, auth, 429s, spec validation and dispatch.

Every request is recorded (``server.requests``) before anything else, so tests can assert on what
the bot sent even when the answer was an error. Unknown routes get a loud 404 and are reported.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.loopback import errors
from tests.loopback.errors import ApiError
from tests.loopback.ratelimits import RateLimiter
from tests.loopback.routes import RouteTable
from tests.loopback.spec import DiscordSpec
from tests.loopback.state import World

_log = logging.getLogger(__name__)

Reply = dict[str, Any] | list[Any] | None


@dataclass
class Call:
    """A parsed request, as handlers see it."""

    method: str
    path: str
    params: dict[str, str]
    query: Mapping[str, str]
    body: Any
    filenames: list[str]
    #: Loop time when the request reached the server, before any of loopback's own work on it.
    received_at: float = 0.0

    def snowflake(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise errors.invalid_form_body([((name,), "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')])
        return int(value)

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class _Route:
    handler: Handler
    needs_auth: bool


@dataclass
class RecordedRequest:
    """One request as the bot sent it; ``route`` is the matched template (None when unknown)."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    body: Any
    status: int = 0
    files: list[str] = field(default_factory=list)


class RestApi:
    def __init__(self, world: World, spec: DiscordSpec | None, ratelimiter: RateLimiter, base_path: str) -> None:
        self._world = world
        self._spec = spec
        self._ratelimiter = ratelimiter
        self._base_path = base_path
        self._routes: RouteTable[_Route] = RouteTable()
        self.requests: list[RecordedRequest] = []
        #: (method, path pattern) answered 401 whatever the token: see ``LoopbackDiscord.reject_token``.
        self.rejecting: list[tuple[str, re.Pattern[str]]] = []

    def add(self, method: str, template: str, handler: Handler, *, needs_auth: bool = True) -> None:
        self._routes.add(method, template, _Route(handler, needs_auth))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        received_at = asyncio.get_running_loop().time()
        path = request.path.removeprefix(self._base_path) or "/"
        method = request.method
        match = self._routes.match(method, path)
        body, filenames = await _read_body(request)
        record = RecordedRequest(method, path, match.template if match else None, dict(request.query), body)
        record.files = filenames
        self.requests.append(record)
        response = self._respond(
            request, record, match.value if match else None, match.params if match else {}, received_at
        )
        record.status = response.status
        self._world.notify()
        return response

    def _respond(
        self,
        request: web.Request,
        record: RecordedRequest,
        route: _Route | None,
        params: dict[str, str],
        received_at: float,
    ) -> web.Response:
        method, path = record.method, record.path
        if route is None:
            detail = f"{method} {self._base_path}{path} is not served by loopback (body: {record.body!r:.200})"
            self._world.report("unknown route", detail)
            return json_response(404, {"message": f"404: Not Found ({detail})", "code": 0})
        authorized = request.headers.get("Authorization") == f"Bot {self._world.token}"
        if route.needs_auth and (not authorized or any(m == method and p.search(path) for m, p in self.rejecting)):
            return json_response(401, errors.unauthorized().body())
        limited = self._ratelimiter.check(method, path, exempt_from_global=not route.needs_auth)
        if limited is not None:
            return json_response(429, limited.body, headers=limited.headers)
        if self._spec is not None and method in ("POST", "PUT", "PATCH"):
            for problem in self._spec.validate(method, path, record.body):
                self._world.report("spec", f"{method} {path}: {problem}")
        call = Call(method, path, params, request.query, record.body, record.files, received_at)
        try:
            reply = route.handler(call)
        except ApiError as error:
            _log.info("loopback %s %s -> %s %s", method, path, error.status, error.body())
            return json_response(error.status, error.body())
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # A body malformed enough to trip a handler. Discord would answer 400 50035; a 500 would
            # make discord.py retry for seconds. The spec check has normally reported it already.
            self._world.report("malformed request", f"{method} {path}: {error!r} for body {record.body!r:.300}")
            return json_response(400, errors.invalid_form_body([((), "MALFORMED", str(error))]).body())
        if reply is None:
            return web.Response(status=204)
        return json_response(200, reply)


def json_response(status: int, body: Any, *, headers: Mapping[str, str] | None = None) -> web.Response:
    # discord.py only parses bodies whose content type is exactly "application/json", without
    # the "; charset=utf-8" that aiohttp's json_response would add.
    response = web.Response(status=status, body=json.dumps(body).encode(), headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    """JSON, or multipart with ``payload_json`` plus ``files[n]`` parts as discord.py sends uploads."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        form = await request.post()
        filenames = [
            part.filename for key, part in form.items() if key.startswith("files[") and hasattr(part, "filename")
        ]
        payload = form.get("payload_json")
        return (json.loads(str(payload)) if payload is not None else None), filenames
    text = await request.text()
    return (json.loads(text) if text else None), []
