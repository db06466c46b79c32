"""Access checks that need Slack: responder membership and private incidents.

The policy itself is in `bot.incidents.permissions`. This module gathers the facts
it decides on: the roles stored for the incident, the configured responders (user
ids, e-mail addresses and user groups), and the members of the incident channel.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import SlackCallError, UserError
from bot.incidents.lifecycle import COMMANDER
from bot.incidents.naming import incident_reference
from bot.incidents.permissions import ANYONE, Involvement, allows, rejection
from bot.runtime import Runtime
from bot.slack import api
from bot.store.models import Incident

log = logging.getLogger(__name__)

# conversations.members returns at most this many ids per page.
MEMBERS_PAGE_SIZE = 200


def is_configured_responder(runtime: Runtime, user_id: str) -> bool:
    """Return whether warroom.yaml names the user under `responders`.

    E-mail addresses and user groups are resolved through Slack on each call.
    """
    responders = runtime.settings.config.responders
    if user_id in responders.users:
        return True
    for entry in responders.users:
        if "@" not in entry:
            continue
        try:
            if api.user_id_for_email(runtime.client, entry) == user_id:
                return True
        except SlackCallError as error:
            log.warning("could not look up responder %s: %s", entry, error)
    return any(
        user_id in api.group_members(runtime.client, group)
        for group in responders.groups
    )


def involvement(runtime: Runtime, roles: dict[str, str], user_id: str) -> Involvement:
    """Collect what the permission policy needs to know about `user_id`."""
    is_commander = roles.get(COMMANDER) == user_id
    holds_role = user_id in roles.values()
    return Involvement(
        is_commander=is_commander,
        is_responder=holds_role or is_configured_responder(runtime, user_id),
    )


def may(runtime: Runtime, action: str, roles: dict[str, str], user_id: str) -> bool:
    """Return whether `user_id` may take the guarded `action`.

    Slack is asked only when the level needs it, so `anyone` costs no call.
    """
    level = runtime.settings.config.permissions.level(action)
    if level == ANYONE:
        return True
    return allows(level, involvement(runtime, roles, user_id))


def require(
    runtime: Runtime,
    action: str,
    incident: Incident,
    roles: dict[str, str],
    user_id: str,
) -> None:
    """Raise UserError saying who may take `action` when `user_id` may not."""
    if may(runtime, action, roles, user_id):
        return
    level = runtime.settings.config.permissions.level(action)
    reference = incident_reference(incident.number)
    log.info(
        "rejected %s on incident %s by %s (needs %s)",
        action,
        incident.id,
        user_id,
        level,
    )
    raise UserError(rejection(action, level, reference, roles.get(COMMANDER)))


def can_see(
    runtime: Runtime,
    incident: Incident,
    roles: dict[str, str],
    *,
    user_id: str,
    channel_id: str,
) -> bool:
    """Return whether the user may see the incident's details.

    Public incidents are visible to everyone. A private one is visible in its own
    channel, to the holders of its roles and to the members of its channel.
    """
    if not incident.private:
        return True
    if channel_id == incident.channel_id or user_id in roles.values():
        return True
    if incident.channel_id is None:
        return False
    return user_id in channel_members(runtime, incident.channel_id)


def channel_members(runtime: Runtime, channel: str) -> set[str]:
    """Return the members of `channel`, or an empty set when Slack cannot list them.

    An empty set hides a private incident, which is the safe side of a failure.
    """
    members: set[str] = set()
    cursor = None
    while True:
        try:
            answer = runtime.client.conversations_members(
                channel=channel, cursor=cursor, limit=MEMBERS_PAGE_SIZE
            )
        except SlackApiError as error:
            code = api.error_code(error)
            log.warning("could not list the members of %s: %s", channel, code)
            return set()
        members.update(str(user) for user in answer.get("members") or [])
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members
