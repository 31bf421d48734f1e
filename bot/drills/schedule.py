"""Schedule maths for the daily drill: pure functions of a rule and an instant, so tests need no clock.

A rule is a wall-clock time, an IANA time zone and a set of weekdays. Each local date on an allowed day
has exactly one *occurrence*, the UTC instant the drill is due:

* a local time that does not exist that day (skipped by a spring-forward change) falls on the first
  valid instant after it, i.e. the moment the clocks jump;
* a local time that happens twice (autumn fall-back) is taken at its first occurrence (``fold=0``),
  so the date still has one occurrence and the drill goes out once.

The poster asks :func:`decide` on every tick: the most recent occurrence that has passed is *due* if it
is not older than the grace window, *missed* if it is. The ledger (one row per server and local date)
turns "due" into "posted once".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import process

from bot import limits
from bot.errors import UserFacingError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = frozenset(range(7))
WEEKDAYS_ONLY = frozenset(range(5))
_DAY_NAMES = {name: i for i, name in enumerate(WEEKDAYS)} | {
    full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_DAY_NAMES |= {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_ALIASES = {"daily": ALL_DAYS, "everyday": ALL_DAYS, "weekdays": WEEKDAYS_ONLY, "weekends": frozenset({5, 6})}
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
#: How far back an occurrence is looked for; more than a week covers any set of days.
_LOOKBACK_DAYS = 8

TIME_EXAMPLE = "Use 24-hour HH:MM, for example 09:30 or 18:00."
TIMEZONE_EXAMPLE = "Use an IANA time zone name, for example Europe/Berlin or America/New_York."
DAYS_EXAMPLE = "Use for example daily, weekdays, mon-fri or mon,wed,fri."


@dataclass(frozen=True)
class Rule:
    """When a server's drill is due: ``at`` local time in ``zone`` on ``days`` (0 = Monday)."""

    at: dt.time
    zone: ZoneInfo
    days: frozenset[int]


@dataclass(frozen=True)
class Occurrence:
    local_date: dt.date
    when: dt.datetime  # UTC


@dataclass(frozen=True)
class Due:
    occurrence: Occurrence


@dataclass(frozen=True)
class Missed:
    occurrence: Occurrence
    late_by: dt.timedelta


def parse_time(text: str) -> dt.time:
    """``09:30`` (also ``9:30``, ``09.30``, ``9h30``) → a time; anything else is refused with an example."""
    match = _TIME.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise UserFacingError(f"'{limits.echo(text)}' isn't a time I understand. {TIME_EXAMPLE}")


def format_time(at: dt.time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


@cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA name the bundled tzdata knows, sorted; ``localtime``-style aliases are left out."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone by name (case-insensitive), or a refusal with an example and a near match."""
    wanted = name.strip()
    exact = {n.lower(): n for n in timezone_names()}.get(wanted.lower())
    if exact is not None:
        try:
            return ZoneInfo(exact)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    match = process.extractOne(wanted, list(timezone_names()), score_cutoff=80) if wanted else None
    hint = f" Did you mean {match[0]}?" if match else ""
    raise UserFacingError(f"'{limits.echo(name)}' isn't a time zone I know.{hint} {TIMEZONE_EXAMPLE}")


def timezone_choices(typed: str, limit: int = 25) -> list[str]:
    """Autocomplete: names starting with what was typed first, then names containing it anywhere."""
    needle = typed.strip().lower().replace(" ", "_")
    names = timezone_names()
    if not needle:
        return list(names[:limit])
    starts = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in starts]
    return (starts + contains)[:limit]


def parse_days(text: str) -> frozenset[int]:
    """``daily``, ``weekdays``, ``mon-fri``, ``mon,wed,fri``, ``fri-mon`` (wraps) → weekday numbers."""
    cleaned = text.strip().lower()
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    days: set[int] = set()
    for part in re.split(r"[,\s]+", cleaned):
        if not part:
            continue
        first, dash, last = part.partition("-")
        start = _day(first, text)
        if not dash:
            days.add(start)
            continue
        end = _day(last, text)
        span = (end - start) % 7
        days.update((start + i) % 7 for i in range(span + 1))
    if not days:
        raise UserFacingError(f"No days given. {DAYS_EXAMPLE}")
    return frozenset(days)


