"""`/incident postmortem`: post the current draft and its review findings."""

from __future__ import annotations

import logging

from bot.docs.postmortem import build_context, commit_to_docs, render
from bot.docs.review import review
from bot.errors import UserError
from bot.flows.base import (
    Actor,
    Reply,
    post,
    require_incident,
    require_permission,
    utc_now,
)
from bot.incidents.lifecycle import RESOLVED
from bot.reminders.deadline import subject as deadline_subject
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import escape_mrkdwn, fit_blocks, section
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction

log = logging.getLogger(__name__)


PUBLISH_USAGE = (
    "Use `/incident postmortem` for the draft, `/incident postmortem publish` to "
    "publish it, or `/incident postmortem publish anyway` to publish despite findings."
)


def command(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    words = argument.lower().split()
    if not words:
        post_draft(runtime, actor, reply)
    elif words == ["publish"]:
        publish(runtime, actor, reply, acknowledged=False)
    elif words == ["publish", "anyway"]:
        publish(runtime, actor, reply, acknowledged=True)
    else:
        raise UserError(PUBLISH_USAGE)


def publish(
    runtime: Runtime, actor: Actor, reply: Reply, *, acknowledged: bool
) -> None:
    """Publish the postmortem once the review's findings are fixed or acknowledged."""
    require_permission(runtime, actor, "publish_postmortem")
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        if incident.status != RESOLVED:
            raise UserError("Resolve the incident before publishing its postmortem.")
        context = build_context(session, incident, runtime.settings.config)
    findings = review(context, incident.severity)
    if findings and not acknowledged:
        listed = "\n".join(f"• {f.section}: {f.message}" for f in findings)
        raise UserError(
            f"The blameless review found {len(findings)} things to address first:\n"
            f"{listed}\nFix them, or publish with "
            "`/incident postmortem publish anyway`."
        )
    now = utc_now()
    with transaction(runtime.sessions) as session:
        stored = incidents.lock_incident(session, incident.id)
        stored.postmortem_published_at = now
        stored.updated_at = now
        note = "published the postmortem"
        if findings:
            note += f" with {len(findings)} acknowledged findings"
        incidents.add_event(
            session,
            stored,
            kind="postmortem",
            occurred_at=now,
            actor_id=actor.user_id,
            text=note,
            now=now,
        )
        reminder_store.cancel_pending(session, deadline_subject(incident.id))
        context = build_context(session, stored, runtime.settings.config)
    markdown = render(runtime.templates, context)
    where = ""
    if runtime.settings.docs_repo is not None:
        path, commit = commit_to_docs(
            runtime.settings.docs_repo, incident, context, markdown
        )
        where = f" It is in the docs repository as {path} (commit {commit[:12]})."
    log.info("incident %s: postmortem published", incident.id)
    reply(f"Published the postmortem of {context['reference']}.{where}")


def post_draft(runtime: Runtime, actor: Actor, reply: Reply) -> None:
    """Upload the current draft to the incident channel with the review's findings."""
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        context = build_context(session, incident, runtime.settings.config)
    markdown = render(runtime.templates, context)
    findings = review(context, incident.severity)
    assert incident.channel_id is not None
    reference = context["reference"]
    api.upload_file(
        runtime.client,
        channel=incident.channel_id,
        filename=f"postmortem-{reference}.md",
        title=f"Postmortem draft of {reference}",
        content=markdown.encode("utf-8"),
    )
    lines = [f"*Postmortem draft of {reference}* is attached above."]
    if findings:
        lines.append(f"The blameless review found {len(findings)} to address:")
        lines += [
            f"• {escape_mrkdwn(f.section)}: {escape_mrkdwn(f.message)}"
            for f in findings
        ]
    else:
        lines.append("The blameless review found nothing to address.")
    blocks = fit_blocks([section(line) for line in lines])
    post(runtime, incident.channel_id, views.Message(lines[0], blocks))
    log.info("incident %s: posted the postmortem draft", incident.id)
    reply(f"Posted the postmortem draft of {reference} with {len(findings)} findings.")
