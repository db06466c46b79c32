"""APScheduler wiring. Jobs keep no state of their own: each run reads what is due
from the database, so a restart or a second replica loses or doubles nothing."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.flows.archive import archive_due_channels
from bot.flows.base import utc_now
from bot.runtime import Runtime

log = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 60


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    if runtime.settings.config.archive_channel_after is not None:
        scheduler.add_job(
            lambda: archive_due_channels(runtime, utc_now()),
            "interval",
            seconds=SWEEP_INTERVAL_SECONDS,
            id="archive-channels",
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    return scheduler
