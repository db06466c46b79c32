"""Queries that feed the error-budget accounts: incidents and their timelines."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.slo.consumption import budget_by_service
from bot.slo.evidence import DismissedAlert, IncidentEvidence, evidence_of
from bot.slo.impact import IncidentImpact, impact_of
from bot.slo.model import SloCatalog
from bot.store import incidents
from bot.store.models import Incident, Signal, SignalGroup, Workspace
from bot.store.signals import DISMISSED


def impacts_since(
    session: Session, since: datetime, now: datetime, team_id: str | None = None
) -> list[IncidentImpact]:
    """Return the impact of every incident that was still open or ended after `since`.

    `team_id` None reads every workspace, as the command line does.
    """
    found = _incidents_since(session, since, team_id)
    return [impact_for(session, incident, now) for incident in found]


def evidence_since(
    session: Session, since: datetime, now: datetime, team_id: str | None = None
) -> list[IncidentEvidence]:
    """Return the evidence of the incidents `impacts_since` selects, in that order."""
    found = _incidents_since(session, since, team_id)
    return [
        evidence_of(incident, incidents.timeline(session, incident), now)
        for incident in found
    ]


def _incidents_since(
    session: Session, since: datetime, team_id: str | None
) -> list[Incident]:
    # Impact ends at mitigation, or at resolution when mitigation was not recorded.
    impact_end = func.coalesce(Incident.mitigated_at, Incident.resolved_at)
    statement = select(Incident).where(or_(impact_end.is_(None), impact_end >= since))
    if team_id is not None:
        statement = statement.where(Incident.team_id == team_id)
    return list(session.scalars(statement.order_by(Incident.declared_at)).all())


def dismissed_alerts(
    session: Session, since: datetime, team_id: str | None = None
) -> list[DismissedAlert]:
    """Return the signals with a service, started after `since`, dismissed in triage."""
    statement = (
        select(Signal)
        .join(SignalGroup, Signal.group_id == SignalGroup.id)
        .where(
            SignalGroup.state == DISMISSED,
            Signal.service.is_not(None),
            Signal.starts_at >= since,
        )
        .order_by(Signal.starts_at, Signal.id)
    )
    if team_id is not None:
        statement = statement.where(Signal.team_id == team_id)
    return [
        DismissedAlert(
            name=signal.name,
            source=signal.source,
            severity=signal.severity,
            service=signal.service or "",
            starts_at=signal.starts_at,
        )
        for signal in session.scalars(statement)
    ]


def records_start(session: Session, team_id: str | None = None) -> datetime | None:
    """Return when warroom started recording in the workspace (or in any, for None).

    A workspace row is created with its first incident, so this is the earliest
    moment warroom could have recorded one.
    """
    statement = select(func.min(Workspace.created_at))
    if team_id is not None:
        statement = statement.where(Workspace.team_id == team_id)
    return session.scalar(statement)


def impact_for(session: Session, incident: Incident, now: datetime) -> IncidentImpact:
    return impact_of(incident, incidents.timeline(session, incident), now)


def consumed_by_service(
    session: Session,
    catalog: SloCatalog,
    team_id: str,
    since: datetime,
    until: datetime,
) -> dict[str, Fraction]:
    """Return the budget share each SLO-covered service of the team used in the window.

    See `bot.slo.consumption.budget_by_service` for how the share is measured.
    """
    impacts = impacts_since(session, since, until, team_id)
    return budget_by_service(catalog, impacts, since, until)
