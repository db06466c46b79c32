"""`/incident runbooks`: runbooks matching the incident's services, alerts and mode.

The terms come from the incident: its affected services, the names of the alerts
recorded as "alert" timeline events, and the newest "failure-mode" event. Alerts
that carried a runbook URL are listed as links too.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows.base import Actor, ReplyBlocks, post, require_incident
from bot.flows.investigate.system import runbook_sources
from bot.incidents.naming import incident_reference
from bot.investigate import RunbookMatch, load_runbooks, match_runbooks
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import context, escape_mrkdwn, fit_blocks, section
from bot.store import incidents
from bot.store.models import Incident, Signal, TimelineEvent
from bot.text import counted

log = logging.getLogger(__name__)

ALERT_EVENT = "alert"
FAILURE_MODE_EVENT = "failure-mode"
RUNBOOK_EVENT = "runbook"
MAX_RUNBOOKS = 10
# Alert events read "<alert name> firing[: summary]" or "<alert name> resolved".
ALERT_TEXT = re.compile(r"^(?P<name>.+?) (?:firing|resolved)(?::|$)")
# Only plain web addresses become links, because "|" or ">" would break the token.
WEB_ADDRESS = re.compile(r"^https?://[^\s<>|]+$")


@dataclass(frozen=True)
class RunbookTerms:
    """Terms taken from an incident's services and timeline, for matching runbooks."""

    reference: str
    services: tuple[str, ...]
    alerts: tuple[str, ...]
    failure_modes: tuple[str, ...]
    links: tuple[tuple[str, str], ...]  # (label, URL) of runbooks sent by alerts


def show_runbooks(
    runtime: Runtime, actor: Actor, argument: str, reply: ReplyBlocks
) -> None:
    """Post the runbooks that match the incident of the actor's channel."""
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        terms = read_terms(session, incident)
    if not (terms.services or terms.alerts or terms.failure_modes or terms.links):
        raise UserError(
            f"{terms.reference} has no affected services, alerts or failure mode to "
            "match runbooks with. Add them with `/incident services add <name>` or "
            "`/incident failure-mode <text>`."
        )
    scan = load_runbooks(
        runtime.settings.config, runbook_sources(runtime), runtime.settings.docs_repo
    )
    matches = match_runbooks(
        scan.runbooks,
        services=terms.services,
        alerts=terms.alerts,
        failure_modes=terms.failure_modes,
        limit=MAX_RUNBOOKS,
    )
    for warning in scan.warnings:
        log.warning("runbook skipped: %s", warning)

    blocks = [section(_heading(terms))]
    blocks.extend(section(runbook_line(match)) for match in matches)
    if not matches:
        blocks.append(section(_no_match(runtime)))
    if terms.links:
        lines = [f"• {_link(label, url)}" for label, url in terms.links]
        blocks.append(section("*Runbooks linked by alerts*\n" + "\n".join(lines)))
    if scan.warnings:
        blocks.append(context(_warnings_note(scan.warnings)))
    title = f"Runbooks for {terms.reference}"
    post(runtime, actor.channel_id, views.Message(title, fit_blocks(blocks)))
    found = counted(len(matches), "matching runbook")
    links = counted(len(terms.links), "alert link")
    text = f"Posted {found} and {links} for {terms.reference}."
    reply(views.Message(text, [section(text)]))


def read_terms(session: Session, incident: Incident) -> RunbookTerms:
    """Collect the services, alert names, failure mode and alert runbook links."""
    events = incidents.timeline(session, incident)
    alert_events = [event for event in events if event.kind == ALERT_EVENT]
    modes = [event.text for event in events if event.kind == FAILURE_MODE_EVENT]
    links = []
    for event in events:
        url = str(event.data.get("runbook_url") or "")
        if event.kind == RUNBOOK_EVENT and url:
            links.append((event.text.split(": ", 1)[0], url))
    return RunbookTerms(
        reference=incident_reference(incident.number),
        services=tuple(incident.services),
        alerts=_alert_names(session, alert_events),
        failure_modes=tuple(modes[-1:]),
        links=tuple(dict.fromkeys(links)),
    )


def _alert_names(session: Session, events: list[TimelineEvent]) -> tuple[str, ...]:
    """Return the alert names, from the stored signals or else the event text."""
    ids = [event.data.get("signal_id") for event in events]
    signal_ids = [signal_id for signal_id in ids if isinstance(signal_id, int)]
    names_by_id: dict[int, str] = {}
    if signal_ids:
        statement = select(Signal.id, Signal.name).where(Signal.id.in_(signal_ids))
        names_by_id = {row.id: row.name for row in session.execute(statement)}
    names = []
    for event, signal_id in zip(events, ids, strict=True):
        name = names_by_id.get(signal_id) if isinstance(signal_id, int) else None
        if name is None:
            match = ALERT_TEXT.match(event.text)
            name = match.group("name") if match else None
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names))


def _heading(terms: RunbookTerms) -> str:
    parts = []
    if terms.services:
        parts.append("services " + _names(terms.services))
    if terms.alerts:
        parts.append("alerts " + _names(terms.alerts))
    if terms.failure_modes:
        parts.append("failure mode " + _names(terms.failure_modes))
    matched = "; ".join(parts) or "alert links only"
    return f"*Runbooks for {terms.reference}* matched on {matched}"


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(escape_mrkdwn(name) for name in names)


def runbook_line(match: RunbookMatch) -> str:
    """Return one runbook as a bullet: title, path in its repository, and why."""
    # NOTE: runbook files get their path, not a link, because warroom.yaml has no
    # web address for the repositories they are read from.
    runbook = match.runbook
    reasons = "; ".join(escape_mrkdwn(reason) for reason in match.reasons)
    path = escape_mrkdwn(runbook.path).replace("`", "'")
    return f"• *{escape_mrkdwn(runbook.title)}* `{path}` ({reasons})"


def _no_match(runtime: Runtime) -> str:
    folders = ", ".join(runtime.settings.config.investigation.runbook_dirs)
    return (
        f"No runbook matches. Runbooks are Markdown files under {folders} in the "
        "docs repository, the system checkout and the catalogue repositories."
    )


def _link(label: str, url: str) -> str:
    escaped = escape_mrkdwn(label)
    if WEB_ADDRESS.match(url):
        return f"<{url}|{escaped}>"
    return f"{escaped}: {escape_mrkdwn(url)}"


def _warnings_note(warnings: tuple[str, ...]) -> str:
    first = escape_mrkdwn(warnings[0])
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f"Skipped runbook files: {first}{more}. The log lists each of them."
