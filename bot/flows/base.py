"""Shared flow helpers: the acting person, the clock, and the incident in context."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows import access
from bot.incidents.naming import parse_incident_reference
from bot.logs import bind_ids
from bot.runtime import Runtime
from bot.slack import api, views
from bot.store import incidents
from bot.store.models import Incident

log = logging.getLogger(__name__)

# Ephemeral replies to the person who made the request: plain text, or a message.
Reply = Callable[[str], None]
ReplyBlocks = Callable[[views.Message], None]

NOT_IN_INCIDENT = (
    "This command works inside an incident channel. Run it there, or find the "
    "incident with `/incident list` and `/incident show INC-<n>`."
)


@dataclass(frozen=True)
class Actor:
    """The person behind a request, and where they made it."""

    team_id: str
    user_id: str
    channel_id: str


def utc_now() -> datetime:
    return datetime.now(UTC)


def require_incident(session: Session, actor: Actor, *, lock: bool = False) -> Incident:
    """Return the incident of the actor's channel; `lock` before changing it.

    Locking makes concurrent writers to one incident wait for each other instead of
    failing on the version check.
    """
    incident = incidents.find_by_channel(session, actor.team_id, actor.channel_id)
    if incident is None:
        raise UserError(NOT_IN_INCIDENT)
    bind_ids(incident_id=incident.id)
    return incidents.lock_incident(session, incident.id) if lock else incident


def require_permission(runtime: Runtime, actor: Actor, action: str) -> None:
    """Raise UserError unless the actor may take `action` in the channel's incident.

    The check reads the roles in a short session of its own, because it may call
    Slack and must not hold the incident's row lock while it does.
    """
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        roles = incidents.current_roles(session, incident)
    access.require(runtime, action, incident, roles, actor.user_id)


def find_incident(
    runtime: Runtime, session: Session, actor: Actor, reference: str
) -> Incident:
    """Return the incident named by `reference`, or the channel's when it is empty.

    A private incident the actor may not see is reported like a missing one, so the
    reply does not reveal that it exists.
    """
    if not reference:
        return require_incident(session, actor)
    number = parse_incident_reference(reference)
    if number is None:
        raise UserError(f'"{reference}" is not an incident reference such as INC-12.')
    incident = incidents.find_by_number(session, actor.team_id, number)
    if incident is not None:
        roles = incidents.current_roles(session, incident)
        visible = access.can_see(
            runtime,
            incident,
            roles,
            user_id=actor.user_id,
            channel_id=actor.channel_id,
        )
        if visible:
            bind_ids(incident_id=incident.id)
            return incident
    raise UserError(
        f"There is no incident INC-{number} that you can see in this workspace. "
        "Private incidents are shown only to their channel members and role holders."
    )


def user_zone(runtime: Runtime, user_id: str) -> ZoneInfo:
    default = runtime.settings.config.timezone
    return ZoneInfo(runtime.users.timezone(user_id, default))


_summary_locks: dict[int, threading.Lock] = {}
_summary_locks_guard = threading.Lock()


def _summary_lock(incident_id: int) -> threading.Lock:
    with _summary_locks_guard:
        return _summary_locks.setdefault(incident_id, threading.Lock())


def refresh_summary(runtime: Runtime, incident_id: int) -> None:
    """Edit the pinned summary to match the stored incident.

    Refreshes of one incident run one at a time and each reads the state inside the
    lock, so a slow refresh cannot overwrite a newer one from this process.
    """
    # NOTE: two replicas refreshing the same summary at once can still finish out
    # of order; the next change of the incident corrects it.
    with _summary_lock(incident_id):
        _refresh_summary(runtime, incident_id)


def _refresh_summary(runtime: Runtime, incident_id: int) -> None:
    with runtime.sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or not incident.channel_id or not incident.summary_ts:
            return
        roles = incidents.current_roles(session, incident)
        message = views.summary(incident, roles, runtime.settings.config.severities)
    channel = incident.channel_id
    try:
        runtime.client.chat_update(
            channel=channel,
            ts=incident.summary_ts,
            text=message.text,
            blocks=message.blocks,
        )
    except (SlackApiError, OSError) as error:
        # The stored state is right, and the next change edits the summary again.
        log.warning(
            "could not update the summary of incident %s in %s: %s",
            incident_id,
            channel,
            error,
        )


def post(runtime: Runtime, channel: str, message: views.Message) -> str:
    """Post a message and return its ts; channel problems become UserErrors."""
    answer = api.call(
        "chat.postMessage",
        lambda: runtime.client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks
        ),
        channel=channel,
    )
    return str(answer["ts"])
