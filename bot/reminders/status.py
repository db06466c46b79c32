"""Remind the commander when an open incident has gone quiet for too long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.base import utc_now
from bot.incidents.lifecycle import COMMANDER, RESOLVED
from bot.runtime import Runtime
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import Incident, Reminder, TimelineEvent

KIND = "status_update"
SNOOZE_CHOICES = {"30m": timedelta(minutes=30), "1h": timedelta(hours=1)}


def subject(incident_id: int) -> str:
    return f"incident:{incident_id}:status"


def next_due(last: datetime, every: timedelta, now: datetime) -> datetime:
    """Return the next reminder moment: one per `every` of silence since `last`."""
    periods = max(1, (now - last) // every)
    return last + periods * every


def last_update(session: Session, incident: Incident) -> datetime:
    latest = session.scalar(
        select(func.max(TimelineEvent.occurred_at)).where(
            TimelineEvent.incident_id == incident.id,
            TimelineEvent.kind == "status",
            ~TimelineEvent.deleted,
        )
    )
    if latest is None:
        return incident.declared_at
    if latest.tzinfo is None:  # an aggregate may come back without the zone
        latest = latest.replace(tzinfo=UTC)
    return max(incident.declared_at, latest)


def plan_status_reminders(runtime: Runtime, now: datetime) -> None:
    """Keep one pending status reminder per quiet open incident, none for others."""
    cadence = dict(runtime.settings.config.status_update_every)
    with transaction(runtime.sessions) as session:
        open_ids = session.scalars(
            select(Incident.id).where(Incident.status != RESOLVED)
        ).all()
        pending = session.scalars(
            select(Reminder).where(
                Reminder.kind == KIND, Reminder.sent_at.is_(None), ~Reminder.cancelled
            )
        ).all()
        for reminder in pending:
            if reminder.incident_id not in open_ids:
                reminder.cancelled = True
        for incident_id in open_ids:
            plan_one(session, incident_id, cadence, now)


def plan_one(
    session: Session, incident_id: int, cadence: dict[int, timedelta], now: datetime
) -> None:
    incident = session.get(Incident, incident_id)
    assert incident is not None
    every = cadence.get(incident.severity or 0)
    commander = incidents.current_roles(session, incident).get(COMMANDER)
    if every is None or commander is None:
        reminder_store.cancel_pending(session, subject(incident_id))
        return
    due = next_due(last_update(session, incident), every, now)
    if incident.status_snoozed_until and incident.status_snoozed_until > due:
        due = incident.status_snoozed_until
    stale = select(Reminder).where(
        Reminder.subject == subject(incident_id),
        Reminder.sent_at.is_(None),
        ~Reminder.cancelled,
        Reminder.due_at != due,
    )
    for reminder in session.scalars(stale):
        reminder.cancelled = True
    reminder_store.plan(
        session,
        team_id=incident.team_id,
        kind=KIND,
        subject=subject(incident_id),
        incident_id=incident_id,
        recipient_id=commander,
        due_at=due,
    )


def snooze(runtime: Runtime, team_id: str, incident_id: int, length: str) -> str:
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        if incident.team_id != team_id:
            return "That incident no longer exists."
        incident.status_snoozed_until = now + SNOOZE_CHOICES[length]
        reminder_store.cancel_pending(session, subject(incident_id))
    return f"Status reminders snoozed for {length}."
