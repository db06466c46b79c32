"""Remind the commander to publish the postmortem once its deadline has passed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.flows.base import user_zone
from bot.incidents.lifecycle import COMMANDER, RESOLVED
from bot.incidents.schedule import deadline
from bot.reminders.status import next_due
from bot.runtime import Runtime
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import Incident

KIND = "postmortem_due"
# Once the deadline has passed, the reminder repeats this often until publication.
REPEAT = timedelta(days=1)


def subject(incident_id: int) -> str:
    return f"incident:{incident_id}:postmortem"


def plan_deadlines(runtime: Runtime, now: datetime) -> None:
    rules = dict(runtime.settings.config.postmortem_due)
    with runtime.sessions() as session:
        waiting = session.scalars(
            select(Incident).where(
                Incident.status == RESOLVED,
                Incident.postmortem_published_at.is_(None),
                Incident.resolved_at.is_not(None),
            )
        ).all()
        commanders = {
            incident.id: incidents.current_roles(session, incident).get(COMMANDER)
            for incident in waiting
        }
    for incident in waiting:
        rule = rules.get(incident.severity or 0)
        commander = commanders[incident.id]
        if rule is None or commander is None or incident.resolved_at is None:
            continue
        days, business = rule
        zone: ZoneInfo = user_zone(runtime, commander)
        due = deadline(incident.resolved_at, days=days, business=business, zone=zone)
        moment = next_due(due - REPEAT, REPEAT, now) if now > due else due
        with transaction(runtime.sessions) as session:
            reminder_store.plan(
                session,
                team_id=incident.team_id,
                kind=KIND,
                subject=subject(incident.id),
                incident_id=incident.id,
                recipient_id=commander,
                due_at=moment,
            )
