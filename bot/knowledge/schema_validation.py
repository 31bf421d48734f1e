"""JSON Schema validation of knowledge files, with messages a moderator can act on.

The same schema files drive editors (through the ``yaml-language-server`` comment at the top of every
YAML file) and this validator, so what VS Code underlines is what ``pmpo-bot kb validate`` reports.

Two validators over the same schema, because a knowledge base is nearly always valid: jsonschema-rs
(Rust) answers "valid?" about 50× faster than jsonschema, which made validation most of the load time of
a large knowledge base; jsonschema, whose errors carry the failing rule and its schema, explains the
problems of the few files that have some. A property test keeps the two in agreement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs
from jsonschema.exceptions import ValidationError

from bot.knowledge.documents import Document, Problem


@cache
def schema(name: str) -> dict[str, Any]:
    text = (resources.files("bot.knowledge") / "schemas" / name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())


@cache
def _fast_validator(name: str) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema(name), validate_formats=True)


def schema_problems(document: Document, schema_name: str) -> list[Problem]:
    """Every schema violation in the document, each at the position of the offending key or value."""
    try:
        if _fast_validator(schema_name).is_valid(document.data):
            return []
    except ValueError:  # a value JSON has no form for (YAML allows more): let jsonschema judge it
        pass
    problems: list[Problem] = []
    for error in _validator(schema_name).iter_errors(document.data):
        problems.extend(_explain(document, error))
    return sorted(set(problems))


def _explain(document: Document, error: ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    where = _label(path)
    value: Any = error.instance
    validator = error.validator
    expected: Any = error.validator_value
    rules: Any = error.schema
    if validator == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(rules.get("properties", {}))
        for key in value:
            if key not in allowed:
                yield document.problem(
                    (*path, key), f"unknown key '{key}' in {where} (allowed: {', '.join(allowed)})", key=True
                )
        return
    if validator == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        for key in missing:
            yield document.problem(path, f"missing required key '{key}' in {where}")
        return
    if validator == "maxLength" and isinstance(value, str):
        yield document.problem(path, f"{where} is {len(value)} characters, over the limit of {expected}")
        return
    if validator == "minLength" and isinstance(value, str):
        yield document.problem(path, f"{where} is empty" if not value.strip() else f"{where} is too short")
        return
    if validator == "type":
        yield document.problem(path, f"{where} should be {_article(expected)}, got {_kind(value)}")
        return
    if validator == "const":
        yield document.problem(path, f"{where} must be '{expected}'")
        return
    if validator == "enum":
        options = ", ".join(str(v) for v in expected)
        yield document.problem(path, f"{where} is '{value}', expected one of: {options}")
        return
    if validator == "pattern":
        yield document.problem(path, f"{where} '{value}' does not match the expected form {expected}")
        return
    if validator in ("minItems", "maxItems"):
        bound = "at least" if validator == "minItems" else "at most"
        yield document.problem(path, f"{where} needs {bound} {expected} item(s), has {len(value)}")
        return
    yield document.problem(path, f"{where}: {error.message}")


def _label(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the file"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"'{text}'"


def _article(type_name: Any) -> str:
    names = {
        "string": "text",
        "array": "a list",
        "object": "a mapping",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
    }
    if isinstance(type_name, list):
        return " or ".join(names.get(str(t), str(t)) for t in type_name)
    return names.get(type_name, str(type_name))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
