"""The shape docs/architecture.md describes, checked on the source so it cannot drift.

* The core (``bot/``) imports nothing from Discord or the Discord side (``cogs/``, ``runner/``).
* Every cog's ``setup`` takes the typed bot.
* No import circles among the project's modules (imports under ``TYPE_CHECKING`` count too).
* SQL lives only in stores: modules named ``store.py`` and the ``bot/storage`` package.
* A feature's parts depend downwards: nothing but the registry imports a ``kind``, and no content,
  engine, cards, kind or store module imports a ``service``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import REPO

PACKAGES = ("bot", "cogs", "runner")
DISCORD_SIDE = ("discord", "cogs", "runner")
#: SQL statements as they start in a string: upper case, as every store writes them.
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|BEGIN|COMMIT|ROLLBACK|WITH)\b")
#: The database interface's methods (bot/storage/database.py); calling them is talking to the database.
DB_METHODS = {"execute", "fetchone", "fetchall", "transaction", "executescript"}
#: A feature's parts below its service.
BELOW_SERVICE = {"content", "engine", "cards", "kind", "store"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, with ``from a import b`` also counted as ``a.b``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: {other for other in imported_modules(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path that ends where it starts, or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                return [*path[path.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Each string literal in ``tree``, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def is_store(path: Path) -> bool:
    relative = path.relative_to(REPO)
    return path.name == "store.py" or relative.parts[:2] == ("bot", "storage")


def test_core_imports_nothing_from_discord_or_the_discord_side() -> None:
    offenders = [
        f"{path.relative_to(REPO)}: {module}"
        for path in sorted((REPO / "bot").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in DISCORD_SIDE
    ]
    assert offenders == []


def test_every_cog_has_a_setup_taking_the_typed_bot() -> None:
    for path in sorted((REPO / "cogs").glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        setups = [n for n in tree.body if isinstance(n, ast.AsyncFunctionDef) and n.name == "setup"]
        assert setups, f"{path.name} is loaded as an extension but has no async def setup(bot: PmPoBot)"
        (bot,) = setups[0].args.args
        annotation = ast.unparse(bot.annotation) if bot.annotation else None
        assert annotation == "PmPoBot", f"{path.name}: setup's bot is typed {annotation}, not PmPoBot"


def test_no_import_circles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or ())


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_sql_only_in_stores() -> None:
    offenders = []
    for name, path in project_modules().items():
        if is_store(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{name}:{line}: SQL {text[:30]!r}" for line, text in strings(tree) if SQL.match(text)]
        offenders += [
            f"{name}:{node.lineno}: calls .{node.func.attr}()"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DB_METHODS
        ]
    assert offenders == []


def test_a_features_parts_depend_downwards() -> None:
    offenders = []
    for name, imports in import_graph().items():
        for other in imports:
            part = other.rpartition(".")[2]
            if part == "kind" and name != "bot.knowledge.registry":
                offenders.append(f"{name} imports {other}: only the registry reads kinds")
            if part == "service" and name.rpartition(".")[2] in BELOW_SERVICE:
                offenders.append(f"{name} imports {other}: a service sits above its feature's other parts")
    assert offenders == []


def test_nothing_reads_the_shared_folder() -> None:
    """A user's clone has no shared folder beside it: whatever the project uses is vendored."""
    forbidden = ("/".join(("..", "shared")), "/".join(("", "work", "shared")))
    for folder in ("bot", "cogs", "runner", "tests", "bench", "scripts"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not any(name in text for name in forbidden), path
