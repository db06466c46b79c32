"""Work out when reminders and deadlines fall due in the recipient's time zone.

Dates are calendar dates in the recipient's time zone, and every instant returned
is in UTC. Local times are converted on the day they fall on, so a 09:00 reminder stays
at 09:00 local time across daylight-saving changes.

Working days are weekday numbers as `date.weekday()` returns them, Monday being 0.
NOTE: Public holidays are not known here, so a working day can fall on one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_TIME = time(9, 0)
DEFAULT_WORKING_DAYS = frozenset({0, 1, 2, 3, 4})

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant at which clocks in `zone` show `at` on `day`.

    A wall time in a daylight-saving gap maps to the first instant after the gap, so
    02:30 on a day when clocks jump from 02:00 to 03:00 becomes 03:00. A wall time
    that happens twice maps to its first occurrence.
    """
    if at.tzinfo is not None:
        raise ValueError(f"at must be a time without a time zone, not {at!r}.")

    wall = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant
    return _end_of_gap(wall, zone)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the instant at which the daylight-saving gap around `wall` ends.

    Inside a gap, zoneinfo converts with the offset from before the change when
    fold=0, which gives an instant after the change, and with the offset from after
    it when fold=1, which gives an instant before. zoneinfo does not expose its
    transitions, so a binary search finds the change between those two instants. It
    runs on whole seconds because tz database transitions fall on whole seconds.
    """
    before = wall.replace(fold=1).astimezone(UTC).replace(microsecond=0)
    after = wall.replace(fold=0).astimezone(UTC)
    if after.microsecond:
        after = after.replace(microsecond=0) + _ONE_SECOND
    offset_after = after.astimezone(zone).utcoffset()

    while after - before > _ONE_SECOND:
        middle = before + (after - before) // 2
        middle = middle.replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def due_reminder_at(due: date, zone: ZoneInfo) -> datetime:
    """Return 09:00 local time on the due date, in UTC."""
    return local_moment(due, REMINDER_TIME, zone)


def next_working_day(
    after: date, working_days: frozenset[int] = DEFAULT_WORKING_DAYS
) -> date:
    """Return the first working day strictly after `after`.

    Raises ValueError when `working_days` is empty or contains a number outside 0-6.
    """
    _check_working_days(working_days)
    if not working_days:
        raise ValueError("working_days is empty, so no day is a working day.")

    day = after + _ONE_DAY
    while day.weekday() not in working_days:
        day += _ONE_DAY
    return day


def overdue_reminders(
    due: date,
    *,
    now: datetime,
    zone: ZoneInfo,
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS,
) -> datetime | None:
    """Return when the next overdue reminder falls due, in UTC.

    An item is overdue from the day after its due date. The reminder falls at 09:00
    local time on the first working day after `due` whose 09:00 lies strictly after
    `now`, which must be timezone-aware. Returns None when `working_days` is empty,
    which turns overdue reminders off.
    """
    _check_aware(now, "now")
    _check_working_days(working_days)
    if not working_days:
        return None

    # Days before today in `zone` cannot have their 09:00 after now.
    yesterday = now.astimezone(zone).date() - _ONE_DAY
    day = max(due, yesterday)
    while True:
        day = next_working_day(day, working_days)
        reminder = local_moment(day, REMINDER_TIME, zone)
        if reminder > now:
            return reminder


def add_business_days(
    start: date, days: int, working_days: frozenset[int] = DEFAULT_WORKING_DAYS
) -> date:
    """Return the date `days` working days after `start`.

    `start` itself never counts, so 1 business day after a Friday or a Saturday is
    the Monday, and 0 business days return `start` even on a weekend.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}.")

    day = start
    for _ in range(days):
        day = next_working_day(day, working_days)
    return day


def deadline(
    start: datetime,
    *,
    days: int,
    business: bool,
    zone: ZoneInfo,
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS,
) -> datetime:
    """Return the instant `days` days after `start` at the same local time, in UTC.

    With `business`, only working days count, as in a postmortem due 5 business days
    after resolution. The local time of day is kept across daylight-saving changes,
    and `local_moment` resolves a time that the change skips or repeats. 0 days
    returns `start` itself, even when it is the second occurrence of a repeated time.
    """
    _check_aware(start, "start")
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}.")
    if days == 0:
        return start.astimezone(UTC)

    local = start.astimezone(zone)
    if business:
        day = add_business_days(local.date(), days, working_days)
    else:
        day = local.date() + timedelta(days=days)
    return local_moment(day, local.time(), zone)


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, not {moment!r}.")


def _check_working_days(working_days: frozenset[int]) -> None:
    invalid = sorted(day for day in working_days if day not in range(7))
    if invalid:
        raise ValueError(
            "Working days are weekday numbers from 0 (Monday) to 6 (Sunday), so "
            f"{invalid} are invalid."
        )
