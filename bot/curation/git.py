"""Committing a knowledge edit when the knowledge folder is inside a git work tree.

``git`` runs as a subprocess with a timeout, in the folder, with the variables that would point it at
another repository removed. Any failure (git not installed, not a work tree, a hook refusing, no
identity) is a :class:`GitError` with git's own words: the edit stays on disk and the moderator is told.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: Seconds one git command may take; a hung hook or lock must not hold the edit forever.
TIMEOUT = 20
#: Who commits when git has no identity configured (the moderator is named in the message).
FALLBACK_NAME = "PM-or-PO bot"
FALLBACK_EMAIL = "pmpo-bot@localhost"
_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


class GitError(Exception):
    """A git command failed; the message is what to tell the moderator."""


def _run(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in _REDIRECTS}
    environment.update(env or {})
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {TIMEOUT} s") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {said[-1] if said else f'exit status {done.returncode}'}")
    return done.stdout.strip()


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree ``folder`` is in, or None (not in one, or no git)."""
    try:
        top = _run(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(top) if top else None


def has_changes(top: Path, file: Path) -> bool:
    """Whether ``file`` differs from what is committed (or is not committed at all)."""
    return bool(_run(top, "status", "--porcelain", "--", str(file)))


def commit(top: Path, file: Path, message: str) -> str:
    """Commit ``file`` alone (whatever else is staged stays staged) and return the new commit's id."""
    env: dict[str, str] = {}
    try:
        _run(top, "config", "user.email")
    except GitError:
        env = {
            "GIT_AUTHOR_NAME": FALLBACK_NAME,
            "GIT_AUTHOR_EMAIL": FALLBACK_EMAIL,
            "GIT_COMMITTER_NAME": FALLBACK_NAME,
            "GIT_COMMITTER_EMAIL": FALLBACK_EMAIL,
        }
    _run(top, "add", "--", str(file))
    _run(top, "commit", "--quiet", "--message", message, "--only", "--", str(file), env=env)
    return _run(top, "rev-parse", "HEAD")
