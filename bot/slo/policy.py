"""Error-budget policy findings for an incident.

- An incident that uses more than 20% of a budget requires a postmortem with a P0
  action item.
- An exhausted budget recommends a feature freeze until it recovers.
- An affected service without an SLO cannot be held to a budget.
- Detection later than the first burn-rate alert would have fired calls for that
  alert rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from bot.slo.accounting import IncidentCost
from bot.slo.alerting import alert_rule, first_alert
from bot.slo.text import format_seconds, format_share, format_time

LARGE_INCIDENT_SHARE = Fraction(1, 5)
POSTMORTEM_REQUIRED = "postmortem-required"
FEATURE_FREEZE = "feature-freeze"
NO_SLO = "no-slo"
LATE_DETECTION = "late-detection"


@dataclass(frozen=True)
class SloFinding:
    """A policy consequence of an incident, with the alert rule to add in `rule`."""

    kind: str
    service: str
    message: str
    rule: str = ""


def policy_findings(
    costs: Sequence[IncidentCost],
    uncovered_services: Sequence[str],
    *,
    has_p0_action: bool,
) -> list[SloFinding]:
    """Return the findings for one incident's costs, in a stable order."""
    findings = [
        SloFinding(
            NO_SLO,
            service,
            f"The affected service {service} has no SLO, so its error budget is "
            "unknown. Define one in slo.yaml.",
        )
        for service in uncovered_services
    ]
    for cost in costs:
        findings += _large_incident(cost, has_p0_action)
        findings += _exhausted(cost)
        findings += _late_detection(cost)
    return findings


def _large_incident(cost: IncidentCost, has_p0_action: bool) -> list[SloFinding]:
    if cost.share is None or cost.share <= LARGE_INCIDENT_SHARE:
        return []
    message = (
        f"{cost.impact.reference} used {format_share(cost.share)} of the "
        f"{cost.slo.label} budget, more than 20%: it requires a postmortem with a "
        "P0 action item."
    )
    if has_p0_action:
        message += " A P0 action item exists."
    else:
        message += " Add one with `/incident action <text> P0`."
    return [SloFinding(POSTMORTEM_REQUIRED, cost.slo.service, message)]


def _exhausted(cost: IncidentCost) -> list[SloFinding]:
    if cost.remaining > 0:
        return []
    message = (
        f"The {cost.slo.label} error budget is exhausted "
        f"({format_share(1 - cost.remaining)} used): freeze feature releases of "
        f"{cost.slo.service} until the budget recovers, reliability fixes excepted."
    )
    return [SloFinding(FEATURE_FREEZE, cost.slo.service, message)]


def _late_detection(cost: IncidentCost) -> list[SloFinding]:
    timing = first_alert(cost.alerts)
    detected = cost.impact.detected_at
    if timing is None or timing.fires_at is None or detected <= timing.fires_at:
        return []
    delay = (detected - timing.fires_at).total_seconds()
    message = (
        f"{cost.impact.reference} was detected at {format_time(detected)}, "
        f"{format_seconds(Fraction(delay))} after the {timing.rule.name} alert of "
        f"{cost.slo.label} would have fired ({format_time(timing.fires_at)}). "
        "Add this alert rule:"
    )
    return [
        SloFinding(
            LATE_DETECTION, cost.slo.service, message, alert_rule(cost.slo, timing)
        )
    ]
