"""Error-budget accounts: the cost of one incident to each SLO, and each budget's state.

The Slack reply, the terminal report and the postmortem show these values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from bot.slo.alerting import AlertTiming, alert_timings, rules_for
from bot.slo.budget import (
    Span,
    burn_rate,
    clip,
    current_burn_rate,
    share,
    time_budget,
    time_to_exhaustion,
)
from bot.slo.impact import IncidentImpact
from bot.slo.model import Slo, SloCatalog

# The current burn rate of a budget is measured over this last stretch.
BURN_LOOKBACK = timedelta(hours=1)
OK, BURNING, EXHAUSTED = "ok", "burning", "exhausted"


@dataclass(frozen=True)
class IncidentCost:
    """The cost of one incident to one SLO."""

    slo: Slo
    impact: IncidentImpact
    window_start: datetime
    window_end: datetime
    # Seconds of full outage the window allows.
    budget_seconds: Fraction
    # Share of the budget used; None when the error ratio is unknown.
    share: Fraction | None
    # The incident's own burn rate while it lasted.
    burn_rate: Fraction | None
    # The budget left after every incident of the window, this one included.
    remaining: Fraction
    # Seconds until the remaining budget is gone at the incident's burn rate.
    exhaustion_seconds: Fraction | None
    alerts: tuple[AlertTiming, ...]


@dataclass(frozen=True)
class BudgetStatus:
    """The state of one SLO's budget over a window."""

    slo: Slo
    window_start: datetime
    window_end: datetime
    budget_seconds: Fraction
    # Each incident in the window and its own share (None: ratio unknown).
    incidents: tuple[tuple[IncidentImpact, Fraction | None], ...]
    # All incidents together; overlapping ones are not counted twice.
    consumed: Fraction
    remaining: Fraction
    burn_rate: Fraction
    exhaustion_seconds: Fraction | None
    status: str


def span_of(impact: IncidentImpact) -> Span | None:
    if impact.error_ratio is None:
        return None
    return Span(impact.start, impact.end, impact.error_ratio)


def budget_status(
    slo: Slo,
    impacts: Sequence[IncidentImpact],
    now: datetime,
    window: timedelta | None = None,
) -> BudgetStatus:
    """Account every impact on `slo.service` in the window ending at `now`.

    `window` replaces the SLO's own window with a rolling one, e.g. for a 7-day view.
    """
    start, end = (now - window, now) if window else slo.window.bounds(now)
    length = end - start
    relevant = [i for i in impacts if slo.service in i.services]
    spans: list[Span] = []
    rows: list[tuple[IncidentImpact, Fraction | None]] = []
    for impact in relevant:
        span = span_of(impact)
        inside = clip(span, start, end) if span else None
        if span is not None and inside is None:
            continue
        if span is None and not (impact.start < end and impact.end > start):
            continue
        rows.append((impact, share(slo, [inside], length) if inside else None))
        if inside:
            spans.append(inside)
    consumed = share(slo, spans, length)
    remaining = 1 - consumed
    rate = current_burn_rate(slo, spans, min(now, end), BURN_LOOKBACK)
    status = OK
    if remaining <= 0:
        status = EXHAUSTED
    elif rate > 1:
        status = BURNING
    return BudgetStatus(
        slo=slo,
        window_start=start,
        window_end=end,
        budget_seconds=time_budget(slo.objective, length),
        incidents=tuple(sorted(rows, key=lambda row: row[0].start)),
        consumed=consumed,
        remaining=remaining,
        burn_rate=rate,
        exhaustion_seconds=time_to_exhaustion(remaining, rate, length),
        status=status,
    )


def incident_costs(
    catalog: SloCatalog,
    impact: IncidentImpact,
    history: Sequence[IncidentImpact],
) -> list[IncidentCost]:
    """Return the cost of `impact` to each SLO of its services.

    `history` contains the other incidents, which count towards the budget left. The
    window is the one containing the impact's end (for a rolling window, the one
    ending then).
    """
    costs = []
    others = [other for other in history if other.reference != impact.reference]
    for service in impact.services:
        for slo in catalog.for_service(service):
            costs.append(_cost(catalog, slo, impact, others))
    return costs


def _cost(
    catalog: SloCatalog,
    slo: Slo,
    impact: IncidentImpact,
    others: Sequence[IncidentImpact],
) -> IncidentCost:
    status = budget_status(slo, [*others, impact], impact.end)
    length = status.window_end - status.window_start
    span = span_of(impact)
    inside = clip(span, status.window_start, status.window_end) if span else None
    own_share = share(slo, [inside], length) if inside else None
    rate = burn_rate(impact.error_ratio, slo.objective) if impact.error_ratio else None
    timings = alert_timings(slo, impact, rules_for(slo, catalog.alert_windows))
    return IncidentCost(
        slo=slo,
        impact=impact,
        window_start=status.window_start,
        window_end=status.window_end,
        budget_seconds=status.budget_seconds,
        share=own_share,
        burn_rate=rate,
        remaining=status.remaining,
        exhaustion_seconds=(
            time_to_exhaustion(status.remaining, rate, length) if rate else None
        ),
        alerts=tuple(timings),
    )


def services_without_slo(catalog: SloCatalog, services: Sequence[str]) -> list[str]:
    """Return the affected services that no SLO covers, in the order given."""
    covered = catalog.services()
    return [service for service in services if service not in covered]
