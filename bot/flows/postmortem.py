"""`/incident postmortem`: post the current draft and its review findings."""

from __future__ import annotations

import logging

from bot.docs.postmortem import build_context, render
from bot.docs.review import review
from bot.errors import UserError
from bot.flows.base import Actor, Reply, post, require_incident
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import escape_mrkdwn, fit_blocks, section

log = logging.getLogger(__name__)


def post_draft(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    if argument:
        raise UserError(
            "Use `/incident postmortem` on its own, in the incident channel."
        )
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
