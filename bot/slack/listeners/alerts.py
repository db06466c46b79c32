"""The buttons and the incident menu on alert triage posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.flows.alerts import triage
from bot.flows.alerts.posts import GroupRefresher
from bot.flows.base import Actor
from bot.runtime import Runtime
from bot.slack import ids
from bot.slack.listeners.errors import answer, queue_reported


def register(app: App, runtime: Runtime, refresher: GroupRefresher) -> None:
    def queue(respond: Respond, action_id: str, work: Callable[[], object]) -> None:
        queue_reported(runtime, respond, work, action_id)

    def actor_of(body: dict[str, Any]) -> Actor:
        channel = (body.get("channel") or {}).get("id", "")
        return Actor(body["team"]["id"], body["user"]["id"], channel)

    def on_declare(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        actor = actor_of(body)
        group_id = int(body["actions"][0]["value"])
        queue(
            respond,
            ids.ALERT_DECLARE,
            lambda: triage.declare_for_group(
                runtime, refresher, actor, group_id, lambda text: answer(respond, text)
            ),
        )

    def on_attach(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        actor = actor_of(body)
        action = body["actions"][0]
        group_id = read_group_id(action)
        incident_id = int(action["selected_option"]["value"])
        queue(
            respond,
            ids.ALERT_ATTACH,
            lambda: answer(
                respond,
                triage.attach(runtime, refresher, actor, group_id, incident_id),
            ),
        )

    def on_dismiss(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        actor = actor_of(body)
        group_id = int(body["actions"][0]["value"])
        queue(
            respond,
            ids.ALERT_DISMISS,
            lambda: answer(
                respond, triage.dismiss(runtime, refresher, actor, group_id)
            ),
        )

    app.action(ids.ALERT_DECLARE)(on_declare)
    app.action(ids.ALERT_ATTACH)(on_attach)
    app.action(ids.ALERT_DISMISS)(on_dismiss)


def read_group_id(action: dict[str, Any]) -> int:
    """Return the signal group id that the menu's block id carries."""
    block_id = str(action.get("block_id", ""))
    return int(block_id.removeprefix(ids.ALERT_GROUP_BLOCK_PREFIX))
