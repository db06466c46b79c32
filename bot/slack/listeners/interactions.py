"""Buttons, the declare form, and reactions that pin messages to the timeline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.flows import actions, proposals, severity, timeline
from bot.flows.base import Actor, utc_now
from bot.flows.declare import declare
from bot.metrics import counting
from bot.reminders import status as status_reminders
from bot.runtime import Runtime
from bot.slack import api, ids
from bot.slack.listeners.errors import answer, queue_reported, report
from bot.slack.modals import read_action_submission, read_declare_submission

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    def later(
        respond: Respond | None, work: Callable[[], object], action: str | None
    ) -> None:
        queue_reported(runtime, respond, work, action)

    def on_severity(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        actor = Actor(body["team"]["id"], body["user"]["id"], body["channel"]["id"])
        message_ts = body["container"]["message_ts"]
        later(
            respond,
            lambda: answer(
                respond, severity.confirm(runtime, actor, action["value"], message_ts)
            ),
            action["action_id"],
        )

    def on_action_item(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id", "")
        actor = Actor(body["team"]["id"], body["user"]["id"], channel)
        action = body["actions"][0]
        item_id, what, value = read_item_action(action)
        later(
            respond,
            lambda: answer(
                respond, actions.change(runtime, actor, item_id, what, value)
            ),
            action["action_id"],
        )

    def on_status_snooze(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        length = "30m" if action["action_id"] == ids.STATUS_SNOOZE_30M else "1h"
        team, incident_id = body["team"]["id"], int(action["value"])
        later(
            respond,
            lambda: answer(
                respond, status_reminders.snooze(runtime, team, incident_id, length)
            ),
            action["action_id"],
        )

    def on_proposal(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        actor = Actor(body["team"]["id"], body["user"]["id"], body["channel"]["id"])
        decision = (
            proposals.ACCEPTED
            if action["action_id"] == ids.PROPOSAL_ACCEPT
            else proposals.DISMISSED
        )
        message_ts = body["container"]["message_ts"]
        later(
            respond,
            lambda: answer(
                respond,
                proposals.decide(runtime, actor, action["value"], decision, message_ts),
            ),
            action["action_id"],
        )

    def on_action_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        new = read_action_submission(view)
        errors = {}
        if not new.text:
            errors[ids.ACTION_TEXT] = "Describe the action."
        if new.due is not None and new.due < utc_now().date() - timedelta(days=1):
            errors[ids.ACTION_DUE] = "Choose a date that has not passed."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        actor = Actor(body["team"]["id"], body["user"]["id"], view["private_metadata"])
        later(
            None,
            lambda: told(runtime, actor, actions.create, new, ids.ACTION_VIEW),
            None,  # told counts the outcome, because it handles the failures
        )

    def on_declare_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        request = read_declare_submission(view)
        if not request.title:
            ack(response_action="errors", errors={ids.DECLARE_TITLE: "Enter a title."})
            return
        ack()
        origin = view.get("private_metadata") or ""
        actor = Actor(body["team"]["id"], body["user"]["id"], origin)
        later(
            None,
            lambda: told(runtime, actor, declare, request, ids.DECLARE_VIEW),
            None,  # told counts the outcome, because it handles the failures
        )

    def on_reaction_added(event: dict[str, Any], body: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if is_timeline_reaction(runtime, event, item):
            team, user = body["team_id"], event["user"]
            later(
                None,
                lambda: timeline.pin_message(
                    runtime, team, item["channel"], item["ts"], user
                ),
                ids.REACTION_ADDED,
            )

    def on_reaction_removed(event: dict[str, Any], body: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if is_timeline_reaction(runtime, event, item):
            team = body["team_id"]
            later(
                None,
                lambda: timeline.unpin_message(
                    runtime, team, item["channel"], item["ts"]
                ),
                ids.REACTION_REMOVED,
            )

    app.action(ids.SEVERITY_ACTION)(on_severity)
    app.view(ids.DECLARE_VIEW)(on_declare_submit)
    app.view(ids.ACTION_VIEW)(on_action_submit)
    app.action(ids.STATUS_SNOOZE_30M)(on_status_snooze)
    app.action(ids.STATUS_SNOOZE_1H)(on_status_snooze)
    app.action(ids.ACTION_ITEM_DONE)(on_action_item)
    app.action(ids.ACTION_ITEM_SNOOZE_DAY)(on_action_item)
    app.action(ids.ACTION_ITEM_SNOOZE_WEEK)(on_action_item)
    app.action(ids.ACTION_ITEM_REASSIGN)(on_action_item)
    app.action(ids.PROPOSAL_ACCEPT)(on_proposal)
    app.action(ids.PROPOSAL_DISMISS)(on_proposal)
    app.event(ids.REACTION_ADDED)(on_reaction_added)
    app.event(ids.REACTION_REMOVED)(on_reaction_removed)


def told(
    runtime: Runtime,
    actor: Actor,
    flow: Callable[[Runtime, Actor, Any, Callable[[str], None]], object],
    request: object,
    callback_id: str,
) -> None:
    """Run a form's flow, sending its replies and its refusal to the submitter."""
    try:
        with counting(runtime.metrics.actions, action=callback_id):
            flow(runtime, actor, request, lambda text: tell(runtime, actor, text))
    except UserError as error:
        tell(runtime, actor, str(error))
    except Exception as error:  # The edge for forms, which have no response_url.
        error_id = report(None, error)
        tell(
            runtime,
            actor,
            f"Sorry, that failed on warroom's side (error id {error_id}).",
        )


def read_item_action(action: dict[str, Any]) -> tuple[int, str, str]:
    """Return (action item id, change, value) for a button or the user menu."""
    action_id = action["action_id"]
    if action_id == ids.ACTION_ITEM_REASSIGN:
        item_id = str(action.get("block_id", "")).removeprefix("action_item_")
        return int(item_id), "reassign", str(action["selected_user"])
    if action_id == ids.ACTION_ITEM_DONE:
        return int(action["value"]), "done", ""
    length = "1d" if action_id == ids.ACTION_ITEM_SNOOZE_DAY else "1w"
    return int(action["value"]), "snooze", length


def is_timeline_reaction(
    runtime: Runtime, event: dict[str, Any], item: dict[str, Any]
) -> bool:
    wanted = runtime.settings.config.timeline_emoji
    reaction = str(event.get("reaction", "")).split("::")[0]
    return reaction == wanted and item.get("type") == "message"


def tell(runtime: Runtime, actor: Actor, text: str) -> None:
    """Reply to someone who used a form: in the channel they came from, else by DM."""
    if actor.channel_id:
        try:
            runtime.client.chat_postEphemeral(
                channel=actor.channel_id, user=actor.user_id, text=text
            )
            return
        except SlackApiError as error:
            log.info("ephemeral reply failed: %s; sending a DM", api.error_code(error))
    runtime.client.chat_postMessage(channel=actor.user_id, text=text)
