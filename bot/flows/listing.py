"""`list` and `show`: find incidents from anywhere."""

from __future__ import annotations

from itertools import islice

from sqlalchemy.orm import Session

from bot.flows import access
from bot.flows.base import Actor, ReplyBlocks, find_incident
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import context, fit_blocks, header, section
from bot.store import incidents
from bot.store.models import Incident

LIST_LIMIT = 40


def list_open(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    """List open incidents, leaving out private ones the actor may not see."""
    severities = runtime.settings.config.severities
    with runtime.sessions() as session:
        # Filtering happens after the query, so the limit applies to what is shown.
        # NOTE: each private incident in which the actor has no role costs one
        # conversations.members call per listing.
        candidates = incidents.open_incidents(session, actor.team_id, None)
        visible_incidents = (
            i for i in candidates if visible(runtime, session, i, actor)
        )
        found = list(islice(visible_incidents, LIST_LIMIT + 1))
    if not found:
        reply_blocks(
            views.Message("No open incidents.", [section("No open incidents.")])
        )
        return
    lines = []
    for incident in found[:LIST_LIMIT]:
        line = views.incident_line(incident, severities)
        lines.append(f"{line} · private" if incident.private else line)
    blocks = [header("Open incidents, newest first"), *map(section, lines)]
    if len(found) > LIST_LIMIT:
        blocks.append(context(f"Showing the newest {LIST_LIMIT}."))
    reply_blocks(views.Message("Open incidents", fit_blocks(blocks)))


def visible(
    runtime: Runtime, session: Session, incident: Incident, actor: Actor
) -> bool:
    if not incident.private:
        return True
    roles = incidents.current_roles(session, incident)
    return access.can_see(
        runtime,
        incident,
        roles,
        user_id=actor.user_id,
        channel_id=actor.channel_id,
    )


def show(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    with runtime.sessions() as session:
        incident = find_incident(runtime, session, actor, argument.strip())
        roles = incidents.current_roles(session, incident)
    message = views.summary(incident, roles, runtime.settings.config.severities)
    reply_blocks(message)
