"""APScheduler wiring. Jobs keep no state of their own: each run reads what is due
from the database, so a restart or a second replica loses or doubles nothing."""

from __future__ import annotations

import logging
import os
import socket

from apscheduler.schedulers.background import BackgroundScheduler

from bot.flows.archive import archive_due_channels
from bot.flows.base import utc_now
from bot.flows.repair import REPAIR_INTERVAL_SECONDS, repair_orphaned_incidents
from bot.logs import run_in_new_context
from bot.reminders.runner import tick
from bot.runtime import Runtime

log = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 60
REMINDER_INTERVAL_SECONDS = 15


def worker_name() -> str:
    """Name this process in reminder claims, so a log shows which replica sent what."""
    return f"{socket.gethostname()}:{os.getpid()}"


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    worker = worker_name()
    scheduler.add_job(
        # Each run starts without log ids, so those one reminder binds end with it.
        lambda: run_in_new_context(lambda: tick(runtime, utc_now(), worker)),
        "interval",
        seconds=REMINDER_INTERVAL_SECONDS,
        id="reminders",
        max_instances=1,
        coalesce=True,
        # The first tick runs at once, so reminders that fell due while the bot
        # was down go out on start.
        next_run_time=utc_now(),
    )
    scheduler.add_job(
        lambda: run_in_new_context(
            lambda: repair_orphaned_incidents(runtime, utc_now())
        ),
        "interval",
        seconds=REPAIR_INTERVAL_SECONDS,
        id="repair-channels",
        max_instances=1,
        coalesce=True,
        # Runs at start-up too: incidents a killed process left without a channel
        # get one as soon as the bot is back.
        next_run_time=utc_now(),
    )
    if runtime.settings.config.archive_channel_after is not None:
        scheduler.add_job(
            lambda: run_in_new_context(
                lambda: archive_due_channels(runtime, utc_now())
            ),
            "interval",
            seconds=SWEEP_INTERVAL_SECONDS,
            id="archive-channels",
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    return scheduler
