"""The app factory: builds the Bolt app, its listeners and the WSGI application.

Nothing here runs at import time; `create_app` is called by the entry point or a test.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.flows.alerts.intake import AlertIntake
from bot.flows.alerts.posts import GroupRefresher
from bot.logs import ContextExecutor
from bot.metrics import CallbackGauge, LabelValues, Metrics
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.api import UserDirectory
from bot.slack.authorize import make_authorize
from bot.slack.client import build_client
from bot.slack.listeners import alerts as alert_listeners
from bot.slack.listeners import register_all
from bot.store.db import make_engine, make_session_factory
from bot.store.incidents import count_open_by_severity
from bot.templating import make_environment
from bot.web import SLACK_EVENTS_PATH, WebApp

log = logging.getLogger(__name__)

# Bolt runs each listener, ack included, on this pool, and the HTTP response waits
# for the ack. Listeners only acknowledge and queue their work, so threads here are
# busy for milliseconds.
LISTENER_THREADS = 16
# The queued work (database writes and Slack calls) runs on this many threads; more
# requests wait in the queue, already acknowledged.
WORK_THREADS = 16


@dataclass
class Warroom:
    """A built application: the Bolt app, the WSGI app and what they share."""

    bolt: App
    web: WebApp
    runtime: Runtime
    executor: ContextExecutor
    work: ContextExecutor
    alerts: AlertIntake

    def drain(self) -> None:
        """Wait for running listeners and the work they queued, then stop both pools."""
        self.executor.shutdown(wait=True)
        self.work.shutdown(wait=True)

    def close(self) -> None:
        self.drain()
        self.runtime.engine.dispose()


class _SkipTokenWarning(logging.Filter):
    """Drop Bolt's warnings that SLACK_BOT_TOKEN is unused.

    Bolt reads SLACK_BOT_TOKEN from the environment itself and warns when a client or
    an authorize function is given too. warroom gives both on purpose, built from that
    same token.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token`" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.bolt")
    if not any(isinstance(f, _SkipTokenWarning) for f in logger.filters):
        logger.addFilter(_SkipTokenWarning())
    return logger


def create_app(settings: Settings, *, engine: Engine | None = None) -> Warroom:
    """Build warroom for `settings`; no network call is made here."""
    engine = engine or make_engine(settings.database_url)
    metrics = Metrics.create()
    client = build_client(settings.slack_bot_token, settings.slack_api_url, metrics)
    work = ContextExecutor(max_workers=WORK_THREADS, thread_name_prefix="work")
    sessions = make_session_factory(engine)
    metrics.registry.register(_open_incidents_gauge(sessions))
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        templates=make_environment(settings.templates_dir),
        client=client,
        users=UserDirectory(client),
        work=work,
        metrics=metrics,
    )
    executor = ContextExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="listener"
    )
    bolt = App(
        client=client,
        # Bolt's annotation names AuthorizeResult, but it handles a None result (a
        # team this bot does not serve) with its "not installed" message.
        authorize=make_authorize(client),  # type: ignore[arg-type]
        signing_secret=settings.slack_signing_secret or None,
        # Socket Mode deliveries are not signed; HTTP ones always are.
        request_verification_enabled=not settings.socket_mode,
        listener_executor=executor,
        logger=_bolt_logger(),
    )
    register_all(bolt, runtime)
    refresher = GroupRefresher(runtime)
    alert_listeners.register(bolt, runtime, refresher)
    # The secrets named in warroom.yaml are read here, once, from the environment.
    intake = AlertIntake(runtime, os.environ, refresher)
    slack_wsgi = None if settings.socket_mode else SlackRequestHandler(bolt)
    web = WebApp(
        slack_wsgi,
        engine,
        settings.slack_signing_secret,
        alerts=intake.respond,
        metrics=metrics,
    )
    mode = "Socket Mode" if settings.socket_mode else f"HTTP at {SLACK_EVENTS_PATH}"
    log.info("app built for %s", mode)
    return Warroom(
        bolt=bolt,
        web=web,
        runtime=runtime,
        executor=executor,
        work=work,
        alerts=intake,
    )


def _open_incidents_gauge(sessions: sessionmaker[Session]) -> CallbackGauge:
    def read() -> dict[LabelValues, float]:
        with sessions() as session:
            counts = count_open_by_severity(session)
        return {
            ("unset" if severity is None else str(severity),): count
            for severity, count in counts.items()
        }

    return CallbackGauge(
        "warroom_open_incidents",
        "Incidents not yet resolved, by severity level, read from the database "
        "at each scrape; every replica reports the same totals.",
        ["severity"],
        read,
        errors=(SQLAlchemyError,),
    )
