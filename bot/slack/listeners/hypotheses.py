"""Buttons on hypothesis posts, and the form that adds evidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.flows import hypotheses
from bot.flows.base import Actor
from bot.runtime import Runtime
from bot.slack import ids
from bot.slack.hypothesis_views import read_evidence_submission
from bot.slack.listeners.errors import answer, queue_reported, run_reported
from bot.slack.listeners.interactions import told
from bot.store.hypotheses import CONFIRMED, RULED_OUT

DECISIONS = {ids.HYPOTHESIS_CONFIRM: CONFIRMED, ids.HYPOTHESIS_RULE_OUT: RULED_OUT}


def register(app: App, runtime: Runtime) -> None:
    def later(respond: Respond, work: Callable[[], object], action: str) -> None:
        queue_reported(runtime, respond, work, action)

    def on_decision(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        actor = _actor(body)
        status = DECISIONS[action["action_id"]]
        hypothesis_id = int(action["value"])
        later(
            respond,
            lambda: answer(
                respond, hypotheses.decide(runtime, actor, hypothesis_id, status)
            ),
            action["action_id"],
        )

    def on_root_cause(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        actor = _actor(body)
        hypothesis_id = int(action["value"])
        later(
            respond,
            lambda: answer(
                respond, hypotheses.make_root_cause(runtime, actor, hypothesis_id)
            ),
            action["action_id"],
        )

    def on_evidence(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action = body["actions"][0]
        actor = _actor(body)
        hypothesis_id = int(action["value"])
        # NOTE: Slack accepts a trigger id for three seconds after the click, so
        # the form fails to open when the work pool is that far behind.
        trigger_id = body["trigger_id"]
        later(
            respond,
            lambda: hypotheses.open_evidence_form(
                runtime, actor, hypothesis_id, trigger_id
            ),
            action["action_id"],
        )

    def on_evidence_submit(
        ack: Ack, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        submission = read_evidence_submission(view)
        if not submission.link:
            ack(
                response_action="errors",
                errors={ids.EVIDENCE_LINK: "Give a link, commit or trace hit."},
            )
            return
        ack()
        actor = Actor(body["team"]["id"], body["user"]["id"], submission.channel_id)
        runtime.work.submit(
            run_reported,
            None,
            lambda: told(
                runtime, actor, hypotheses.add_evidence, submission, ids.EVIDENCE_VIEW
            ),
        )

    app.action(ids.HYPOTHESIS_CONFIRM)(on_decision)
    app.action(ids.HYPOTHESIS_RULE_OUT)(on_decision)
    app.action(ids.HYPOTHESIS_ROOT_CAUSE)(on_root_cause)
    app.action(ids.HYPOTHESIS_EVIDENCE)(on_evidence)
    app.view(ids.EVIDENCE_VIEW)(on_evidence_submit)


def _actor(body: dict[str, Any]) -> Actor:
    channel = (body.get("channel") or {}).get("id", "")
    return Actor(body["team"]["id"], body["user"]["id"], channel)
