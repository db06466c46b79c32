"""Suggest past incidents and runbooks of the same services in an incident channel.

Runs after an incident is declared with services and after services are added.
Past incidents come from the database first, then from `docs/incidents/index.md`
in the docs repository. The title of a private incident is never shown, because
the channel may include people who cannot see that incident.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError, WarroomError
from bot.flows.base import post
from bot.flows.investigate.runbooks import runbook_line
from bot.flows.investigate.system import runbook_sources
from bot.incidents.naming import incident_reference
from bot.investigate import (
    InvestigationError,
    PastIncident,
    PastIncidentMatch,
    RunbookMatch,
    from_records,
    load_runbooks,
    match_runbooks,
    read_incident_index,
    suggest_past_incidents,
)
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import context, escape_mrkdwn, fit_blocks, section
from bot.store.models import Incident
from bot.text import counted

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 5
# The newest stored incidents compared; older ones are still found in the index.
MAX_STORED_CANDIDATES = 2000
PRIVATE_TITLE = "a private incident"


def suggest_safely(runtime: Runtime, incident_id: int, services: Sequence[str]) -> None:
    """Run `suggest`, logging a failure instead of raising it.

    The suggestions are an extra after the real work (a declaration or a change of
    services), which has already succeeded and must not be reported as failed.
    """
    try:
        suggest(runtime, incident_id, services)
    except (WarroomError, SlackApiError, OSError) as error:
        log.warning(
            "incident %s: could not post suggestions for %s: %s",
            incident_id,
            ",".join(services),
            error,
        )


def suggest(runtime: Runtime, incident_id: int, services: Sequence[str]) -> bool:
    """Post up to five past incidents and runbooks of `services` in the channel.

    Return whether a message was posted; nothing is posted when nothing matches.
    """
    with runtime.sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or not incident.channel_id or not services:
            return False
        reference = incident_reference(incident.number)
        stored = _stored_candidates(runtime, session, incident)
        private = _private_references(session, incident.team_id)
        channel = incident.channel_id
    docs_repo = runtime.settings.docs_repo
    indexed = read_incident_index(docs_repo) if docs_repo is not None else ()
    candidates = [
        replace(past, title=PRIVATE_TITLE) if past.reference in private else past
        for past in [*stored, *indexed]
    ]
    past = suggest_past_incidents(
        services, candidates, exclude=[reference], limit=MAX_SUGGESTIONS
    )
    runbooks = _runbooks(runtime, services)
    if not past and not runbooks:
        log.info("incident %s: no past incidents or runbooks match", incident_id)
        return False
    message = suggestions_message(reference, services, past, runbooks)
    post(runtime, channel, message)
    log.info(
        "incident %s: suggested %d past incidents and %d runbooks",
        incident_id,
        len(past),
        len(runbooks),
    )
    return True


def _stored_candidates(
    runtime: Runtime, session: Session, incident: Incident
) -> tuple[PastIncident, ...]:
    """Return the workspace's other incidents, newest first."""
    statement = (
        select(Incident)
        .where(Incident.team_id == incident.team_id, Incident.id != incident.id)
        .order_by(Incident.declared_at.desc())
        .limit(MAX_STORED_CANDIDATES)
    )
    severities = runtime.settings.config.severities
    names = {severity.level: severity.name for severity in severities}
    return from_records(session.scalars(statement), names)


def _private_references(session: Session, team_id: str) -> set[str]:
    """Return the references of the workspace's private incidents.

    The index in the docs repository lists private incidents with their titles,
    so its rows are checked against this set too.
    """
    statement = select(Incident.number).where(
        Incident.team_id == team_id, Incident.private
    )
    return {incident_reference(number) for number in session.scalars(statement)}


def _runbooks(runtime: Runtime, services: Sequence[str]) -> tuple[RunbookMatch, ...]:
    settings = runtime.settings
    try:
        sources = runbook_sources(runtime)
    except (InvestigationError, UserError) as error:
        log.warning("runbooks not searched: %s", error)
        return ()
    scan = load_runbooks(settings.config, sources, settings.docs_repo)
    return match_runbooks(scan.runbooks, services=services, limit=MAX_SUGGESTIONS)


def suggestions_message(
    reference: str,
    services: Sequence[str],
    past: Sequence[PastIncidentMatch],
    runbooks: Sequence[RunbookMatch],
) -> views.Message:
    """Build the message listing past incidents and runbooks of `services`."""
    names = ", ".join(escape_mrkdwn(name) for name in services)
    blocks = []
    if past:
        lines = [past_incident_line(match) for match in past]
        heading = f"*Past incidents of {names}*"
        blocks.append(section("\n".join([heading, *lines])))
    if runbooks:
        lines = [runbook_line(match) for match in runbooks]
        blocks.append(section("\n".join([f"*Runbooks for {names}*", *lines])))
    blocks.append(
        context(
            f"Suggested for {reference} from its services. `/incident runbooks` also "
            "matches alert names and the failure mode."
        )
    )
    incidents = counted(len(past), "past incident")
    text = f"{incidents} and {counted(len(runbooks), 'runbook')} for {reference}"
    return views.Message(text, fit_blocks(blocks))


def past_incident_line(match: PastIncidentMatch) -> str:
    """Return one past incident as a bullet: reference, day, severity, title, why."""
    past = match.incident
    line = (
        f"• *{past.reference}* ({past.day.isoformat()}, {escape_mrkdwn(past.severity)})"
        f": {escape_mrkdwn(past.title)}"
    )
    if match.shared_services:
        line += " · shares " + ", ".join(
            escape_mrkdwn(name) for name in match.shared_services
        )
    else:
        line += " · names the service in its title"
    if past.postmortem:
        line += f" · postmortem `{escape_mrkdwn(past.postmortem)}`"
    return line
