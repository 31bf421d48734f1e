"""Writing an edit into the knowledge folder: validated in full first, then written atomically.

The validator reads files from disk, and the edited file must not be on disk before it passes, so the
folder is copied to a temporary folder with the edited text in place and validated there; problems are
reported with the real folder's paths. Only then is the real file replaced, through a temporary file
and ``os.replace`` (a reader, in this process or another, sees the old file or the new one, never half),
and only if nobody changed it meanwhile: otherwise the edit is made again on the new text.

Synchronous (validation takes seconds on a large knowledge base): the service runs it in a thread.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.curation import git
from bot.knowledge.documents import Problem, display_name
from bot.knowledge.loader import load_knowledge

#: How often an edit is made again when the file changed between reading and replacing it.
ATTEMPTS = 3


@dataclass(frozen=True)
class Written:
    """What an accepted edit did to the file, and whether it can be committed."""

    file: Path
    before: str
    after: str
    #: The git work tree to commit in; None when the folder is not in one (``note`` says why not).
    work_tree: Path | None
    note: str | None


class Refused(Exception):
    """The edited knowledge would not pass the validator; ``problems`` says why, as the validator does."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read_text(path: Path) -> str:
    """A knowledge file's exact text (line endings as they are: no newline translation)."""
    return path.read_bytes().decode("utf-8")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply(root: Path, file: Path, transform: Callable[[str], str]) -> Written:
    """Make ``transform`` of ``file``'s text the new file, if the whole folder then validates.

    Raises :class:`Refused` with the validator's problems, or ``EditError`` from ``transform``; in both
    cases nothing was written.
    """
    top = git.work_tree(root)
    note = None if top is not None else "the knowledge folder is not in a git work tree"
    try:
        if top is not None and git.has_changes(top, file):
            top, note = None, "the file had changes not yet committed, so the edit was left for you to commit"
    except git.GitError as error:
        top, note = None, str(error)
    for _ in range(ATTEMPTS):
        before = read_text(file)
        after = transform(before)
        problems = validate(root, file, after)
        if problems:
            raise Refused(problems)
        if replace_if_unchanged(file, before, after):
            return Written(file, before, after, top, note)
    raise RuntimeError(f"{file} kept changing while the edit was being made; try again")


def validate(root: Path, file: Path, text: str) -> tuple[Problem, ...]:
    """Every problem the full validator finds in ``root`` with ``file`` holding ``text``."""
    with tempfile.TemporaryDirectory(prefix="pmpo-kb-edit-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        (copy / file.relative_to(root)).write_bytes(text.encode("utf-8"))
        result = load_knowledge(copy)
        shown, real = display_name(copy), display_name(root)
        return tuple(
            dataclasses.replace(p, file=p.file.replace(shown, real, 1), message=p.message.replace(shown, real))
            for p in result.problems
        )


def replace_if_unchanged(file: Path, expected: str, text: str) -> bool:
    """Replace ``file`` with ``text`` atomically, unless it no longer holds ``expected``."""
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(file, temporary)
        if read_text(file) != expected:
            return False
        os.replace(temporary, file)
        return True
    finally:
        temporary.unlink(missing_ok=True)
