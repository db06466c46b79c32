"""Bolt listeners: acknowledge, parse into a typed request, call a flow."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.listeners import commands, dedupe, errors, hypotheses, interactions


def register_all(app: App, runtime: Runtime) -> None:
    errors.register(app)
    dedupe.register(app, runtime)
    commands.register(app, runtime)
    interactions.register(app, runtime)
    hypotheses.register(app, runtime)
