"""`warroom report`: print the trends as tables and write the charts as PNG files."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.errors import UserError
from bot.report.files import draw_charts
from bot.report.periods import parse_since
from bot.report.tables import render_tables
from bot.report.trends import Report
from bot.settings import Settings
from bot.slo.loader import optional_slo_catalog
from bot.store.db import make_session_factory
from bot.store.report import load_report, stored_team_ids
from bot.store.slo import consumed_by_service


def run_report(settings: Settings, engine: Engine, args: argparse.Namespace) -> int:
    """Print the report of one workspace; write its charts when `--png` is given."""
    config = settings.config
    until = datetime.now(UTC)
    since = parse_since(args.since, until, ZoneInfo(config.timezone))
    catalog = optional_slo_catalog(config.slo_file, settings.docs_repo)
    with make_session_factory(engine)() as session:
        team_id = _choose_team(stored_team_ids(session), args.team)
        budget = (
            None
            if catalog is None
            else consumed_by_service(session, catalog, team_id, since, until)
        )
        report = load_report(
            session,
            team_id,
            config,
            since=since,
            until=until,
            period_kind=args.period,
            budget=budget,
        )
    print("\n\n".join(render_tables(report)))
    if args.png:
        _write_charts(Path(args.png), report)
    return 0


def _choose_team(stored: list[str], requested: str | None) -> str:
    if requested:
        return requested
    if len(stored) > 1:
        raise UserError(
            f"Incidents of several workspaces are stored ({', '.join(stored)}); "
            "choose one with --team."
        )
    # With no incident stored, any team gives the same empty report.
    return stored[0] if stored else ""


def _write_charts(folder: Path, report: Report) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"Cannot create the chart folder {folder}: {error}.") from error
    for chart in draw_charts(report):
        if chart.png is None:
            print(
                f"warroom: no {chart.filename}, because {chart.missing_reason}.",
                file=sys.stderr,
            )
            continue
        path = folder / chart.filename
        try:
            path.write_bytes(chart.png)
        except OSError as error:
            raise UserError(f"Cannot write the chart {path}: {error}.") from error
        print(f"warroom: wrote {path}", file=sys.stderr)
