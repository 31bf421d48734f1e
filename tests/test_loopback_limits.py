"""Discord's documented limits as the loopback server enforces them, one boundary at a time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.loopback import limits

Json = dict[str, Any]


def button(custom_id: str, label: str = "ok") -> Json:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def row(*components: Json) -> Json:
    return {"type": 1, "components": list(components)}


def codes(violations: list[limits.Violation]) -> set[tuple[str, str]]:
    return {(".".join(map(str, path)), code) for path, code, _message in violations}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "x" * 2000}, set()),
        ({"content": "x" * 2001}, {("content", "BASE_TYPE_MAX_LENGTH")}),
        ({"embeds": [{"title": "t"}] * 11}, {("embeds", "BASE_TYPE_MAX_LENGTH")}),
        ({"embeds": [{"title": "x" * 257}]}, {("embeds.0.title", "BASE_TYPE_MAX_LENGTH")}),
        ({"embeds": [{"description": "x" * 4097}]}, {("embeds.0.description", "BASE_TYPE_MAX_LENGTH")}),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, {("embeds.0.fields", "BASE_TYPE_MAX_LENGTH")}),
        (
            {"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]},
            {("embeds.0.fields.0.name", "BASE_TYPE_MAX_LENGTH")},
        ),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]},
            {("embeds.0.fields.0.value", "BASE_TYPE_MAX_LENGTH")},
        ),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, {("embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH")}),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, {("embeds.0.author.name", "BASE_TYPE_MAX_LENGTH")}),
        (
            {"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]},
            {("embeds", "MAX_EMBED_SIZE_EXCEEDED")},
        ),
        ({"components": [row(button(f"b{i}")) for i in range(6)]}, {("components", "BASE_TYPE_BAD_LENGTH")}),
        (
            {"components": [row(*(button(f"b{i}") for i in range(6)))]},
            {("components.0.components", "BASE_TYPE_BAD_LENGTH")},
        ),
        ({"components": [row(button("x" * 101))]}, {("components.0.components.0.custom_id", "BASE_TYPE_MAX_LENGTH")}),
        ({"components": [row(button("same"), button("same"))]}, {("components", "COMPONENT_CUSTOM_ID_DUPLICATED")}),
        (
            {"components": [row(button("b", label="x" * 81))]},
            {("components.0.components.0.label", "BASE_TYPE_MAX_LENGTH")},
        ),
        (
            {"components": [row({"type": 2, "style": 1, "label": "no id"})]},
            {("components.0.components.0.custom_id", "BASE_TYPE_REQUIRED")},
        ),
        (
            {
                "components": [
                    row({"type": 3, "custom_id": "s", "options": [{"label": "o", "value": str(i)} for i in range(26)]})
                ]
            },
            {("components.0.components.0.options", "BASE_TYPE_BAD_LENGTH")},
        ),
        ({"components": [button("top-level")]}, {("components.0.type", "UNION_TYPE_CHOICES")}),
    ],
)
def test_message_limits(body: Json, expected: set[tuple[str, str]]) -> None:
    assert codes(limits.message_violations(body)) == expected


def text_input(custom_id: str, label: str = "Label") -> Json:
    return row({"type": 4, "custom_id": custom_id, "style": 1, "label": label})


@pytest.mark.parametrize(
    ("modal", "expected"),
    [
        ({"custom_id": "m", "title": "x" * 45, "components": [text_input("a")]}, set()),
        ({"custom_id": "m", "title": "x" * 46, "components": [text_input("a")]}, {("title", "BASE_TYPE_BAD_LENGTH")}),
        (
            {"custom_id": "m", "title": "t", "components": [text_input(str(i)) for i in range(6)]},
            {("components", "BASE_TYPE_BAD_LENGTH")},
        ),
        (
            {"custom_id": "m", "title": "t", "components": [text_input("a", label="x" * 46)]},
            {("components.0.components.0.label", "BASE_TYPE_BAD_LENGTH")},
        ),
        (
            {
                "custom_id": "m",
                "title": "t",
                "components": [{"type": 18, "label": "x" * 46, "component": {"type": 4, "custom_id": "a", "style": 1}}],
            },
            {("components.0.label", "BASE_TYPE_BAD_LENGTH")},
        ),
        (
            {
                "custom_id": "m",
                "title": "t",
                "components": [
                    {"type": 18, "label": "l", "component": {"type": 4, "custom_id": "a", "max_length": 4001}}
                ],
            },
            {("components.0.component.max_length", "NUMBER_TYPE_MAX")},
        ),
    ],
)
def test_modal_limits(modal: Json, expected: set[tuple[str, str]]) -> None:
    assert codes(limits.modal_violations(modal)) == expected


def test_autocomplete_limits() -> None:
    ok = {"choices": [{"name": "x" * 100, "value": "v"}] * 25}
    assert limits.autocomplete_violations(ok) == []
    too_many = {"choices": [{"name": "n", "value": "v"}] * 26}
    assert codes(limits.autocomplete_violations(too_many)) == {("choices", "BASE_TYPE_BAD_LENGTH")}
    too_long = {"choices": [{"name": "x" * 101, "value": "v"}]}
    assert codes(limits.autocomplete_violations(too_long)) == {("choices.0.name", "BASE_TYPE_BAD_LENGTH")}


def test_command_limits() -> None:
    good = {
        "name": "ask",
        "description": "Ask",
        "options": [{"type": 3, "name": "q", "description": "d", "required": True}],
    }
    assert limits.command_violations(good) == []
    bad = {
        "name": "Ask Me",
        "description": "",
        "options": [
            {"type": 3, "name": "later", "description": "d"},
            {"type": 3, "name": "first", "description": "d", "required": True},
        ],
    }
    assert codes(limits.command_violations(bad)) == {
        ("name", "APPLICATION_COMMAND_INVALID_NAME"),
        ("description", "BASE_TYPE_BAD_LENGTH"),
        ("options.1.required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"),
    }


def test_empty_messages_are_refused_before_field_checks() -> None:
    assert limits.is_empty_message({"content": "", "embeds": []})
    assert not limits.is_empty_message({"components": [row(button("b"))]})
