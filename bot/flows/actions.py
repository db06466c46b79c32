"""Action items: add, list, complete, snooze and reassign, each on the timeline."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows.base import (
    Actor,
    Reply,
    ReplyBlocks,
    require_incident,
    user_zone,
    utc_now,
)
from bot.flows.roles import resolve_user
from bot.incidents.actions import PRIORITIES, default_due, parse_action, parse_due
from bot.incidents.naming import incident_reference
from bot.incidents.schedule import due_reminder_at
from bot.runtime import Runtime
from bot.slack import views
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import ActionItem, Incident

log = logging.getLogger(__name__)

OPEN = "open"
DONE = "done"
SNOOZE_CHOICES = {"1d": timedelta(days=1), "1w": timedelta(weeks=1)}


def subject(item: ActionItem) -> str:
    return f"action:{item.id}"


def add(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """Add an item from `/incident action <text> [options]`; see parse_action."""
    request = parse_action(argument)
    owner = actor.user_id
    if request.owner is not None:
        # The parser returns a user id for a mention and keeps a plain @name as is.
        named = request.owner.startswith("@")
        owner = resolve_user(runtime, request.owner) if named else request.owner
    today = utc_now().astimezone(user_zone(runtime, owner)).date()
    due = None if request.due is None else parse_due(request.due, today=today)
    create(
        runtime,
        actor,
        NewItem(
            request.text,
            owner,
            due,
            request.priority,
            request.category,
            request.effort,
            request.phase,
        ),
        reply,
    )


@dataclass(frozen=True)
class NewItem:
    """An action item as requested, with the owner resolved to a user id."""

    text: str
    owner: str
    due: date | None
    priority: str
    category: str | None
    effort: str | None = None
    phase: str | None = None


def create(runtime: Runtime, actor: Actor, new: NewItem, reply: Reply) -> None:
    """Store the item, put it on the timeline and plan its reminders."""
    zone = user_zone(runtime, new.owner)
    now = utc_now()
    due = new.due or default_due(
        new.priority,
        today=now.astimezone(zone).date(),
        days=dict(runtime.settings.config.action_due_days),
    )
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        item = ActionItem(
            team_id=incident.team_id,
            incident_id=incident.id,
            text=new.text,
            owner_id=new.owner,
            priority=new.priority,
            category=new.category,
            effort=new.effort,
            phase=new.phase,
            status=OPEN,
            due_on=due,
            created_by=actor.user_id,
            created_at=now,
        )
        session.add(item)
        session.flush()
        on_timeline(session, incident, actor, f"added action #{item.id}: {item.text}")
        plan_item(
            session, item, due_at=due_reminder_at(due, zone), now=now, assigned=True
        )
        item_id = item.id
    log.info("incident %s: action item %s for %s", incident.id, item_id, new.owner)
    reply(
        f"Added action #{item_id} for <@{new.owner}>, {new.priority}, due {due}. "
        "They get a direct message now and a reminder on the due date."
    )


def plan_item(
    session: Session,
    item: ActionItem,
    *,
    due_at: datetime | None,
    now: datetime,
    assigned: bool = False,
) -> None:
    """Replace the item's pending reminders with those its state calls for."""
    reminder_store.cancel_pending(session, subject(item))
    if item.status != OPEN or item.owner_id is None:
        return
    owner = item.owner_id

    def plan_kind(kind: str, due_at: datetime) -> None:
        reminder_store.plan(
            session,
            team_id=item.team_id,
            kind=kind,
            subject=subject(item),
            incident_id=item.incident_id,
            recipient_id=owner,
            due_at=due_at,
            action_item_id=item.id,
        )

    if assigned:
        plan_kind("action_assigned", now)
    if item.snoozed_until is not None and item.snoozed_until > now:
        plan_kind("action_snoozed", item.snoozed_until)
    elif due_at is not None and due_at > now:
        plan_kind("action_due", due_at)


def on_timeline(session: Session, incident: Incident, actor: Actor, text: str) -> None:
    now = utc_now()
    incidents.add_event(
        session,
        incident,
        kind="action",
        occurred_at=now,
        actor_id=actor.user_id,
        text=text,
        now=now,
    )
    incident.updated_at = now


def list_items(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    with runtime.sessions() as session:
        if argument.strip().lower() == "mine":
            items = owned_open_items(session, actor)
            title = "Your open action items"
        elif argument.strip():
            raise UserError("Use `/incident actions` or `/incident actions mine`.")
        else:
            incident = require_incident(session, actor)
            items = incident_items(session, incident)
            title = f"Action items of {incident_reference(incident.number)}"
        references = {
            item.id: incident_reference(item.incident.number) for item in items
        }
    reply_blocks(views.action_list(title, items, references))


def priority_order(item: ActionItem) -> tuple[int, object, int]:
    rank = PRIORITIES.index(item.priority) if item.priority in PRIORITIES else 9
    return (rank, item.due_on or datetime.max.date(), item.id)


def incident_items(session: Session, incident: Incident) -> list[ActionItem]:
    statement = select(ActionItem).where(ActionItem.incident_id == incident.id)
    return sorted(session.scalars(statement), key=priority_order)


def owned_open_items(session: Session, actor: Actor) -> list[ActionItem]:
    statement = select(ActionItem).where(
        ActionItem.team_id == actor.team_id,
        ActionItem.owner_id == actor.user_id,
        ActionItem.status == OPEN,
    )
    return sorted(session.scalars(statement), key=priority_order)


def change(
    runtime: Runtime, actor: Actor, item_id: int, what: str, value: str = ""
) -> str:
    """Apply a button press (done, snooze, reassign); return the reply text."""
    now = utc_now()
    with transaction(runtime.sessions) as session:
        item = session.get(ActionItem, item_id, with_for_update=True)
        if item is None or item.team_id != actor.team_id:
            return "That action item no longer exists."
        incident = incidents.lock_incident(session, item.incident_id)
        if what == "done":
            if item.status == DONE:
                return f"Action #{item.id} is already done."
            item.status, item.done_at = DONE, now
            text = f"completed action #{item.id}: {item.text}"
        elif what == "snooze":
            item.snoozed_until = now + SNOOZE_CHOICES[value]
            until = f"{item.snoozed_until:%Y-%m-%d %H:%M} UTC"
            text = f"snoozed action #{item.id} until {until}"
        else:
            item.owner_id = value
            text = f"reassigned action #{item.id} to <@{value}>"
        on_timeline(session, incident, actor, text)
        zone = user_zone(runtime, item.owner_id) if item.owner_id else None
        due_at = due_reminder_at(item.due_on, zone) if item.due_on and zone else None
        plan_item(session, item, due_at=due_at, now=now, assigned=what == "reassign")
    return text[0].upper() + text[1:] + "."
