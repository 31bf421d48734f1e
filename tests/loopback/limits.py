"""Discord's documented size and shape limits, checked the way Discord answers them (400, 50035).

discord.py validates almost none of these client-side, so a long answer or a twenty-sixth option
only fails once it reaches Discord. Each function returns violations; the caller prefixes their
paths (``data`` for interaction callbacks) and raises ``invalid_form_body``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.loopback import errors
from tests.loopback.errors import Violation
from tests.loopback.state import walk_components

Json = dict[str, Any]
FieldPath = tuple[str | int, ...]

IS_COMPONENTS_V2 = 1 << 15
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECTS = (3, 5, 6, 7, 8)
LINK_BUTTON, PREMIUM_BUTTON = 5, 6
LABEL = 18

EMBED_TEXT_LIMITS: dict[str, int] = {"title": 256, "description": 4096}
COMMAND_NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
SUBCOMMAND_TYPES = (1, 2)


def _max_length(path: FieldPath, value: Any, limit: int) -> Iterable[Violation]:
    if isinstance(value, str) and len(value) > limit:
        yield path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def length_between(path: FieldPath, value: Any, low: int, high: int) -> Iterable[Violation]:
    if isinstance(value, str | list) and not low <= len(value) <= high:
        yield path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."


def is_empty_message(body: Json) -> bool:
    """Discord answers 50006 when nothing would be shown."""
    keys = ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    return not any(body.get(key) for key in keys)


def message_violations(body: Json) -> list[Violation]:
    """Limits for a message body (channel message, interaction response, followup, edit)."""
    found: list[Violation] = []
    found += _max_length(("content",), body.get("content"), 2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        found.append((("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
    total = 0
    for index, embed in enumerate(embeds):
        violations, size = _embed(("embeds", index), embed)
        found += violations
        total += size
    if total > 6000:
        found.append((("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    flags = body.get("flags")
    v2 = isinstance(flags, int) and bool(flags & IS_COMPONENTS_V2)
    found += _message_components(body.get("components") or [], v2=v2)
    if v2 and (body.get("content") or embeds):
        found.append(
            (("content",), "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "content and embeds cannot be used")
        )
    return found


def _embed(path: FieldPath, embed: Json) -> tuple[list[Violation], int]:
    found: list[Violation] = []
    size = 0
    for key, limit in EMBED_TEXT_LIMITS.items():
        found += _max_length((*path, key), embed.get(key), limit)
        size += len(embed.get(key) or "")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        found.append(((*path, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
    for index, embed_field in enumerate(fields):
        found += _max_length((*path, "fields", index, "name"), embed_field.get("name"), 256)
        found += _max_length((*path, "fields", index, "value"), embed_field.get("value"), 1024)
        size += len(embed_field.get("name") or "") + len(embed_field.get("value") or "")
    footer = (embed.get("footer") or {}).get("text")
    found += _max_length((*path, "footer", "text"), footer, 2048)
    author = (embed.get("author") or {}).get("name")
    found += _max_length((*path, "author", "name"), author, 256)
    size += len(footer or "") + len(author or "")
    return found, size


def _message_components(components: list[Json], *, v2: bool) -> list[Violation]:
    found: list[Violation] = []
    if v2:
        if len(walk_components(components)) > 40:
            found.append((("components",), "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length."))
    else:
        found += length_between(("components",), components, 0, 5)
        for index, row in enumerate(components):
            if row.get("type") != ACTION_ROW:
                found.append((("components", index, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be 1.'))
    for index, component in enumerate(components):
        found += _component(("components", index), component)
    found += _duplicate_custom_ids(components)
    return found


def _component(path: FieldPath, component: Json) -> list[Violation]:
    found: list[Violation] = []
    kind = component.get("type")
    found += _max_length((*path, "custom_id"), component.get("custom_id"), 100)
    if kind == ACTION_ROW:
        children = component.get("components") or []
        found += length_between((*path, "components"), children, 1, 5)
        if any(c.get("type") in SELECTS for c in children) and len(children) > 1:
            found.append(
                (
                    (*path, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            )
        for index, child in enumerate(children):
            found += _component((*path, "components", index), child)
    elif kind == BUTTON:
        found += _max_length((*path, "label"), component.get("label"), 80)
        if component.get("style") not in (LINK_BUTTON, PREMIUM_BUTTON) and not component.get("custom_id"):
            found.append(((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required"))
    elif kind in SELECTS:
        found += _max_length((*path, "placeholder"), component.get("placeholder"), 150)
        if kind == STRING_SELECT:
            options = component.get("options") or []
            found += length_between((*path, "options"), options, 1, 25)
            for index, option in enumerate(options):
                for key in ("label", "value", "description"):
                    found += _max_length((*path, "options", index, key), option.get(key), 100)
    elif kind == TEXT_INPUT:
        found.append(((*path, "type"), "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals"))
    else:  # components V2 layout: sections, containers and the like nest further components
        for index, child in enumerate(component.get("components") or []):
            found += _component((*path, "components", index), child)
        if isinstance(component.get("accessory"), dict):
            found += _component((*path, "accessory"), component["accessory"])
    return found


def _duplicate_custom_ids(components: list[Json]) -> list[Violation]:
    seen: set[str] = set()
    found: list[Violation] = []
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            found.append(
                (
                    ("components",),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    f"Component custom id cannot be duplicated: {custom_id}",
                )
            )
        seen.add(custom_id)
    return found


def modal_violations(data: Json) -> list[Violation]:
    """Limits for a type 9 callback's ``data`` (title 45, up to 5 inputs, labels 45)."""
    found: list[Violation] = []
    found += length_between(("title",), data.get("title") or "", 1, 45)
    found += length_between(("custom_id",), data.get("custom_id") or "", 1, 100)
    components = data.get("components") or []
    found += length_between(("components",), components, 1, 5)
    for index, top in enumerate(components):
        path: FieldPath = ("components", index)
        if top.get("type") == LABEL:
            found += length_between((*path, "label"), top.get("label") or "", 1, 45)
            found += _max_length((*path, "description"), top.get("description"), 100)
        for inner_index, component in enumerate(top.get("components") or []):
            found += _modal_input((*path, "components", inner_index), component)
        if isinstance(top.get("component"), dict):
            found += _modal_input((*path, "component"), top["component"])
    found += _duplicate_custom_ids(components)
    return found


