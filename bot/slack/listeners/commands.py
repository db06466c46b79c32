"""The `/incident` slash command: acknowledge at once, then dispatch a subcommand."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.flows import (
    actions,
    analysis,
    corrections,
    hypotheses,
    listing,
    postmortem,
    report,
    roles,
    severity,
    slo,
    status,
    timeline,
)
from bot.flows import trace as tracing
from bot.flows.base import Actor, Reply, ReplyBlocks, require_incident
from bot.flows.declare import DeclareRequest, declare
from bot.flows.investigate import blast, changes, runbooks, services
from bot.incidents.corrections import is_correction
from bot.incidents.lifecycle import MILESTONES
from bot.metrics import REJECTED, counting
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import (
    escape_mrkdwn,
    paragraphs,
    section,
    unescape_slack_text,
)
from bot.slack.commands import (
    SUBCOMMANDS,
    CommandRequest,
    closest_subcommand,
    find_subcommand,
    parse_command,
)
from bot.slack.ids import COMMAND
from bot.slack.listeners.errors import run_reported
from bot.slack.modals import action_modal, declare_modal

log = logging.getLogger(__name__)

# Mistyped subcommands are echoed back up to this many characters.
NAME_SHOWN = 40

Handler = Callable[[Runtime, CommandRequest, Actor, Respond], None]


def replier(respond: Respond) -> Reply:
    def reply(markdown: str) -> None:
        block = section(markdown)
        respond(text=markdown, blocks=[block], response_type="ephemeral")

    return reply


def block_replier(respond: Respond) -> ReplyBlocks:
    def reply(message: views.Message) -> None:
        respond(text=message.text, blocks=message.blocks, response_type="ephemeral")

    return reply


def show_help(
    runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
) -> None:
    template = runtime.templates.get_template("slack/help.md.j2")
    text = template.render(command=COMMAND, subcommands=SUBCOMMANDS)
    block_replier(respond)(views.Message(text, paragraphs(text)))


def start_declare(
    runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
) -> None:
    if not request.argument:
        view = declare_modal(runtime.settings.config, origin_channel=actor.channel_id)
        runtime.client.views_open(trigger_id=request.trigger_id, view=view)
        return
    declare(runtime, actor, DeclareRequest(title=request.argument), replier(respond))


def text_handler(flow: Callable[[Runtime, Actor, str, Reply], None]) -> Handler:
    def handle(
        runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
    ) -> None:
        flow(runtime, actor, request.argument, replier(respond))

    return handle


def blocks_handler(flow: Callable[[Runtime, Actor, str, ReplyBlocks], None]) -> Handler:
    def handle(
        runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
    ) -> None:
        flow(runtime, actor, request.argument, block_replier(respond))

    return handle


def milestone_handler(name: str) -> Handler:
    return text_handler(partial(_milestone, name))


def _milestone(
    name: str, runtime: Runtime, actor: Actor, argument: str, reply: Reply
) -> None:
    timeline.milestone(runtime, actor, name, argument, reply)


def start_action(
    runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
) -> None:
    if request.argument:
        actions.add(runtime, actor, request.argument, replier(respond))
        return
    with runtime.sessions() as session:
        require_incident(session, actor)  # the form is for an incident's channel
    view = action_modal(incident_channel=actor.channel_id, owner=actor.user_id)
    runtime.client.views_open(trigger_id=request.trigger_id, view=view)


def show_or_correct_timeline(
    runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
) -> None:
    if is_correction(request.argument):
        corrections.correct(runtime, actor, request.argument, replier(respond))
        return
    timeline.show(runtime, actor, request.argument, block_replier(respond))


def analysis_handler(kind: str) -> Handler:
    def handle(
        runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
    ) -> None:
        analysis.add(runtime, actor, kind, request.argument, replier(respond))

    return handle


HANDLERS: dict[str, Handler] = {
    "help": show_help,
    "declare": start_declare,
    "sev": text_handler(severity.propose),
    "role": text_handler(roles.assign),
    "roles": text_handler(roles.show),
    "note": text_handler(timeline.note),
    "at": text_handler(timeline.note_at),
    "status": text_handler(status.update_status),
    "resolve": text_handler(status.resolve),
    "reopen": text_handler(status.reopen),
    "timeline": show_or_correct_timeline,
    "list": blocks_handler(listing.list_open),
    "report": text_handler(report.post_report),
    "action": start_action,
    "why": analysis_handler("why"),
    "cause": analysis_handler("cause"),
    "factor": analysis_handler("factor"),
    "trigger": analysis_handler("trigger"),
    "impact": analysis_handler("impact"),
    "lesson": text_handler(analysis.add_lesson),
    "failure-mode": analysis_handler("failure-mode"),
    "runbook": text_handler(analysis.add_runbook),
    "change": text_handler(analysis.add_change),
    "trace": text_handler(tracing.trace_error),
    "hypothesis": text_handler(hypotheses.add),
    "postmortem": text_handler(postmortem.command),
    "slo": text_handler(slo.show),
    "services": blocks_handler(services.services_command),
    "blast": blocks_handler(blast.show_blast),
    "changes": blocks_handler(changes.show_changes),
    "runbooks": blocks_handler(runbooks.show_runbooks),
    "actions": blocks_handler(actions.list_items),
    "show": blocks_handler(listing.show),
    **{name: milestone_handler(name) for name in MILESTONES},
}


def register(app: App, runtime: Runtime) -> None:
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        request = parse_command(
            # Slack escapes &, < and > in command text; store what the person typed.
            unescape_slack_text(command.get("text", "")),
            team_id=command["team_id"],
            channel_id=command["channel_id"],
            user_id=command["user_id"],
            trigger_id=command.get("trigger_id"),
        )
        known = find_subcommand(request.subcommand)
        log.info(
            "command %s %s from %s in %s/%s",
            COMMAND,
            # A mistyped name is what the person typed, so it is not logged.
            known.name if known else "(unknown subcommand)",
            request.user_id,
            request.team_id,
            request.channel_id,
        )
        actor = Actor(request.team_id, request.user_id, request.channel_id)
        runtime.work.submit(
            run_reported, respond, lambda: dispatch(runtime, request, actor, respond)
        )

    app.command(COMMAND)(on_command)


def dispatch(
    runtime: Runtime, request: CommandRequest, actor: Actor, respond: Respond
) -> None:
    subcommand = find_subcommand(request.subcommand)
    if subcommand is None:
        runtime.metrics.commands.inc(command="unknown", outcome=REJECTED)
        template = runtime.templates.get_template("slack/unknown_command.md.j2")
        closest = closest_subcommand(request.subcommand)
        shown = escape_mrkdwn(request.subcommand[:NAME_SHOWN]).replace("`", "'")
        text = template.render(command=COMMAND, name=shown, closest=closest)
        replier(respond)(text)
        return
    with counting(runtime.metrics.commands, command=subcommand.name):
        HANDLERS[subcommand.name](runtime, request, actor, respond)
