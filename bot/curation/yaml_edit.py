"""Edits to a knowledge file's text that leave every other byte as it was.

Why not a round-trip YAML library: ruamel.yaml re-emits the whole file from its parse, and on the shipped
knowledge base (25 files, its indentation set to ours, no line wrapping) 2 files came back changed
where nothing was edited (a nested list written at a different indent from the rest of its file was
re-indented). Moderators review these edits as git diffs, so the only safe change is an insertion: the
file is parsed (with the validator's own loader, for positions) only to find *where* the new text goes,
the new lines copy the indentation and quoting of their neighbours, and the result is parsed again and
must equal the old data with exactly the intended value added, or the edit is refused.

Pure: text in, text out.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from bot.knowledge.documents import FAST_LOADER, DocumentError, PathKey, parse_document


class EditError(Exception):
    """The edit cannot be made to this text (not a validator problem: the file is not shaped as expected)."""


@dataclass(frozen=True)
class Flow:
    """A list written on one line, ``[a, b]`` (ids: related, sources, points_to)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A list written one ``- "item"`` per line (example questions)."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Plain:
    """A string written unquoted when YAML reads it back the same (ids)."""

    text: str


@dataclass(frozen=True)
class Literal:
    """Text kept as written, line breaks and all (``|-``): an answer in Markdown."""

    text: str


Value = str | Plain | Flow | Block | Literal
#: The quoting new strings get where no neighbour says otherwise: it can hold any text.
DOUBLE = '"'


def append_item(text: str, path: PathKey, value: str) -> str:
    """``text`` with the string ``value`` appended to the list at ``path``, quoted like the item before it."""
    data, root = _parse(text)
    node = _node_at(root, path)
    if not isinstance(node, yaml.SequenceNode):
        raise EditError(f"{_where(path)} is not a list")
    newline = _newline(text)
    if node.flow_style or not node.value:
        result = _append_flow(text, node, value)
    else:
        last = node.value[-1]
        dash = _line_start(text, last.start_mark.index)
        prefix = text[dash : last.start_mark.index]
        if prefix.strip() != "-":
            raise EditError(f"{_where(path)}: the last item does not start its own line")
        style = last.style if isinstance(last, yaml.ScalarNode) else DOUBLE
        at = _after_line(text, _content_end(text, last))
        line = prefix + _scalar(value, style) + newline
        result = text[:at] + ("" if at == 0 or text[at - 1] == "\n" else newline) + line + text[at:]
    _check(result, data, path, lambda items: [*items, value])
    return result


def append_mapping(text: str, path: PathKey, item: Mapping[str, Value]) -> str:
    """``text`` with a new mapping ``item`` appended to the block list of mappings at ``path``.

    Keys are written in ``item``'s order at the indentation of the list's last item, after a blank line
    when the items before are separated by one.
    """
    data, root = _parse(text)
    node = _node_at(root, path)
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        raise EditError(f"{_where(path)} is not a list written one item per line")
    last = node.value[-1]
    if not isinstance(last, yaml.MappingNode) or last.flow_style or not last.value:
        raise EditError(f"{_where(path)}: the last item is not a mapping written one key per line")
    newline = _newline(text)
    dash = _line_start(text, last.start_mark.index)
    dash_prefix = text[dash : last.start_mark.index]
    key_indent = " " * last.start_mark.column
    separated = len(node.value) > 1 and _blank_line_before(text, dash)
    lines = []
    for number, (key, value) in enumerate(item.items()):
        lead = dash_prefix if number == 0 else key_indent
        lines.extend(_key_lines(lead, key_indent, key, value))
    block = newline.join(lines) + newline
    at = _after_line(text, _content_end(text, last))
    head = "" if at == 0 or text[at - 1] == "\n" else newline
    result = text[:at] + head + (newline if separated else "") + block + text[at:]
    plain = {key: _plain(value) for key, value in item.items()}
    _check(result, data, path, lambda items: [*items, plain])
    return result


# -- writing values ----------------------------------------------------------------------------------


def _key_lines(lead: str, indent: str, key: str, value: Value) -> list[str]:
    inner = indent + "  "
    if isinstance(value, Flow):
        return [f"{lead}{key}: [{', '.join(_scalar(v, None) for v in value.items)}]"]
    if isinstance(value, Block):
        return [f"{lead}{key}:", *(f"{inner}- {_scalar(v, DOUBLE)}" for v in value.items)]
    if isinstance(value, Plain):
        return [f"{lead}{key}: {_scalar(value.text, None)}"]
    if isinstance(value, Literal):
        if _literal_ok(value.text):
            return [f"{lead}{key}: |-", *((inner + line).rstrip() for line in value.text.split("\n"))]
        return [f"{lead}{key}: {_scalar(value.text, DOUBLE)}"]
    return [f"{lead}{key}: {_scalar(value, DOUBLE)}"]


