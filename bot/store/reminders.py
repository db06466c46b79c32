"""Reminders in the database: planned once, claimed by one replica, marked sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_if_absent
from bot.store.models import Reminder

# Due reminders looked at per reminder claimed, so that one recipient with many due
# reminders does not hide the others.
CANDIDATES_PER_CLAIM = 5
# A replica that claimed a reminder and then died releases it after this long.
CLAIM_LEASE = timedelta(minutes=2)
# Waits before the next attempt after a failed send.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)


def plan(
    session: Session,
    *,
    team_id: str,
    kind: str,
    subject: str,
    incident_id: int,
    recipient_id: str,
    due_at: datetime,
    action_item_id: int | None = None,
) -> bool:
    """Store a reminder unless the same one (kind, subject, moment) exists.

    A cancelled, unsent copy is revived with the new recipient, so re-planning after
    a change (a reassignment after a snooze) keeps the reminder.
    """
    values = {
        "team_id": team_id,
        "kind": kind,
        "subject": subject,
        "incident_id": incident_id,
        "action_item_id": action_item_id,
        "recipient_id": recipient_id,
        "due_at": due_at,
        "cancelled": False,
        "attempts": 0,
    }
    if insert_if_absent(session, Reminder, values):
        return True
    revived = (
        update(Reminder)
        .where(
            Reminder.kind == kind,
            Reminder.subject == subject,
            Reminder.due_at == due_at,
            Reminder.sent_at.is_(None),
            Reminder.cancelled,
        )
        .values(cancelled=False, recipient_id=recipient_id)
    )
    return bool(session.execute(revived).rowcount)  # type: ignore[attr-defined]


def cancel_pending(session: Session, subject: str) -> int:
    """Cancel the unsent reminders about `subject`; return how many."""
    statement = (
        update(Reminder)
        .where(
            Reminder.subject == subject,
            Reminder.sent_at.is_(None),
            ~Reminder.cancelled,
        )
        .values(cancelled=True)
    )
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def cancel(session: Session, reminder_id: int) -> None:
    statement = (
        update(Reminder)
        .where(Reminder.id == reminder_id)
        .values(cancelled=True, claimed_by=None, claimed_until=None)
    )
    session.execute(statement)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        Reminder.sent_at.is_(None),
        ~Reminder.cancelled,
        Reminder.due_at <= now,
        or_(Reminder.retry_at.is_(None), Reminder.retry_at <= now),
        or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now),
    )


def claim_due(session: Session, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to `limit` due reminders for `worker`, one per recipient; return ids.

    One message per recipient per claim keeps each direct message conversation well
    under Slack's rate of about one message per second. On PostgreSQL, rows another
    replica is claiming are skipped (SKIP LOCKED), and the UPDATE repeats the
    conditions, so a reminder is claimed by one replica.
    """
    candidates = (
        select(Reminder.id, Reminder.recipient_id)
        .where(_claimable(now))
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit * CANDIDATES_PER_CLAIM)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    # Two statements: PostgreSQL may not apply a LIMIT inside `id IN (subquery)` of
    # an UPDATE, and the rows locked here stay locked until this transaction ends.
    chosen: dict[str, int] = {}
    for reminder_id, recipient in session.execute(candidates):
        if recipient not in chosen and len(chosen) < limit:
            chosen[recipient] = reminder_id
    if not chosen:
        return []
    statement = (
        update(Reminder)
        .where(Reminder.id.in_(list(chosen.values())), _claimable(now))
        .values(claimed_by=worker, claimed_until=now + CLAIM_LEASE)
        .returning(Reminder.id)
    )
    return sorted(int(row[0]) for row in session.execute(statement))


def mark_sent(
    session: Session, reminder_id: int, *, worker: str, now: datetime
) -> bool:
    """Record that Slack accepted the reminder; False if the claim was lost."""
    statement = (
        update(Reminder)
        .where(Reminder.id == reminder_id, Reminder.claimed_by == worker)
        .values(sent_at=now, claimed_until=None)
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def release(session: Session, reminder: Reminder, *, now: datetime, error: str) -> None:
    """Give a failed reminder back with a later retry time."""
    delay = RETRY_DELAYS[min(reminder.attempts, len(RETRY_DELAYS) - 1)]
    reminder.attempts += 1
    reminder.retry_at = now + delay
    reminder.claimed_by = None
    reminder.claimed_until = None
    reminder.last_error = error[:200]
