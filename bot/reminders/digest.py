"""A weekly direct message to each commander listing their incidents' overdue items."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actions import OPEN
from bot.flows.base import user_zone
from bot.incidents.lifecycle import COMMANDER
from bot.incidents.schedule import REMINDER_TIME, local_moment
from bot.runtime import Runtime
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import ActionItem, RoleAssignment

KIND = "overdue_digest"
MONDAY = 0


def subject(team_id: str, commander: str) -> str:
    return f"digest:{team_id}:{commander}"


def next_monday_morning(now: datetime, zone: ZoneInfo) -> datetime:
    """Return the next Monday 09:00 in `zone` not before `now`, in UTC."""
    day = now.astimezone(zone).date()
    for offset in range(8):
        candidate = day + timedelta(days=offset)
        if candidate.weekday() != MONDAY:
            continue
        moment = local_moment(candidate, REMINDER_TIME, zone)
        if moment >= now:
            return moment
    raise AssertionError("a Monday always falls within eight days")


def overdue_by_commander(
    session: Session, now: datetime
) -> dict[tuple[str, str], list[ActionItem]]:
    """(team, commander) → open items past their due date in incidents they command."""
    rows = session.execute(
        select(RoleAssignment.team_id, RoleAssignment.user_id, ActionItem)
        .join(ActionItem, ActionItem.incident_id == RoleAssignment.incident_id)
        .where(
            RoleAssignment.role == COMMANDER,
            RoleAssignment.ended_at.is_(None),
            ActionItem.status == OPEN,
            ActionItem.due_on < now.date(),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    ).all()
    found: dict[tuple[str, str], list[ActionItem]] = {}
    for team_id, commander, item in rows:
        found.setdefault((team_id, commander), []).append(item)
    return found


def plan_digests(runtime: Runtime, now: datetime) -> None:
    with runtime.sessions() as session:
        found = overdue_by_commander(session, now)
    for (team_id, commander), items in found.items():
        moment = next_monday_morning(now, user_zone(runtime, commander))
        with transaction(runtime.sessions) as session:
            reminder_store.plan(
                session,
                team_id=team_id,
                kind=KIND,
                subject=subject(team_id, commander),
                incident_id=items[0].incident_id,
                recipient_id=commander,
                due_at=moment,
            )
