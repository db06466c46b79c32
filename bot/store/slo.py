"""Queries that feed the error-budget accounts: incidents and their timelines."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.slo.consumption import budget_by_service
from bot.slo.impact import IncidentImpact, impact_of
from bot.slo.model import SloCatalog
from bot.store import incidents
from bot.store.models import Incident


def impacts_since(
    session: Session, since: datetime, now: datetime, team_id: str | None = None
) -> list[IncidentImpact]:
    """Return the impact of every incident that was still open or ended after `since`.

    `team_id` None reads every workspace, as the command line does.
    """
    # Impact ends at mitigation, or at resolution when mitigation was not recorded.
    impact_end = func.coalesce(Incident.mitigated_at, Incident.resolved_at)
    statement = select(Incident).where(or_(impact_end.is_(None), impact_end >= since))
    if team_id is not None:
        statement = statement.where(Incident.team_id == team_id)
    found = session.scalars(statement.order_by(Incident.declared_at)).all()
    return [impact_for(session, incident, now) for incident in found]


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
