"""`/incident blast [name]`: who a failing service hits and what may have caused it.

The text goes to the channel, followed by a Graphviz DOT file of the graph with the
blast radius coloured, and a PNG picture of it when Graphviz's `dot` program is on
PATH.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.errors import UserError
from bot.flows.base import Actor, ReplyBlocks, post
from bot.flows.investigate.system import (
    System,
    load_system,
    resolve_names,
    share_file,
    split_names,
)
from bot.incidents.naming import incident_reference, slugify
from bot.investigate import BlastRadius, InvestigationError, blast_radius, to_dot
from bot.investigate.render import write_png
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import context, escape_mrkdwn, fit_blocks, section
from bot.store import incidents
from bot.store.models import Incident

log = logging.getLogger(__name__)

# Each service gets its own files, so a long list of affected services would flood
# the channel; the others are one `/incident blast <name>` away.
MAX_PICTURED_SERVICES = 5
USAGE = (
    "Run `/incident blast <service>`, or `/incident blast` in an incident channel "
    "after `/incident services add <service>`."
)


def show_blast(
    runtime: Runtime, actor: Actor, argument: str, reply: ReplyBlocks
) -> None:
    """Post the blast radius of the named service, or of each affected service."""
    incident = _channel_incident(runtime, actor)
    system = load_system(runtime)
    services, skipped = _services_to_show(system, incident, argument)

    radii = [blast_radius(system.graph, service) for service in services]
    lines = [radius_text(radius) for radius in radii]
    if skipped:
        names = ", ".join(escape_mrkdwn(name) for name in skipped)
        lines.append(f"_Not in the service graph, so left out: {names}._")
    blocks = [section(text) for text in lines]
    pictured = radii[:MAX_PICTURED_SERVICES]
    if len(radii) > len(pictured):
        left_out = ", ".join(r.failing for r in radii[len(pictured) :])
        blocks.append(
            context(
                f"Pictures are attached for the first {len(pictured)} services; run "
                f"`/incident blast <name>` for {escape_mrkdwn(left_out)}."
            )
        )
    title = "Blast radius of " + ", ".join(services)
    post(runtime, actor.channel_id, views.Message(title, fit_blocks(blocks)))

    files = []
    for radius in pictured:
        files.extend(upload_pictures(runtime, actor.channel_id, system, radius))
    log.info(
        "posted the blast radius of %d services to %s with %d files",
        len(services),
        actor.channel_id,
        len(files),
    )
    text = f"Posted the blast radius of {', '.join(services)} with " + ", ".join(files)
    reply(views.Message(text, [section(escape_mrkdwn(text) + ".")]))


def _channel_incident(runtime: Runtime, actor: Actor) -> Incident | None:
    with runtime.sessions() as session:
        return incidents.find_by_channel(session, actor.team_id, actor.channel_id)


def _services_to_show(
    system: System, incident: Incident | None, argument: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the services to show and the incident's services the graph lacks."""
    if argument.strip():
        return resolve_names(system.graph, split_names(argument)), ()
    if incident is None:
        raise UserError(f"Name a service. {USAGE}")
    if not incident.services:
        reference = incident_reference(incident.number)
        raise UserError(f"{reference} names no affected services yet. {USAGE}")
    known = {service.lower(): service for service in system.graph.services}
    found = [known[name.lower()] for name in incident.services if name.lower() in known]
    skipped = tuple(name for name in incident.services if name.lower() not in known)
    if not found:
        names = ", ".join(escape_mrkdwn(name) for name in skipped)
        raise UserError(
            f"None of the affected services ({names}) is in the service graph. "
            "Check the names with `/incident services`."
        )
    return tuple(dict.fromkeys(found)), skipped


def radius_text(radius: BlastRadius) -> str:
    """Return the blast radius as mrkdwn: dependents, dependencies and hosts."""
    hosts = sorted({external.host for external in radius.externals})
    return "\n".join(
        [
            f"*Blast radius of {escape_mrkdwn(radius.failing)}*",
            "Affected (services that depend on it): " + _distances(radius.dependents),
            "Likely causes (services it depends on): "
            + _distances(radius.dependencies),
            "External hosts it calls: "
            + (", ".join(escape_mrkdwn(host) for host in hosts) or "none found"),
        ]
    )


def _distances(found: Sequence[tuple[str, int]]) -> str:
    if not found:
        return "none found"
    parts = []
    for name, distance in found:
        reach = "directly" if distance == 1 else f"{distance} hops away"
        parts.append(f"{escape_mrkdwn(name)} ({reach})")
    return ", ".join(parts)


def upload_pictures(
    runtime: Runtime, channel: str, system: System, radius: BlastRadius
) -> list[str]:
    """Upload the DOT file, and a PNG when Graphviz is installed; return file names."""
    dot = to_dot(system.graph, radius)
    stem = f"blast-radius-{slugify(radius.failing) or 'service'}"
    uploaded = [
        share_file(
            runtime,
            channel,
            f"{stem}.dot",
            f"Blast radius of {radius.failing} (Graphviz DOT)",
            dot.encode("utf-8"),
        )
    ]
    if shutil.which("dot") is None:
        return uploaded
    png = _draw_png(dot, radius.failing)
    if png is not None:
        title = f"Blast radius of {radius.failing}"
        uploaded.append(share_file(runtime, channel, f"{stem}.png", title, png))
    return uploaded


def _draw_png(dot: str, service: str) -> bytes | None:
    with tempfile.TemporaryDirectory(prefix="warroom-blast-") as folder:
        output = Path(folder) / "blast-radius.png"
        try:
            write_png(dot, output)
        except InvestigationError as error:
            # The DOT file is already shared, and it carries the same picture.
            log.warning("could not draw the blast radius of %s: %s", service, error)
            return None
        return output.read_bytes()
