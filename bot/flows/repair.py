"""Finish incidents whose channel was never created because a process stopped.

Declaring stores the incident first and creates its channel afterwards, so a process
killed in between leaves an incident without a channel. Each process looks for such
incidents at start-up and every minute after. It creates the missing channel, sets
it up as declaring does and sends the commander a direct message. When Slack rejects
the channel for good, the incident is marked on its timeline instead and the
commander gets a direct message saying why.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.errors import SlackCallError, UserError
from bot.flows.base import Actor
from bot.flows.declare import channel_names, describe, set_up_channel
from bot.incidents.lifecycle import COMMANDER, RESOLVED
from bot.incidents.naming import incident_reference
from bot.logs import bind_ids, run_in_new_context
from bot.runtime import Runtime
from bot.slack import api
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident, TimelineEvent

log = logging.getLogger(__name__)

# A declare still running on another process stores the channel within seconds, so an
# incident this old without one was abandoned. NOTE: a declare whose Slack calls are
# retried for longer than this could race the repair and end with two channels.
ORPHAN_AFTER = timedelta(minutes=2)
REPAIR_INTERVAL_SECONDS = 60
# Source key of the timeline entry that marks an incident whose channel Slack rejected.
MISSING_CHANNEL_KEY = "warroom:channel-missing"


def repair_orphaned_incidents(runtime: Runtime, now: datetime) -> list[int]:
    """Create the channels of abandoned incidents; return the ids repaired."""
    marked = select(TimelineEvent.id).where(
        TimelineEvent.incident_id == Incident.id,
        TimelineEvent.source_key == MISSING_CHANNEL_KEY,
    )
    with runtime.sessions() as session:
        found = session.scalars(
            select(Incident.id).where(
                Incident.channel_id.is_(None),
                Incident.status != RESOLVED,
                Incident.declared_at <= now - ORPHAN_AFTER,
                ~marked.exists(),
            )
        ).all()
    repaired = []
    for incident_id in found:
        if run_in_new_context(partial(repair, runtime, incident_id, now)):
            repaired.append(incident_id)
    return repaired


def repair(runtime: Runtime, incident_id: int, now: datetime) -> bool:
    """Create and set up one incident's channel; return whether this call did it."""
    bind_ids(incident_id=incident_id)
    try:
        incident = create_missing_channel(runtime, incident_id)
    except UserError as error:
        mark_missing(runtime, incident_id, str(error), now)
        return False
    except (SlackCallError, SlackApiError, OSError) as error:
        log.warning(
            "incident %s: could not create its missing channel (%s); will retry",
            incident_id,
            describe(error),
        )
        return False
    if incident is None:
        return False
    log.info("incident %s: created the channel %s", incident_id, incident.channel_id)
    commander = commander_of(runtime, incident)
    actor = Actor(incident.team_id, incident.declared_by, "")
    problems = set_up_channel(runtime, incident, actor)
    reference = incident_reference(incident.number)
    text = (
        f"warroom stopped before it created the channel of *{reference}* "
        f"({incident.title}), so it created <#{incident.channel_id}> now."
    )
    tell(runtime, commander, " ".join([text, *problems]))
    return True


def create_missing_channel(runtime: Runtime, incident_id: int) -> Incident | None:
    """Create the channel under a row lock; return None if another process has it.

    On PostgreSQL the lock skips rows another replica is repairing. On SQLite the
    transaction holds the database's write lock, so other writers wait for the Slack
    call.
    """
    with transaction(runtime.sessions) as session:
        statement = (
            select(Incident)
            .where(Incident.id == incident_id, Incident.channel_id.is_(None))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        incident = session.scalars(statement).one_or_none()
        if incident is None:
            return None
        names = channel_names(runtime, incident)
        channel_id, _ = api.create_channel(
            runtime.client, names, private=incident.private
        )
        incident.channel_id = channel_id
    return incident


def mark_missing(
    runtime: Runtime, incident_id: int, reason: str, now: datetime
) -> None:
    """Mark on the timeline that the incident has no channel; tell the commander."""
    log.warning("incident %s: Slack rejected its missing channel", incident_id)
    with transaction(runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        incidents.add_event(
            session,
            incident,
            kind="note",
            occurred_at=now,
            actor_id=None,
            text=f"warroom could not create the incident channel: {reason}",
            source_key=MISSING_CHANNEL_KEY,
            now=now,
        )
        commander = incidents.current_roles(session, incident).get(COMMANDER)
        reference = incident_reference(incident.number)
    tell(
        runtime,
        commander or incident.declared_by,
        f"*{reference}* ({incident.title}) has no channel, because warroom stopped "
        f"before creating it and Slack rejected it now: {reason} See it with "
        f"`/incident show {reference}`, or declare the incident again.",
    )


def commander_of(runtime: Runtime, incident: Incident) -> str:
    with runtime.sessions() as session:
        roles = incidents.current_roles(session, incident)
    return roles.get(COMMANDER, incident.declared_by)


def tell(runtime: Runtime, user_id: str, text: str) -> None:
    try:
        runtime.client.chat_postMessage(channel=user_id, text=text)
    except (SlackApiError, OSError) as error:
        log.warning("could not send a direct message to %s: %s", user_id, error)
