"""What is stored about a member, counted per table and described in words a member understands."""

from __future__ import annotations

from dataclasses import dataclass

#: How each table reads to a member; a table missing here is still shown and deleted, under its own name.
DESCRIPTIONS = {
    "helpful_votes": "your 'Helpful?' votes on answers",
    "check_sessions": "your three-question checks and their verdicts",
    "check_postings": "the job ad you are checking (deleted when that check ends)",
    "quiz_sessions": "your quizzes and their scores",
    "quiz_answers": "your answers to quiz questions",
    "drill_answers": "your drill practice answers and their feedback (streaks are counted from these)",
    "drill_schedule_contacts": "drill schedules you set up as a moderator (you are told if one pauses)",
    "interview_sessions": "your mock interviews (which drills, how far you got)",
    "interview_answers": "your mock interview answers and their feedback",
    "suggestion_opens": "entries you opened when a question of yours had no answer (and whether they helped)",
    "member_cooldowns": "when you last used each command, for its cooldown (shared by every bot process)",
}


@dataclass(frozen=True)
class StoredData:
    """Row counts per kind of data for one member."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        return [f"{count} × {describe(table)}" for table, count in self.counts.items() if count]


def describe(table: str) -> str:
    return DESCRIPTIONS.get(table, table.replace("_", " "))
