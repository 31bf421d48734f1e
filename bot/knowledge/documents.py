"""YAML documents that remember where every value came from.

Moderators fix what they can find: every problem the validator reports carries ``file:line:col``, so
the loader keeps a map from each value's path (``("entries", 3, "title")``) to its position.
Loading is always safe loading: only plain YAML types are ever constructed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]
_STR_TAG = "tag:yaml.org,2002:str"

#: libyaml's loader when PyYAML was built with it: several times faster, with the same line/column marks.
#: Its error messages are terser, so a file it rejects is parsed again by the pure-Python loader.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the knowledge base, printed as ``file:line:col: message``."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass
class Document:
    """A parsed YAML file: the plain data, and its text to find any value's position on demand.

    Positions are needed only when a problem is reported, so a valid file keeps neither its node tree
    nor a position table: the text is parsed again the first time a position is asked for. A document
    read from a file (``path``) gives up its text and data once its kind has read them (:meth:`release`):
    every item keeps its document for positions, and holding every file's text and parsed data for them
    doubled the memory of a large knowledge base. A position asked for later reads the file again.
    """

    file: str
    data: Any
    text: str = field(default="", repr=False)
    #: The file it was read from, to read again for positions once released; None for text parsed as is.
    path: Path | None = field(default=None, repr=False, compare=False)
    _root: yaml.Node | None = field(default=None, init=False, repr=False, compare=False)

    def release(self) -> None:
        """Let go of the text, the data and any node tree: positions then come from reading the file again."""
        if self.path is not None:
            self.text, self.data, self._root = "", None, None

    def _source(self) -> str:
        if self.text or self.path is None:
            return self.text
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""  # gone since it was read: positions fall back to the start of the file

    def position(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its key; nearest parent if unknown."""
        if self._root is None:
            source = self._source()
            self._root = yaml.compose(source, Loader=FAST_LOADER) if source else None
        node = self._root
        if node is None:
            return (1, 1)
        mark = node.start_mark
        key_mark = None
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                        key_mark, child = key_node.start_mark, value_node
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key_mark, child = None, node.value[part]
            if child is None:
                break
            node, mark = child, child.start_mark
        else:
            if key and key_mark is not None:
                mark = key_mark
        return (mark.line + 1, mark.column + 1)

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, message)


class DocumentError(Exception):
    """The file is not YAML we can read; carries the located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def display_name(path: Path) -> str:
    """The path as the moderator would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_document(text: str, file: str) -> Document:
    """Parse one YAML document, raising :class:`DocumentError` with the position of a syntax error."""
    try:
        return _parse(text, file, FAST_LOADER)
    except DocumentError:
        if FAST_LOADER is yaml.SafeLoader:
            raise
    return _parse(text, file, yaml.SafeLoader)


def _parse(text: str, file: str, loader_class: type[yaml.SafeLoader]) -> Document:
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:  # raised by the constructor, before any parsing
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise DocumentError(
            Problem(file, line, col, f"the invisible character U+{code:04X} is not allowed in YAML; delete it")
        ) from None
    try:
        node = loader.get_single_node()
        return Document(file=file, data=None if node is None else _convert(node, loader), text=text)
    except yaml.MarkedYAMLError as exc:
        raise DocumentError(syntax_problem(exc, text, file)) from None
    except yaml.YAMLError as exc:
        raise DocumentError(Problem(file, 1, 1, f"YAML error: {exc}")) from None
    finally:
        loader.dispose()


def syntax_problem(error: yaml.MarkedYAMLError, text: str, file: str) -> Problem:
    """A YAML syntax error located where the moderator has to fix it, and where parsing gave up.

    PyYAML fails where the text stopped making sense, often lines after the real mistake: an unclosed
    quote swallows every line up to the next quote character. So the problem is placed at the start of
    the construct PyYAML was reading (its context mark), or at a quoted value that ran over several lines
    right up to the failure (almost always a missing closing quote), and the message adds where parsing
    failed.
    """
    failed = error.problem_mark or error.context_mark
    what = error.problem or error.context or "invalid YAML"
    if failed is None:
        return Problem(file, 1, 1, f"YAML syntax error: {what}")
    failed_at = f"line {failed.line + 1}, column {failed.column + 1}"
    quote = _runaway_quote(text, failed)
    if quote is not None:
        start = quote.start_mark
        message = (
            f"YAML syntax error: the quoted text starting here runs on to line {quote.end_mark.line + 1} "
            f"(is its closing quote missing?); parsing failed at {failed_at}: {what}"
        )
        return Problem(file, start.line + 1, start.column + 1, message)
    context, start = error.context, error.context_mark
    if error.problem and context and context.startswith("while ") and start is not None and start != failed:
        message = f"YAML syntax error {context} that starts here; parsing failed at {failed_at}: {error.problem}"
        return Problem(file, start.line + 1, start.column + 1, message)
    if error.problem and context and not context.startswith("while "):
        what = f"{context}, {error.problem}"
    return Problem(file, failed.line + 1, failed.column + 1, f"YAML syntax error: {what}")


def _runaway_quote(text: str, failed: yaml.Mark) -> yaml.ScalarToken | None:
    """The quoted scalar spanning several lines that is the last token before ``failed``, if there is one."""
    last: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if (token.start_mark.line, token.start_mark.column) >= (failed.line, failed.column):
                break
            last = token
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.style in ('"', "'") and last.end_mark.line > last.start_mark.line:
        return last
    return None


def load_document(path: Path) -> Document:
    file = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(Problem(file, 1, 1, f"file is not UTF-8 text ({exc.reason})")) from None
    except OSError as exc:
        raise DocumentError(Problem(file, 1, 1, f"cannot read file: {exc.strerror}")) from None
    document = parse_document(text, file)
    document.path = path
    return document


def _convert(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR_TAG:
            return node.value  # most scalars: PyYAML's generic constructor would only return this, slowly
        value = loader.construct_object(node, deep=True)
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if not isinstance(value, Hashable):
            raise _marked(node, "unsupported YAML value")
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, loader) for item in node.value]
    if not isinstance(node, yaml.MappingNode):
        raise _marked(node, "unsupported YAML value")
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if key_node.tag == _STR_TAG else loader.construct_object(key_node, deep=True)
        if key == "<<":
            raise _marked(key_node, "merge keys (<<) are not supported; write the keys out")
        if not isinstance(key, str):
            raise _marked(key_node, f"keys must be text, got {key!r}")
        if key in result:
            raise _marked(key_node, f"duplicate key '{key}' in the same mapping")
        result[key] = _convert(value_node, loader)
    return result


def _marked(node: yaml.Node, problem: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=problem, problem_mark=node.start_mark)
