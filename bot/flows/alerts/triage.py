"""Triage of signal groups: declare an incident, attach to one, or dismiss.

The buttons call these with the person who clicked; routing rules that declare at
once call `declare_for_group` with the bot as the declaring user.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows.alerts.feed import attach_group
from bot.flows.alerts.posts import GroupRefresher
from bot.flows.base import Actor, Reply, refresh_summary, utc_now
from bot.flows.declare import DeclareRequest, declare
from bot.incidents.lifecycle import RESOLVED
from bot.incidents.naming import incident_reference
from bot.runtime import Runtime
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import SignalGroup
from bot.store.signals import (
    ATTACHED,
    DECLARED,
    DECLARING,
    DISMISSED,
    OPEN,
    claim_group,
    group_signals,
    lock_group,
)

log = logging.getLogger(__name__)

# Declaring creates a channel and posts several messages; a replica that has not
# finished by then is presumed dead and another may declare.
DECLARE_CLAIM = timedelta(minutes=5)
ALREADY_HANDLED = "These alerts were already handled: {outcome}."


def declare_for_group(
    runtime: Runtime,
    refresher: GroupRefresher,
    actor: Actor,
    group_id: int,
    reply: Reply,
    severity: int | None = None,
) -> int | None:
    """Declare an incident from a group's alerts; None when another request won."""
    with transaction(runtime.sessions) as session:
        group = _find_group(session, actor.team_id, group_id)
        claimed = claim_group(
            session,
            group_id,
            utc_now(),
            DECLARE_CLAIM,
            states=(OPEN,),
            new_state=DECLARING,
        )
        title, services = group.title, _services(session, group_id)
        outcome = group.state
    if not claimed:
        reply(ALREADY_HANDLED.format(outcome=outcome))
        return None
    refresher.request(group_id)
    request = DeclareRequest(
        title=title, description="", severity=severity, services=services
    )
    try:
        incident_id = declare(runtime, actor, request, reply)
    except Exception:
        _release(runtime, group_id)
        raise
    _link(runtime, group_id, incident_id, DECLARED, actor.user_id, channel=True)
    refresh_summary(runtime, incident_id)
    refresher.request(group_id)
    return incident_id


def attach(
    runtime: Runtime,
    refresher: GroupRefresher,
    actor: Actor,
    group_id: int,
    incident_id: int,
) -> str:
    """Feed a group's alerts into an open incident and return the reply."""
    now = utc_now()
    with transaction(runtime.sessions) as session:
        group = _find_group(session, actor.team_id, group_id, lock=True)
        if group.state not in (OPEN, DISMISSED):
            return ALREADY_HANDLED.format(outcome=group.state)
        incident = incidents.lock_incident(session, incident_id)
        if incident.team_id != actor.team_id:
            raise UserError("That incident belongs to another workspace.")
        reference = incident_reference(incident.number)
        if incident.status == RESOLVED:
            raise UserError(f"{reference} is resolved. Reopen it or declare a new one.")
        signals = group_signals(session, group_id)
        attach_group(
            session, group, signals, incident, state=ATTACHED, by=actor.user_id, now=now
        )
    log.info("attached signal group %s to incident %s", group_id, incident_id)
    refresh_summary(runtime, incident_id)
    refresher.request(group_id)
    return f"Attached the alerts to {reference}; they are on its timeline."


def dismiss(
    runtime: Runtime, refresher: GroupRefresher, actor: Actor, group_id: int
) -> str:
    with transaction(runtime.sessions) as session:
        group = _find_group(session, actor.team_id, group_id, lock=True)
        if group.state != OPEN:
            return ALREADY_HANDLED.format(outcome=group.state)
        group.state = DISMISSED
        group.decided_by = actor.user_id
        group.revision += 1
        group.updated_at = utc_now()
    log.info("dismissed signal group %s", group_id)
    refresher.request(group_id)
    return "Dismissed. A new firing alert in this group reopens triage."


def _find_group(
    session: Session, team_id: str, group_id: int, *, lock: bool = False
) -> SignalGroup:
    group = session.get(SignalGroup, group_id)
    if group is None or group.team_id != team_id:
        raise UserError("These alerts are no longer stored.")
    return lock_group(session, group_id) if lock else group


def _services(session: Session, group_id: int) -> tuple[str, ...]:
    names = {s.service for s in group_signals(session, group_id) if s.service}
    return tuple(sorted(names))


def _release(runtime: Runtime, group_id: int) -> None:
    with transaction(runtime.sessions) as session:
        group = lock_group(session, group_id)
        group.state = OPEN
        group.claimed_until = None
        group.revision += 1


def _link(
    runtime: Runtime,
    group_id: int,
    incident_id: int,
    state: str,
    by: str | None,
    *,
    channel: bool,
) -> None:
    now = utc_now()
    with transaction(runtime.sessions) as session:
        group = lock_group(session, group_id)
        incident = incidents.lock_incident(session, incident_id)
        signals = group_signals(session, group_id)
        attach_group(session, group, signals, incident, state=state, by=by, now=now)
        if channel and group.route == "declare":
            # Declared by a rule: the post goes to the new incident's channel.
            group.channel_id = group.channel_id or incident.channel_id
    log.info("linked signal group %s to incident %s", group_id, incident_id)
