"""`/incident services [add|remove <name>...]`: the incident's affected services.

Adding checks each name against the service graph, records the change on the
timeline, refreshes the pinned summary, replies with the blast radius of the added
services and suggests past incidents and runbooks in the channel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows.base import (
    Actor,
    ReplyBlocks,
    refresh_summary,
    require_incident,
    utc_now,
)
from bot.flows.investigate.blast import radius_text
from bot.flows.investigate.suggestions import suggest_safely
from bot.flows.investigate.system import load_system, resolve_names, split_names
from bot.incidents.naming import incident_reference
from bot.investigate import blast_radius
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import escape_mrkdwn, fit_blocks, section
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)

SERVICES_EVENT = "services"
USAGE = (
    "Use `/incident services` to list the affected services, "
    "`/incident services add <name> [<name>...]` or "
    "`/incident services remove <name> [<name>...]`."
)


def services_command(
    runtime: Runtime, actor: Actor, argument: str, reply: ReplyBlocks
) -> None:
    """List, add or remove the affected services of the channel's incident."""
    action, _, rest = argument.strip().partition(" ")
    action = action.lower()
    names = split_names(rest)
    if action in ("", "list") and not names:
        list_services(runtime, actor, reply)
    elif action == "add" and names:
        add_services(runtime, actor, names, reply)
    elif action == "remove" and names:
        remove_services(runtime, actor, names, reply)
    else:
        raise UserError(USAGE)


def list_services(runtime: Runtime, actor: Actor, reply: ReplyBlocks) -> None:
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
    reference = incident_reference(incident.number)
    if not incident.services:
        text = f"{reference} names no affected services yet. {USAGE}"
    else:
        text = f"Affected services of {reference}: {_names(incident.services)}."
    reply(views.Message(text, [section(text)]))


def add_services(
    runtime: Runtime, actor: Actor, names: Sequence[str], reply: ReplyBlocks
) -> None:
    """Add graph services to the incident and reply with their blast radius."""
    with runtime.sessions() as session:
        require_incident(session, actor)  # fail fast outside an incident channel
    system = load_system(runtime)
    requested = resolve_names(system.graph, names)

    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        current = list(incident.services)
        present = {name.lower() for name in current}
        added = [name for name in requested if name.lower() not in present]
        reference = incident_reference(incident.number)
        incident_id = incident.id
        if added:
            # A new list, because SQLAlchemy does not see changes inside a JSON list.
            incident.services = [*current, *added]
            _record(session, incident, actor, added=added, removed=[])
        services = list(incident.services)

    if not added:
        text = f"{_names(requested)} already affect {reference}; nothing changed."
        reply(views.Message(text, [section(text)]))
        return
    log.info("incident %s: added services %s", incident_id, ",".join(added))
    refresh_summary(runtime, incident_id)

    heading = (
        f"Added {_names(added)} to {reference}. Affected services: {_names(services)}."
    )
    radii = [radius_text(blast_radius(system.graph, name)) for name in added]
    blocks = [section(heading), *(section(text) for text in radii)]
    reply(views.Message(heading, fit_blocks(blocks)))
    suggest_safely(runtime, incident_id, added)


def remove_services(
    runtime: Runtime, actor: Actor, names: Sequence[str], reply: ReplyBlocks
) -> None:
    """Remove services from the incident; each name must be one of its services."""
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        reference = incident_reference(incident.number)
        by_lower = {name.lower(): name for name in incident.services}
        missing = [name for name in names if name.lower() not in by_lower]
        if missing:
            current = _names(incident.services) if incident.services else "none"
            raise UserError(
                f"{_names(missing)} is not an affected service of {reference}. "
                f"Its services: {current}."
            )
        removed = list(dict.fromkeys(by_lower[name.lower()] for name in names))
        incident.services = [name for name in incident.services if name not in removed]
        _record(session, incident, actor, added=[], removed=removed)
        incident_id = incident.id
        services = list(incident.services)

    log.info("incident %s: removed services %s", incident_id, ",".join(removed))
    refresh_summary(runtime, incident_id)
    left = _names(services) if services else "none"
    text = f"Removed {_names(removed)} from {reference}. Affected services: {left}."
    reply(views.Message(text, [section(text)]))


def _record(
    session: Session,
    incident: Incident,
    actor: Actor,
    *,
    added: list[str],
    removed: list[str],
) -> None:
    now = utc_now()
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    incidents.add_event(
        session,
        incident,
        kind=SERVICES_EVENT,
        occurred_at=now,
        actor_id=actor.user_id,
        text="affected services: " + "; ".join(parts),
        data={"added": added, "removed": removed, "services": list(incident.services)},
        now=now,
    )
    incident.updated_at = now


def _names(names: Sequence[str]) -> str:
    return ", ".join(escape_mrkdwn(name) for name in names)
