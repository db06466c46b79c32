"""Report windows and the calendar months or ISO weeks they are split into.

Periods follow the calendar of one time zone (warroom.yaml `timezone`), so an
incident declared at 23:30 on 31 March in Berlin counts for March even though it is
already April in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError

MONTH = "month"
WEEK = "week"
PERIOD_KINDS = (MONTH, WEEK)

# Ten years of history is more than any trend needs and keeps the period list short.
MAX_WINDOW_DAYS = 3660
SINCE_EXAMPLES = "`90d`, `12w` or `2026-09-01`"
_RELATIVE = re.compile(r"([0-9]+)([dw])")


@dataclass(frozen=True)
class Period:
    """One calendar month ("2026-09") or ISO week ("2026-W37") of the report."""

    label: str
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def parse_since(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Return the start of a report window given as `90d`, `12w` or a date.

    A date means midnight at its start in `zone`. Raises UserError for anything
    else, for a start in the future and for windows longer than ten years.
    """
    value = text.strip().lower()
    relative = _RELATIVE.fullmatch(value)
    if relative is not None:
        count = int(relative.group(1))
        days = count * 7 if relative.group(2) == "w" else count
        if days > MAX_WINDOW_DAYS:
            raise UserError(
                f'--since "{text}" reaches back more than {MAX_WINDOW_DAYS} days. '
                "Choose a shorter window."
            )
        since = now - timedelta(days=days)
    else:
        since = _parse_date(text).replace(tzinfo=zone)
    if since >= now:
        raise UserError(f'--since "{text}" is not in the past. Use {SINCE_EXAMPLES}.')
    if now - since > timedelta(days=MAX_WINDOW_DAYS):
        raise UserError(
            f'--since "{text}" reaches back more than {MAX_WINDOW_DAYS} days. '
            "Choose a shorter window."
        )
    return since


def _parse_date(text: str) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as error:
        raise UserError(
            f'--since "{text}" is neither a number of days or weeks nor a date. '
            f"Use {SINCE_EXAMPLES}."
        ) from error
    return datetime.combine(day, time())


def split_periods(
    since: datetime, until: datetime, zone: ZoneInfo, kind: str
) -> tuple[Period, ...]:
    """Return the periods from the one containing `since` to the one containing `until`.

    The first and last periods are whole, so they may reach outside the window.
    """
    if kind not in PERIOD_KINDS:
        raise ValueError(f"The period must be one of {PERIOD_KINDS}, not {kind!r}.")
    step = _next_month if kind == MONTH else _next_week
    start = _period_start(since.astimezone(zone).date(), kind)
    last = until.astimezone(zone).date()
    periods = []
    while start <= last:
        following = step(start)
        periods.append(
            Period(
                label=_label(start, kind),
                start=datetime.combine(start, time(), zone),
                end=datetime.combine(following, time(), zone),
            )
        )
        start = following
    return tuple(periods)


def _period_start(day: date, kind: str) -> date:
    if kind == MONTH:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _next_month(day: date) -> date:
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def _next_week(day: date) -> date:
    return day + timedelta(days=7)


def _label(start: date, kind: str) -> str:
    if kind == MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    year, week, _ = start.isocalendar()
    return f"{year:04d}-W{week:02d}"
