"""Status updates, resolution and reopening."""

from __future__ import annotations

import logging

from bot.errors import UserError
from bot.flows import severity
from bot.flows.base import (
    Actor,
    Reply,
    post,
    refresh_summary,
    require_incident,
    require_permission,
    utc_now,
)
from bot.incidents.lifecycle import (
    INVESTIGATING,
    RESOLVED,
    STATUSES,
    Instants,
    compute_metrics,
)
from bot.incidents.naming import incident_reference
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import section
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)

STATUS_USAGE = (
    "Use `/incident status <investigating|identified|monitoring|resolved> <update>`, "
    "e.g. `/incident status identified bad config push on the payment gateway`."
)
# Status updates also go to the announcement channel at these severities.
BROADCAST_SEVERITIES = (1, 2)


def update_status(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    word, _, text = argument.partition(" ")
    status = word.lower()
    if status not in STATUSES:
        raise UserError(f'"{word}" is not a status. {STATUS_USAGE}')
    if status == RESOLVED:
        resolve(runtime, actor, text.strip(), reply)
        return
    if not text.strip():
        raise UserError(f"Write the update after the status. {STATUS_USAGE}")
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        if incident.status == RESOLVED:
            raise UserError("This incident is resolved. Run `/incident reopen` first.")
        incident.status = status
        incident.updated_at = now
        incidents.add_event(
            session,
            incident,
            kind="status",
            occurred_at=now,
            actor_id=actor.user_id,
            text=f"{status}: {text.strip()}",
            data={"status": status},
            now=now,
        )
    message = views.status_update(incident, status, actor.user_id, text.strip())
    try:
        publish(runtime, incident, message)
    finally:
        refresh_summary(runtime, incident.id)
    reply("Status update posted.")


def publish(runtime: Runtime, incident: Incident, message: views.Message) -> None:
    assert incident.channel_id is not None
    post(runtime, incident.channel_id, message)
    channel = runtime.settings.config.announcement_channel
    if channel and incident.severity in BROADCAST_SEVERITIES and not incident.private:
        post(runtime, channel, message)


def resolve(runtime: Runtime, actor: Actor, summary: str, reply: Reply) -> None:
    require_permission(runtime, actor, "resolve")
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        if incident.status == RESOLVED:
            raise UserError(
                f"{incident_reference(incident.number)} is already resolved. "
                "Run `/incident reopen` if it is not over."
            )
        incident.status = RESOLVED
        incident.resolved_at = incident.resolved_at or now
        open_prompt = incident.severity_prompt_ts
        incident.severity_prompt_ts = None
        if summary:
            incident.resolution_summary = summary
        incident.updated_at = now
        incidents.add_event(
            session,
            incident,
            kind="resolved",
            occurred_at=incident.resolved_at,
            actor_id=actor.user_id,
            text=summary or "resolved",
            data={},
            now=now,
        )
    metrics = compute_metrics(instants(incident))
    log.info("incident %s resolved", incident.id)
    if open_prompt and incident.channel_id:
        closed = "Severity buttons closed: the incident is resolved."
        severity.retire_prompt(runtime, incident.channel_id, open_prompt, closed)
    try:
        publish(runtime, incident, views.resolution(incident, metrics, actor.user_id))
    finally:
        refresh_summary(runtime, incident.id)
    reply(f"{incident_reference(incident.number)} is resolved.")


def instants(incident: Incident) -> Instants:
    return Instants(
        declared=incident.declared_at,
        impact_started=incident.impact_started_at,
        detected=incident.detected_at,
        acknowledged=incident.acknowledged_at,
        mitigated=incident.mitigated_at,
        resolved=incident.resolved_at,
    )


def reopen(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    require_permission(runtime, actor, "reopen")
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        if incident.status != RESOLVED:
            raise UserError(f"{incident_reference(incident.number)} is not resolved.")
        incident.status = INVESTIGATING
        incident.resolved_at = None
        incident.updated_at = now
        incidents.add_event(
            session,
            incident,
            kind="reopened",
            occurred_at=now,
            actor_id=actor.user_id,
            text=argument or "reopened",
            data={},
            now=now,
        )
    text = f"{incident_reference(incident.number)} was reopened by <@{actor.user_id}>."
    assert incident.channel_id is not None
    post(runtime, incident.channel_id, views.Message(text, [section(text)]))
    refresh_summary(runtime, incident.id)
    reply(text)
