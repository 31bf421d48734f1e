"""The core stays Discord-free, so it can be tested directly and reused by the shell."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

#: The runner is the one module in bot/ allowed to know about Discord.
DISCORD_SIDE = {Path("bot/client.py")}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_imports_nothing_from_discord_or_cogs() -> None:
    offenders = []
    for path in sorted((REPO / "bot").rglob("*.py")):
        relative = path.relative_to(REPO)
        if relative in DISCORD_SIDE:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in ("discord", "cogs"):
                offenders.append(f"{relative}: {module}")
    assert offenders == []


def test_every_extension_has_setup() -> None:
    for path in sorted((REPO / "cogs").glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}
        assert "setup" in names, f"{path.name} is loaded as an extension but has no async def setup(bot)"


def test_nothing_reads_the_shared_folder() -> None:
    """A user's clone has no shared folder beside it: whatever the project uses is vendored."""
    forbidden = ("/".join(("..", "shared")), "/".join(("", "work", "shared")))
    for folder in ("bot", "cogs", "tests", "bench", "scripts"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not any(name in text for name in forbidden), path