def _plain(value: Value) -> Any:
    if isinstance(value, Flow | Block):
        return list(value.items)
    if isinstance(value, Literal | Plain):
        return value.text
    return value


def _scalar(value: str, style: str | None) -> str:
    """``value`` as a YAML scalar in ``style`` (``"``, ``'`` or plain) when that style can hold it, else
    double-quoted, which can hold anything."""
    style = style or None  # libyaml calls the plain style "", PyYAML None
    if style == "'" and _printable(value):
        return "'" + value.replace("'", "''") + "'"
    if style is None and _printable(value) and _reads_back_plain(value):
        return value
    return _double_quoted(value)


def _double_quoted(value: str) -> str:
    """JSON's escapes are valid in YAML's double quotes; anything not printable is escaped too."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if not c.isprintable() else c for c in quoted)


def _printable(value: str) -> bool:
    return all(c.isprintable() for c in value)


def _reads_back_plain(value: str) -> bool:
    if not value or value != value.strip() or "\n" in value:
        return False
    try:
        return bool(yaml.load(f"- {value}\n", Loader=FAST_LOADER) == [value])
    except yaml.YAMLError:
        return False


def _literal_ok(text: str) -> bool:
    """A ``|-`` block holds ``text`` exactly unless it starts with a space, has odd characters, or ends
    in a line break or trailing spaces (the ``-`` strips them)."""
    lines = text.split("\n")
    return (
        "\n" in text
        and not text.startswith((" ", "\t"))
        and text == text.rstrip()
        and all(_printable(line) or "\t" in line for line in lines)
        and all(unicodedata.category(c) not in ("Zl", "Zp") for c in text)
    )


def _append_flow(text: str, node: yaml.SequenceNode, value: str) -> str:
    style = node.value[-1].style if node.value and isinstance(node.value[-1], yaml.ScalarNode) else DOUBLE
    rendered = _scalar(value, style)
    if node.value:
        at = node.value[-1].end_mark.index
        return text[:at] + ", " + rendered + text[at:]
    close = text.rindex("]", node.start_mark.index, node.end_mark.index)
    return text[:close] + rendered + text[close:]


# -- finding places ----------------------------------------------------------------------------------


def _parse(text: str) -> tuple[Any, yaml.Node]:
    try:
        data = parse_document(text, "<edit>").data
    except DocumentError as exc:
        raise EditError(f"the file is not valid YAML ({exc.problem.message})") from None
    root = yaml.compose(text, Loader=FAST_LOADER)
    if root is None:
        raise EditError("the file is empty")
    return data, root


def _node_at(root: yaml.Node, path: PathKey) -> yaml.Node:
    node = root
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            raise EditError(f"{_where(path)} is not in the file")
        node = child
    return node


def _content_end(text: str, node: yaml.Node) -> int:
    """Where ``node``'s own text ends. A block collection's end mark is the next token (maybe lines later),
    and a block scalar's takes in the blank lines after it, so both are walked back to the content."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(text, last[1] if isinstance(last, tuple) else last)
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        while end > 0 and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _after_line(text: str, index: int) -> int:
    """The index just past the line break ending the line ``index`` is on (a trailing comment included)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _blank_line_before(text: str, line_start: int) -> bool:
    previous = text.rfind("\n", 0, max(line_start - 1, 0))
    return line_start > 0 and not text[previous + 1 : line_start - 1].strip()


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _where(path: PathKey) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "the file"


def _check(after: str, data: Any, path: PathKey, change: Any) -> None:
    """The edited text must read back as the old data with only the list at ``path`` changed as meant."""
    expected = copy.deepcopy(data)
    holder = expected
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = change(holder[path[-1]])
    try:
        got = parse_document(after, "<edit>").data
    except DocumentError as exc:
        raise EditError(f"the edit would break the file ({exc.problem.message})") from None
    if got != expected:
        raise EditError(f"the edit would change {_where(path)} differently than meant; nothing was written")


#: A topic or entry id made from a title: lower-case words joined by hyphens, as the schemas require.
_ID_WORD = re.compile(r"[a-z0-9]+")


def slug(title: str, taken: Sequence[str] | set[str], limit: int = 60) -> str:
    """A stable id for a new entry or topic from its title, not one of ``taken`` (a number is added)."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    base = "-".join(_ID_WORD.findall(folded.encode("ascii", "ignore").decode())) or "entry"
    base = base[:limit].rstrip("-")
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: limit - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate
