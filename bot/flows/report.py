"""`/incident report`: post incident trends and their charts in any channel.

The tables go to the channel where the command ran, so everyone there sees the
same figures. Private incidents are counted like the others, but their titles and
failure modes are never shown, because the channel may include people who cannot
see those incidents.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.flows.base import Actor, Reply, post, utc_now
from bot.report.files import draw_charts
from bot.report.periods import MONTH, PERIOD_KINDS, parse_since
from bot.report.tables import render_tables
from bot.report.trends import Report
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import (
    SECTION_TEXT_LIMIT,
    Block,
    escape_mrkdwn,
    fit_blocks,
    section,
)
from bot.slack.blocks import header as header_block
from bot.slo.loader import optional_slo_catalog
from bot.store.report import load_report
from bot.store.slo import consumed_by_service
from bot.text import counted

log = logging.getLogger(__name__)

DEFAULT_SINCE = "90d"
USAGE = (
    "Use `/incident report [--since 90d] [--period month|week]`. --since takes "
    "days (`90d`), weeks (`12w`) or a date (`2026-09-01`)."
)
# The characters of "```\n" and "\n```" around each code block.
FENCE_SIZE = 8


def post_report(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """Post the workspace's trends as tables, then upload the charts beside them."""
    since_text, period_kind = parse_options(argument)
    config = runtime.settings.config
    until = utc_now()
    since = parse_since(since_text, until, ZoneInfo(config.timezone))
    report = _load(runtime, actor.team_id, since, until, period_kind)

    sections = render_tables(report, hide_private=True)
    title = f"Incident trends since {_day(since, report.timezone)}"
    blocks = [header_block(title)]
    for text in sections:
        blocks.extend(code_blocks(text))
    post(runtime, actor.channel_id, views.Message(title, fit_blocks(blocks)))

    uploaded = 0
    for chart in draw_charts(report):
        if chart.png is None:
            continue
        api.upload_file(
            runtime.client,
            channel=actor.channel_id,
            filename=chart.filename,
            title=chart.title,
            content=chart.png,
        )
        uploaded += 1
    log.info(
        "posted a report of %s incidents to %s/%s with %s charts",
        report.incidents,
        actor.team_id,
        actor.channel_id,
        uploaded,
    )
    charts = counted(uploaded, "chart")
    incidents = counted(report.incidents, "incident")
    reply(f"Posted the report of {incidents} with {charts}.")


def parse_options(argument: str) -> tuple[str, str]:
    """Return the --since and --period values of the command text, or defaults."""
    words = argument.split()
    options = {"--since": DEFAULT_SINCE, "--period": MONTH}
    while words:
        name = words.pop(0).lower()
        if name not in options or not words:
            raise UserError(USAGE)
        options[name] = words.pop(0)
    period_kind = options["--period"].lower()
    if period_kind not in PERIOD_KINDS:
        raise UserError(f'--period "{options["--period"]}" is invalid. {USAGE}')
    return options["--since"], period_kind


def code_blocks(text: str) -> list[Block]:
    """Put a table in code blocks, split at line ends to fit Slack's section limit."""
    limit = SECTION_TEXT_LIMIT - FENCE_SIZE
    chunks: list[str] = []
    current = ""
    for line in escape_mrkdwn(text).split("\n"):
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    chunks.append(current)
    return [section(f"```\n{chunk}\n```") for chunk in chunks]


def _load(
    runtime: Runtime, team_id: str, since: datetime, until: datetime, period: str
) -> Report:
    settings = runtime.settings
    catalog = optional_slo_catalog(settings.config.slo_file, settings.docs_repo)
    with runtime.sessions() as session:
        budget = (
            None
            if catalog is None
            else consumed_by_service(session, catalog, team_id, since, until)
        )
        return load_report(
            session,
            team_id,
            settings.config,
            since=since,
            until=until,
            period_kind=period,
            budget=budget,
        )


def _day(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")
