"""`/incident changes`: recent commits to the affected services and what they call.

The window is [impact start - investigation.lookback, now]. The impact start is the
incident's `started` milestone, or its declaration when none is marked. The channel
gets the best-ranked commits; a longer list is attached in full as a text file.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.flows.base import Actor, ReplyBlocks, post, require_incident, utc_now
from bot.flows.investigate.system import load_system, share_file
from bot.incidents.naming import incident_reference
from bot.investigate import Change, ChangeReport, find_changes, suspects
from bot.investigate.commands import format_changes
from bot.runtime import Runtime
from bot.slack import views
from bot.slack.blocks import Block, context, escape_mrkdwn, fit_blocks, section

log = logging.getLogger(__name__)

MAX_POSTED_CHANGES = 10
MAX_FILES_PER_CHANGE = 5
MAX_POSTED_DEPLOYS = 10
SUBJECT_LIMIT = 200
HASH_LENGTH = 12


def show_changes(
    runtime: Runtime, actor: Actor, argument: str, reply: ReplyBlocks
) -> None:
    """Post the ranked commits of the incident's services in its channel."""
    if argument.strip():
        raise UserError("`/incident changes` takes no arguments.")
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
    reference = incident_reference(incident.number)
    services = tuple(incident.services)
    if not services:
        raise UserError(
            f"{reference} names no affected services, so there is nothing to look "
            "for. Add them with `/incident services add <name>`."
        )
    marked = incident.impact_started_at is not None
    impact_start = incident.impact_started_at or incident.declared_at

    system = load_system(runtime)
    report = find_changes(
        runtime.settings.config,
        system.sources,
        system.graph,
        services,
        impact_start=impact_start,
        until=utc_now(),
    )
    searched = suspects(system.graph, services)
    lookback = runtime.settings.config.investigation.lookback
    blocks = changes_blocks(report, searched, lookback=lookback, marked=marked)

    assert incident.channel_id is not None
    title = f"Commits to {', '.join(searched)} for {reference}"
    post(runtime, incident.channel_id, views.Message(title, fit_blocks(blocks)))
    attached = len(report.changes) > MAX_POSTED_CHANGES
    if attached:
        share_file(
            runtime,
            incident.channel_id,
            f"changes-{reference}.txt",
            f"All {len(report.changes)} commits for {reference}",
            format_changes(report, searched).encode("utf-8"),
        )
    for warning in report.warnings:
        log.warning("incident %s: changes: %s", incident.id, warning)
    log.info(
        "incident %s: posted %d commits and %d deploy tags",
        incident.id,
        len(report.changes),
        len(report.deploys),
    )
    text = f"Posted {len(report.changes)} commits for {reference}"
    text += ", with the full list attached." if attached else "."
    reply(views.Message(text, [section(text)]))


def changes_blocks(
    report: ChangeReport,
    services: tuple[str, ...],
    *,
    lookback: timedelta,
    marked: bool,
) -> list[Block]:
    """Build the message: the window, the top commits, deploy tags and warnings."""
    blocks = [section(_window_text(report, services, lookback, marked))]
    posted = report.changes[:MAX_POSTED_CHANGES]
    blocks.extend(section(change_text(change)) for change in posted)
    if not report.changes:
        blocks.append(section("No commits touched these services in the window."))
    rest = len(report.changes) - len(posted)
    if rest:
        blocks.append(
            context(f"… and {rest} more commits, all listed in the attached file.")
        )
    if report.deploys:
        blocks.append(section(_deploys_text(report)))
    if report.warnings:
        warnings = "\n".join(escape_mrkdwn(w) for w in report.warnings)
        blocks.append(context(f"Warnings:\n{warnings}"))
    return blocks


def _window_text(
    report: ChangeReport, services: tuple[str, ...], lookback: timedelta, marked: bool
) -> str:
    names = ", ".join(escape_mrkdwn(name) for name in services)
    start = "impact start" if marked else "declaration (no impact start is marked)"
    return (
        f"*Commits to {names}* from {_time(report.since)} to {_time(report.until)} "
        f"by {report.date_field} date: the {start} at {_time(report.impact_start)} "
        f"minus the lookback of {describe_duration(lookback)}. Ranked by closeness "
        f"to the impact start and by overlap with {escape_mrkdwn(services[0])}."
    )


def change_text(change: Change) -> str:
    """Return one commit: hash, subject and flags, then time, author and files."""
    flags = []
    if change.is_merge:
        flags.append("`merge`")
    for tag in change.deploy_tags:
        flags.append(f"`deploy: {_code(tag)}`")
    subject = escape_mrkdwn(change.subject[:SUBJECT_LIMIT])
    files = ", ".join(_code(name) for name in change.files[:MAX_FILES_PER_CHANGE])
    if len(change.files) > MAX_FILES_PER_CHANGE:
        files += f" and {len(change.files) - MAX_FILES_PER_CHANGE} more"
    services = ", ".join(escape_mrkdwn(name) for name in change.services)
    return "\n".join(
        [
            f"`{change.commit[:HASH_LENGTH]}` *{subject}* {' '.join(flags)}".rstrip(),
            f"{_time(change.when)} · {escape_mrkdwn(change.author)} · "
            f"services: {services} · score {change.score:.2f}",
            f"files: {files}",
        ]
    )


def _deploys_text(report: ChangeReport) -> str:
    lines = ["*Deploy tags in the window*"]
    for deploy in report.deploys[:MAX_POSTED_DEPLOYS]:
        lines.append(
            f"• `{_code(deploy.tag)}` at {_time(deploy.created_at)} on "
            f"`{deploy.commit[:HASH_LENGTH]}`"
        )
    if len(report.deploys) > MAX_POSTED_DEPLOYS:
        lines.append(f"… and {len(report.deploys) - MAX_POSTED_DEPLOYS} more")
    return "\n".join(lines)


def describe_duration(duration: timedelta) -> str:
    """Return a duration in its largest whole unit: `7 days`, `12 hours`, `90 min`."""
    seconds = int(duration.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}" + ("" if count == 1 else "s")
    return f"{seconds // 60} min"


def _code(text: str) -> str:
    """Escape text for inline code, where a backtick would end the span."""
    return escape_mrkdwn(text).replace("`", "'")


def _time(moment: datetime) -> str:
    return views.slack_time(moment)
