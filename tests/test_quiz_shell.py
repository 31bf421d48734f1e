"""The quiz in the shell, driven through a pipe: numbered options, skip, quit, pause and continue."""

from __future__ import annotations

import io

from bot.services import Services
from bot.shell import run_shell
from bot.shell.session import LOCAL_USER_ID
from tests.test_quiz_engine import quiz_services

__all__ = ["quiz_services"]


async def run(services: Services, text: str) -> str:
    out = io.StringIO()
    await run_shell(services, io.StringIO(text), out)
    return out.getvalue()


async def test_a_whole_quiz_with_an_answer_a_read_a_skip_and_the_score(quiz_services: Services) -> None:
    # Four questions of three options: 1-3 answer, 4 skips, 5 quits. After a result: 1 next, 2 read, 3 quit.
    script = "/quiz start salary 5\n1\n2\n1\n4\n2\n1\n1\n1\n/quiz stats\n"
    output = await run(quiz_services, script)

    assert output.count(" of 4 · Salary ==") == 7  # 4 questions + 3 results (the skipped one has none)
    assert output.count("The Salary theme has only 4 questions, so this quiz has 4.") == 1  # asked for 5
    assert "  4. Skip this question\n  5. Quit the quiz" in output
    assert output.count("Because of salary ") == 3  # the explanation after every answer
    assert output.count("Answer: Right") == 3  # piped: plain text, no Markdown markers
    assert "== Who owns the roadmap? ==\nThe PM, in theory." in output  # the linked entry, read once
    rows = await quiz_services.db.fetchall("SELECT outcome, user_id FROM quiz_answers ORDER BY position")
    outcomes = [r["outcome"] for r in rows]
    assert outcomes[1] == "skipped" and len(outcomes) == 4
    assert {r["user_id"] for r in rows} == {LOCAL_USER_ID}
    right = outcomes.count("right")
    assert output.count("✅ Right!") == right
    assert f"{right} of 4 right · {3 * right} of 12 points" in output
    assert "**" not in output
    assert "1 skipped" in output and "Time taken:" in output and "By theme" in output
    assert "Quizzes: 1 started, 1 finished, 0 unfinished" in output


async def test_input_ending_pauses_and_quiz_continues_then_quits(quiz_services: Services) -> None:
    first = await run(quiz_services, "/quiz In Theory 5\n1\n")
    assert "Question 1 of 5 · In theory" in first
    assert "Paused. Type /quiz to continue (the quiz expires after 60 minutes" in first

    second = await run(quiz_services, "/quiz salary\n1\n3\n")
    assert "You already have a quiz going" in second and "In theory" in second
    assert "1. Continue it\n  2. Abandon it and start the new one" in second
    assert "Question 1 of 5 · In theory ==" in second  # continued where it stood: the answered question
    assert "== Quiz stopped · In theory ==" in second
    assert "This quiz counts as unfinished" in second and "4 not reached" in second


async def test_abandon_from_the_shell_starts_the_new_quiz(quiz_services: Services) -> None:
    await run(quiz_services, "/quiz theory 5\n")
    output = await run(quiz_services, "/quiz salary 5\n2\n")
    assert "Question 1 of 4 · Salary" in output
    row = await quiz_services.db.fetchone("SELECT status FROM quiz_sessions WHERE theme = 'In theory'")
    assert row is not None and row["status"] == "abandoned"


async def test_bad_input_gets_a_message_and_usage(quiz_services: Services) -> None:
    output = await run(quiz_services, "/quiz salery\n/quiz theory 7\n/quiz stats\n")
    assert "There is no quiz theme 'salery' (did you mean 'Salary'?)" in output
    assert "A quiz has 5, 10 or 15 questions." in output
    assert output.count("Usage: /quiz [start] [theme] [5|10|15]") == 2
    assert "You haven't played yet." in output


async def test_the_shipped_bank_plays_in_the_shell(services: Services) -> None:
    output = await run(services, "/quiz start interviews 5\nq\n")
    assert "Question 1 of 5 · Interviews" in output and "Paused." in output
