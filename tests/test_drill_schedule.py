"""Schedule maths: parsing what moderators type, DST gaps and folds, grace windows, days of the week."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.drills import schedule as sched
from bot.drills.schedule import Due, Missed, Rule
from bot.errors import UserFacingError

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
GRACE = dt.timedelta(hours=6)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def rule(at: str, zone: ZoneInfo, days: str = "daily") -> Rule:
    return Rule(sched.parse_time(at), zone, sched.parse_days(days))


def decide(r: Rule, now: dt.datetime, active_since: dt.datetime = LONG_AGO) -> Due | Missed | None:
    return sched.decide(r, now, active_since=active_since, grace=GRACE)


@pytest.mark.parametrize(
    ("text", "expected"), [("09:30", (9, 30)), ("9:30", (9, 30)), ("23.05", (23, 5)), ("7h00", (7, 0))]
)
def test_times_are_read_in_24_hour_form(text: str, expected: tuple[int, int]) -> None:
    assert sched.parse_time(text) == dt.time(*expected)


@pytest.mark.parametrize("text", ["25:00", "9", "09:3", "noon", "9:30pm", "", "12:60"])
def test_bad_times_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(UserFacingError, match="for example 09:30"):
        sched.parse_time(text)


def test_time_zones_are_iana_names_in_any_case() -> None:
    assert sched.parse_timezone("europe/berlin").key == "Europe/Berlin"
    assert sched.parse_timezone(" America/New_York ").key == "America/New_York"


def test_bad_time_zone_is_refused_with_an_example_and_a_near_match() -> None:
    with pytest.raises(UserFacingError) as error:
        sched.parse_timezone("Europe/Berlinn")
    assert "Did you mean Europe/Berlin?" in str(error.value)
    assert "for example Europe/Berlin" in str(error.value)
    with pytest.raises(UserFacingError, match="isn't a time zone I know"):
        sched.parse_timezone("Mars/Olympus")
    with pytest.raises(UserFacingError, match="for example Europe/Berlin"):
        sched.parse_timezone("CET-ish")


def test_time_zone_autocomplete_prefers_prefixes_and_stays_under_discords_limit() -> None:
    assert sched.timezone_choices("europe/ber")[0] == "Europe/Berlin"
    assert "America/New_York" in sched.timezone_choices("new york")
    assert sched.timezone_choices("berlin")[0] == "Europe/Berlin"
    assert len(sched.timezone_choices("")) == 25
    assert len(sched.timezone_choices("a")) <= 25


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("daily", {0, 1, 2, 3, 4, 5, 6}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon, Wed, Fri", {0, 2, 4}),
        ("monday tuesday", {0, 1}),
        ("fri-mon", {4, 5, 6, 0}),
        ("sat", {5}),
    ],
)
def test_days_of_the_week(text: str, days: set[int]) -> None:
    assert sched.parse_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["mon-frii", "someday", "mon,,xyz", " , "])
def test_bad_days_get_a_clear_error(text: str) -> None:
    with pytest.raises(UserFacingError, match="mon-fri or mon,wed,fri"):
        sched.parse_days(text)


def test_days_are_written_back_in_the_shortest_form() -> None:
    assert sched.format_days(sched.parse_days("mon,tue,wed,thu,fri,sat,sun")) == "daily"
    assert sched.format_days(sched.parse_days("mon,tue,wed,thu,fri")) == "mon-fri"
    assert sched.format_days(sched.parse_days("fri,mon,wed")) == "mon, wed, fri"
    assert sched.mask_to_days(sched.days_to_mask(frozenset({0, 6}))) == {0, 6}


def test_a_time_skipped_by_spring_forward_posts_at_the_first_valid_instant_after() -> None:
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
    assert sched.resolve(dt.date(2026, 3, 29), dt.time(2, 30), BERLIN) == utc(2026, 3, 29, 1, 0)
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    assert sched.resolve(dt.date(2026, 3, 8), dt.time(2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 0)


def test_a_time_repeated_by_fall_back_is_taken_at_its_first_occurrence() -> None:
    # Berlin, 25 October 2026: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    assert sched.resolve(dt.date(2026, 10, 25), dt.time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)
    # New York, 1 November 2026: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    assert sched.resolve(dt.date(2026, 11, 1), dt.time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_an_ordinary_time_follows_the_clock_change() -> None:
    r = rule("09:30", BERLIN)
    assert sched.occurrence_on(r, dt.date(2026, 3, 28)).when == utc(2026, 3, 28, 8, 30)  # type: ignore[union-attr]
    assert sched.occurrence_on(r, dt.date(2026, 3, 30)).when == utc(2026, 3, 30, 7, 30)  # type: ignore[union-attr]


def test_spring_forward_day_is_due_from_the_jump_and_not_before() -> None:
    r = rule("02:30", BERLIN)
    before = decide(r, utc(2026, 3, 29, 0, 59, 59))
    assert before is not None and before.occurrence.local_date == dt.date(2026, 3, 28)  # still yesterday's
    after = decide(r, utc(2026, 3, 29, 1, 0))
    assert isinstance(after, Due) and after.occurrence.local_date == dt.date(2026, 3, 29)


def test_fall_back_day_has_one_occurrence_through_the_repeated_hour() -> None:
    r = rule("02:30", NEW_YORK)
    dates = set()
    moment = utc(2026, 11, 1, 4, 0)
    while moment < utc(2026, 11, 1, 9, 0):  # every minute through both 01:00-02:00 hours
        decision = decide(r, moment)
        if isinstance(decision, Due):
            dates.add((decision.occurrence.local_date, decision.occurrence.when))
        moment += dt.timedelta(minutes=1)
    assert (dt.date(2026, 11, 1), utc(2026, 11, 1, 7, 30)) in dates
    assert len({d for d, _ in dates if d == dt.date(2026, 11, 1)}) == 1


def test_repeated_local_time_gives_the_same_date_twice_so_the_ledger_posts_once() -> None:
    r = rule("01:30", NEW_YORK)
    first = decide(r, utc(2026, 11, 1, 5, 31))
    second = decide(r, utc(2026, 11, 1, 6, 31))  # 01:31 again, in EST
    assert isinstance(first, Due) and isinstance(second, Due)
    assert first.occurrence == second.occurrence  # same (date, instant): one ledger key, one post


def test_grace_window_posts_late_within_it_and_skips_after() -> None:
    r = rule("09:00", BERLIN)  # 08:00 UTC in winter
    late = decide(r, utc(2026, 11, 23, 13, 59))
    assert isinstance(late, Due) and late.occurrence.local_date == dt.date(2026, 11, 23)
    missed = decide(r, utc(2026, 11, 23, 14, 1))
    assert isinstance(missed, Missed) and missed.late_by == dt.timedelta(hours=6, minutes=1)


def test_days_of_the_week_are_honoured() -> None:
    r = rule("09:00", BERLIN, "mon-fri")
    saturday = sched.latest_occurrence(r, utc(2026, 11, 28, 12, 0))
    assert saturday is not None and saturday.local_date == dt.date(2026, 11, 27)  # Friday's
    assert sched.occurrence_on(r, dt.date(2026, 11, 28)) is None
    upcoming = sched.upcoming(r, utc(2026, 11, 27, 9, 0))  # Friday after the post
    assert [o.local_date.weekday() for o in upcoming[:3]] == [0, 1, 2]


def test_nothing_from_before_the_schedule_was_set_up_is_posted() -> None:
    r = rule("09:30", BERLIN)
    set_up = utc(2026, 11, 23, 9, 0)  # 10:00 in Berlin, after today's 09:30
    assert decide(r, utc(2026, 11, 23, 9, 1), active_since=set_up) is None
    tomorrow = decide(r, utc(2026, 11, 24, 8, 31), active_since=set_up)
    assert isinstance(tomorrow, Due) and tomorrow.occurrence.local_date == dt.date(2026, 11, 24)


def test_local_date_follows_the_servers_zone_not_utc() -> None:
    r = rule("23:30", NEW_YORK)  # 04:30 UTC the next day
    decision = decide(r, utc(2026, 11, 24, 4, 31))
    assert isinstance(decision, Due) and decision.occurrence.local_date == dt.date(2026, 11, 23)
