"""Declare: store the incident, then open its channel, summary and severity prompt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from sqlalchemy import delete

from bot.errors import SlackCallError, UserError
from bot.flows import severity
from bot.flows.base import Actor, Reply, post, utc_now
from bot.flows.investigate.suggestions import suggest_safely
from bot.incidents.naming import channel_name, incident_reference
from bot.logs import bind_ids
from bot.runtime import Runtime
from bot.slack import api, views
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import (
    Incident,
    Reminder,
    RoleAssignment,
    TimelineEvent,
)

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
    bind_ids(incident_id=incident.id)
    log.info(
        "declared %s (incident %s) in team %s",
        incident_reference(incident.number),
        incident.id,
        actor.team_id,
    )
    try:
        channel = open_channel(runtime, incident)
    except (UserError, SlackCallError, SlackApiError, OSError) as error:
        withdraw(runtime, incident.id)
        reason = describe(error)
        raise UserError(
            f"Could not create the incident channel ({reason}), so nothing was "
            "declared. Try again in a moment."
        ) from error
    reply(
        f"Declared *{incident_reference(incident.number)}* in <#{channel}>. "
        "You are the incident commander until someone takes the role."
    )
    for problem in set_up_channel(runtime, incident, actor):
        reply(problem)
    if request.services:
        suggest_safely(runtime, incident.id, request.services)
    return incident.id


def channel_names(runtime: Runtime, incident: Incident) -> Callable[[int], str]:
    """Return the function naming the incident's channel at each attempt."""
    pattern = runtime.settings.config.channel_name_pattern

    def name(attempt: int) -> str:
        return channel_name(
            pattern,
            title=incident.title,
            number=incident.number,
            day=incident.declared_at.date(),
            attempt=attempt,
        )

    return name


def open_channel(runtime: Runtime, incident: Incident) -> str:
    name = channel_names(runtime, incident)
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
    problems: list[str] = []

    def attempt(what: str, step: Callable[[], object]) -> None:
        # Each step is independent: one Slack failure must not skip the rest.
        try:
            result = step()
        except (UserError, SlackCallError, SlackApiError, OSError) as error:
            log.warning("incident %s: could not %s: %s", incident.id, what, error)
            problems.append(f"Could not {what}: {describe(error)}")
            return
        if isinstance(result, list):
            problems.extend(str(problem) for problem in result)

    attempt(
        "set the channel topic",
        lambda: runtime.client.conversations_setTopic(channel=channel, topic=topic),
    )
    attempt(
        "set the channel purpose",
        lambda: runtime.client.conversations_setPurpose(
            channel=channel, purpose=purpose
        ),
    )
    attempt(
        "invite the responders",
        lambda: invite_responders(runtime, channel, actor.user_id),
    )
    attempt("post the pinned summary", lambda: post_summary(runtime, incident))
    attempt(
        "post the severity buttons",
        lambda: severity.post_prompt(runtime, incident, incident.severity, "", actor),
    )
    attempt("announce the incident", lambda: announce(runtime, incident))
    return problems


def describe(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return f"Slack error {api.error_code(error)}"
    return str(error)


def withdraw(runtime: Runtime, incident_id: int) -> None:
    """Delete an incident whose channel could not be created; its number stays used."""
    with transaction(runtime.sessions) as session:
        for model in (Reminder, TimelineEvent, RoleAssignment):
            session.execute(delete(model).where(model.incident_id == incident_id))
        session.execute(delete(Incident).where(Incident.id == incident_id))
    log.info("withdrew incident %s: no channel could be created", incident_id)


def invite_responders(runtime: Runtime, channel: str, reporter: str) -> list[str]:
    """Invite the reporter and the configured responders; return what went wrong."""
    responders = runtime.settings.config.responders
    users = {reporter}
    problems = []
    for entry in responders.users:
        if "@" not in entry:
            users.add(entry)
            continue
        try:
            user_id = api.user_id_for_email(runtime.client, entry)
        except SlackCallError as error:
            log.warning("could not look up responder %s: %s", entry, error)
            problems.append(f"Could not look up {entry} in Slack ({error.error}).")
            continue
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
    """Announce a public incident; a private one is never announced."""
    channel = runtime.settings.config.announcement_channel
    if not channel:
        return
    if incident.private:
        log.info("incident %s is private, so it is not announced", incident.id)
        return
    post(runtime, channel, views.announcement(incident))
