"""Read incidents and action items as the records `bot.report` computes trends from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.config import WarroomConfig
from bot.incidents.lifecycle import Instants
from bot.report.records import ActionRecord, IncidentRecord
from bot.report.trends import Report, build_report
from bot.store.models import ActionItem, Incident, TimelineEvent

FAILURE_MODE = "failure-mode"


def load_report(
    session: Session,
    team_id: str,
    config: WarroomConfig,
    *,
    since: datetime,
    until: datetime,
    period_kind: str,
    budget: Mapping[str, Fraction] | None = None,
) -> Report:
    """Compute the team's trends in the configured time zone and severity names.

    `budget` maps each service to the fraction of its error budget consumed, as
    `bot.store.slo.consumed_by_service` computes it; None when no SLO file is
    configured.
    """
    return build_report(
        incident_records(session, team_id, since, until),
        action_records(session, team_id, since),
        since=since,
        until=until,
        zone=ZoneInfo(config.timezone),
        period_kind=period_kind,
        severity_names={
            severity.level: severity.name for severity in config.severities
        },
        budget=budget,
    )


def stored_team_ids(session: Session) -> list[str]:
    """Return the workspaces that have at least one incident."""
    statement = select(Incident.team_id).distinct().order_by(Incident.team_id)
    return list(session.scalars(statement))


def incident_records(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[IncidentRecord]:
    """Return the team's incidents declared in [since, until], oldest first."""
    statement = (
        select(Incident)
        .where(
            Incident.team_id == team_id,
            Incident.declared_at >= since,
            Incident.declared_at <= until,
        )
        .order_by(Incident.declared_at, Incident.id)
    )
    found = list(session.scalars(statement))
    modes = _failure_modes(session, team_id, since, until)
    return [
        _incident_record(incident, modes.get(incident.id, "")) for incident in found
    ]


def action_records(
    session: Session, team_id: str, since: datetime
) -> list[ActionRecord]:
    """Return the team's action items that were open at some moment after `since`."""
    statement = (
        select(ActionItem, Incident.number)
        .join(Incident, ActionItem.incident_id == Incident.id)
        .where(
            ActionItem.team_id == team_id,
            or_(ActionItem.done_at.is_(None), ActionItem.done_at >= since),
        )
        .order_by(ActionItem.id)
    )
    records = []
    for item, number in session.execute(statement):
        closed_at = item.done_at if item.status == "done" else None
        records.append(ActionRecord(number, item.created_at, item.due_on, closed_at))
    return records


def _failure_modes(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, str]:
    """Return the text of the newest failure-mode event of each incident."""
    statement = (
        select(TimelineEvent.incident_id, TimelineEvent.text)
        .join(Incident, TimelineEvent.incident_id == Incident.id)
        .where(
            Incident.team_id == team_id,
            Incident.declared_at >= since,
            Incident.declared_at <= until,
            TimelineEvent.kind == FAILURE_MODE,
            ~TimelineEvent.deleted,
        )
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    )
    modes: dict[int, str] = {}
    for incident_id, text in session.execute(statement):
        modes[incident_id] = text  # later rows are newer and replace earlier ones
    return modes


def _incident_record(incident: Incident, failure_mode: str) -> IncidentRecord:
    instants = Instants(
        declared=incident.declared_at,
        impact_started=incident.impact_started_at,
        detected=incident.detected_at,
        acknowledged=incident.acknowledged_at,
        mitigated=incident.mitigated_at,
        resolved=incident.resolved_at,
    )
    return IncidentRecord(
        number=incident.number,
        title=incident.title,
        private=incident.private,
        severity=incident.severity,
        services=tuple(incident.services or ()),
        instants=instants,
        failure_mode=failure_mode,
    )
