"""`pmpo-bot check --posting FILE|-`, run as a real process: the reading as JSON or text; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.check.posting.intake import CLI_LIMIT, MAX_BYTES
from tests.helpers import REPO

AD = """Product Owner – Claims Release Train (SAFe)
Harbourline Insurance · 7,000 colleagues

What you'll do
- Own the team backlog and write the user stories for the Claims team.
- The roadmap is set by the ART's Product Manager, who also runs the customer interviews.
- Work towards the KPIs that the Business Owners set for each PI.

What we offer
- A pension, 28 days of holiday and hybrid work.
"""


def pmpo(*args: str, stdin: bytes = b"", cwd: Path = REPO) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", *args],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_json_reading_and_verdict_from_stdin() -> None:
    done = pmpo("--posting", "-", "--json", stdin=AD.encode())
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert out["answers"] == {"roadmap": "pm", "customers": "pm", "metrics": "pm"}
    assert out["context"] == {"title": "po", "size": "5000+", "model": "safe", "kind": "enterprise"}
    assert out["evidence"]["roadmap"] == [
        "The roadmap is set by the ART's Product Manager, who also runs the customer interviews."
    ]
    assert out["evidence"]["metrics"] == ["Work towards the KPIs that the Business Owners set for each PI."]
    assert out["verdict_id"] == "formal-safe-po"
    assert out["title"] == "The formal SAFe PO"
    assert out["role_type"] == "product" and out["closest_entry"] is None
    assert out["reasons"][0].startswith("**Roadmap: a PM above.**")
    assert out["next_steps"][0].startswith("The ad puts the roadmap with someone else (“The roadmap is set by")
    assert out["assumed"] == []
    assert set(out) >= {"answers", "context", "evidence", "verdict_id", "title", "reasons", "next_steps"}


def test_text_reading_from_a_file(tmp_path: Path) -> None:
    ad = tmp_path / "ad.txt"
    ad.write_text("Product Owner\n\nYou talk to customers every week.\n", encoding="utf-8")
    done = pmpo("--posting", str(ad))
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert out.startswith("What the ad says:\n  Roadmap: not stated in the ad\n")
    assert "  Customers: this role\n    “You talk to customers every week.”\n" in out
    assert "Not in the ad (assumed): size=51-500, model=unsure, kind=other" in out
    assert "Verdict: Ask before you accept (ask-before-you-accept)" in out
    assert "The ad never says who owns the roadmap: ask who decides" in out


def test_a_job_that_is_not_a_product_role() -> None:
    done = pmpo("--posting", "-", "--json", stdin=b"Scrum Master, Payments. Coach the team and run its events.")
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert out["role_type"] == "scrum-master"
    assert out["closest_entry"] == "job-vs-accountability"
    assert out["verdict_id"] is None and out["title"] == "A Scrum Master job, not a PM or PO role"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "the ad is empty; paste the text of a job ad"),
        (b"  \n\t\n", "the ad is empty; paste the text of a job ad"),
        (b"%PDF-1.7\n\x00\x01binary", "the input is not text (it contains NUL bytes)"),
        (b"Product Owner \xff\xfe caf\xe9", "the input is not UTF-8 text"),
        (b"a" * (MAX_BYTES + 1), "the input is over 1 MB, which is not a job ad"),
        (b"word " * (CLI_LIMIT // 5 + 1), f"characters, over the limit of {CLI_LIMIT:,}"),
    ],
    ids=["empty", "blank", "binary", "not-utf8", "over-1mb", "over-limit"],
)
def test_input_that_is_not_an_ad_is_one_line_and_exit_2(stdin: bytes, message: str) -> None:
    done = pmpo("--posting", "-", stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert done.stdout == b""
    assert err.count("\n") == 1 and err.startswith("pmpo-bot: ") and message in err


def test_an_ad_at_the_limit_is_read() -> None:
    ad = ("Product Owner\n\n" + "You talk to customers every week. " * 1000)[:CLI_LIMIT]
    done = pmpo("--posting", "-", "--json", stdin=ad.encode())
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["answers"]["customers"] == "role"


def test_a_missing_file_and_answers_given_as_well(tmp_path: Path) -> None:
    missing = pmpo("--posting", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
    both = pmpo("--posting", "-", "--answers", "roadmap=role", stdin=b"Product Owner")
    assert both.returncode == 2
    assert (
        both.stderr.decode() == "pmpo-bot: --posting reads the answers from the ad; leave out --answers and --context\n"
    )
