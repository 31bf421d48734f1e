"""Path-template matching shared by the REST router and the OpenAPI operation lookup.

discord.py's routes and the OpenAPI document both describe paths as templates such as
``/channels/{channel_id}/messages/{message_id}``. Matching segment by segment (instead of with
aiohttp's router) lets the same code pick the most specific template when a literal segment and a
parameter could both match, as with ``.../messages/@original`` versus ``.../messages/{message_id}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PathTemplate:
    """A ``/a/{b}/c`` style template split into literal and parameter segments."""

    template: str

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.template.strip("/").split("/"))

    @property
    def specificity(self) -> int:
        """More literal segments win, so ``@original`` beats ``{message_id}``."""
        return sum(1 for segment in self.segments if not _is_param(segment))

    def match(self, path: str) -> dict[str, str] | None:
        parts = path.strip("/").split("/")
        segments = self.segments
        if len(parts) != len(segments):
            return None
        params: dict[str, str] = {}
        for segment, part in zip(segments, parts, strict=True):
            if _is_param(segment):
                if not part:
                    return None
                params[segment[1:-1]] = part
            elif segment != part:
                return None
        return params


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


@dataclass(frozen=True)
class RouteMatch(Generic[T]):
    """The winning template for a request, with its value and the path parameters."""

    template: str
    value: T
    params: dict[str, str]


class RouteTable(Generic[T]):
    """Maps (method, template) to a value and resolves concrete request paths to it."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, PathTemplate, T]] = []

    def add(self, method: str, template: str, value: T) -> None:
        self._routes.append((method.upper(), PathTemplate(template), value))

    def match(self, method: str, path: str) -> RouteMatch[T] | None:
        best: tuple[int, RouteMatch[T]] | None = None
        for route_method, template, value in self._routes:
            if route_method != method.upper():
                continue
            params = template.match(path)
            if params is None:
                continue
            if best is None or template.specificity > best[0]:
                best = (template.specificity, RouteMatch(template.template, value, params))
        return None if best is None else best[1]
