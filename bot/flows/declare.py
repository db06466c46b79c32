"""Declare: store the incident, then open its channel, summary and severity prompt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError

from bot.errors import SlackCallError, UserError
from bot.flows import severity
from bot.flows.base import Actor, Reply, post, utc_now
from bot.incidents.naming import channel_name, incident_reference
from bot.runtime import Runtime
from bot.slack import api, views
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)

TITLE_HINT = "Give the incident a title, e.g. `/incident declare Checkout errors`."


@dataclass(frozen=True)
class DeclareRequest:
    title: str
    description: str = ""
    severity: int | None = None
    services: tuple[str, ...] = field(default_factory=tuple)
    private: bool = False


def declare(
    runtime: Runtime, actor: Actor, request: DeclareRequest, reply: Reply
) -> int:
    """Declare an incident and return its id."""
    if not request.title.strip():
        raise UserError(TITLE_HINT)
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = incidents.create_incident(
            session,
            team_id=actor.team_id,
            title=request.title.strip(),
            description=request.description.strip(),
            declared_by=actor.user_id,
            now=now,
            severity=request.severity,
            private=request.private,
            services=request.services,
        )
    log.info(
        "declared %s (incident %s) in team %s",
        incident_reference(incident.number),
        incident.id,
        actor.team_id,
    )
    channel = open_channel(runtime, incident)
    reply(
        f"Declared *{incident_reference(incident.number)}* in <#{channel}>. "
        "You are the incident commander until someone takes the role."
    )
    for problem in set_up_channel(runtime, incident, actor):
        reply(problem)
    return incident.id


def open_channel(runtime: Runtime, incident: Incident) -> str:
    pattern = runtime.settings.config.channel_name_pattern

    def name(attempt: int) -> str:
        return channel_name(
            pattern,
            title=incident.title,
            number=incident.number,
            day=incident.declared_at.date(),
            attempt=attempt,
        )

    channel_id, _ = api.create_channel(runtime.client, name, private=incident.private)
    with transaction(runtime.sessions) as session:
        stored = incidents.lock_incident(session, incident.id)
        stored.channel_id = channel_id
    incident.channel_id = channel_id
    return channel_id


def set_up_channel(runtime: Runtime, incident: Incident, actor: Actor) -> list[str]:
    """Topic, members, pinned summary, severity buttons and the announcement."""
    channel = incident.channel_id
    assert channel is not None
    reference = incident_reference(incident.number)
    topic = api.cut_topic(f"{reference}: {incident.title}")
    purpose = api.cut_topic(
        f"Response to {reference}. Status updates with /incident status."
    )
    runtime.client.conversations_setTopic(channel=channel, topic=topic)
    runtime.client.conversations_setPurpose(channel=channel, purpose=purpose)
    problems = invite_responders(runtime, channel, actor.user_id)
    post_summary(runtime, incident)
    severity.post_prompt(runtime, incident, incident.severity, "", actor)
    announce(runtime, incident)
    return problems


def invite_responders(runtime: Runtime, channel: str, reporter: str) -> list[str]:
    """Invite the reporter and the configured responders; return what went wrong."""
    responders = runtime.settings.config.responders
    users = {reporter}
    problems = []
    for entry in responders.users:
        if "@" not in entry:
            users.add(entry)
            continue
        user_id = api.user_id_for_email(runtime.client, entry)
        if user_id is None:
            log.warning("no Slack user has the responder address %s", entry)
            problems.append(f"No Slack user has the address {entry}; not invited.")
        else:
            users.add(user_id)
    for group in responders.groups:
        users.update(api.group_members(runtime.client, group))
    rejected = api.invite(runtime.client, channel, users)
    if rejected:
        log.warning("Slack rejected inviting %s to %s", ",".join(rejected), channel)
        problems.append("Slack rejected the invitation of " + ", ".join(rejected) + ".")
    return problems


def post_summary(runtime: Runtime, incident: Incident) -> None:
    channel = incident.channel_id
    assert channel is not None
    with runtime.sessions() as session:
        stored = session.get(Incident, incident.id)
        assert stored is not None
        roles = incidents.current_roles(session, stored)
        message = views.summary(stored, roles, runtime.settings.config.severities)
    ts = post(runtime, channel, message)
    with transaction(runtime.sessions) as session:
        incidents.lock_incident(session, incident.id).summary_ts = ts
    try:
        runtime.client.pins_add(channel=channel, timestamp=ts)
    except SlackApiError as error:
        log.warning(
            "could not pin the summary in %s: %s", channel, api.error_code(error)
        )


def announce(runtime: Runtime, incident: Incident) -> None:
    channel = runtime.settings.config.announcement_channel
    if not channel:
        return
    reference = incident_reference(incident.number)
    message = views.announcement(incident)
    try:
        post(runtime, channel, message)
    except (UserError, SlackCallError) as error:
        log.warning("could not announce %s in %s: %s", reference, channel, error)
