"""Validates the bot's request bodies against Discord's OpenAPI description (vendored in spec/).

The spec is a public preview, so it is patched in two narrow, documented ways before use:
snowflakes also accept integers (discord.py sends some ids as ints and Discord accepts both, see
spec/SOURCE.md), and ``SPEC_FIXES`` lists individual schema bugs that would reject a body
discord.py legitimately sends. Everything else is validated as written.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema
from jsonschema.exceptions import ValidationError, best_match

from tests.loopback.routes import RouteTable

Json = dict[str, Any]

SPEC_FILE = Path(__file__).parent / "spec" / "discord-openapi.json.gz"
SPEC_URI = "urn:discord-openapi"
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _accept_integer_snowflakes(schemas: Json) -> None:
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}


# Each entry: why the spec is wrong, and the in-place patch to components.schemas that fixes it.
SPEC_FIXES: list[tuple[str, Callable[[Json], None]]] = [
    ("spec/SOURCE.md: ids are typed as strings; Discord accepts integer snowflakes too", _accept_integer_snowflakes),
]


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    body_pointer: str | None


class DiscordSpec:
    """Operation lookup by method and concrete path, and request body validation."""

    def __init__(self, document: Json) -> None:
        document = copy.deepcopy(document)
        for _reason, fix in SPEC_FIXES:
            fix(document["components"]["schemas"])
        resource = referencing.Resource.from_contents(
            document, default_specification=referencing.jsonschema.DRAFT202012
        )
        self._registry: referencing.Registry[Any] = referencing.Registry().with_resource(SPEC_URI, resource)
        self._operations: RouteTable[Operation] = RouteTable()
        for template, item in document["paths"].items():
            for method in HTTP_METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                content = (operation.get("requestBody") or {}).get("content") or {}
                pointer = None
                if "application/json" in content:
                    pointer = "/".join(
                        ["#/paths", _escape(template), method, "requestBody/content/application~1json/schema"]
                    )
                self._operations.add(method, template, Operation(method, template, operation["operationId"], pointer))

    def operation(self, method: str, path: str) -> Operation | None:
        match = self._operations.match(method, path)
        return None if match is None else match.value

    def validate(self, method: str, path: str, body: Any) -> list[str]:
        """Problems with ``body`` for this operation; empty when valid or when it takes no JSON body."""
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path} is not an operation in Discord's OpenAPI description"]
        if operation.body_pointer is None:
            if body is None:
                return []
            return [f"{operation.operation_id} takes no JSON body, but one was sent"]
        errors = list(self._validator(operation.body_pointer).iter_errors(body))
        if not errors:
            return []
        return [f"{operation.operation_id}: {_describe(best_match(errors))}"]

    @functools.cache  # noqa: B019 - one spec per session, cached validators are the point
    def _validator(self, pointer: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator({"$ref": SPEC_URI + pointer}, registry=self._registry)


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


def _describe(error: ValidationError) -> str:
    """Point at the deepest failure: for unions that is usually the branch the body meant to be."""
    leaves = _leaves(error)
    deepest = max(leaves, key=lambda e: len(e.absolute_path))
    where = "/".join(str(p) for p in deepest.absolute_path) or "<body>"
    message = deepest.message if len(deepest.message) <= 300 else deepest.message[:300] + "..."
    return f"at {where}: {message}"


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


@functools.cache
def load_spec() -> DiscordSpec:
    """Parse and prepare the spec once per test session; it is 1 MB of JSON."""
    with gzip.open(SPEC_FILE, "rt", encoding="utf-8") as handle:
        return DiscordSpec(json.load(handle))
