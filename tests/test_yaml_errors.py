"""YAML syntax errors point where the moderator has to fix them (issue #13, point 6), through the CLI.

PyYAML fails where the text stopped making sense, often lines after the mistake; the report names the
start of the broken construct first and where parsing failed second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import SHIPPED_KNOWLEDGE

SALARY_TITLE = 'title: "How much do PMs and POs earn in the US (2026)?"'


def run_bot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def test_an_unclosed_quote_in_a_knowledge_file_is_reported_on_its_own_line(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    salary = knowledge / "entries" / "salary.yaml"
    lines = salary.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip() == SALARY_TITLE)  # line 6 in the issue
    lines[index] = lines[index].rstrip().removesuffix('"') + "\n"
    salary.write_text("".join(lines), encoding="utf-8")

    done = run_bot("kb", "validate", "knowledge", cwd=tmp_path)

    assert done.returncode == 1
    report = done.stdout + done.stderr
    assert (
        f"knowledge/entries/salary.yaml:{index + 1}:12: YAML syntax error: the quoted text starting here runs on"
        in report
    )
    failed_at = re.search(r"\(is its closing quote missing\?\); parsing failed at line (\d+), column \d+", report)
    assert failed_at is not None and int(failed_at[1]) > index + 1  # where PyYAML gave up, lines later


def test_an_unclosed_quote_in_the_config_file_is_reported_on_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        'database:\n  path: "data/pmpo.sqlite3\nknowledge:\n  path: knowledge\nlogging:\n  level: INFO\n',
        encoding="utf-8",
    )

    done = run_bot("kb", "validate", cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "pmpo-bot: config.yaml:2:9: YAML syntax error while scanning a quoted scalar that starts here; "
        "parsing failed at line 7, column 1: found unexpected end of stream"
    ]
