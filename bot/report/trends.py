"""Trends across incidents: counts, response times, action items, repeats, budgets.

`build_report` is pure: it takes incident and action-item records and returns a
`Report`, which the table and chart modules only format.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from bot.incidents.lifecycle import Metrics, compute_metrics
from bot.incidents.naming import slugify
from bot.report.periods import MONTH, Period, split_periods
from bot.report.records import ActionRecord, IncidentRecord
from bot.report.stats import DurationSummary, summarize

UNSET_SEVERITY = "unset"


@dataclass(frozen=True)
class ResponseTimes:
    """MTTD, MTTA, MTTM and MTTR of a group of incidents."""

    detect: DurationSummary
    acknowledge: DurationSummary
    mitigate: DurationSummary
    resolve: DurationSummary


@dataclass(frozen=True)
class ActionCounts:
    """Action items created, closed and gone overdue within one period.

    An item goes overdue when its due day ends in the time zone of the report while
    it is still open. It counts for the period of its due day, whether it was closed
    late or is still open.
    """

    opened: int
    closed: int
    overdue: int


@dataclass(frozen=True)
class PeriodTrend:
    """Counts and response times of one period, by severity as in `severity_columns`."""

    period: Period
    incidents: int
    by_severity: tuple[int, ...]
    times: ResponseTimes
    actions: ActionCounts


@dataclass(frozen=True)
class ServiceTrend:
    """Incidents touching one service, and its error budget consumed when known."""

    service: str
    incidents: int
    by_severity: tuple[int, ...]
    budget_consumed: Fraction | None


@dataclass(frozen=True)
class Repeat:
    """Two or more incidents of one service with the same failure mode.

    Failure modes match when their slugs match, so "Pool exhausted" and "pool
    exhausted!" are one mode. `failure_mode` is the newest incident's wording, and
    `incidents` are ordered oldest first.
    """

    service: str
    failure_mode: str
    incidents: tuple[IncidentRecord, ...]


@dataclass(frozen=True)
class Report:
    """Trends over the incidents declared from `since` until `until`.

    `budget_configured` is False when no error-budget data was given, and then
    every `ServiceTrend.budget_consumed` is None.
    """

    since: datetime
    until: datetime
    timezone: str
    period_kind: str
    severity_columns: tuple[str, ...]
    periods: tuple[PeriodTrend, ...]
    incidents: int
    private_incidents: int
    by_severity: tuple[int, ...]
    times: ResponseTimes
    services: tuple[ServiceTrend, ...]
    repeats: tuple[Repeat, ...]
    actions_overdue_now: int
    budget_configured: bool


def build_report(
    incidents: Iterable[IncidentRecord],
    actions: Iterable[ActionRecord],
    *,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    period_kind: str = MONTH,
    severity_names: Mapping[int, str] | None = None,
    budget: Mapping[str, Fraction] | None = None,
) -> Report:
    """Compute the trends of the incidents declared in [since, until].

    `severity_names` maps levels to names such as "SEV1", and every named level
    gets a column even when no incident has it. `budget` maps a service to the
    fraction of its error budget consumed (1 is all of it); without it the report
    states that SLO data is not configured.
    """
    if since >= until:
        raise ValueError(f"The window start {since} is not before its end {until}.")
    names = dict(severity_names or {})
    chosen = sorted(
        (i for i in incidents if since <= i.declared_at <= until),
        key=lambda incident: incident.declared_at,
    )
    items = list(actions)
    columns = _severity_columns(chosen, names)

    trends = []
    for period in split_periods(since, until, zone, period_kind):
        members = [i for i in chosen if period.contains(i.declared_at)]
        trend = PeriodTrend(
            period=period,
            incidents=len(members),
            by_severity=_count_severities(members, columns, names),
            times=response_times(members),
            actions=_count_actions(items, period, since, until, zone),
        )
        trends.append(trend)

    return Report(
        since=since,
        until=until,
        timezone=zone.key,
        period_kind=period_kind,
        severity_columns=columns,
        periods=tuple(trends),
        incidents=len(chosen),
        private_incidents=sum(1 for i in chosen if i.private),
        by_severity=_count_severities(chosen, columns, names),
        times=response_times(chosen),
        services=_service_trends(chosen, columns, names, budget),
        repeats=find_repeats(chosen),
        actions_overdue_now=sum(
            1
            for item in items
            if item.closed_at is None and _went_overdue(item, zone, until)
        ),
        budget_configured=budget is not None,
    )


def response_times(incidents: Sequence[IncidentRecord]) -> ResponseTimes:
    """Summarize MTTD, MTTA, MTTM and MTTR as `compute_metrics` measures them."""
    metrics: list[Metrics] = [compute_metrics(i.instants) for i in incidents]
    return ResponseTimes(
        detect=summarize(m.detect for m in metrics),
        acknowledge=summarize(m.acknowledge for m in metrics),
        mitigate=summarize(m.mitigate for m in metrics),
        resolve=summarize(m.resolve for m in metrics),
    )


def find_repeats(incidents: Sequence[IncidentRecord]) -> tuple[Repeat, ...]:
    """Group incidents by service and failure-mode slug; keep groups of two or more.

    Incidents without a failure mode or without a service cannot repeat. The most
    frequent repeats come first.
    """
    groups: dict[tuple[str, str], list[IncidentRecord]] = defaultdict(list)
    for incident in incidents:
        mode = slugify(incident.failure_mode)
        if not mode:
            continue
        for service in dict.fromkeys(incident.services):
            groups[(service, mode)].append(incident)

    repeats = []
    for (service, _), members in groups.items():
        if len(members) < 2:
            continue
        ordered = tuple(sorted(members, key=lambda i: (i.declared_at, i.number)))
        repeats.append(Repeat(service, ordered[-1].failure_mode, ordered))
    repeats.sort(key=lambda r: (-len(r.incidents), r.service, slugify(r.failure_mode)))
    return tuple(repeats)


def _severity_columns(
    incidents: Sequence[IncidentRecord], names: Mapping[int, str]
) -> tuple[str, ...]:
    levels = set(names) | {i.severity for i in incidents if i.severity is not None}
    columns = [_severity_label(level, names) for level in sorted(levels)]
    if any(i.severity is None for i in incidents):
        columns.append(UNSET_SEVERITY)
    return tuple(columns)


def _severity_label(level: int | None, names: Mapping[int, str]) -> str:
    if level is None:
        return UNSET_SEVERITY
    return names.get(level, f"SEV{level}")


def _count_severities(
    incidents: Sequence[IncidentRecord],
    columns: Sequence[str],
    names: Mapping[int, str],
) -> tuple[int, ...]:
    counts = dict.fromkeys(columns, 0)
    for incident in incidents:
        counts[_severity_label(incident.severity, names)] += 1
    return tuple(counts.values())


def _service_trends(
    incidents: Sequence[IncidentRecord],
    columns: Sequence[str],
    names: Mapping[int, str],
    budget: Mapping[str, Fraction] | None,
) -> tuple[ServiceTrend, ...]:
    by_service: dict[str, list[IncidentRecord]] = defaultdict(list)
    for incident in incidents:
        for service in dict.fromkeys(incident.services):
            by_service[service].append(incident)
    for service in budget or {}:
        by_service.setdefault(service, [])

    trends = [
        ServiceTrend(
            service=service,
            incidents=len(members),
            by_severity=_count_severities(members, columns, names),
            budget_consumed=None if budget is None else budget.get(service),
        )
        for service, members in by_service.items()
    ]
    trends.sort(key=lambda trend: (-trend.incidents, trend.service))
    return tuple(trends)


def _count_actions(
    items: Sequence[ActionRecord],
    period: Period,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
) -> ActionCounts:
    def in_period(moment: datetime | None) -> bool:
        return (
            moment is not None and since <= moment <= until and period.contains(moment)
        )

    overdue = 0
    for item in items:
        if not _went_overdue(item, zone, until):
            continue
        # The last instant of the due day decides the period, not midnight after it.
        if in_period(_due_end(item, zone) - timedelta(microseconds=1)):
            overdue += 1
    return ActionCounts(
        opened=sum(1 for item in items if in_period(item.created_at)),
        closed=sum(1 for item in items if in_period(item.closed_at)),
        overdue=overdue,
    )


def _due_end(item: ActionRecord, zone: ZoneInfo) -> datetime:
    """Return midnight after the due day in `zone`: the moment an item is late."""
    assert item.due_on is not None
    return datetime.combine(item.due_on + timedelta(days=1), time(), zone)


def _went_overdue(item: ActionRecord, zone: ZoneInfo, now: datetime) -> bool:
    """Tell whether the item was still open when its due day ended, before `now`."""
    if item.due_on is None:
        return False
    due_end = _due_end(item, zone)
    if due_end > now:
        return False
    return item.closed_at is None or item.closed_at >= due_end
