"""Queries and updates of incidents, their timelines and roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.incidents.lifecycle import COMMANDER, INVESTIGATING, RESOLVED
from bot.store.db import insert_if_absent
from bot.store.models import Incident, RoleAssignment, TimelineEvent, Workspace


def ensure_workspace(session: Session, team_id: str, now: datetime) -> None:
    values = {"team_id": team_id, "created_at": now, "last_incident_number": 0}
    insert_if_absent(session, Workspace, values)


def next_incident_number(session: Session, team_id: str, now: datetime) -> int:
    """Allocate the workspace's next incident number.

    A single UPDATE … RETURNING increments the counter, so replicas declaring at the
    same moment get different numbers without a read-then-write race.
    """
    ensure_workspace(session, team_id, now)
    statement = (
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(last_incident_number=Workspace.last_incident_number + 1)
        .returning(Workspace.last_incident_number)
    )
    return int(session.execute(statement).scalar_one())


def create_incident(
    session: Session,
    *,
    team_id: str,
    title: str,
    description: str,
    declared_by: str,
    now: datetime,
    severity: int | None = None,
    private: bool = False,
    services: Sequence[str] = (),
) -> Incident:
    """Store a new incident with its commander and its first timeline entry."""
    incident = Incident(
        team_id=team_id,
        number=next_incident_number(session, team_id, now),
        title=title,
        description=description,
        status=INVESTIGATING,
        severity=severity,
        severity_confirmed=False,
        private=private,
        services=list(services),
        declared_by=declared_by,
        declared_at=now,
        updated_at=now,
        resolution_summary="",
    )
    session.add(incident)
    session.flush()
    assign_role(session, incident, COMMANDER, declared_by, by=declared_by, now=now)
    add_event(
        session,
        incident,
        kind="declared",
        occurred_at=now,
        actor_id=declared_by,
        text=title,
        data={"severity": severity, "private": private, "services": list(services)},
        now=now,
    )
    return incident


def add_event(
    session: Session,
    incident: Incident,
    *,
    kind: str,
    occurred_at: datetime,
    actor_id: str | None,
    text: str = "",
    data: dict[str, Any] | None = None,
    source_key: str | None = None,
    now: datetime,
) -> TimelineEvent:
    event = TimelineEvent(
        team_id=incident.team_id,
        incident_id=incident.id,
        kind=kind,
        occurred_at=occurred_at,
        recorded_at=now,
        actor_id=actor_id,
        text=text,
        data=data or {},
        source_key=source_key,
        deleted=False,
    )
    session.add(event)
    session.flush()
    return event


def find_event_by_source(
    session: Session, incident: Incident, source_key: str
) -> TimelineEvent | None:
    statement = select(TimelineEvent).where(
        TimelineEvent.incident_id == incident.id,
        TimelineEvent.source_key == source_key,
    )
    return session.scalars(statement).one_or_none()


def timeline(session: Session, incident: Incident) -> list[TimelineEvent]:
    statement = (
        select(TimelineEvent)
        .where(TimelineEvent.incident_id == incident.id, ~TimelineEvent.deleted)
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    )
    return list(session.scalars(statement))


def assign_role(
    session: Session,
    incident: Incident,
    role: str,
    user_id: str,
    *,
    by: str,
    now: datetime,
) -> str | None:
    """Give `role` to `user_id`; return the previous holder, if any."""
    holders = session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.incident_id == incident.id,
            RoleAssignment.role == role,
            RoleAssignment.ended_at.is_(None),
        )
    ).all()
    previous = None
    for holder in holders:
        previous = holder.user_id
        holder.ended_at = now
    session.add(
        RoleAssignment(
            team_id=incident.team_id,
            incident_id=incident.id,
            role=role,
            user_id=user_id,
            assigned_by=by,
            assigned_at=now,
        )
    )
    session.flush()
    return previous


def current_roles(session: Session, incident: Incident) -> dict[str, str]:
    """Return role → user id for the roles held now."""
    statement = (
        select(RoleAssignment)
        .where(
            RoleAssignment.incident_id == incident.id,
            RoleAssignment.ended_at.is_(None),
        )
        .order_by(RoleAssignment.assigned_at, RoleAssignment.id)
    )
    return {row.role: row.user_id for row in session.scalars(statement)}


def find_by_channel(session: Session, team_id: str, channel_id: str) -> Incident | None:
    statement = select(Incident).where(
        Incident.team_id == team_id, Incident.channel_id == channel_id
    )
    return session.scalars(statement).first()


# Incident numbers are 32-bit integers in the database; a larger one cannot exist, and
# PostgreSQL rejects it in a query.
MAX_NUMBER = 2**31 - 1


def find_by_number(session: Session, team_id: str, number: int) -> Incident | None:
    if number > MAX_NUMBER:
        return None
    statement = select(Incident).where(
        Incident.team_id == team_id, Incident.number == number
    )
    return session.scalars(statement).one_or_none()


def lock_incident(session: Session, incident_id: int) -> Incident:
    """Load an incident for update; other writers wait until this transaction ends."""
    statement = (
        select(Incident)
        .where(Incident.id == incident_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).one()


def open_incidents(
    session: Session, team_id: str, limit: int | None = 50
) -> list[Incident]:
    """Return open incidents, newest first; `limit` None returns all of them."""
    statement = (
        select(Incident)
        .where(Incident.team_id == team_id, Incident.status != RESOLVED)
        .order_by(Incident.declared_at.desc(), Incident.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def count_open_by_severity(session: Session) -> dict[int | None, int]:
    """Return the number of open incidents per severity, over every workspace."""
    statement = (
        select(Incident.severity, func.count())
        .where(Incident.status != RESOLVED)
        .group_by(Incident.severity)
    )
    return {severity: int(count) for severity, count in session.execute(statement)}
