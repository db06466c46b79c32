"""Feed signals into an incident: timeline entries, detection time and runbooks.

Runs inside the caller's transaction, with the incident locked by the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.ingest.signal import FIRING, RESOLVED
from bot.store import incidents
from bot.store.models import Incident, Signal, SignalGroup

ALERT_EVENT = "alert"
RUNBOOK_EVENT = "runbook"


def attach_group(
    session: Session,
    group: SignalGroup,
    signals: Sequence[Signal],
    incident: Incident,
    *,
    state: str,
    by: str | None,
    now: datetime,
) -> None:
    """Link a group and its signals to `incident` and record them on its timeline."""
    group.state = state
    group.incident_id = incident.id
    group.decided_by = by
    group.claimed_until = None
    group.revision += 1
    group.updated_at = now
    for signal in signals:
        feed_signal(session, signal, incident, now)


def feed_signal(
    session: Session, signal: Signal, incident: Incident, now: datetime
) -> None:
    """Record the signal's firing and, once resolved, its end on the timeline.

    Each entry has a source key, so a repeated delivery adds nothing. The alert's
    start becomes the detection time when it is earlier than the one stored.
    """
    signal.incident_id = incident.id
    _record(session, incident, signal, FIRING, signal.starts_at, now)
    if signal.status == RESOLVED:
        _record(session, incident, signal, RESOLVED, signal.ends_at or now, now)
    # A sender's clock running ahead must not put detection in the future.
    started = min(signal.starts_at, now)
    if signal.status == FIRING and (
        incident.detected_at is None or started < incident.detected_at
    ):
        incident.detected_at = started
    if signal.runbook_url:
        _record_runbook(session, incident, signal, now)
    incident.updated_at = now


def _record(
    session: Session,
    incident: Incident,
    signal: Signal,
    status: str,
    occurred_at: datetime,
    now: datetime,
) -> None:
    key = f"signal:{signal.id}:{status}:{int(occurred_at.timestamp())}"
    if incidents.find_event_by_source(session, incident, key) is not None:
        return
    text = f"{signal.name} {status}"
    if status == FIRING and signal.summary and signal.summary != signal.name:
        text += f": {signal.summary}"
    incidents.add_event(
        session,
        incident,
        kind=ALERT_EVENT,
        occurred_at=occurred_at,
        actor_id=None,
        text=text,
        data={
            "signal_id": signal.id,
            "source": signal.source,
            "status": status,
            "severity": signal.severity,
            "service": signal.service,
            "runbook_url": signal.runbook_url,
            "dashboard_url": signal.dashboard_url,
            "source_url": signal.source_url,
        },
        source_key=key,
        now=now,
    )


def _record_runbook(
    session: Session, incident: Incident, signal: Signal, now: datetime
) -> None:
    url = signal.runbook_url or ""
    key = "runbook:" + hashlib.sha256(url.encode()).hexdigest()[:40]
    if incidents.find_event_by_source(session, incident, key) is not None:
        return
    incidents.add_event(
        session,
        incident,
        kind=RUNBOOK_EVENT,
        occurred_at=signal.starts_at,
        actor_id=None,
        text=f"Runbook for {signal.name}: {url}",
        data={"runbook_url": url, "signal_id": signal.id},
        source_key=key,
        now=now,
    )
