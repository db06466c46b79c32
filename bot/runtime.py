"""The long-lived objects listeners and jobs share, built once by the app factory."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import jinja2
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.api import UserDirectory
from bot.slack.client import SlackClient


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    templates: jinja2.Environment
    client: SlackClient
    users: UserDirectory
    # Listeners acknowledge and hand their work to this pool, so Bolt's own threads,
    # which every acknowledgement needs, are never held by slow Slack calls.
    work: Executor
    metrics: Metrics
