"""The mock interview in the shell, driven through a pipe: answers on one line, numbered choices, pause and
continue, history, and /drill explaining its choice."""

from __future__ import annotations

import io

from bot.services import Services
from bot.shell import run_shell
from bot.shell.session import LOCAL_USER_ID

ANSWER = (
    "I ran 12 customer interviews a quarter, I decided to kill the roadmap item nobody would pay for, "
    "and I defined success as the renewal rate of the accounts using it."
)


async def run(services: Services, text: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(text), out)
    return out.getvalue()


async def test_a_whole_mock_interview_then_history(services: Services) -> None:
    # Per question: 1 (Answer), the answer, 1 (Next: the follow-up), 1 (Answer), the reply, 1 (Next).
    step = f"1\n{ANSWER}\n1\n1\n{ANSWER}\n1\n"
    output = await run(services, f"/interview start po applying 3\n{step * 3}/interview history\n")
    for number in (1, 2, 3):
        assert f"== Question {number} of 3 · PO applying for PM ==" in output
        assert f"== Question {number} of 3 · follow-up ==" in output
    assert "  1. Answer\n  2. Quit" in output and "  1. Next: the follow-up\n  2. Quit" in output
    assert "-- Why this question\nChosen because" in output.replace("   ", "")
    assert "== Mock interview complete · PO applying for PM ==" in output
    assert "3 of 3 questions answered" in output and "Follow-ups answered: 3" in output
    assert "== Your interview practice ==" in output and "· finished" in output
    rows = await services.db.fetchall("SELECT user_id FROM interview_answers")
    assert [r["user_id"] for r in rows] == [LOCAL_USER_ID] * 6


async def test_input_ending_pauses_and_interview_continues_or_quits(services: Services) -> None:
    first = await run(services, f"/interview career 3\n1\n{ANSWER}\n")
    assert "== Question 1 of 3: " in first
    assert "Paused. Type /interview to continue (it expires after 60 minutes" in first

    second = await run(services, "/interview\n1\n2\n")
    assert "You already have a mock interview going" in second and "Career changer" in second
    assert second.count("== Question 1 of 3: ") == 1  # continued where it stood: the feedback
    assert "== Mock interview stopped · Career changer ==" in second
    assert "This session counts as unfinished." in second


async def test_a_too_long_answer_is_refused_and_asked_again(services: Services) -> None:
    output = await run(services, f"/interview 3\n1\n{'x' * 1501}\n1\n{ANSWER}\n")
    assert "Your answer is 1501 characters; the limit is 1500." in output
    assert "== Question 1 of 3: " in output


async def test_drill_without_a_theme_says_why_it_was_chosen(services: Services) -> None:
    output = await run(services, "/drill\n4\n5\n")
    assert output.count("-- Why this drill") == 2  # the drill, then "Another drill"
    assert "Chosen because you haven't been judged on" in output
