"""Queries and updates of signals and their groups.

A signal is unique per (team, source, fingerprint) and a group per (team, source,
group key). Both are created through INSERT … ON CONFLICT DO NOTHING and then locked,
so replicas receiving the same alert at once store it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.ingest.routing import DECLARE, IGNORE, TRIAGE, Route
from bot.ingest.signal import FIRING, RESOLVED, AlertSignal
from bot.store.db import insert_if_absent
from bot.store.models import Signal, SignalGroup

OPEN = "open"
DECLARING = "declaring"
DECLARED = "declared"
ATTACHED = "attached"
DISMISSED = "dismissed"

# Kinds of change that one delivery makes to a stored signal.
NEW = "new"
REFIRED = "refired"
RESOLVED_NOW = "resolved"
REPEATED = "repeated"

ROUTE_ORDER = {IGNORE: 0, TRIAGE: 1, DECLARE: 2}


@dataclass(frozen=True)
class SignalChange:
    signal_id: int
    group_id: int
    kind: str


def save_signal(
    session: Session, team_id: str, signal: AlertSignal, route: Route, now: datetime
) -> SignalChange:
    """Store one delivered alert and return what it changed.

    A repeat of a known alert updates its row. Its start stays the earliest one
    seen, because some sources send the time of the delivery rather than the start.
    """
    group = _lock_group(session, team_id, signal, route, now)
    values = _signal_values(team_id, signal, now)
    values["group_id"] = group.id
    if insert_if_absent(session, Signal, values):
        stored = _find_signal(session, team_id, signal)
        kind = NEW
    else:
        stored = _find_signal(session, team_id, signal, lock=True)
        kind = _update_signal(stored, signal, now)
    if kind != REPEATED:
        group.revision += 1
        group.updated_at = now
    return SignalChange(signal_id=stored.id, group_id=group.id, kind=kind)


def _lock_group(
    session: Session, team_id: str, signal: AlertSignal, route: Route, now: datetime
) -> SignalGroup:
    values = {
        "team_id": team_id,
        "source": signal.source,
        "group_key": signal.group_key,
        "title": signal.name,
        "route": route.action,
        "route_severity": route.severity,
        "state": OPEN,
        "channel_id": route.channel,
        "revision": 1,
        "posted_revision": 0,
        "created_at": now,
        "updated_at": now,
    }
    insert_if_absent(session, SignalGroup, values)
    statement = (
        select(SignalGroup)
        .where(
            SignalGroup.team_id == team_id,
            SignalGroup.source == signal.source,
            SignalGroup.group_key == signal.group_key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    group = session.scalars(statement).one()
    _raise_route(group, route)
    return group


def _raise_route(group: SignalGroup, route: Route) -> None:
    """Let a more urgent signal upgrade its group: ignore < triage < declare."""
    if ROUTE_ORDER[route.action] > ROUTE_ORDER[group.route]:
        group.route = route.action
        group.route_severity = route.severity
        if route.channel and not group.message_ts:
            group.channel_id = route.channel
    elif route.action == DECLARE and route.severity is not None:
        current = group.route_severity
        group.route_severity = min(current or route.severity, route.severity)


def _signal_values(team_id: str, signal: AlertSignal, now: datetime) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "source": signal.source,
        "fingerprint": signal.fingerprint,
        "name": signal.name,
        "status": signal.status,
        "severity": signal.severity,
        "service": signal.service,
        "summary": signal.summary,
        "runbook_url": signal.runbook_url,
        "dashboard_url": signal.dashboard_url,
        "source_url": signal.source_url,
        "labels": dict(signal.labels),
        "starts_at": signal.starts_at,
        "ends_at": signal.ends_at,
        "first_received_at": now,
        "last_received_at": now,
        "deliveries": 1,
    }


def _find_signal(
    session: Session, team_id: str, signal: AlertSignal, *, lock: bool = False
) -> Signal:
    statement = select(Signal).where(
        Signal.team_id == team_id,
        Signal.source == signal.source,
        Signal.fingerprint == signal.fingerprint,
    )
    if lock:
        statement = statement.with_for_update()
    statement = statement.execution_options(populate_existing=True)
    return session.scalars(statement).one()


def _update_signal(stored: Signal, signal: AlertSignal, now: datetime) -> str:
    previous = stored.status
    refired = previous == RESOLVED and signal.status == FIRING
    if refired:
        # A new firing after a resolution starts a new episode of the alert.
        stored.starts_at = signal.starts_at
    else:
        stored.starts_at = min(stored.starts_at, signal.starts_at)
    stored.status = signal.status
    stored.ends_at = signal.ends_at
    stored.severity = signal.severity or stored.severity
    stored.service = signal.service or stored.service
    stored.summary = signal.summary or stored.summary
    stored.runbook_url = signal.runbook_url or stored.runbook_url
    stored.dashboard_url = signal.dashboard_url or stored.dashboard_url
    stored.source_url = signal.source_url or stored.source_url
    stored.labels = dict(signal.labels) or stored.labels
    stored.last_received_at = now
    stored.deliveries += 1
    if refired:
        return REFIRED
    if previous == FIRING and signal.status == RESOLVED:
        return RESOLVED_NOW
    return REPEATED


def lock_group(session: Session, group_id: int) -> SignalGroup:
    statement = (
        select(SignalGroup)
        .where(SignalGroup.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(statement).one()


def group_signals(session: Session, group_id: int) -> list[Signal]:
    """Return a group's signals, firing ones first, newest first within each."""
    statement = select(Signal).where(Signal.group_id == group_id)
    signals = list(session.scalars(statement))
    signals.sort(key=lambda s: (s.status != FIRING, -s.starts_at.timestamp(), s.id))
    return signals


def claim_group(
    session: Session,
    group_id: int,
    now: datetime,
    hold: timedelta,
    *,
    states: tuple[str, ...] | None = None,
    new_state: str | None = None,
    unposted: bool = False,
) -> bool:
    """Claim a group for posting or declaring; return False when another has it.

    A claim expires after `hold`, so a replica that crashed mid-way does not block
    the group forever. With `states`, only a group in one of them can be claimed;
    with `unposted`, only a group without a post yet.
    """
    conditions = [
        SignalGroup.id == group_id,
        or_(SignalGroup.claimed_until.is_(None), SignalGroup.claimed_until < now),
    ]
    if states is not None:
        conditions.append(SignalGroup.state.in_(states))
    if unposted:
        conditions.append(SignalGroup.message_ts.is_(None))
    values: dict[str, Any] = {"claimed_until": now + hold}
    if new_state is not None:
        values["state"] = new_state
    statement = update(SignalGroup).where(*conditions).values(**values)
    result = session.execute(statement.execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))
