"""The `/incident` slash command: acknowledge at once, then dispatch a subcommand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.runtime import Runtime
from bot.slack.commands import (
    SUBCOMMANDS,
    CommandRequest,
    closest_subcommand,
    find_subcommand,
    parse_command,
)
from bot.slack.ids import COMMAND

log = logging.getLogger(__name__)

Handler = Callable[[Runtime, CommandRequest, Respond], None]


def reply(respond: Respond, markdown: str) -> None:
    """Send an ephemeral answer to the person who ran the command."""
    block = {"type": "section", "text": {"type": "mrkdwn", "text": markdown}}
    respond(text=markdown, blocks=[block], response_type="ephemeral")


def show_help(runtime: Runtime, request: CommandRequest, respond: Respond) -> None:
    template = runtime.templates.get_template("slack/help.md.j2")
    reply(respond, template.render(command=COMMAND, subcommands=SUBCOMMANDS))


HANDLERS: dict[str, Handler] = {"help": show_help}


def register(app: App, runtime: Runtime) -> None:
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        request = parse_command(
            command.get("text", ""),
            team_id=command["team_id"],
            channel_id=command["channel_id"],
            user_id=command["user_id"],
            trigger_id=command.get("trigger_id"),
        )
        log.info(
            "command %s %s from %s in %s/%s",
            COMMAND,
            request.subcommand,
            request.user_id,
            request.team_id,
            request.channel_id,
        )
        dispatch(runtime, request, respond)

    app.command(COMMAND)(on_command)


def dispatch(runtime: Runtime, request: CommandRequest, respond: Respond) -> None:
    subcommand = find_subcommand(request.subcommand)
    if subcommand is None:
        template = runtime.templates.get_template("slack/unknown_command.md.j2")
        closest = closest_subcommand(request.subcommand)
        text = template.render(
            command=COMMAND, name=request.subcommand, closest=closest
        )
        reply(respond, text)
        return
    HANDLERS[subcommand.name](runtime, request, respond)
