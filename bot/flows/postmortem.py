"""`/incident postmortem`: post the current draft and its review findings."""

from __future__ import annotations

import logging
from typing import Any

from bot.docs.postmortem import context_for, render
from bot.docs.publishing import publish_to_docs
from bot.docs.repository import DocsRepositoryError
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
from bot.flows.proposals import post_proposals
from bot.incidents.lifecycle import RESOLVED
from bot.reminders.deadline import subject as deadline_subject
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import escape_mrkdwn, fit_blocks, section
from bot.store import incidents
from bot.store import reminders as reminder_store
from bot.store.db import transaction
from bot.store.models import Incident
from bot.text import counted

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
        context = context_for(session, incident, runtime.settings)
    findings = review(context, incident.severity)
    if findings and not acknowledged:
        listed = "\n".join(f"• {f.section}: {f.message}" for f in findings)
        things = counted(len(findings), "thing")
        raise UserError(
            f"The blameless review found {things} to address first:\n"
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
        context = context_for(session, stored, runtime.settings)
    markdown = render(runtime.templates, context)
    assert incident.channel_id is not None
    upload(runtime, incident.channel_id, context, markdown, published=True)
    where = write_docs(runtime, incident, context, markdown)
    post_summary(runtime, incident.channel_id, context, where)
    log.info("incident %s: postmortem published", incident.id)
    reply(f"Published the postmortem of {context['reference']}. {where}")


def write_docs(
    runtime: Runtime, incident: Incident, context: dict[str, Any], markdown: str
) -> str:
    """Commit the postmortem to the docs repository; return where it went or why not."""
    root = runtime.settings.docs_repo
    if root is None:
        return "Set WARROOM_DOCS_REPO to also commit it to a docs repository."
    try:
        published = publish_to_docs(
            root,
            runtime.templates,
            context,
            markdown,
            services=list(incident.services),
            remote=runtime.settings.config.docs_remote,
        )
    except DocsRepositoryError as error:
        log.warning("incident %s: docs repository write failed", incident.id)
        return (
            f"It is not in the docs repository yet: {error} Run "
            "`/incident postmortem publish` again once that is fixed."
        )
    runbooks = ", ".join(str(path) for path in published.runbooks)
    also = f" with {runbooks}" if runbooks else ""
    return (
        f"It is in the docs repository as {published.postmortem}{also} "
        f"(commit {published.commit[:12]})."
    )


def upload(
    runtime: Runtime,
    channel: str,
    context: dict[str, Any],
    markdown: str,
    *,
    published: bool,
) -> None:
    reference = context["reference"]
    what = "Postmortem" if published else "Postmortem draft"
    api.upload_file(
        runtime.client,
        channel=channel,
        filename=f"postmortem-{reference}.md",
        title=f"{what} of {reference}",
        content=markdown.encode("utf-8"),
    )


def post_summary(
    runtime: Runtime, channel: str, context: dict[str, Any], where: str
) -> None:
    """Announce the published postmortem in the channel with its key facts."""
    causes = context["cause"]
    lines = [
        f"*Postmortem of {context['reference']} published* (attached above).",
        f"Severity {context['severity']}, duration {context['duration']}, "
        f"MTTR {context['mttr']}.",
        "Root cause: " + (causes[-1] if causes else "not recorded."),
        f"Action items: {len(context['actions'])}.",
        where,
    ]
    text = "\n".join(escape_mrkdwn(line) for line in lines[1:])
    blocks = fit_blocks([section(lines[0]), section(text)])
    post(runtime, channel, views.Message(lines[0], blocks))


def post_draft(runtime: Runtime, actor: Actor, reply: Reply) -> None:
    """Upload the current draft to the incident channel with the review's findings."""
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        context = context_for(session, incident, runtime.settings)
    markdown = render(runtime.templates, context)
    findings = review(context, incident.severity)
    assert incident.channel_id is not None
    reference = context["reference"]
    upload(runtime, incident.channel_id, context, markdown, published=False)
    lines = [f"*Postmortem draft of {reference}* is attached above."]
    if findings:
        lines.append(f"The blameless review found {len(findings)} to address:")
        lines += [
            f"• {escape_mrkdwn(f.section)}: {escape_mrkdwn(f.message)}"
            for f in findings
        ]
    else:
        lines.append("The blameless review found nothing to address.")
    proposed = context["proposals"]
    if proposed:
        lines.append(
            f"warroom proposes {counted(len(proposed), 'action item')} that the "
            "analysis implies; accept or dismiss each below."
        )
    blocks = fit_blocks([section(line) for line in lines])
    post(runtime, incident.channel_id, views.Message(lines[0], blocks))
    post_proposals(runtime, incident.channel_id, proposed)
    log.info("incident %s: posted the postmortem draft", incident.id)
    count = counted(len(findings), "finding")
    reply(f"Posted the postmortem draft of {reference} with {count}.")
