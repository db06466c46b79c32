"""`POST /alerts/<source>`: authenticate, parse, store, then hand Slack work off.

The request stores its signals and feeds linked incidents in one transaction and
returns. Posting to Slack and declaring incidents run on the runtime's work pool,
so the response to a request waits for one database transaction only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.flows.alerts.feed import feed_signal
from bot.flows.alerts.identity import WorkspaceIdentity
from bot.flows.alerts.posts import GroupRefresher
from bot.flows.alerts.triage import declare_for_group
from bot.flows.base import Actor, refresh_summary, utc_now
from bot.incidents.lifecycle import RESOLVED
from bot.ingest.auth import Credentials, authentication_problem
from bot.ingest.config import AlertsConfig
from bot.ingest.parse import parse_body
from bot.ingest.routing import DECLARE, route_signal
from bot.ingest.signal import SOURCES, AlertSignal, PayloadError
from bot.runtime import Runtime
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Signal, SignalGroup
from bot.store.signals import (
    ATTACHED,
    DECLARED,
    DISMISSED,
    NEW,
    OPEN,
    REFIRED,
    REPEATED,
    SignalChange,
    save_signal,
)

log = logging.getLogger(__name__)

# Rejections of one source are logged at most this often, with their count.
REJECTION_LOG_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class IntakeResult:
    """The HTTP status and JSON body of one webhook request."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class _Followup:
    refresh: frozenset[int]
    declare: tuple[tuple[int, int | None], ...]
    incidents: frozenset[int]


class AlertIntake:
    """Receives alert webhooks for every source; built once by the app factory."""

    def __init__(
        self,
        runtime: Runtime,
        environ: Mapping[str, str],
        refresher: GroupRefresher | None = None,
    ) -> None:
        self.runtime = runtime
        self.config: AlertsConfig = runtime.settings.config.alerts
        self.credentials = {
            source: self.config.sources[source].credentials(environ)
            if source in self.config.sources
            else Credentials()
            for source in SOURCES
        }
        self.identity = WorkspaceIdentity(runtime.client, self.config.team_id)
        self.refresher = refresher or GroupRefresher(runtime)
        self._rejections: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def respond(
        self, source: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """Handle a request for the WSGI app, which takes (status, JSON body)."""
        result = self.handle(source, headers, body)
        return result.status, result.body

    def handle(
        self, source: str, headers: Mapping[str, str], body: bytes
    ) -> IntakeResult:
        """Handle one request; `headers` must have lower-case names."""
        if source not in SOURCES:
            known = ", ".join(SOURCES)
            return IntakeResult(404, {"error": f"unknown source; use one of {known}"})
        problem = authentication_problem(self.credentials[source], headers, body)
        if problem is not None:
            self._log_rejection(source, problem)
            return IntakeResult(401, {"error": "authentication failed"})
        try:
            signals = parse_body(source, body, self.config.services)
        except PayloadError as error:
            log.warning("rejected an alert payload from %s: %s", source, error)
            return IntakeResult(400, {"error": f"invalid {source} payload: {error}"})
        team_id = self.identity.team_id()
        if not team_id:
            log.error(
                "cannot store alerts: set alerts.team_id or check SLACK_BOT_TOKEN"
            )
            return IntakeResult(503, {"error": "workspace unknown; try again later"})
        followup = self.store(team_id, signals)
        self.dispatch(team_id, followup)
        return IntakeResult(200, {"signals": len(signals)})

    def store(self, team_id: str, signals: list[AlertSignal]) -> _Followup:
        """Store the signals and feed linked incidents, in one transaction."""
        refresh: set[int] = set()
        declare: dict[int, int | None] = {}
        fed: set[int] = set()
        now = utc_now()
        with transaction(self.runtime.sessions) as session:
            for signal in signals:
                route = route_signal(
                    signal, self.config.rules, self.config.triage_channel
                )
                change = save_signal(session, team_id, signal, route, now)
                if change.kind == REPEATED:
                    continue
                group = session.get(SignalGroup, change.group_id)
                assert group is not None
                incident_id = _apply(session, group, change, now)
                if incident_id is not None:
                    fed.add(incident_id)
                if group.state == OPEN and group.route == DECLARE:
                    declare[group.id] = group.route_severity
                refresh.add(group.id)
        return _Followup(frozenset(refresh), tuple(declare.items()), frozenset(fed))

    def dispatch(self, team_id: str, followup: _Followup) -> None:
        for group_id in sorted(followup.refresh):
            self.refresher.request(group_id)
        for incident_id in sorted(followup.incidents):
            self.runtime.work.submit(refresh_summary, self.runtime, incident_id)
        for group_id, severity in followup.declare:
            self.runtime.work.submit(self._declare, team_id, group_id, severity)

    def _declare(self, team_id: str, group_id: int, severity: int | None) -> None:
        bot_user = self.identity.bot_user_id()
        if not bot_user:
            log.error("cannot declare for signal group %s: auth.test failed", group_id)
            return
        actor = Actor(team_id, bot_user, "")

        def reply(text: str) -> None:
            log.info("signal group %s: %s", group_id, text)

        try:
            declare_for_group(
                self.runtime, self.refresher, actor, group_id, reply, severity
            )
        except Exception:  # The edge of queued work: log with the traceback.
            log.exception("declaring an incident for signal group %s failed", group_id)

    def _log_rejection(self, source: str, problem: str) -> None:
        now = time.monotonic()
        with self._lock:
            logged_at, count = self._rejections.get(source, (-1e9, 0))
            count += 1
            if now - logged_at < REJECTION_LOG_INTERVAL_SECONDS:
                self._rejections[source] = (logged_at, count)
                return
            self._rejections[source] = (now, 0)
        hint = ""
        if not self.credentials[source].configured:
            hint = (
                f" Set alerts.sources.{source} in warroom.yaml to the name of an "
                "environment variable with the token or secret, and set that variable."
            )
        log.warning(
            "rejected %d request(s) to /alerts/%s: %s.%s", count, source, problem, hint
        )


def _apply(
    session: Session, group: SignalGroup, change: SignalChange, now: datetime
) -> int | None:
    """Apply a changed signal to its group; return the incident it fed, if any."""
    signal = session.get(Signal, change.signal_id)
    assert signal is not None
    news = change.kind in (NEW, REFIRED)
    if group.state in (DECLARED, ATTACHED) and group.incident_id is not None:
        incident = incidents.lock_incident(session, group.incident_id)
        if incident.status != RESOLVED:
            feed_signal(session, signal, incident, now)
            return incident.id
        if news:
            # The incident is over, so a new firing needs a new decision.
            group.state, group.incident_id, group.decided_by = OPEN, None, None
            if group.route == DECLARE:
                group.message_ts, group.channel_id = None, None
        return None
    if group.state == DISMISSED and news:
        group.state, group.decided_by = OPEN, None
    return None
