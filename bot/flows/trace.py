"""`/incident trace`: find where an error comes from, from Slack.

In an incident channel the lookback window ends now and starts `lookback` before
the impact start (or the declaration), as for the incident's correlated changes.
The reply shows the top hits; a longer list is also shared as a text file.
"""

from __future__ import annotations

import logging

from bot.errors import SlackCallError, UserError
from bot.flows.base import Actor, Reply, utc_now
from bot.flows.investigate.system import resolve_sources as system_sources
from bot.investigate.system import load_service_graph
from bot.investigate.trace import Hit, TraceQuery, TraceReport, trace, trace_sources
from bot.investigate.trace_format import format_trace, headline, unresolved_frames
from bot.runtime import Runtime
from bot.slack import api
from bot.slack.blocks import escape_mrkdwn
from bot.store import incidents

log = logging.getLogger(__name__)

TOP_HITS = 5
SOURCE_SHOWN = 160
USAGE = (
    "Give the error text, an exception name or a stack trace, e.g. "
    "`/incident trace connection pool exhausted after 3 retries`."
)


def trace_error(runtime: Runtime, actor: Actor, text: str, reply: Reply) -> None:
    """Search the configured repositories and reply with the top hits."""
    if not text.strip():
        raise UserError(USAGE)
    config = runtime.settings.config
    with runtime.sessions() as session:
        incident = incidents.find_by_channel(session, actor.team_id, actor.channel_id)
        start = None
        if incident is not None:
            start = incident.impact_started_at or incident.declared_at
    now = utc_now()
    since = (start or now) - config.investigation.lookback
    sources = system_sources(runtime)
    graph = load_service_graph(config, sources)
    repositories, targets = trace_sources(config, sources, graph)
    query = TraceQuery(text, since, now, config.investigation.change_date)
    report = trace(repositories, targets, query)
    log.info(
        "traced an error for %s/%s: %s hits",
        actor.team_id,
        actor.channel_id,
        len(report.hits),
    )
    summary = slack_summary(report)
    if len(report.hits) > TOP_HITS or report.omitted:
        summary += "\n" + _share_full_list(runtime, actor, report)
    reply(summary)


def slack_summary(report: TraceReport, limit: int = TOP_HITS) -> str:
    """Return the headline and the first `limit` hits as Slack mrkdwn."""
    lines = [escape_mrkdwn(headline(report))]
    for hit in report.hits[:limit]:
        lines.append(_hit_markdown(hit))
    rest = len(report.hits) - limit + report.omitted
    if rest > 0:
        lines.append(f"…and {rest} more.")
    unresolved = unresolved_frames(report)
    if unresolved:
        lines.append(
            f"{len(unresolved)} frames are outside the configured repositories."
        )
    for warning in report.warnings:
        lines.append(f"_{escape_mrkdwn(warning)}_")
    return "\n".join(lines)


def _hit_markdown(hit: Hit) -> str:
    marker = ":new: changed in the window, " if hit.in_window else ""
    function = f" in `{escape_mrkdwn(hit.function)}`" if hit.function else ""
    service = hit.service or "no service"
    source = hit.text[:SOURCE_SHOWN].replace("`", "'")
    text = (
        f"• {marker}`{escape_mrkdwn(hit.file)}:{hit.line}`{function} "
        f"({hit.role}; {escape_mrkdwn(service)})\n    `{escape_mrkdwn(source)}`"
    )
    if hit.blame is not None:
        blame = hit.blame
        when = blame.committed_at.strftime("%Y-%m-%d %H:%M UTC")
        text += (
            f"\n    last changed `{blame.commit[:12]}` {when} by "
            f"{escape_mrkdwn(blame.author)}: {escape_mrkdwn(blame.summary)}"
        )
    return text


def _share_full_list(runtime: Runtime, actor: Actor, report: TraceReport) -> str:
    try:
        api.upload_file(
            runtime.client,
            channel=actor.channel_id,
            filename="trace.txt",
            title="Every place the error was found",
            content=format_trace(report).encode("utf-8"),
        )
    except SlackCallError as error:
        log.warning("could not share the trace list in %s: %s", actor.channel_id, error)
        return "The full list could not be shared here; run `warroom trace` for it."
    return "The full list is shared in this channel as trace.txt."
