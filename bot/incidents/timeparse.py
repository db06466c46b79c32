"""Read the time at the start of a timeline entry, such as "09:05 rolled back".

People record what already happened, so a clock time without a date means the most
recent such moment: 23:50 typed at 00:10 means yesterday. Absolute times more than
`FUTURE_TOLERANCE` ahead of now are rejected, which leaves room for clocks that
disagree by a few minutes.

Local times are read in the reader's time zone, and the result is always in UTC.
Around daylight-saving changes:

- A wall time that happens twice (clocks going back) means its later occurrence,
  unless that one lies in the future.
- A wall time that never happens (clocks going forward) raises TimeParseError,
  because guessing an hour either way would store a wrong instant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TypeAlias
from zoneinfo import ZoneInfo

from bot.errors import WarroomError

FUTURE_TOLERANCE = timedelta(minutes=5)

ACCEPTED_FORMS = (
    "09:05 or 9:05 (24-hour, in your time zone)",
    "9:05pm",
    "yesterday 21:30",
    "2026-12-04 09:00",
    "2026-12-04T09:00+10:00",
    "09:00 UTC",
    "10m ago",
    "2h ago",
    "1d ago",
    "now",
)

_FLAGS = re.IGNORECASE | re.ASCII

# A time ends at the end of the text, at whitespace, at a comma or semicolon, or at
# a colon followed by whitespace ("09:00: rolled back").
_END = r"(?=$|[\s,;]|:(?:\s|$))"
_CLOCK = (
    r"(?P<hour>\d{1,2})"
    r"(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?)?"
    r"(?:\s*(?P<meridiem>[ap])\.?m\.?)?"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|\s*UTC|\s*GMT)?"
)
_NOW = re.compile(rf"now{_END}", _FLAGS)
_RELATIVE = re.compile(rf"(?P<amount>\d+)\s*(?P<unit>[a-z]+)\s+ago{_END}", _FLAGS)
_YESTERDAY_START = re.compile(r"yesterday\s+(?:at\s+)?\d", _FLAGS)
_YESTERDAY = re.compile(rf"yesterday\s+(?:at\s+)?{_CLOCK}{_END}", _FLAGS)
_DATE_START = re.compile(r"\d{4}-\d{1,2}-\d{1,2}", _FLAGS)
_DATE_TIME = re.compile(
    rf"(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})[T ]{_CLOCK}{_END}",
    _FLAGS,
)
_CLOCK_ONLY = re.compile(rf"{_CLOCK}{_END}", _FLAGS)
# A hyphen, en dash or em dash, comma, colon or semicolon that follows a time.
_SEPARATOR = re.compile(r"^\s*(?:[,;:\-\u2013\u2014](?=\s|$))?\s*")

_UNITS = {
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
}

# A parser returns the instant and where the time ends in the text, or None when
# the text does not start with its form.
_Parsed: TypeAlias = tuple[datetime, int] | None

# Longer inputs are shortened in messages so that an error stays one readable line.
_SHOWN_INPUT_LIMIT = 60


class TimeParseError(WarroomError, ValueError):
    """Text that should start with a time starts with an invalid one or with none."""

    def __init__(self, text: str, problem: str) -> None:
        excerpt = text
        if len(text) > _SHOWN_INPUT_LIMIT:
            excerpt = text[:_SHOWN_INPUT_LIMIT] + "…"
        forms = ", ".join(ACCEPTED_FORMS[:-1]) + f" or {ACCEPTED_FORMS[-1]}"
        super().__init__(
            f"Could not record the time at the start of {excerpt!r} because {problem}. "
            f"Start with one of these forms: {forms}."
        )
        self.text = text
        self.problem = problem


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, str]:
    """Parse the time at the start of `text` and return it in UTC with the rest.

    `now` must be timezone-aware. `tz` is the reader's time zone, used for times
    without an offset. The rest is stripped of surrounding whitespace and of a
    separator such as "-" or "," that follows the time.

    Raises TimeParseError when the text does not start with a valid time, or when
    the time lies more than 5 minutes in the future.
    """
    parsed = _parse_start(text, now=now, tz=tz)
    if parsed is None:
        raise TimeParseError(text, "it does not start with a time")
    return parsed


def parse_optional_when(
    text: str, *, now: datetime, tz: ZoneInfo
) -> tuple[datetime, str]:
    """Parse a time at the start of `text` like `parse_when`, defaulting to now.

    Text that does not start with something shaped like a time is returned unchanged
    with `now` in UTC. Text that starts like a time but is invalid ("25:99 foo",
    "2026-12-04 without a time", "3 weeks ago") still raises TimeParseError, so a
    typo is reported instead of being stored as part of the entry. A leading "now"
    counts as a time, so "now rolling back" returns "rolling back".
    """
    parsed = _parse_start(text, now=now, tz=tz)
    if parsed is None:
        return now.astimezone(UTC), text
    return parsed


# "mitigated at 14:05" reads like "mitigated 14:05".
_LEADING_AT = re.compile(r"^at\s+(?=\d|yesterday\b)", re.IGNORECASE)


def _parse_start(
    text: str, *, now: datetime, tz: ZoneInfo
) -> tuple[datetime, str] | None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, not {now!r}.")

    start = _LEADING_AT.sub("", text.lstrip(), count=1)
    parsers = (_parse_now, _parse_relative, _parse_yesterday, _parse_date_time)
    for parser in (*parsers, _parse_clock):
        try:
            result = parser(start, text, now, tz)
        except OverflowError:
            raise TimeParseError(text, "the date is out of range") from None
        if result is not None:
            instant, end = result
            rest = _SEPARATOR.sub("", start[end:], count=1)
            return instant.astimezone(UTC), rest.strip()
    return None


def _parse_now(start: str, text: str, now: datetime, tz: ZoneInfo) -> _Parsed:
    match = _NOW.match(start)
    if match is None:
        return None
    return now, match.end()


def _parse_relative(start: str, text: str, now: datetime, tz: ZoneInfo) -> _Parsed:
    match = _RELATIVE.match(start)
    if match is None:
        return None

    unit = _UNITS.get(match["unit"].lower())
    if unit is None:
        units = "s, m, min, h, hour, d or day (and their plurals)"
        raise TimeParseError(text, f"{match['unit']!r} is not a unit; use {units}")
    try:
        instant = now - timedelta(**{unit: int(match["amount"])})
    except OverflowError:
        raise TimeParseError(text, f"{match[0]!r} is too far in the past") from None
    return instant, match.end()


def _parse_yesterday(start: str, text: str, now: datetime, tz: ZoneInfo) -> _Parsed:
    if _YESTERDAY_START.match(start) is None:
        return None
    match = _YESTERDAY.match(start)
    if match is None or not _has_clock(match):
        raise TimeParseError(text, "the time after 'yesterday' is not HH:MM")

    clock, zone = _read_clock(match, text, tz)
    yesterday = now.astimezone(zone).date() - timedelta(days=1)
    instant = _latest_instant([yesterday], clock, zone, now, text, match[0])
    return instant, match.end()


def _parse_date_time(start: str, text: str, now: datetime, tz: ZoneInfo) -> _Parsed:
    if _DATE_START.match(start) is None:
        return None
    match = _DATE_TIME.match(start)
    if match is None or not _has_clock(match):
        problem = "a date needs a time after it, as in 2026-12-04 09:00"
        raise TimeParseError(text, problem)

    try:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise TimeParseError(text, f"{match[0]!r} is not a valid date") from None
    clock, zone = _read_clock(match, text, tz)
    instant = _latest_instant([day], clock, zone, now, text, match[0])
    return instant, match.end()


def _parse_clock(start: str, text: str, now: datetime, tz: ZoneInfo) -> _Parsed:
    match = _CLOCK_ONLY.match(start)
    if match is None or not _has_clock(match):
        return None

    # Today unless that is in the future, which the search order below decides
    # per instant, so that a wall time repeated by a daylight-saving change works.
    clock, zone = _read_clock(match, text, tz)
    today = now.astimezone(zone).date()
    days = [today, today - timedelta(days=1)]
    instant = _latest_instant(days, clock, zone, now, text, match[0])
    return instant, match.end()


def _has_clock(match: re.Match[str]) -> bool:
    """Tell whether a match is a time of day, which a bare number like "9" is not."""
    return match["minute"] is not None or match["meridiem"] is not None


def _read_clock(match: re.Match[str], text: str, tz: ZoneInfo) -> tuple[time, tzinfo]:
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    second = int(match["second"] or 0)
    microsecond = int((match["fraction"] or "0").ljust(6, "0"))
    meridiem = (match["meridiem"] or "").lower()

    if meridiem and not 1 <= hour <= 12:
        problem = f"{match[0]!r} has an hour outside 1-12, which am and pm need"
        raise TimeParseError(text, problem)
    if meridiem:
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeParseError(text, f"{match[0]!r} is not a valid time of day")

    clock = time(hour, minute, second, microsecond)
    return clock, _read_zone(match["zone"], match[0], text, tz)


def _read_zone(zone: str | None, matched: str, text: str, tz: ZoneInfo) -> tzinfo:
    if zone is None:
        return tz
    zone = zone.strip().upper()
    if zone in ("Z", "UTC", "GMT"):
        return UTC

    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise TimeParseError(text, f"{matched!r} has an invalid UTC offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if zone.startswith("-") else offset)


def _latest_instant(
    days: list[date],
    clock: time,
    zone: tzinfo,
    now: datetime,
    text: str,
    matched: str,
) -> datetime:
    """Return the latest instant at `clock` on the first of `days` that has one.

    Instants more than FUTURE_TOLERANCE after now do not count. A wall time in a
    daylight-saving gap raises TimeParseError unless the gap lies in the future,
    in which case the next day in `days` is tried.
    """
    latest_allowed = now + FUTURE_TOLERANCE
    latest_wall = latest_allowed.astimezone(zone).replace(tzinfo=None)
    for day in days:
        instants = _instants(day, clock, zone)
        past = [instant for instant in instants if instant <= latest_allowed]
        if past:
            return past[-1]
        if not instants and datetime.combine(day, clock) <= latest_wall:
            problem = (
                f"{matched!r} does not exist on {day.isoformat()} in {zone}, where "
                "clocks moved forward past it. Use the time shown after the change, "
                "or a time with a UTC offset"
            )
            raise TimeParseError(text, problem)

    minutes = FUTURE_TOLERANCE // timedelta(minutes=1)
    problem = f"{matched!r} is more than {minutes} minutes in the future"
    raise TimeParseError(text, problem)


def _instants(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """Return the UTC instants whose wall time in `zone` is `day` at `clock`.

    The list is empty inside a daylight-saving gap and has two entries in a fold.
    """
    wall = datetime.combine(day, clock)
    instants: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        round_trip = instant.astimezone(zone).replace(tzinfo=None)
        if round_trip == wall and instant not in instants:
            instants.append(instant)
    return sorted(instants)
