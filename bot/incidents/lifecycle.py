"""Incident states, roles, milestones and the response metrics derived from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Status values, in the order an incident usually moves through them.
INVESTIGATING = "investigating"
IDENTIFIED = "identified"
MONITORING = "monitoring"
RESOLVED = "resolved"
STATUSES = (INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED)

COMMANDER = "commander"
SCRIBE = "scribe"
COMMS = "comms"
STANDARD_ROLES = (COMMANDER, SCRIBE, COMMS)

# Milestone word → the incident attribute it sets.
MILESTONES = {
    "started": "impact_started_at",
    "detected": "detected_at",
    "acknowledged": "acknowledged_at",
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
}

ROLE_NAME_LIMIT = 20


def normalise_role(name: str) -> str | None:
    """Return the stored form of a role name, or None when it cannot be one."""
    role = name.strip().lower().lstrip("@")
    if not role or len(role) > ROLE_NAME_LIMIT:
        return None
    if not all(ch.isalnum() or ch in "-_" for ch in role):
        return None
    return role


@dataclass(frozen=True)
class Instants:
    """The moments the metrics are measured between; all aware, in UTC."""

    declared: datetime
    impact_started: datetime | None = None
    detected: datetime | None = None
    acknowledged: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None


@dataclass(frozen=True)
class Metrics:
    """Time to detect, acknowledge, mitigate and resolve (MTTD, MTTA, MTTM, MTTR).

    Each is measured from `origin`: the impact start when it is known, otherwise the
    earlier of detection and declaration. A metric is None while its moment is unknown.
    """

    origin: datetime
    origin_is_impact_start: bool
    detect: timedelta | None
    acknowledge: timedelta | None
    mitigate: timedelta | None
    resolve: timedelta | None


def compute_metrics(instants: Instants) -> Metrics:
    detected = instants.detected or instants.declared
    # Declaring an incident is itself an acknowledgement of it.
    acknowledged = instants.acknowledged or instants.declared
    if instants.impact_started is not None:
        origin = instants.impact_started
    else:
        origin = min(detected, instants.declared)

    def since_origin(moment: datetime | None) -> timedelta | None:
        return None if moment is None else moment - origin

    return Metrics(
        origin=origin,
        origin_is_impact_start=instants.impact_started is not None,
        detect=since_origin(detected),
        acknowledge=since_origin(acknowledged),
        mitigate=since_origin(instants.mitigated),
        resolve=since_origin(instants.resolved),
    )


def format_duration(duration: timedelta | None) -> str:
    """Show a duration as `1h 05m`, `12m 30s` or `45s`; `unknown` for None."""
    if duration is None:
        return "unknown"
    seconds = int(duration.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {seconds:02d}s"
    return f"{sign}{seconds}s"
