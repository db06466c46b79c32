"""`list` and `show`: find incidents from anywhere."""

from __future__ import annotations

from bot.flows.base import Actor, ReplyBlocks, find_incident
from bot.incidents.naming import incident_reference
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import context, fit_blocks, header, section
from bot.store import incidents

LIST_LIMIT = 40


def list_open(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    severities = runtime.settings.config.severities
    with runtime.sessions() as session:
        found = incidents.open_incidents(session, actor.team_id, LIST_LIMIT + 1)
    if not found:
        reply_blocks(
            views.Message("No open incidents.", [section("No open incidents.")])
        )
        return
    lines = []
    for incident in found[:LIST_LIMIT]:
        if incident.private:
            lines.append(f"*{incident_reference(incident.number)}* (private)")
        else:
            lines.append(views.incident_line(incident, severities))
    blocks = [header("Open incidents, newest first"), *map(section, lines)]
    if len(found) > LIST_LIMIT:
        blocks.append(context(f"Showing the newest {LIST_LIMIT}."))
    reply_blocks(views.Message("Open incidents", fit_blocks(blocks)))


def show(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    with runtime.sessions() as session:
        incident = find_incident(session, actor, argument.strip())
        roles = incidents.current_roles(session, incident)
    message = views.summary(incident, roles, runtime.settings.config.severities)
    reply_blocks(message)
