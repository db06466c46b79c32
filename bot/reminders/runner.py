"""One scheduler tick: plan overdue reminders, claim what is due, send it.

Every step reads and writes the database, so ticks on several replicas, or a tick
after a restart, send each reminder once. The exception is a replica that dies after
Slack accepted a message but before it recorded that: the claim expires and the
reminder is sent again (at least once, not exactly once, in that window).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.flows.actions import OPEN, subject
from bot.flows.base import user_zone
from bot.incidents.lifecycle import COMMANDER, RESOLVED
from bot.incidents.naming import incident_reference
from bot.incidents.schedule import overdue_reminders
from bot.logs import bind_ids, run_in_new_context
from bot.reminders import deadline, digest
from bot.reminders.status import KIND as STATUS_KIND
from bot.reminders.status import plan_status_reminders
from bot.runtime import Runtime
from bot.slack import api, views
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import ActionItem, Incident, Reminder

log = logging.getLogger(__name__)

BATCH = 100
# Errors that mean the recipient cannot be reached, so the commander gets it instead.
UNREACHABLE = frozenset(
    {"user_not_found", "account_inactive", "channel_not_found", "is_archived"}
)


def tick(runtime: Runtime, now: datetime, worker: str) -> int:
    """Run one tick; return how many reminders Slack accepted."""
    plan_overdue(runtime, now)
    plan_status_reminders(runtime, now)
    digest.plan_digests(runtime, now)
    deadline.plan_deadlines(runtime, now)
    with transaction(runtime.sessions) as session:
        claimed = reminder_store.claim_due(session, now=now, worker=worker, limit=BATCH)
    return sum(
        run_in_new_context(partial(deliver, runtime, reminder_id, worker, now))
        for reminder_id in claimed
    )


def plan_overdue(runtime: Runtime, now: datetime) -> None:
    """Give each open, overdue item without a pending reminder its next one."""
    # The latest date that is already past somewhere on Earth (UTC-12 to UTC+14).
    latest_due = (now - timedelta(days=1) + timedelta(hours=14)).date()
    pending = select(Reminder.id).where(
        Reminder.action_item_id == ActionItem.id,
        Reminder.sent_at.is_(None),
        ~Reminder.cancelled,
    )
    with runtime.sessions() as session:
        waiting = session.scalars(
            select(ActionItem).where(
                ActionItem.status == OPEN,
                ActionItem.owner_id.is_not(None),
                ActionItem.due_on <= latest_due,
                ~pending.exists(),
            )
        ).all()
    for item in waiting:
        assert item.owner_id is not None and item.due_on is not None
        zone = user_zone(runtime, item.owner_id)
        moment = overdue_reminders(
            item.due_on,
            now=now,
            zone=zone,
            working_days=runtime.settings.config.working_days,
        )
        if moment is None:
            continue
        if item.snoozed_until is not None and moment < item.snoozed_until:
            continue
        with transaction(runtime.sessions) as session:
            reminder_store.plan(
                session,
                team_id=item.team_id,
                kind="action_overdue",
                subject=subject(item),
                incident_id=item.incident_id,
                recipient_id=item.owner_id,
                due_at=moment,
                action_item_id=item.id,
            )


def deliver(runtime: Runtime, reminder_id: int, worker: str, now: datetime) -> bool:
    with runtime.sessions() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        item = session.get(ActionItem, reminder.action_item_id or -1)
        incident = session.get(Incident, reminder.incident_id)
        assert incident is not None
        bind_ids(team_id=incident.team_id, incident_id=incident.id)
        commander = incidents.current_roles(session, incident).get(COMMANDER)
        reference = incident_reference(incident.number)
    if reminder.kind == deadline.KIND:
        if incident.postmortem_published_at is not None:
            return cancel(runtime, reminder_id)
        message = views.postmortem_reminder(incident)
        error = send(runtime, reminder.recipient_id, message)
        return settle(runtime, reminder, error, worker, now)
    if reminder.kind == digest.KIND:
        with runtime.sessions() as session:
            found = digest.overdue_by_commander(session, now)
            items = found.get((reminder.team_id, reminder.recipient_id), [])
            references = {
                item.id: incident_reference(item.incident.number) for item in items
            }
        if not items:
            return cancel(runtime, reminder_id)
        message = views.overdue_digest(items, references)
        error = send(runtime, reminder.recipient_id, message)
        return settle(runtime, reminder, error, worker, now)
    if reminder.kind == STATUS_KIND:
        if incident.status == RESOLVED:
            return cancel(runtime, reminder_id)
        message = views.status_reminder(incident, reminder.due_at)
        return settle(
            runtime,
            reminder,
            send(runtime, reminder.recipient_id, message),
            worker,
            now,
        )
    if item is None or item.status != OPEN:
        return cancel(runtime, reminder_id)
    message = views.action_reminder(reminder.kind, item, reference, "")
    error = send(runtime, reminder.recipient_id, message)
    if error in UNREACHABLE and commander and commander != reminder.recipient_id:
        log.warning(
            "reminder %s: <@%s> is unreachable (%s); telling the commander",
            reminder_id,
            reminder.recipient_id,
            error,
        )
        note = f"Sent to you because <@{reminder.recipient_id}> cannot be reached."
        message = views.action_reminder(reminder.kind, item, reference, note)
        error = send(runtime, commander, message)
    return settle(runtime, reminder, error, worker, now)


def settle(
    runtime: Runtime, reminder: Reminder, error: str | None, worker: str, now: datetime
) -> bool:
    """Record the outcome of a send: sent, or released for a later retry."""
    if error is None:
        runtime.metrics.reminders.inc(kind=reminder.kind, outcome="sent")
        return finish(runtime, reminder.id, worker, now)
    runtime.metrics.reminders.inc(kind=reminder.kind, outcome="failed")
    log.warning("reminder %s not sent: %s; will retry", reminder.id, error)
    with transaction(runtime.sessions) as session:
        stored = session.get(Reminder, reminder.id)
        assert stored is not None
        reminder_store.release(session, stored, now=now, error=error)
    return False


def cancel(runtime: Runtime, reminder_id: int) -> bool:
    with transaction(runtime.sessions) as session:
        reminder_store.cancel(session, reminder_id)
    return False


def send(runtime: Runtime, user_id: str, message: views.Message) -> str | None:
    """Send a direct message; return Slack's error code, or None on success."""
    try:
        runtime.client.chat_postMessage(
            channel=user_id, text=message.text, blocks=message.blocks
        )
    except SlackApiError as error:
        return api.error_code(error)
    except OSError as error:
        return f"connection failed: {error}"
    return None


def finish(runtime: Runtime, reminder_id: int, worker: str, now: datetime) -> bool:
    with transaction(runtime.sessions) as session:
        return reminder_store.mark_sent(session, reminder_id, worker=worker, now=now)
