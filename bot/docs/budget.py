"""The postmortem's error-budget account: costs per SLO, policy findings and charts.

The SLO file is read each time a postmortem is built, so an edited slo.yaml shows in
the next draft. A missing or unreadable file does not stop the postmortem: its SLO
section then states what is wrong and how to fix it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import WarroomError
from bot.slo.accounting import IncidentCost, incident_costs, services_without_slo
from bot.slo.chart import impacts_png
from bot.slo.impact import IncidentImpact
from bot.slo.loader import default_slo_path, load_slo_file
from bot.slo.model import SloCatalog
from bot.slo.policy import LATE_DETECTION, SloFinding, policy_findings
from bot.slo.text import format_objective, format_rate, format_seconds, format_share
from bot.store.models import Incident
from bot.store.slo import impact_for, impacts_since

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BudgetAccount:
    """The cost of one incident to the error budgets of its services."""

    impact: IncidentImpact | None = None
    costs: list[IncidentCost] = field(default_factory=list)
    history: list[IncidentImpact] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    findings: list[SloFinding] = field(default_factory=list)
    # The reason there is no account, shown in the postmortem; None when there is one.
    problem: str | None = None

    @property
    def burn_rate_rule(self) -> str | None:
        """The alert rule that would have detected the incident sooner, if any."""
        late = [f for f in self.findings if f.kind == LATE_DETECTION and f.rule]
        return late[0].rule if late else None


def load_catalog(slo_file: Path | None, docs_repo: Path | None) -> SloCatalog | str:
    """Return the SLO catalog, or a sentence saying why there is none."""
    path = default_slo_path(slo_file, docs_repo)
    if path is None:
        return (
            "No SLO file is configured: set slo_file in warroom.yaml, or "
            "WARROOM_DOCS_REPO to read its slo.yaml"
        )
    if not path.exists():
        return f"There is no SLO file at {path}; write one (README, Error budgets)"
    try:
        return load_slo_file(path)
    except WarroomError as error:
        log.warning("the SLO file %s could not be read", path)
        return f"The SLO file could not be read: {error}"


def account_for(
    session: Session,
    incident: Incident,
    catalog: SloCatalog | str,
    now: datetime,
    has_p0_action: bool,
) -> BudgetAccount:
    """Charge the incident to the SLOs of its affected services."""
    if isinstance(catalog, str):
        return BudgetAccount(problem=catalog)
    impact = impact_for(session, incident, now)
    if not impact.services:
        return BudgetAccount(
            impact=impact,
            problem="No affected services are recorded, so no SLO applies",
        )
    starts = [
        slo.window.bounds(impact.end)[0]
        for service in impact.services
        for slo in catalog.for_service(service)
    ]
    history = impacts_since(
        session, min(starts, default=impact.start), now, incident.team_id
    )
    costs = incident_costs(catalog, impact, history)
    uncovered = services_without_slo(catalog, impact.services)
    findings = policy_findings(costs, uncovered, has_p0_action=has_p0_action)
    return BudgetAccount(impact, costs, history, uncovered, findings)


def chart_path(postmortem: PurePosixPath, cost: IncidentCost) -> PurePosixPath:
    """Return the burn-down chart's path, beside the postmortem file."""
    slug = "".join(c if c.isalnum() else "-" for c in cost.slo.label.lower())
    slug = "-".join(part for part in slug.split("-") if part)
    return postmortem.with_name(f"{postmortem.stem}-budget-{slug}.png")


def charts(
    account: BudgetAccount, postmortem: PurePosixPath
) -> dict[PurePosixPath, bytes]:
    """Render one burn-down chart per SLO the incident was charged to."""
    if account.impact is None:
        return {}
    impacts = [*account.history, account.impact]
    return {
        chart_path(postmortem, cost): impacts_png(
            cost.slo, impacts, cost.window_start, cost.window_end
        )
        for cost in account.costs
    }


def budget_context(account: BudgetAccount, postmortem: PurePosixPath) -> dict[str, Any]:
    """Return the values of the postmortem's SLO section and impact line."""
    rows = [_row(cost, postmortem) for cost in account.costs]
    consumed = [
        f"{row['share']} of the {row['label']} budget" for row in rows if row["share"]
    ]
    problem = account.problem
    if problem is None and not rows:
        problem = "None of the affected services has an SLO"
    return {
        "slo_rows": rows,
        "slo_findings": [
            {"kind": f.kind, "service": f.service, "message": f.message, "rule": f.rule}
            for f in account.findings
        ],
        "slo_problem": problem or "",
        "budget_consumed": ", ".join(consumed),
        "services_without_slo": list(account.uncovered),
    }


def cost_figures(cost: IncidentCost) -> dict[str, str]:
    """Format what an incident cost one SLO; empty strings where it is unknown."""
    return {
        "label": cost.slo.label,
        "objective": format_objective(cost.slo.objective),
        "window": cost.slo.window.describe(),
        "budget": format_seconds(cost.budget_seconds),
        "share": format_share(cost.share) if cost.share is not None else "",
        "burn_rate": format_rate(cost.burn_rate) if cost.burn_rate else "",
        "remaining": format_share(cost.remaining),
        "unknown": "" if cost.share is not None else cost.impact.ratio_source,
    }


def _row(cost: IncidentCost, postmortem: PurePosixPath) -> dict[str, str]:
    exhaustion = cost.exhaustion_seconds
    return {
        **cost_figures(cost),
        "exhaustion": "not at this rate"
        if exhaustion is None
        else format_seconds(exhaustion),
        "chart": chart_path(postmortem, cost).name,
    }
