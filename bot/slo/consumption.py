"""Error budget consumed per service over an arbitrary window, for the trends report.

The budget of each SLO is scaled to the window: (1 - objective) x window length, so
a 99.9% SLO allows 2h 09m 36s of full outage in 90 days whatever its own window.
A service with several SLOs reports the largest share, because the most consumed
budget is the one that constrains the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from bot.slo.accounting import budget_status
from bot.slo.impact import IncidentImpact
from bot.slo.model import SloCatalog


def budget_by_service(
    catalog: SloCatalog,
    impacts: Sequence[IncidentImpact],
    since: datetime,
    until: datetime,
) -> dict[str, Fraction]:
    """Return each SLO-covered service's largest budget share used in [since, until).

    Impacts are clipped to the window. An impact with no known error ratio adds
    nothing, so a share is a lower bound while such incidents exist.
    """
    if since >= until:
        raise ValueError(f"The window start {since} is not before its end {until}.")
    consumed: dict[str, Fraction] = {}
    for slo in catalog.slos:
        status = budget_status(slo, impacts, until, until - since)
        previous = consumed.get(slo.service)
        if previous is None or status.consumed > previous:
            consumed[slo.service] = status.consumed
    return consumed