def _day(name: str, text: str) -> int:
    if name in _DAY_NAMES:
        return _DAY_NAMES[name]
    raise UserFacingError(
        f"'{limits.echo(name or text)}' in '{limits.echo(text)}' isn't a day of the week. {DAYS_EXAMPLE}"
    )


def format_days(days: frozenset[int]) -> str:
    """The shortest way to write ``days`` back, e.g. ``daily``, ``mon-fri``, ``mon, wed, fri``."""
    if days == ALL_DAYS:
        return "daily"
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{WEEKDAYS[ordered[0]]}-{WEEKDAYS[ordered[-1]]}"
    return ", ".join(WEEKDAYS[d] for d in ordered)


def days_to_mask(days: frozenset[int]) -> int:
    return sum(1 << d for d in days)


def mask_to_days(mask: int) -> frozenset[int]:
    return frozenset(d for d in range(7) if mask & (1 << d))


def resolve(local_date: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of ``at`` on ``local_date`` in ``zone``, following the gap and fold rules above."""
    first = dt.datetime.combine(local_date, at, tzinfo=zone)  # fold=0: the earlier of a repeated time
    utc = first.astimezone(dt.UTC)
    if _wall(utc, zone) == (local_date, at):
        return utc
    # The wall time was skipped. Reading it with the offset after the change gives an instant before
    # the jump, reading it with the offset before gives one after; the jump lies between, and it is
    # the first instant whose wall-clock reading is at or past the wanted time.
    low, high = sorted((first.replace(fold=1).astimezone(dt.UTC), utc))
    wanted = dt.datetime.combine(local_date, at)
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wanted:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _wall(utc: dt.datetime, zone: ZoneInfo) -> tuple[dt.date, dt.time]:
    local = utc.astimezone(zone)
    return local.date(), local.time().replace(tzinfo=None)


def local_today(rule: Rule, now: dt.datetime) -> dt.date:
    return now.astimezone(rule.zone).date()


def occurrence_on(rule: Rule, local_date: dt.date) -> Occurrence | None:
    """The occurrence on ``local_date``, or None when that weekday is not scheduled."""
    if local_date.weekday() not in rule.days:
        return None
    return Occurrence(local_date, resolve(local_date, rule.at, rule.zone))


def latest_occurrence(rule: Rule, now: dt.datetime) -> Occurrence | None:
    """The most recent occurrence at or before ``now``."""
    today = local_today(rule, now)
    for back in range(_LOOKBACK_DAYS):
        found = occurrence_on(rule, today - dt.timedelta(days=back))
        if found is not None and found.when <= now:
            return found
    return None


def upcoming(rule: Rule, after: dt.datetime) -> list[Occurrence]:
    """Occurrences strictly after ``after``, for at least the next two weeks, in order."""
    today = local_today(rule, after)
    found = []
    for ahead in range(2 * _LOOKBACK_DAYS):
        occurrence = occurrence_on(rule, today + dt.timedelta(days=ahead))
        if occurrence is not None and occurrence.when > after:
            found.append(occurrence)
    return found


def decide(rule: Rule, now: dt.datetime, *, active_since: dt.datetime, grace: dt.timedelta) -> Due | Missed | None:
    """What the poster should do about this rule now.

    Occurrences before ``active_since`` (when the schedule was set up or resumed) are never posted, so
    setting a 09:30 drill at 10:00 starts tomorrow instead of posting at once.
    """
    occurrence = latest_occurrence(rule, now)
    if occurrence is None or occurrence.when < active_since:
        return None
    late_by = now - occurrence.when
    if late_by > grace:
        return Missed(occurrence, late_by)
    return Due(occurrence)
