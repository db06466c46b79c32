"""Bolt listeners: acknowledge, parse into a typed request, call a service."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.listeners import commands, errors


def register_all(app: App, runtime: Runtime) -> None:
    errors.register(app)
    commands.register(app, runtime)
