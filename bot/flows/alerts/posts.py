"""Post and update the Slack message of each signal group, off the request thread.

Requests for one group are coalesced: while a refresh of it is queued, another
request adds nothing, and refreshes of one group are spaced by `min_interval`. So an
alert storm gives one post per group, edited a few times, not a post per alert.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import SlackCallError, UserError
from bot.flows.base import utc_now
from bot.incidents.lifecycle import RESOLVED
from bot.runtime import Runtime
from bot.slack import api
from bot.slack.alert_views import GroupPostContext, group_post
from bot.slack.views import Message
from bot.store.db import transaction
from bot.store.models import Incident, SignalGroup
from bot.store.signals import claim_group, group_signals, lock_group

log = logging.getLogger(__name__)

# NOTE: chat.update is in Slack's rate tier 3, which is an estimated 50 calls a
# minute per workspace. Fifteen seconds keeps 20 busy groups near that, and the
# client retries a 429 beyond it.
MIN_UPDATE_INTERVAL_SECONDS = 15.0
# A replica's claim to post a group expires after this; then another may post.
POST_CLAIM = timedelta(minutes=2)
# Rounds of re-rendering when alerts arrive while a post is being sent.
MAX_ROUNDS = 3
OPEN_INCIDENTS_IN_MENU = 25


class GroupRefresher:
    """Queue refreshes of group posts on the runtime's work pool, coalesced."""

    def __init__(
        self, runtime: Runtime, min_interval: float = MIN_UPDATE_INTERVAL_SECONDS
    ) -> None:
        self.runtime = runtime
        self.min_interval = min_interval
        self._pending: set[int] = set()
        self._last_run: dict[int, float] = {}
        self._lock = threading.Lock()

    def request(self, group_id: int) -> None:
        with self._lock:
            if group_id in self._pending:
                return
            self._pending.add(group_id)
            wait = self._last_run.get(group_id, -1e9) + self.min_interval
            delay = wait - time.monotonic()
        if delay <= 0:
            self._submit(group_id)
            return
        timer = threading.Timer(delay, self._submit, args=(group_id,))
        timer.daemon = True
        timer.start()

    def _submit(self, group_id: int) -> None:
        try:
            self.runtime.work.submit(self._run, group_id)
        except RuntimeError:
            # The work pool is shut down; the next alert of the group refreshes it.
            log.info("not refreshing signal group %s: shutting down", group_id)
            with self._lock:
                self._pending.discard(group_id)

    def _run(self, group_id: int) -> None:
        with self._lock:
            # Cleared before reading, so a change stored from now on queues again.
            self._pending.discard(group_id)
            self._last_run[group_id] = time.monotonic()
        try:
            refresh_group(self.runtime, group_id)
        except (UserError, SlackCallError, SlackApiError, OSError) as error:
            log.warning("could not post signal group %s: %s", group_id, error)


def refresh_group(runtime: Runtime, group_id: int) -> None:
    """Post the group's message, or edit it, until it shows the stored revision."""
    for _ in range(MAX_ROUNDS):
        rendered = _render(runtime, group_id)
        if rendered is None:
            return
        revision, channel, ts, message = rendered
        if ts is None:
            # Losing the claim means another thread posted; the next round edits.
            _post_new(runtime, group_id, channel, message, revision)
        else:
            _update(runtime, channel, ts, message)
            _mark_posted(runtime, group_id, revision, None, None)


def _render(
    runtime: Runtime, group_id: int
) -> tuple[int, str, str | None, Message] | None:
    with runtime.sessions() as session:
        group = session.get(SignalGroup, group_id)
        if group is None or not group.channel_id:
            return None
        if group.revision <= group.posted_revision:
            return None
        if group.route == "ignore" and group.message_ts is None:
            return None
        signals = group_signals(session, group_id)
        linked = session.get(Incident, group.incident_id) if group.incident_id else None
        extra = GroupPostContext(linked, _open_incidents(session, group.team_id))
        message = group_post(group, signals, extra)
        return group.revision, group.channel_id, group.message_ts, message


def _open_incidents(session: Session, team_id: str) -> list[Incident]:
    statement = (
        select(Incident)
        .where(Incident.team_id == team_id, Incident.status != RESOLVED)
        .order_by(Incident.declared_at.desc(), Incident.id.desc())
        .limit(OPEN_INCIDENTS_IN_MENU)
    )
    return list(session.scalars(statement))


def _post_new(
    runtime: Runtime, group_id: int, channel: str, message: Message, revision: int
) -> bool:
    """Post the first message of a group unless another thread or replica did."""
    with transaction(runtime.sessions) as session:
        claimed = claim_group(session, group_id, utc_now(), POST_CLAIM, unposted=True)
    if not claimed:
        log.info("signal group %s was posted or is being posted", group_id)
        return False
    try:
        answer = api.call(
            "chat.postMessage",
            lambda: runtime.client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks
            ),
            channel=channel,
        )
    except (UserError, SlackCallError, OSError):
        with transaction(runtime.sessions) as session:
            lock_group(session, group_id).claimed_until = None
        raise
    ts, channel_id = str(answer["ts"]), str(answer["channel"])
    _mark_posted(runtime, group_id, revision, channel_id, ts)
    log.info("posted signal group %s to %s", group_id, channel_id)
    return True


def _update(runtime: Runtime, channel: str, ts: str, message: Message) -> None:
    api.call(
        "chat.update",
        lambda: runtime.client.chat_update(
            channel=channel, ts=ts, text=message.text, blocks=message.blocks
        ),
    )


def _mark_posted(
    runtime: Runtime,
    group_id: int,
    revision: int,
    channel_id: str | None,
    ts: str | None,
) -> None:
    with transaction(runtime.sessions) as session:
        group = lock_group(session, group_id)
        group.posted_revision = max(group.posted_revision, revision)
        if ts is not None:
            group.message_ts = ts
            group.channel_id = channel_id
            group.claimed_until = None
