"""Hypotheses: record one, mark it confirmed or ruled out, add evidence, promote it.

Anyone in the incident channel may do each of these, because testing ideas is
everyone's work during an incident. Every hypothesis stays stored with its evidence,
ruled-out ones included, so the postmortem can show how the team reasoned.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows.base import Actor, Reply, post, require_incident, utc_now
from bot.runtime import Runtime
from bot.slack import api
from bot.slack.hypothesis_views import (
    EvidenceSubmission,
    evidence_modal,
    hypothesis_message,
)
from bot.store import hypotheses as store
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Hypothesis

log = logging.getLogger(__name__)

USAGE = (
    "Write the hypothesis after the command, e.g. "
    "`/incident hypothesis the new pool size is too small for peak traffic`."
)
STATUS_NAMES = {store.CONFIRMED: "confirmed", store.RULED_OUT: "ruled out"}


def add(runtime: Runtime, actor: Actor, text: str, reply: Reply) -> None:
    """Store a hypothesis and post it in the channel with its buttons."""
    if not text.strip():
        raise UserError(USAGE)
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor)
        hypothesis = Hypothesis(
            team_id=incident.team_id,
            incident_id=incident.id,
            text=text.strip(),
            status=store.OPEN,
            created_by=actor.user_id,
            created_at=utc_now(),
            channel_id=actor.channel_id,
        )
        session.add(hypothesis)
        session.flush()
        hypothesis_id = hypothesis.id
        on_timeline(session, hypothesis, actor, f"hypothesis #{hypothesis_id}: {text}")
        message = hypothesis_message(hypothesis)
    ts = post(runtime, actor.channel_id, message)
    with transaction(runtime.sessions) as session:
        stored = session.get(Hypothesis, hypothesis_id)
        if stored is not None:
            stored.message_ts = ts
    log.info("incident %s: hypothesis %s added", incident.id, hypothesis_id)
    reply("Posted the hypothesis; mark it confirmed or ruled out when you know.")


def decide(runtime: Runtime, actor: Actor, hypothesis_id: int, status: str) -> str:
    """Mark a hypothesis confirmed or ruled out, and return the reply."""
    if status not in STATUS_NAMES:
        raise ValueError(f"Unknown hypothesis status {status!r}.")
    with transaction(runtime.sessions) as session:
        hypothesis = _require(session, actor, hypothesis_id, lock=True)
        if hypothesis.status == status:
            return f"That hypothesis is already {STATUS_NAMES[status]}."
        if hypothesis.root_cause_at is not None:
            return "That hypothesis is the recorded root cause; it stays confirmed."
        hypothesis.status = status
        hypothesis.decided_by = actor.user_id
        hypothesis.decided_at = utc_now()
        on_timeline(
            session,
            hypothesis,
            actor,
            f"hypothesis #{hypothesis_id} {STATUS_NAMES[status]}: {hypothesis.text}",
        )
    refresh_post(runtime, hypothesis_id)
    log.info("hypothesis %s marked %s", hypothesis_id, status)
    if status == store.CONFIRMED:
        return "Marked confirmed. Press *Make root cause* to record it as the cause."
    return "Marked ruled out; it stays in the postmortem with its evidence."


def open_evidence_form(
    runtime: Runtime, actor: Actor, hypothesis_id: int, trigger_id: str
) -> None:
    with runtime.sessions() as session:
        hypothesis = _require(session, actor, hypothesis_id)
        view = evidence_modal(channel_id=actor.channel_id, hypothesis=hypothesis)
    runtime.client.views_open(trigger_id=trigger_id, view=view)


def add_evidence(
    runtime: Runtime, actor: Actor, submission: EvidenceSubmission, reply: Reply
) -> None:
    """Store a piece of evidence and show it on the hypothesis post."""
    if not submission.link:
        raise UserError("Give a link, commit or trace hit as evidence.")
    with transaction(runtime.sessions) as session:
        hypothesis = _require(session, actor, submission.hypothesis_id)
        store.add_evidence(
            session,
            hypothesis,
            link=submission.link,
            note=submission.note,
            user_id=actor.user_id,
            at=utc_now(),
        )
        on_timeline(
            session,
            hypothesis,
            actor,
            f"evidence for hypothesis #{hypothesis.id}: {submission.link}",
        )
    refresh_post(runtime, submission.hypothesis_id)
    log.info("hypothesis %s: evidence added", submission.hypothesis_id)
    reply("Added the evidence to the hypothesis.")


def make_root_cause(runtime: Runtime, actor: Actor, hypothesis_id: int) -> str:
    """Record a confirmed hypothesis as the incident's root cause."""
    now = utc_now()
    with transaction(runtime.sessions) as session:
        hypothesis = _require(session, actor, hypothesis_id, lock=True)
        if hypothesis.status != store.CONFIRMED:
            return "Only a confirmed hypothesis can become the root cause."
        if hypothesis.root_cause_at is not None:
            return "That hypothesis is already the recorded root cause."
        incident = hypothesis.incident
        incidents.add_event(
            session,
            incident,
            kind="cause",
            occurred_at=now,
            actor_id=actor.user_id,
            text=hypothesis.text,
            data={"hypothesis": hypothesis.id},
            now=now,
        )
        incident.updated_at = now
        hypothesis.root_cause_at = now
    refresh_post(runtime, hypothesis_id)
    log.info("hypothesis %s recorded as the root cause", hypothesis_id)
    return "Recorded the hypothesis as the root cause."


def on_timeline(
    session: Session, hypothesis: Hypothesis, actor: Actor, text: str
) -> None:
    """Put a hypothesis change on the incident's timeline."""
    now = utc_now()
    incidents.add_event(
        session,
        hypothesis.incident,
        kind="hypothesis",
        occurred_at=now,
        actor_id=actor.user_id,
        text=text,
        data={"hypothesis": hypothesis.id},
        now=now,
    )


def refresh_post(runtime: Runtime, hypothesis_id: int) -> None:
    """Edit the hypothesis post to show its current status and evidence."""
    with runtime.sessions() as session:
        hypothesis = session.get(Hypothesis, hypothesis_id)
        if hypothesis is None or not hypothesis.channel_id or not hypothesis.message_ts:
            return
        message = hypothesis_message(hypothesis)
        channel, ts = hypothesis.channel_id, hypothesis.message_ts
    try:
        runtime.client.chat_update(
            channel=channel, ts=ts, text=message.text, blocks=message.blocks
        )
    except SlackApiError as error:
        # The stored hypothesis is right, and its next change edits the post again.
        log.warning(
            "could not update hypothesis %s in %s: %s",
            hypothesis_id,
            channel,
            api.error_code(error),
        )


def _require(
    session: Session, actor: Actor, hypothesis_id: int, *, lock: bool = False
) -> Hypothesis:
    """Return the hypothesis if it belongs to the channel's incident.

    `lock` locks the incident, then reads the hypothesis afresh, so two presses of
    one button change it one after the other.
    """
    incident = require_incident(session, actor, lock=lock)
    hypothesis = store.find(session, actor.team_id, hypothesis_id, fresh=lock)
    if hypothesis is None or hypothesis.incident_id != incident.id:
        raise UserError("That hypothesis belongs to no incident of this channel.")
    return hypothesis
