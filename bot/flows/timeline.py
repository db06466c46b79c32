"""Timeline: notes, back-dated entries, milestones and messages pinned by emoji."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.flows.base import (
    Actor,
    Reply,
    ReplyBlocks,
    find_incident,
    refresh_summary,
    require_incident,
    user_zone,
    utc_now,
)
from bot.incidents.lifecycle import MILESTONES
from bot.incidents.timeparse import TimeParseError, parse_optional_when, parse_when
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import unescape_slack_text
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)

NOTE_USAGE = "Write the note after the command, e.g. `/incident note restarted api-7`."
AT_USAGE = (
    "Start with a time, e.g. `/incident at 14:05 deploy 4812 began` or "
    "`/incident at 10 min ago paged the database team`."
)


def record(
    runtime: Runtime,
    actor: Actor,
    *,
    kind: str,
    text: str,
    occurred_at: datetime,
    data: dict[str, object] | None = None,
) -> Incident:
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        incidents.add_event(
            session,
            incident,
            kind=kind,
            occurred_at=occurred_at,
            actor_id=actor.user_id,
            text=text,
            data=data,
            now=now,
        )
        incident.updated_at = now
    return incident


def note(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    if not argument:
        raise UserError(NOTE_USAGE)
    record(runtime, actor, kind="note", text=argument, occurred_at=utc_now())
    reply("Noted on the timeline.")


def note_at(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    zone = user_zone(runtime, actor.user_id)
    try:
        when, text = parse_when(argument, now=utc_now(), tz=zone)
    except TimeParseError as error:
        raise UserError(f"{error} {AT_USAGE}") from error
    if not text:
        raise UserError(f"Say what happened after the time. {AT_USAGE}")
    record(runtime, actor, kind="note", text=text, occurred_at=when)
    reply(f"Recorded at {views.slack_time(when)}.")


def milestone(
    runtime: Runtime, actor: Actor, name: str, argument: str, reply: Reply
) -> None:
    """`started|detected|acknowledged|mitigated|resolved [time] [note]`."""
    zone = user_zone(runtime, actor.user_id)
    try:
        when, text = parse_optional_when(argument, now=utc_now(), tz=zone)
    except TimeParseError as error:
        raise UserError(str(error)) from error
    attribute = MILESTONES[name]
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        previous = getattr(incident, attribute)
        setattr(incident, attribute, when)
        incident.updated_at = now
        incidents.add_event(
            session,
            incident,
            kind="milestone",
            occurred_at=when,
            actor_id=actor.user_id,
            text=name + (f": {text}" if text else ""),
            data={
                "milestone": name,
                "previous": previous.isoformat() if previous else None,
            },
            now=now,
        )
        incident_id = incident.id
    refresh_summary(runtime, incident_id)
    reply(f"Marked *{name}* at {views.slack_time(when)}.")


def show(
    runtime: Runtime, actor: Actor, argument: str, reply_blocks: ReplyBlocks
) -> None:
    with runtime.sessions() as session:
        incident = find_incident(runtime, session, actor, argument.strip())
        events = incidents.timeline(session, incident)
        message = views.timeline(incident, events)
    reply_blocks(message)


def message_source(channel: str, ts: str) -> str:
    return f"message:{channel}:{ts}"


def pin_message(runtime: Runtime, team_id: str, channel: str, ts: str, by: str) -> bool:
    """Record a message someone marked with the timeline emoji; False if not new."""
    with runtime.sessions() as session:
        incident = incidents.find_by_channel(session, team_id, channel)
        if incident is None:
            return False
        incident_id = incident.id
        existing = incidents.find_event_by_source(
            session, incident, message_source(channel, ts)
        )
        if existing is not None and not existing.deleted:
            return False
    message = fetch_message(runtime, channel, ts)
    permalink = fetch_permalink(runtime, channel, ts)
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        existing = incidents.find_event_by_source(
            session, incident, message_source(channel, ts)
        )
        if existing is not None:
            if not existing.deleted:
                return False
            existing.deleted = False
            return True
        incidents.add_event(
            session,
            incident,
            kind="pinned",
            occurred_at=datetime.fromtimestamp(float(ts), UTC),
            actor_id=str(message.get("user") or "") or None,
            text=unescape_slack_text(str(message.get("text", ""))),
            data={"permalink": permalink, "pinned_by": by, "ts": ts},
            source_key=message_source(channel, ts),
            now=now,
        )
    log.info("incident %s: pinned message %s from %s", incident_id, ts, channel)
    return True


def unpin_message(runtime: Runtime, team_id: str, channel: str, ts: str) -> bool:
    """Remove a pinned entry, unless someone else's reaction still marks it."""
    if still_marked(runtime, channel, ts):
        return False
    with transaction(runtime.sessions) as session:
        incident = incidents.find_by_channel(session, team_id, channel)
        if incident is None:
            return False
        existing = incidents.find_event_by_source(
            session, incident, message_source(channel, ts)
        )
        if existing is None or existing.deleted:
            return False
        existing.deleted = True
    return True


def still_marked(runtime: Runtime, channel: str, ts: str) -> bool:
    """Return whether anyone's timeline emoji is still on the message."""
    wanted = runtime.settings.config.timeline_emoji
    try:
        answer = runtime.client.reactions_get(channel=channel, timestamp=ts)
    except SlackApiError as error:
        log.warning("could not read reactions of %s: %s", ts, api.error_code(error))
        return False
    reactions = (answer.get("message") or {}).get("reactions") or []
    return any(
        str(r.get("name", "")).split("::")[0] == wanted and r.get("count", 0) > 0
        for r in reactions
    )


def fetch_message(runtime: Runtime, channel: str, ts: str) -> dict[str, object]:
    """Return the message at `ts`, whether it is in the channel or in a thread."""
    try:
        answer = runtime.client.conversations_history(
            channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        for message in answer.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        # Slack puts the thread's parent first, so narrow the range to the reply.
        answer = runtime.client.conversations_replies(
            channel=channel, ts=ts, oldest=ts, latest=ts, inclusive=True
        )
        for message in answer.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
    except SlackApiError as error:
        log.warning(
            "could not read message %s in %s: %s", ts, channel, api.error_code(error)
        )
    return {"text": "(message text unavailable)"}


def fetch_permalink(runtime: Runtime, channel: str, ts: str) -> str | None:
    try:
        answer = runtime.client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError as error:
        log.warning("no permalink for %s in %s: %s", ts, channel, api.error_code(error))
        return None
    return str(answer.get("permalink") or "") or None
