"""Roles: commander, scribe, comms, or any role the team names."""

from __future__ import annotations

import logging
import re

from jinja2 import TemplateNotFound
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.flows.base import Actor, Reply, refresh_summary, require_incident, utc_now
from bot.incidents.lifecycle import STANDARD_ROLES, normalise_role
from bot.incidents.naming import incident_reference
from bot.runtime import Runtime
from bot.slack import api
from bot.slack.blocks import escape_mrkdwn, section
from bot.store import incidents
from bot.store.db import transaction

log = logging.getLogger(__name__)

# Slack escapes mentions in commands as <@U123ABC|name> (or <@U123ABC>).
ESCAPED_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ROLE_USAGE = "Use `/incident role <commander|scribe|comms|other-role> @person`."


def resolve_user(runtime: Runtime, word: str) -> str:
    """Return the user id for an escaped mention or a plain @name."""
    match = ESCAPED_MENTION.match(word)
    if match:
        return match.group(1)
    if not word.startswith("@") or len(word) < 2:
        raise UserError(f'"{word}" is not a person. {ROLE_USAGE}')
    user_id = runtime.users.find_by_name(word)
    if user_id is None:
        raise UserError(
            f"No user named {word} was found in this workspace. {ROLE_USAGE}"
        )
    return user_id


def assign(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    words = argument.split()
    if len(words) != 2:
        raise UserError(ROLE_USAGE)
    role = normalise_role(words[0])
    if role is None:
        raise UserError(f'"{words[0]}" is not a role name. {ROLE_USAGE}')
    user_id = resolve_user(runtime, words[1])
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        previous = incidents.assign_role(
            session, incident, role, user_id, by=actor.user_id, now=now
        )
        text = f"<@{user_id}> is {role}" + (f" (was <@{previous}>)" if previous else "")
        incidents.add_event(
            session,
            incident,
            kind="role",
            occurred_at=now,
            actor_id=actor.user_id,
            text=text,
            data={"role": role, "user": user_id, "previous": previous},
            now=now,
        )
        incident.updated_at = now
        reference = incident_reference(incident.number)
        incident_id, channel = incident.id, incident.channel_id
    log.info("incident %s: %s is now %s", incident_id, user_id, role)
    if channel:
        api.call(
            "chat.postMessage",
            lambda: runtime.client.chat_postMessage(
                channel=channel, text=text, blocks=[section(text)]
            ),
            channel=channel,
        )
    tell_role_holder(runtime, user_id, role, reference, channel)
    refresh_summary(runtime, incident_id)
    reply(f"{text}.")


def tell_role_holder(
    runtime: Runtime, user_id: str, role: str, reference: str, channel: str | None
) -> None:
    """Send the new holder a direct message saying what the role involves."""
    name = role if role in STANDARD_ROLES else "custom"
    try:
        template = runtime.templates.get_template(f"slack/roles/{name}.md.j2")
    except TemplateNotFound:
        template = runtime.templates.get_template("slack/roles/custom.md.j2")
    text = template.render(
        role=escape_mrkdwn(role), reference=reference, channel=channel or ""
    )
    try:
        runtime.client.chat_postMessage(
            channel=user_id, text=text, blocks=[section(text)]
        )
    except SlackApiError as error:
        log.warning(
            "could not message %s about role: %s", user_id, api.error_code(error)
        )


def show(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        roles = incidents.current_roles(session, incident)
    lines = [f"*{role}*: <@{roles[role]}>" for role in STANDARD_ROLES if role in roles]
    lines += [
        f"*{escape_mrkdwn(role)}*: <@{user}>"
        for role, user in sorted(roles.items())
        if role not in STANDARD_ROLES
    ]
    missing = [role for role in STANDARD_ROLES if role not in roles]
    if missing:
        lines.append("Unassigned: " + ", ".join(missing))
    reply("\n".join(lines))
