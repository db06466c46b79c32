"""Archive incident channels a configured time after resolution."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update

from bot.incidents.lifecycle import RESOLVED
from bot.runtime import Runtime
from bot.slack import api
from bot.store.db import transaction
from bot.store.models import Incident

log = logging.getLogger(__name__)

# Errors a retry cannot fix; other failures are retried on the next sweep.
GIVE_UP = frozenset(
    {"channel_not_found", "not_in_channel", "restricted_action", "cant_archive_general"}
)


def archive_due_channels(runtime: Runtime, now: datetime) -> list[int]:
    """Archive the channels of incidents resolved long enough ago; return their ids.

    Each incident is claimed with a conditional UPDATE before Slack is called, so two
    replicas running this sweep at once archive each channel once.
    """
    delay = runtime.settings.config.archive_channel_after
    if delay is None:
        return []
    with runtime.sessions() as session:
        due = session.scalars(
            select(Incident.id).where(
                Incident.status == RESOLVED,
                Incident.resolved_at <= now - delay,
                Incident.channel_archived_at.is_(None),
                Incident.channel_id.is_not(None),
            )
        ).all()
    return [
        incident_id for incident_id in due if archive_one(runtime, incident_id, now)
    ]


def archive_one(runtime: Runtime, incident_id: int, now: datetime) -> bool:
    with transaction(runtime.sessions) as session:
        claimed = session.execute(
            update(Incident)
            .where(Incident.id == incident_id, Incident.channel_archived_at.is_(None))
            .values(channel_archived_at=now, version=Incident.version + 1)
            .returning(Incident.channel_id)
        ).first()
    if claimed is None:
        return False
    channel = str(claimed[0])
    try:
        runtime.client.conversations_archive(channel=channel)
    except SlackApiError as error:
        code = api.error_code(error)
        if code in GIVE_UP:
            log.warning(
                "cannot archive %s of incident %s: %s; leaving it open",
                channel,
                incident_id,
                code,
            )
            return False
        if code != "already_archived":
            log.warning(
                "could not archive %s of incident %s: %s; retrying on a later sweep",
                channel,
                incident_id,
                code,
            )
            release_claim(runtime, incident_id)
            return False
    log.info("archived channel %s of incident %s", channel, incident_id)
    return True


def release_claim(runtime: Runtime, incident_id: int) -> None:
    with transaction(runtime.sessions) as session:
        session.execute(
            update(Incident)
            .where(Incident.id == incident_id)
            .values(channel_archived_at=None, version=Incident.version + 1)
        )
