"""Service level objectives as warroom uses them, whatever file format they came from.

Objectives and ratios are `Fraction`s so budget arithmetic stays exact; only the
display code rounds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo


class BudgetingMethod(enum.Enum):
    """How bad events are counted against the budget (OpenSLO's terms)."""

    # Each bad request (event) counts, so the budget is a number of requests.
    OCCURRENCES = "Occurrences"
    # The window is cut into slices; a slice whose good ratio is below the slice
    # target is bad, and the budget is a number of bad slices (time).
    TIMESLICES = "Timeslices"
    # Each slice contributes its own error ratio, so every slice weighs the same
    # whatever its traffic.
    RATIO_TIMESLICES = "RatioTimeslices"


@dataclass(frozen=True)
class Window:
    """A compliance period: rolling (the last `length`) or aligned to the calendar.

    A calendar window is `months` calendar months long, or `length` long when its
    unit is fixed (minutes to weeks), and its periods start at `anchor` in `timezone`.
    """

    rolling: bool
    length: timedelta | None = None
    months: int = 0
    anchor: datetime | None = None
    timezone: str = "UTC"

    @classmethod
    def rolling_days(cls, days: int) -> Window:
        return cls(rolling=True, length=timedelta(days=days))

    @classmethod
    def calendar_month(cls, timezone: str = "UTC") -> Window:
        return cls(rolling=False, months=1, timezone=timezone)

    @property
    def shortest(self) -> timedelta:
        """Return the shortest length a period can have; a month has 28 days."""
        if self.months:
            return timedelta(days=28 * self.months)
        assert self.length is not None
        return self.length

    def bounds(self, moment: datetime) -> tuple[datetime, datetime]:
        """Return the start and end of the period that ends at or contains `moment`."""
        if self.rolling:
            assert self.length is not None
            return moment - self.length, moment
        if self.months:
            return self._month_bounds(moment)
        assert self.length is not None
        anchor = self.anchor or datetime(1970, 1, 1, tzinfo=UTC)
        periods = (moment - anchor) // self.length
        start = anchor + periods * self.length
        return start, start + self.length

    def length_at(self, moment: datetime) -> timedelta:
        """Return the length of the period at `moment`; calendar months vary."""
        start, end = self.bounds(moment)
        return end - start

    def nominal_length(self) -> timedelta:
        """Return the length used to scale alert thresholds (a month counts 30 days)."""
        if self.length is not None:
            return self.length
        return timedelta(days=30 * self.months)

    def describe(self) -> str:
        if self.rolling:
            assert self.length is not None
            return f"rolling {format_period(self.length)}"
        if self.months == 1:
            return "calendar month"
        if self.months == 3:
            return "calendar quarter"
        if self.months == 12:
            return "calendar year"
        if self.months:
            return f"calendar period of {self.months} months"
        assert self.length is not None
        return f"calendar-aligned {format_period(self.length)}"

    def _month_bounds(self, moment: datetime) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        anchor_month = self.anchor.astimezone(zone).month if self.anchor else 1
        offset = (local.month - anchor_month) % self.months
        start = _add_months(local.year, local.month, -offset, zone)
        end = _add_months(start.year, start.month, self.months, zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def _add_months(year: int, month: int, count: int, zone: ZoneInfo) -> datetime:
    index = year * 12 + (month - 1) + count
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone)


def format_period(length: timedelta) -> str:
    """Show a window length as `30d`, `2w`, `6h` or `5m`."""
    seconds = int(length.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            if unit == "w" and seconds % 86400 == 0 and seconds // 86400 in (28, 35):
                return f"{seconds // 86400}d"
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Slo:
    """One objective of one service level indicator of one service."""

    service: str
    name: str
    objective: Fraction
    window: Window
    method: BudgetingMethod = BudgetingMethod.OCCURRENCES
    # With time slices: the slice length, and the good ratio a slice needs.
    slice_length: timedelta | None = None
    slice_target: Fraction | None = None
    description: str = ""
    # Where it was defined, e.g. "slo.yaml, document 2".
    source: str = ""
    # PromQL for bad and all events when the file gives them; `{{.window}}` (Sloth's
    # placeholder) stands for the range of each alert window.
    error_query: str | None = None
    total_query: str | None = None

    @property
    def label(self) -> str:
        return f"{self.service}/{self.name}"

    @property
    def error_budget_ratio(self) -> Fraction:
        """Return the allowed ratio of bad events, 1 - objective."""
        return 1 - self.objective


@dataclass(frozen=True)
class BurnRateRule:
    """A multi-window burn-rate alert: fires when both windows burn too fast.

    The rule spends `budget_share` of the budget in `long_window` at its threshold
    burn rate; `severity` is "page" or "ticket".
    """

    name: str
    budget_share: Fraction
    long_window: timedelta
    short_window: timedelta
    severity: str

    def burn_rate(self, period: timedelta) -> Fraction:
        """Return the threshold burn rate for an SLO over `period`."""
        return self.budget_share * _seconds(period) / _seconds(self.long_window)


def _seconds(duration: timedelta) -> Fraction:
    return Fraction(duration.days * 86400 + duration.seconds) + Fraction(
        duration.microseconds, 1_000_000
    )


@dataclass(frozen=True)
class AlertWindows:
    """Burn-rate rules written for SLOs of one period, e.g. Sloth's AlertWindows."""

    period: timedelta
    rules: tuple[BurnRateRule, ...]
    source: str = ""


@dataclass(frozen=True)
class SloCatalog:
    """Everything read from one or more SLO files."""

    slos: tuple[Slo, ...] = ()
    alert_windows: tuple[AlertWindows, ...] = ()
    # Documents recognised but holding no objective (e.g. OpenSLO Service).
    skipped: tuple[str, ...] = ()
    # Definitions that load but probably do not mean what they say.
    warnings: tuple[str, ...] = ()

    def for_service(self, service: str) -> tuple[Slo, ...]:
        return tuple(slo for slo in self.slos if slo.service == service)

    def services(self) -> frozenset[str]:
        return frozenset(slo.service for slo in self.slos)