def _modal_input(path: FieldPath, component: Json) -> list[Violation]:
    found: list[Violation] = []
    found += length_between((*path, "custom_id"), component.get("custom_id") or "", 1, 100)
    if component.get("type") == TEXT_INPUT:
        if component.get("label") is not None:  # inside a Label component the input has none
            found += length_between((*path, "label"), component["label"], 1, 45)
        found += _max_length((*path, "placeholder"), component.get("placeholder"), 100)
        found += _max_length((*path, "value"), component.get("value"), 4000)
        found += _number_between((*path, "min_length"), component.get("min_length"), 0, 4000)
        found += _number_between((*path, "max_length"), component.get("max_length"), 1, 4000)
    return found


def _number_between(path: FieldPath, value: Any, low: int, high: int) -> Iterable[Violation]:
    """A text input's length bounds: Discord refuses the modal when one is out of range."""
    if isinstance(value, int) and value < low:
        yield path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {low}."
    elif isinstance(value, int) and value > high:
        yield path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {high}."


def autocomplete_violations(data: Json) -> list[Violation]:
    """Limits for a type 8 callback's ``data``: at most 25 choices, names and values up to 100."""
    found: list[Violation] = []
    choices = data.get("choices") or []
    found += length_between(("choices",), choices, 0, 25)
    for index, choice in enumerate(choices):
        found += length_between(("choices", index, "name"), choice.get("name") or "", 1, 100)
        found += _max_length(("choices", index, "value"), choice.get("value"), 100)
    return found


def command_violations(command: Json) -> list[Violation]:
    """What Discord rejects when commands are uploaded, which otherwise breaks sync at startup."""
    found: list[Violation] = []
    name = command.get("name") or ""
    is_chat_input = command.get("type", 1) == 1
    if is_chat_input and (not COMMAND_NAME.match(name) or name != name.lower()):
        found.append((("name",), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
    if is_chat_input:
        found += length_between(("description",), command.get("description") or "", 1, 100)
    found += _options(("options",), command.get("options") or [])
    return found


def _options(path: FieldPath, options: list[Json]) -> list[Violation]:
    found: list[Violation] = []
    found += length_between(path, options, 0, 25)
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        found.append((path, "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Option names must be unique"))
    seen_optional = False
    for index, option in enumerate(options):
        option_path = (*path, index)
        option_name = option.get("name") or ""
        if not COMMAND_NAME.match(option_name) or option_name != option_name.lower():
            found.append(((*option_path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"))
        found += length_between((*option_path, "description"), option.get("description") or "", 1, 100)
        choices = option.get("choices") or []
        found += length_between((*option_path, "choices"), choices, 0, 25)
        for choice_index, choice in enumerate(choices):
            found += length_between((*option_path, "choices", choice_index, "name"), choice.get("name") or "", 1, 100)
            found += _max_length((*option_path, "choices", choice_index, "value"), choice.get("value"), 100)
        if option.get("type") in SUBCOMMAND_TYPES:
            found += _options((*option_path, "options"), option.get("options") or [])
        elif option.get("required"):
            if seen_optional:
                found.append(
                    (
                        (*option_path, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
    return found


def check_new_message(body: Json, filenames: list[str]) -> None:
    """Discord's order: an empty message is 50006 before any 50035 about its fields."""
    if is_empty_message(body) and not filenames:
        raise errors.empty_message()
    check(message_violations(body))


def check(violations: list[Violation], *, prefix: FieldPath = ()) -> None:
    if violations:
        raise errors.invalid_form_body([((*prefix, *path), code, message) for path, code, message in violations])
