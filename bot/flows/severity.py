"""Severity: propose a level with buttons; the commander or a responder confirms it."""

from __future__ import annotations

import json
import logging

from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.flows import access
from bot.flows.base import (
    Actor,
    Reply,
    post,
    refresh_summary,
    require_incident,
    utc_now,
)
from bot.incidents.lifecycle import RESOLVED
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import section
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)


def propose(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """`sev <level> [reason]`: post the buttons with `level` suggested."""
    levels = [s.level for s in runtime.settings.config.severities]
    word, _, reason = argument.partition(" ")
    level = parse_level(word, levels)
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
    if incident.status == RESOLVED:
        raise UserError("This incident is resolved. Reopen it to change its severity.")
    post_prompt(runtime, incident, level, reason.strip(), actor)
    name = views.severity_name(level, runtime.settings.config.severities)
    reply(f"Posted the severity buttons with {name} suggested.")


def parse_level(word: str, levels: list[int]) -> int:
    text = word.strip().lower().removeprefix("sev")
    if not (text.isascii() and text.isdigit()) or int(text) not in levels:
        choices = ", ".join(str(level) for level in levels)
        raise UserError(
            f'"{word}" is not a severity level. Use one of {choices}, '
            "e.g. `/incident sev 2 checkout errors for all EU users`."
        )
    return int(text)


def post_prompt(
    runtime: Runtime,
    incident: Incident,
    suggested: int | None,
    reason: str,
    actor: Actor,
) -> None:
    assert incident.channel_id is not None
    severities = runtime.settings.config.severities
    message = views.severity_prompt(incident, severities, suggested, reason)
    ts = post(runtime, incident.channel_id, message)
    now = utc_now()
    with transaction(runtime.sessions) as session:
        stored = incidents.lock_incident(session, incident.id)
        replaced = stored.severity_prompt_ts
        stored.severity_prompt_ts = ts
        if suggested is not None:
            incidents.add_event(
                session,
                stored,
                kind="severity",
                occurred_at=now,
                actor_id=actor.user_id,
                text=f"proposed {views.severity_name(suggested, severities)}"
                + (f": {reason}" if reason else ""),
                data={"proposed": suggested, "reason": reason},
                now=now,
            )
    if replaced:
        retire_prompt(runtime, incident.channel_id, replaced)


REPLACED = "These severity buttons were replaced by a newer proposal below."


def retire_prompt(
    runtime: Runtime, channel: str, ts: str, text: str = REPLACED
) -> None:
    try:
        runtime.client.chat_update(
            channel=channel, ts=ts, text=text, blocks=[section(text)]
        )
    except SlackApiError as error:
        log.warning("could not retire severity prompt: %s", api.error_code(error))


def confirm(runtime: Runtime, actor: Actor, value: str, message_ts: str) -> str:
    """Handle a severity button and return the ephemeral reply for the clicker."""
    choice = json.loads(value)
    incident_id, level = int(choice["incident"]), int(choice["level"])
    reason = str(choice.get("reason", ""))
    now = utc_now()
    with runtime.sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != actor.team_id:
            return "That incident no longer exists."
        roles = incidents.current_roles(session, incident)
    # Asked before the row is locked, because it may call Slack.
    try:
        access.require(runtime, "confirm_severity", incident, roles, actor.user_id)
    except UserError as error:
        return str(error)
    with transaction(runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        if incident.severity_prompt_ts != message_ts:
            return "This severity choice was already made; nothing changed."
        if incident.status == RESOLVED:
            return "This incident is resolved. Reopen it to change its severity."
        previous = incident.severity
        incident.severity = level
        incident.severity_confirmed = True
        incident.severity_prompt_ts = None
        incident.updated_at = now
        severities = runtime.settings.config.severities
        text = f"{views.severity_name(level, severities)} confirmed"
        if previous:
            text += f" (was {views.severity_name(previous, severities)})"
        incidents.add_event(
            session,
            incident,
            kind="severity",
            occurred_at=now,
            actor_id=actor.user_id,
            text=text + (f": {reason}" if reason else ""),
            data={"from": previous, "to": level, "reason": reason},
            now=now,
        )
        severities = runtime.settings.config.severities
        outcome = views.severity_outcome(incident, severities, actor.user_id, reason)
        channel = incident.channel_id
    log.info("incident %s severity confirmed as %s", incident_id, level)
    if channel:
        try:
            runtime.client.chat_update(
                channel=channel, ts=message_ts, text=outcome.text, blocks=outcome.blocks
            )
        except SlackApiError as error:
            code = api.error_code(error)
            log.warning("could not replace severity buttons in %s: %s", channel, code)
    refresh_summary(runtime, incident_id)
    return outcome.text
