"""Proposed action items: posted with the postmortem draft, accepted or dismissed.

Proposals are computed from the incident's analysis (see bot/incidents/improvement.py)
each time. A button press stores the decision under the proposal's key, first, so a
double click or a second replica cannot create the item twice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.docs.postmortem import context_for
from bot.flows.actions import NewItem, create
from bot.flows.base import Actor, post, require_incident, utc_now
from bot.runtime import Runtime
from bot.slack import api, ids, views
from bot.slack.blocks import button, escape_mrkdwn, section
from bot.store.db import insert_if_absent, transaction
from bot.store.models import ProposalDecision

log = logging.getLogger(__name__)

ACCEPTED = "accepted"
DISMISSED = "dismissed"


def post_proposals(
    runtime: Runtime, channel: str, proposals: list[dict[str, Any]]
) -> int:
    """Post each proposal as its own message with Accept and Dismiss buttons."""
    for proposal in proposals:
        text = describe(proposal)
        buttons: dict[str, object] = {
            "type": "actions",
            "elements": [
                button("Accept", ids.PROPOSAL_ACCEPT, proposal["key"], "primary"),
                button("Dismiss", ids.PROPOSAL_DISMISS, proposal["key"]),
            ],
        }
        post(runtime, channel, views.Message(text, [section(text), buttons]))
    return len(proposals)


def describe(proposal: dict[str, Any]) -> str:
    return (
        f"*Proposed action* ({proposal['priority']} {proposal['category']}, effort "
        f"{proposal['effort']}): {escape_mrkdwn(proposal['text'])}\n"
        f"_{escape_mrkdwn(proposal['reason'])}_"
    )


def decide(
    runtime: Runtime, actor: Actor, key: str, decision: str, message_ts: str
) -> str:
    """Record an accept or dismiss; an accepted proposal becomes an action item."""
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        context = context_for(session, incident, runtime.settings)
    proposal = next((p for p in context["proposals"] if p["key"] == key), None)
    if proposal is None:
        return "That proposal was already decided, or an action item now covers it."

    if not record_decision(
        runtime, actor, incident.team_id, incident.id, key, decision
    ):
        return "Someone else decided on that proposal a moment ago."

    if decision == DISMISSED:
        outcome = f"<@{actor.user_id}> dismissed: {escape_mrkdwn(proposal['text'])}"
        retire(runtime, actor.channel_id, message_ts, outcome)
        log.info("incident %s: proposal %s dismissed", incident.id, key)
        return "Dismissed; it will not be proposed again for this incident."

    replies: list[str] = []
    new = NewItem(
        proposal["text"],
        actor.user_id,
        None,
        proposal["priority"],
        proposal["category"],
        proposal["effort"],
        proposal["phase"],
    )
    create(runtime, actor, new, replies.append)
    outcome = f"<@{actor.user_id}> accepted: {escape_mrkdwn(proposal['text'])}"
    retire(runtime, actor.channel_id, message_ts, outcome)
    log.info("incident %s: proposal %s accepted", incident.id, key)
    return " ".join(replies)


def record_decision(
    runtime: Runtime,
    actor: Actor,
    team_id: str,
    incident_id: int,
    key: str,
    decision: str,
) -> bool:
    """Store the decision once; return False when another one was stored first."""
    values = {
        "team_id": team_id,
        "incident_id": incident_id,
        "proposal_key": key,
        "decision": decision,
        "decided_by": actor.user_id,
        "decided_at": utc_now(),
    }
    with transaction(runtime.sessions) as session:
        return insert_if_absent(session, ProposalDecision, values)


def retire(runtime: Runtime, channel: str, ts: str, text: str) -> None:
    """Replace a proposal's buttons with the outcome."""
    try:
        runtime.client.chat_update(
            channel=channel, ts=ts, text=text, blocks=[section(text)]
        )
    except SlackApiError as error:
        log.warning(
            "could not update proposal in %s: %s", channel, api.error_code(error)
        )
