"""``python -m bench``: run every benchmark module's ``main()`` in turn (modules are found, not listed)."""

from __future__ import annotations

import importlib
import pkgutil

import bench


def main() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")):
        importlib.import_module(f"bench.{module}").main()
        print()


if __name__ == "__main__":
    main()
